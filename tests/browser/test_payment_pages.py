"""The payment pages in a real browser: recording a payment, the manager's funding page, accessibility."""

from decimal import Decimal

import pytest

from dotations.enums import PaymentKind, PaymentStatus
from tests.browser.conftest import assert_accessible, login, logout
from tests.dotations.reference_data import reference_regions  # noqa: E402,F401  (autouse)
from tests.factories import DotationFactory, ValidatedReportFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_cnam_records_a_payment_and_the_manager_sees_it(page, manager, cnam, cnam2, ars_idf):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("452300.00"))
    ValidatedReportFactory(
        convention=dotation.convention,
        year=2026,
        validated_by=ars_idf,
        send_signal=True,
        weighted_attainment=Decimal("0.7500"),
    )

    login(page, cnam.email)
    page.goto("/financements/versements/")
    assert_accessible(page)
    page.get_by_role("link", name="Enregistrer le versement avance 2026").click()
    assert page.locator("h1").inner_text() == "Enregistrer un versement"
    page.get_by_label("Date du virement").fill("30/03/2026")
    page.get_by_label("Référence du virement").fill("VIR-2026-000123")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer le versement").click()
    assert page.get_by_text("est enregistré").is_visible()
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
    assert advance.status == PaymentStatus.PAID
    page.goto(f"/financements/versements/{advance.pk}/annuler/")
    assert page.locator("h1").inner_text() == "Annuler un versement"
    page.get_by_role("button", name="Confirmer l'annulation").click()
    assert page.get_by_text("Le motif de l'annulation est obligatoire.").first.is_visible()
    assert_accessible(page)
    logout(page)

    login(page, manager.email)
    page.goto(f"/financements/structures/{dotation.structure_id}/")
    assert page.locator("svg[role=img]").count() == 1
    assert page.get_by_text("VIR-2026-000123").is_visible()
    assert page.get_by_role("cell", name="271\u202f380,00\u00a0€").first.is_visible()  # 452 300 × 0,60
    assert_accessible(page)
