"""Demo message threads on a convention and a dotation (the structures' demo writes those on files, and the
annual reports' demo opens one when it returns a report). Idempotent: a dossier that has messages is skipped."""

from conventions.models import Convention
from dotations.enums import DotationStatus
from dotations.models import Dotation
from secpa_portal.accounts.enums import Role
from secpa_portal.messaging.models import Message
from secpa_portal.messaging.services import post_message


def _thread(obj, kind, exchanges):
    if Message.objects.of(kind, obj.pk).exists():
        return
    for user, text in exchanges:
        if user is not None:
            post_message(user=user, obj=obj, text=text)


def _manager(structure):
    membership = structure.memberships.select_related("user").filter(user__role=Role.MANAGER).first()
    return membership.user if membership else None


def seed(users: dict) -> None:
    cnam = users.get("cnam@secpa.example")
    convention = Convention.objects.active().select_related("structure").order_by("pk").first()
    if convention is not None:
        _thread(
            convention,
            "convention",
            [
                (
                    _manager(convention.structure),
                    "Bonjour, l'avance de l'an prochain pourra-t-elle être versée en janvier plutôt qu'en mars ? "
                    "Nos salaires de médiation sont dus dès le premier mois.",
                ),
                (
                    cnam,
                    "Les dates de versement suivent les termes signés de la convention : un avenant peut les "
                    "modifier. Nous vous en proposons un.",
                ),
            ],
        )
    dotation = (
        Dotation.objects.filter(status=DotationStatus.APPROVED)
        .select_related("structure", "campaign")
        .order_by("pk")
        .first()
    )
    if dotation is not None:
        _thread(
            dotation,
            "dotation",
            [
                (
                    _manager(dotation.structure),
                    "La ligne « interprétariat » repose sur les heures déclarées en 2025 : notre rapport 2026 en "
                    "comptera davantage. Le solde en tiendra-t-il compte ?",
                ),
                (
                    cnam,
                    "Oui : le solde est calculé quand le rapport annuel est validé par l'ARS, sur ses chiffres.",
                ),
            ],
        )
