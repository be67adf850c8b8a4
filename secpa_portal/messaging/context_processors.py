def unread(request):
    """``unread_messages`` for the header: a counter on the user row, already loaded (no query)."""
    user = getattr(request, "user", None)
    return {"unread_messages": getattr(user, "unread_messages", 0) if user is not None else 0}
