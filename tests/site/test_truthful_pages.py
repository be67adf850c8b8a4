"""Pages that tell the truth (issue 12 §3): each structure's real next step on the manager's dashboard, the
« waiting on you » callout of the staff, the funding page's figures, the regional envelopes' total, « déposé
aujourd'hui »."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport
from dotations.enums import PaymentKind, PaymentStatus
from dotations.models import RegionalEnvelope
from dotations.services.payments import payment_record
from tests.conftest import client_for
from tests.factories import (
    CampaignFactory,
    DotationFactory,
    FundedConventionFactory,
    FundedStructureFactory,
    ValidatedReportFactory,
)

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DASHBOARD = reverse("dashboard")


def _page(user, url=DASHBOARD):
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _report(convention, year, status, **fields):
    return AnnualReport.objects.create(
        convention=convention, year=year, status=status, due_date=AnnualReport.default_due_date(year), **fields
    )


# --- The manager's next steps ------------------------------------------------------------------------------------


@pytest.fixture
def manager_world(manager, cnam):
    """Three structures of one manager: a convention in force with nothing to do (« Alpha »), a sent-back 2026
    report past its due date (« Zêta », last by name), and a convention to sign (« Bêta »)."""
    quiet = FundedStructureFactory(manager=manager, name="Alpha santé")
    quiet_convention = FundedConventionFactory(structure=quiet, prepared_by=cnam, start_year=2026)
    late = FundedStructureFactory(manager=manager, name="Zêta santé")
    late_convention = FundedConventionFactory(structure=late, prepared_by=cnam, start_year=2026)
    _report(late_convention, 2026, ReportStatus.RETURNED, return_reason="Valeurs à justifier.")
    to_sign = FundedStructureFactory(manager=manager, name="Bêta santé")
    FundedConventionFactory(structure=to_sign, prepared_by=cnam, start_year=2027).__class__.objects.filter(
        structure=to_sign
    ).update(status=ConventionStatus.SENT)
    return {"quiet": quiet, "quiet_convention": quiet_convention, "late": late, "to_sign": to_sign}


def test_a_sent_back_overdue_report_comes_first(manager_world, manager, time_machine):
    time_machine.move_to(datetime.datetime(2027, 4, 15, 12, 0, tzinfo=PARIS))  # 2026 reports were due 31 March
    html = _page(manager)
    cards = html.split('id="structures-dashboard-title"', 1)[1]
    # The overdue, sent-back report's structure comes first, then the convention to sign, then the quiet one.
    assert cards.index("Zêta santé") < cards.index("Bêta santé") < cards.index("Alpha santé")
    assert "Rapport 2026 renvoyé par l&#x27;ARS et en retard (date limite : 31 mars 2027)" in html
    assert "En retard</span>" in html
    # The callout at the top lists it first too, with a link to the report.
    callout = html.split('id="en-attente"', 1)[1].split("</div>", 1)[0]
    assert callout.index("Zêta santé") < callout.index("Bêta santé")
    report = AnnualReport.objects.get(convention__structure=manager_world["late"])
    assert reverse("conventions:report_detail", args=[report.pk]) in callout
    assert "Alpha santé" not in callout  # nothing waits on the manager there


def test_a_report_not_yet_due_is_to_file_not_late(manager_world, manager, time_machine):
    time_machine.move_to(datetime.datetime(2027, 2, 15, 12, 0, tzinfo=PARIS))
    html = _page(manager)
    assert (
        "Rapport 2026 renvoyé par l&#x27;ARS pour compléments : complétez-le et déposez-le avant le 31 mars 2027."
        in html
    )
    cards = html.split('id="structures-dashboard-title"', 1)[1]
    # A sent-back report and a convention to sign are both to act on: by name then.
    assert cards.index("Bêta santé") < cards.index("Zêta santé") < cards.index("Alpha santé")


def test_a_convention_in_force_replaces_the_promise_of_one(manager_world, manager, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 4, 12, 0, tzinfo=PARIS))
    html = _page(manager)
    reference = manager_world["quiet_convention"].reference
    assert f"Convention {reference} en vigueur jusqu&#x27;au 31 décembre 2028." in html
    cards = html.split('id="structures-dashboard-title"', 1)[1].split("Mes conventions", 1)[0]
    assert "vous proposera une convention" not in cards
    assert "Convention SECPA-DOT" in cards and "à signer" in cards


def test_a_payment_expected_is_the_next_step_of_a_funded_structure(manager, cnam, cnam2, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 15, 12, 0, tzinfo=PARIS))
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
    html = _page(manager)
    card = html.split(dotation.structure.name + "</a></h3>", 1)[1].split("</div>", 1)[0]
    assert f"Versement attendu : avance 2026 de 240\u202f000,00\u00a0€ au plus tard le {advance.due_date.day}" in card
    assert reverse("dotations:funding", args=[dotation.structure_id]) in card
    assert "en vigueur" in card  # the convention, under the payment


def test_the_manager_dashboard_costs_the_same_queries_with_1_or_6_structures(
    manager, cnam, django_assert_max_num_queries, time_machine
):
    time_machine.move_to(datetime.datetime(2027, 4, 15, 12, 0, tzinfo=PARIS))

    def add(n):
        for _ in range(n):
            structure = FundedStructureFactory(manager=manager)
            convention = FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026)
            _report(convention, 2026, ReportStatus.DRAFT)

    add(1)
    client = client_for(manager)
    client.get(DASHBOARD)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(DASHBOARD).status_code == 200
    add(5)
    with django_assert_max_num_queries(len(few)):
        html = client.get(DASHBOARD).content.decode()
    assert html.count("Rapport 2026 en retard") >= 6


# --- The staff's « waiting on you » ------------------------------------------------------------------------------


def test_the_ars_callout_includes_reports_to_validate_and_says_today(manager, ars_idf, cnam, time_machine):
    time_machine.move_to(datetime.datetime(2027, 2, 10, 9, 0, tzinfo=PARIS))
    structure = FundedStructureFactory(manager=manager, name="Centre déposé ce matin")
    convention = FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026)
    _report(convention, 2026, ReportStatus.SUBMITTED, submitted_at=timezone.now() - datetime.timedelta(hours=1))
    other = FundedStructureFactory(manager=manager, name="Centre déposé hier soir")
    _report(
        FundedConventionFactory(structure=other, prepared_by=cnam, start_year=2026),
        2026,
        ReportStatus.SUBMITTED,
        submitted_at=datetime.datetime(2027, 2, 9, 23, 30, tzinfo=PARIS),
    )
    html = _page(ars_idf)
    callout = html.split('id="en-attente"', 1)[1].split("</div>", 1)[0]
    assert "Ce qui attend votre action" in html
    assert "2 rapports annuels à valider" in callout
    assert f'href="{reverse("conventions:report_list")}?statut=submitted"' in callout
    assert "Centre déposé ce matin</a>, déposé aujourd&#x27;hui" in html
    assert "Centre déposé hier soir</a>, déposé il y a 1 jour<" in html  # calendar days, singular
    assert "il y a 0 jour" not in html


def test_the_cnam_callout_lists_what_waits_on_the_cnam(manager, cnam, cnam2):
    campaign = CampaignFactory(year=2026, bareme=False)
    structure = FundedStructureFactory(manager=manager)
    DotationFactory(
        convention=FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026),
        campaign=campaign,
        cnam=cnam,
    )  # proposed
    html = _page(cnam2)
    callout = html.split('id="en-attente"', 1)[1].split("</div>", 1)[0]
    assert "1 dotation proposée à approuver" in callout


def test_nothing_waiting_is_said(ars_ara):
    assert "Rien n'attend votre action pour l'instant." in _page(ars_ara)


# --- The funding page --------------------------------------------------------------------------------------------


def _funding(user, structure_id):
    response = client_for(user).get(reverse("dotations:funding", args=[structure_id]))
    assert response.status_code == 200
    return response


def _years_row(html, year):
    table = html.split('id="funding-years"', 1)[1].split("</table>", 1)[0]
    return re.search(rf"<th scope=\"row\">{year}</th>(.*?)</tr>", table, re.S).group(1)


def test_remaining_is_scheduled_plus_the_balance_to_fix(manager, cnam, cnam2):
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True
    )  # 400 000 €: advance 240 000 € scheduled, balance to fix
    response = _funding(manager, dotation.structure_id)
    row = response.context["rows"][0]
    assert (row.approved, row.paid, row.scheduled, row.to_fix, row.remaining) == (
        Decimal("400000.00"),
        Decimal("0"),
        Decimal("240000.00"),
        Decimal("160000.00"),
        Decimal("400000.00"),
    )
    assert row.scheduled + row.to_fix + row.not_scheduled == row.remaining
    html = response.content.decode()
    assert (
        "reste à verser 400\u202f000,00\u00a0€, dont 240\u202f000,00\u00a0€ programmés et un solde à fixer "
        "d'au plus 160\u202f000,00\u00a0€." in html
    )
    cells = _years_row(html, 2026)
    assert "au plus 160\u202f000,00\u00a0€" in cells


def test_after_the_advance_nothing_reads_programmed_zero_plus_a_balance(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 30), reference="VIR-1")
    html = _funding(manager, dotation.structure_id).content.decode()
    assert '0,00\u00a0€<br><span class="fr-text--xs">+ solde à fixer' not in html
    assert "+ solde à fixer" not in html
    cells = re.findall(r'<td class="secpa-amount"[^>]*>(.*?)</td>', _years_row(html, 2026), re.S)
    assert cells[0] == "400\u202f000,00\u00a0€"  # approved
    assert cells[1] == "240\u202f000,00\u00a0€"  # paid
    assert cells[2] == "—"  # nothing scheduled with an amount
    assert cells[3].startswith("au plus 160\u202f000,00\u00a0€")  # the balance, to be fixed
    assert cells[4] == "160\u202f000,00\u00a0€"  # remaining = the balance's ceiling, no contradiction


def test_a_balance_fixed_below_its_ceiling_says_what_will_not_be_paid(manager, cnam, cnam2, ars_idf):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 30), reference="VIR-1")
    ValidatedReportFactory(
        convention=dotation.convention,
        year=2026,
        validated_by=ars_idf,
        weighted_attainment=Decimal("0.5000"),
        send_signal=True,
    )
    response = _funding(manager, dotation.structure_id)
    row = response.context["rows"][0]
    assert not row.pending_balance and row.to_fix == 0
    assert row.scheduled + row.not_scheduled == row.remaining
    assert (row.scheduled, row.not_scheduled) == (Decimal("80000.00"), Decimal("80000.00"))  # 50 % of 160 000 €
    assert "dont 80\u202f000,00\u00a0€ non versés (solde fixé selon les objectifs)" in response.content.decode()


def test_nothing_approved_is_an_empty_state_without_a_chart(manager, cnam):
    structure = FundedStructureFactory(manager=manager)
    FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026)
    html = _funding(manager, structure.pk).content.decode()
    assert 'id="funding-empty"' in html
    assert "Aucune dotation approuvée pour l'instant" in html
    assert '<svg class="secpa-chart"' not in html and "Reste à verser" not in html


# --- The regional envelopes ----------------------------------------------------------------------------------------


def test_the_regional_envelopes_total_is_theirs_not_the_national_envelope(manager, cnam):
    campaign = CampaignFactory(year=2026, envelope=Decimal("14000000.00"), bareme=False)
    RegionalEnvelope.objects.create(campaign=campaign, region_id="11", amount=Decimal("2000000.00"))
    RegionalEnvelope.objects.create(campaign=campaign, region_id="84", amount=Decimal("1500000.00"))
    DotationFactory(
        convention=FundedConventionFactory(
            structure=FundedStructureFactory(manager=manager), prepared_by=cnam, start_year=2026
        ),
        campaign=campaign,
        cnam=cnam,
    )
    html = _page(cnam, reverse("dotations:campaign_detail", args=[2026]))
    footer = html.split('id="region-totals"', 1)[1].split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert footer.rstrip().endswith("3\u202f500\u202f000,00\u00a0€</td></tr>")
    assert "14\u202f000\u202f000,00" not in footer
    assert "l'enveloppe nationale de la campagne (14\u202f000\u202f000,00\u00a0€) est un plafond distinct" in html
