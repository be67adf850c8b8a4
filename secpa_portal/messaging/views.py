"""The thread of a dossier, its attachments (served only through the dossier's scope) and the unread inbox.

Lookups go through the dossier's ``visible_to(user)``; a user who sees the dossier without taking part in
its thread gets the same 404 as one out of scope.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from secpa_portal.core import lists
from secpa_portal.core.errors import DomainError
from secpa_portal.core.lists import Listing
from secpa_portal.core.uploads import serve_file

from . import perms, registry, services
from .forms import MessageForm
from .models import Attachment, Message, Side, Unread

# The inbox has one order (newest first): only the pagination of the list mechanism serves.
INBOX = Listing(
    sorts={},
    default="",
    row_fields=(
        *("message__dossier_kind", "message__object_id", "message__dossier_label", "message__author_label"),
        *("message__side", "message__created_at"),
    ),
)


def _dossier_in_scope(request, kind: str, object_id: int):
    dossier = registry.get(kind)
    if dossier is None:
        raise Http404
    queryset = dossier.model.objects.visible_to(request.user)
    if dossier.select_related:
        queryset = queryset.select_related(*dossier.select_related)
    obj = get_object_or_404(queryset, pk=object_id)
    if not perms.can_take_part(request.user, dossier, obj):
        raise Http404
    return dossier, obj


def _render_thread(request, dossier, obj, form, *, status=200):
    thread = list(Message.objects.of(dossier.kind, obj.pk).prefetch_related("attachments"))
    unread_ids = set(
        Unread.objects.filter(
            user=request.user, message__dossier_kind=dossier.kind, message__object_id=obj.pk
        ).values_list("message_id", flat=True)
    )
    if unread_ids:
        services.mark_read(user=request.user, kind=dossier.kind, object_id=obj.pk)
    label = dossier.label(obj)
    context = {
        "dossier_label": label,
        "dossier_url": dossier.url(obj),
        "thread": thread,
        "unread_ids": unread_ids,
        "form": form,
        "action_url": reverse("messaging:thread", args=[dossier.kind, obj.pk]),
        "crumbs": [(label, dossier.url(obj)), (_("Messages"), None)],
        "is_manager": request.user.is_manager,
    }
    return render(request, "messaging/thread.html", context, status=status)


@require_http_methods(["GET", "POST"])
def thread(request, kind, pk):
    dossier, obj = _dossier_in_scope(request, kind, pk)
    if request.method == "GET":
        return _render_thread(request, dossier, obj, MessageForm())
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_thread(request, dossier, obj, form)
    uploaded = form.cleaned_data.get("file")
    try:
        message = services.post_message(
            user=request.user, obj=obj, text=form.cleaned_data["text"], files=[uploaded] if uploaded else []
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _render_thread(request, dossier, obj, form)
    messages.success(
        request,
        _("Votre message est envoyé. Vos interlocuteurs en sont avertis par courriel (sans le contenu du message)."),
    )
    return redirect(reverse("messaging:thread", args=[dossier.kind, obj.pk]) + f"#message-{message.pk}")


@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    # The same scope check as the thread: the dossier in visible_to, and a participant of its thread.
    _dossier_in_scope(request, attachment.message.dossier_kind, attachment.message.object_id)
    return serve_file(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@require_GET
def inbox(request):
    """The messages the user has not read yet, newest first (each links to its thread), a page at a time."""
    unread = (
        Unread.objects.filter(user=request.user)
        .select_related("message")
        .order_by("-message__created_at", "-message_id")
    )
    # The header's counter is the count of these rows (``services`` keeps it so): the paginator needs no COUNT.
    page = INBOX.paginate(unread, request.GET, count=request.user.unread_messages)
    threads = {}  # one ``reverse`` per kind of dossier, not per row
    rows = []
    for row in page.object_list:
        message = row.message
        if message.dossier_kind not in threads:
            threads[message.dossier_kind] = lists.url_pattern("messaging:thread", message.dossier_kind)
        rows.append({"message": message, "url": lists.fill(threads[message.dossier_kind], message.object_id)})
    context = {
        "rows": rows,
        "side_labels": lists.labels(Side),
        "page_obj": page,
        "page_range": page.page_range_elided,
        "ellipsis": Paginator.ELLIPSIS,
        "crumbs": [(_("Messages non lus"), None)],
    }
    return render(request, "messaging/inbox.html", context)
