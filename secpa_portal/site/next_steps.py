"""Each structure's real next step, said to its manager on the dashboard (site level: it reads three apps).

The structures app alone only knows the file's status (``structures.selectors.next_step``); here the convention,
the annual reports and the payments complete it. Every step has an urgency; a card shows its most urgent step
first, and the cards are sorted by it, so an overdue or sent-back report comes first on the dashboard.
Four queries whatever the number of structures (the managers' structures are already read by the section).
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention
from conventions.perms.reports import EDITABLE_STATUSES
from dotations.enums import PaymentStatus
from dotations.models import Payment
from secpa_portal.core.formats import date_fr, euros
from structures.enums import StructureStatus

# Urgency: lower comes first.
OVERDUE = 0  # a report past its due date (sent back or not)
TO_ACT = 1  # a report sent back, a convention to sign, a file to complete
TO_FILE = 2  # a report to file before its due date
EXPECTED = 3  # a payment expected, a signature awaited from the CNAM
INFORMATION = 4  # nothing to do: a convention in force, a file being reviewed


@dataclass(frozen=True)
class Step:
    text: str
    urgency: int
    waiting_on_manager: bool
    url: str = ""
    link_label: str = ""


@dataclass
class Card:
    structure: object
    steps: list[Step] = field(default_factory=list)

    @property
    def next_step(self) -> Step:
        return self.steps[0]

    @property
    def other_steps(self) -> list[Step]:
        return self.steps[1:]

    @property
    def waiting_on_manager(self) -> bool:
        return self.next_step.waiting_on_manager

    @property
    def sort_key(self):
        return (self.next_step.urgency, self.structure.name.casefold(), self.structure.pk)


def _report_step(report, today) -> Step:
    url = reverse("conventions:report_detail", args=[report.pk])
    values = {"year": report.year, "due": date_fr(report.due_date)}
    late = report.due_date < today
    if report.status == ReportStatus.RETURNED:
        text = (
            _("Rapport %(year)s renvoyé par l'ARS et en retard (date limite : %(due)s) : complétez-le et déposez-le.")
            if late
            else _(
                "Rapport %(year)s renvoyé par l'ARS pour compléments : complétez-le et déposez-le avant le %(due)s."
            )
        )
        return Step(text % values, OVERDUE if late else TO_ACT, True, url, _("Compléter le rapport"))
    if late:
        text = _("Rapport %(year)s en retard : la date limite était le %(due)s. Déposez-le dès que possible.")
        return Step(text % values, OVERDUE, True, url, _("Déposer le rapport"))
    text = _("Rapport %(year)s à déposer avant le %(due)s.")
    return Step(text % values, TO_FILE, True, url, _("Remplir le rapport"))


def _convention_step(convention) -> Step | None:
    url = reverse("conventions:detail", args=[convention.pk])
    values = {"reference": convention.reference, "end": date_fr(convention.end_date)}
    if convention.status == ConventionStatus.SENT:
        text = _("Convention %(reference)s à signer : l'assurance maladie l'attend pour la signer à son tour.")
        return Step(text % values, TO_ACT, True, url, _("Lire et signer la convention"))
    if convention.status == ConventionStatus.SIGNED_BY_STRUCTURE:
        text = _("Convention %(reference)s signée : elle attend la signature de l'assurance maladie.")
        return Step(text % values, EXPECTED, False, url, _("Voir la convention"))
    if convention.status == ConventionStatus.ACTIVE:
        text = _("Convention %(reference)s en vigueur jusqu'au %(end)s.")
        return Step(text % values, INFORMATION, False, url, _("Voir la convention"))
    return None


def _payment_step(payment) -> Step:
    values = {
        "kind": payment.get_kind_display().lower(),
        "year": payment.dotation.campaign.year,
        "due": date_fr(payment.due_date),
    }
    if payment.amount is None:
        text = _(
            "Versement attendu : %(kind)s %(year)s au plus tard le %(due)s, montant fixé à la validation du rapport."
        )
    else:
        values["amount"] = euros(payment.amount)
        text = _("Versement attendu : %(kind)s %(year)s de %(amount)s au plus tard le %(due)s.")
    url = reverse("dotations:funding", args=[payment.dotation.structure_id])
    return Step(text % values, EXPECTED, False, url, _("Voir les financements"))


def _file_step(structure, status_text) -> Step:
    waiting = structure.status in (StructureStatus.DRAFT, StructureStatus.CHANGES_REQUESTED)
    url = reverse("structures:detail", args=[structure.pk])
    return Step(status_text, TO_ACT if waiting else INFORMATION, waiting, url, _("Voir le dossier"))


def manager_cards(user, section_cards, today=None) -> list[Card]:
    """The manager's cards (``section_cards``: the structures section's, with each file's status step), each with
    its steps, most urgent first; the cards sorted by their most urgent step."""
    today = today or timezone.localdate()
    ids = [card.structure.pk for card in section_cards]
    steps: dict[int, list[Step]] = {pk: [] for pk in ids}
    live_convention: set[int] = set()
    if ids:
        conventions = (
            Convention.objects.visible_to(user)
            .filter(
                structure_id__in=ids,
                status__in=(ConventionStatus.SENT, ConventionStatus.SIGNED_BY_STRUCTURE, ConventionStatus.ACTIVE),
            )
            .order_by("start_date", "pk")
        )
        for convention in conventions:
            step = _convention_step(convention)
            if step is not None:
                steps[convention.structure_id].append(step)
                live_convention.add(convention.structure_id)
        reports = (
            AnnualReport.objects.visible_to(user)
            .filter(convention__structure_id__in=ids, status__in=EDITABLE_STATUSES)
            .select_related("convention")
            .order_by("due_date", "pk")
        )
        for report in reports:
            steps[report.convention.structure_id].append(_report_step(report, today))
        payments = (
            Payment.objects.visible_to(user)
            .filter(status=PaymentStatus.SCHEDULED, dotation__structure_id__in=ids)
            .select_related("dotation__campaign")
            .order_by("due_date", "pk")
        )
        seen: set[int] = set()
        for payment in payments:  # the next one per structure
            if payment.dotation.structure_id not in seen:
                seen.add(payment.dotation.structure_id)
                steps[payment.dotation.structure_id].append(_payment_step(payment))
    cards = []
    for section_card in section_cards:
        structure = section_card.structure
        mine = steps[structure.pk]
        # The file's own step, unless a convention already says more (« l'assurance maladie vous proposera une
        # convention » is false once one is sent or in force).
        if not (structure.status == StructureStatus.ELIGIBLE and structure.pk in live_convention):
            mine.append(_file_step(structure, section_card.next_step))
        mine.sort(key=lambda step: step.urgency)  # stable: reports by due date, then conventions, payments
        cards.append(Card(structure=structure, steps=mine))
    return sorted(cards, key=lambda card: card.sort_key)


def waiting_steps(cards) -> list[tuple[object, Step]]:
    """Every step waiting on the manager, most urgent first: (structure, step)."""
    items = [(card.structure, step) for card in cards for step in card.steps if step.waiting_on_manager]
    return sorted(items, key=lambda item: (item[1].urgency, item[0].name.casefold()))
