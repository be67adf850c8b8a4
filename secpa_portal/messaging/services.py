"""Every write on a thread: post a message (journaled, e-mailed to the other side), mark a thread read."""

import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.services import require
from secpa_portal.journal.services import record_event

from . import notifications, perms, registry
from .models import Attachment, Message, Side, Unread

MAX_MESSAGE_LENGTH = 5000


def participants(dossier: registry.Dossier, obj) -> tuple[list, list]:
    """(the structure's side, the agents' side): the active users who may read the thread of ``obj``."""
    users = get_user_model().objects.filter(is_active=True)
    managers = list(users.filter(role=Role.MANAGER, memberships__structure_id=dossier.structure_id(obj)))
    # A manager may not see the dossier yet (a convention still in draft, a dotation not approved).
    if managers and not dossier.model.objects.visible_to(managers[0]).filter(pk=obj.pk).exists():
        managers = []
    agents = list(users.filter(role=Role.ARS_AGENT, region_id=dossier.region_id(obj)))
    if Role.CNAM_AGENT in dossier.agent_roles:
        agents += list(users.filter(role=Role.CNAM_AGENT))
    return managers, agents


@transaction.atomic
def post_message(*, user, obj, text: str, files=(), opens_with_reason: str = "", checked=False) -> Message:
    """``user`` writes on the thread of ``obj``; ``files`` went through ``core.uploads.clean_upload``.

    ``checked``: the caller (a service of the dossier's app) already checked the actor, e.g. the agent who
    sends a file back, whose reason opens the thread.
    """
    dossier = registry.for_object(obj)
    require(
        checked or perms.can_take_part(user, dossier, obj),
        _("Vous ne participez pas aux échanges sur ce dossier."),
    )
    text = (text or "").strip()
    require(bool(text), _("Le message est vide : écrivez votre message avant de l'envoyer."))
    require(
        len(text) <= MAX_MESSAGE_LENGTH,
        _("Le message dépasse %(limit)s caractères : raccourcissez-le.") % {"limit": MAX_MESSAGE_LENGTH},
    )
    side = Side.STRUCTURE if user.is_manager else Side.AGENCY
    message = Message.objects.create(
        dossier_kind=dossier.kind,
        object_id=obj.pk,
        structure_id=dossier.structure_id(obj),
        dossier_label=str(dossier.label(obj))[:300],
        author=user,
        author_label=str(user)[:300],
        side=side,
        text=text,
        opens_with_reason=opens_with_reason,
    )
    names = []
    for uploaded in files:
        Attachment.objects.create(
            message=message,
            file=uploaded,
            original_name=uploaded.name[:255],
            content_type=getattr(uploaded, "content_type", "") or "application/octet-stream",
            size=uploaded.size,
        )
        names.append(uploaded.name[:255])
    managers, agents = participants(dossier, obj)
    readers = [other for other in {u.pk: u for u in managers + agents}.values() if other.pk != user.pk]
    Unread.objects.bulk_create([Unread(user=other, message=message) for other in readers])
    get_user_model().objects.filter(pk__in=[other.pk for other in readers]).update(
        unread_messages=F("unread_messages") + 1
    )
    if not opens_with_reason:
        # A send-back's reason is journaled by its decision event, and its own e-mail tells the structure.
        _journal(user, obj, message, names)
        notifications.notify_message_posted(message, agents if side == Side.STRUCTURE else managers)
    return message


def _journal(user, obj, message, names):
    record_event(
        actor=user,
        verb="message_posted",
        summary=_("Message envoyé (%(dossier)s)") % {"dossier": message.dossier_label},
        obj=obj,
        structure_id=message.structure_id,
        payload={
            "message": message.pk,
            "side": message.side,
            "text_sha256": hashlib.sha256(message.text.encode()).hexdigest(),
            "attachments": names,
        },
    )


@transaction.atomic
def mark_read(*, user, kind: str, object_id: int) -> int:
    """The thread is opened by ``user``: its messages are no longer unread for them."""
    deleted, _counts = Unread.objects.filter(
        user=user, message__dossier_kind=kind, message__object_id=object_id
    ).delete()
    if deleted:
        # Recounted rather than decremented: exact even if two tabs open the thread at once.
        count = Unread.objects.filter(user=user).count()
        get_user_model().objects.filter(pk=user.pk).update(unread_messages=count)
        user.unread_messages = count
    return deleted
