"""The structure page: the whole file, its pre-check and its timeline, for every role in scope."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import perms
from .common import crumbs, file_context, load_structure, timeline


@require_GET
def structure_detail(request, pk):
    user = request.user
    structure = load_structure(request, pk)
    context = file_context(structure)
    context.update(
        {
            "timeline": timeline(structure, user),
            "can_edit": perms.can_edit(user, structure),
            "can_submit": perms.can_submit(user, structure),
            "can_withdraw": perms.can_withdraw(user, structure),
            "can_reopen_withdrawn": perms.can_reopen_withdrawn(user, structure),
            "reopen_deadline": perms.withdrawn_reopen_deadline(structure),
            "can_see_review": perms.can_see_review(user, structure),
            "can_manage_members": perms.can_manage_members(user, structure),
            "is_staff_view": user.is_ars_agent or user.is_cnam_agent,
            "crumbs": crumbs(structure),
        }
    )
    return render(request, "structures/detail.html", context)
