"""The dotation journey in a real browser: one CNAM agent computes the campaign and proposes a dotation, another
approves it, a payment is recorded, and the structure's manager sees it on the funding page. Every page of the
journey passes the axe check (no serious or critical violation)."""

import pytest

from dotations.enums import DotationStatus, PaymentKind, PaymentStatus
from dotations.models import Dotation
from tests.browser.journeys import assert_alert, click, fill, heading, login_as, logout_from, visit
from tests.dotations.reference_data import reference_regions  # noqa: E402,F401  (autouse)
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADVANCE = "136\u202f680,00\u00a0€"  # 60 % of the 227 800,00 € computed from the registration figures


def test_compute_propose_approve_pay_and_the_manager_sees_it(page, manager, cnam, cnam2):
    CampaignFactory(year=2026)
    convention = FundedConventionFactory(manager=manager, start_year=2026)
    structure = convention.structure

    # The first CNAM agent computes the campaign and proposes the dotation.
    login_as(page, cnam)
    visit(page, "/financements/campagnes/2026/")
    click(page, "Calculer la campagne")
    dotation = Dotation.objects.get(convention=convention)
    assert dotation.total == EXPECTED_TOTAL
    visit(page, f"/financements/dotations/?campaign=2026&structure={structure.name}")
    click(page, structure.name, role="link")
    assert structure.name in heading(page)
    click(page, "Proposer", role="link")
    click(page, "Proposer la dotation")
    dotation.refresh_from_db()
    assert dotation.status == DotationStatus.PROPOSED
    logout_from(page)

    # The second agent approves it: the schedule appears on the dotation page.
    login_as(page, cnam2)
    visit(page, f"/financements/dotations/{dotation.pk}/")
    click(page, "Approuver", role="link")
    click(page, "Approuver la dotation")
    dotation.refresh_from_db()
    assert (dotation.status, dotation.approved_by) == (DotationStatus.APPROVED, cnam2)
    assert page.locator("#dotation-payments").get_by_role("cell", name=ADVANCE, exact=True).is_visible()

    # The advance is recorded from the payments list.
    visit(page, "/financements/versements/?statut=scheduled")
    page.get_by_role("link", name=f"Enregistrer le versement avance 2026 de {structure.name}").click()
    assert heading(page) == "Enregistrer un versement"
    fill(page, {"Date du virement": "30/03/2026", "Référence du virement": "VIR-2026-000777"})
    click(page, "Confirmer le versement")
    assert_alert(page, "est enregistré")
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
    assert (advance.status, advance.reference) == (PaymentStatus.PAID, "VIR-2026-000777")
    logout_from(page)

    # The manager sees it on the funding page.
    login_as(page, manager)
    click(page, "Mes financements", role="link")
    assert heading(page) == f"Financements de {structure.name}"
    assert page.locator("svg[role=img]").count() == 1
    assert page.get_by_text("VIR-2026-000777").is_visible()
    by_year = page.get_by_role("table", name="Financements par année")
    row = by_year.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="2026"))
    assert ADVANCE in row.inner_text()
