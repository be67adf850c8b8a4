"""Abandoning an avenant in a real browser: the button opens the DSFR modal holding the reason; a post without one
lands on the confirmation page with the French error; axe finds no serious or critical violation."""

from decimal import Decimal

import pytest

from conventions.enums import AmendmentStatus
from conventions.models import Amendment
from conventions.services import amendments as services
from tests.browser.conftest import assert_accessible, login
from tests.dotations.reference_data import reference_regions  # noqa: F401  (autouse: regions after a flush)
from tests.factories import FundedConventionFactory, FundedStructureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FROM_2027 = {"from_year": 2027, "advance_share": Decimal("0.50"), "advance_due": "01-31", "balance_due": "04-30"}


def test_the_modal_asks_for_the_reason_and_the_page_keeps_a_refused_post(page, manager, cnam, cnam2):
    convention = FundedConventionFactory(structure=FundedStructureFactory(manager=manager), prepared_by=cnam)
    amendment = services.amendment_save(convention=convention, user=cnam, summary="Avance à 50 %.", terms=FROM_2027)
    services.amendment_send(amendment=amendment, user=cnam)

    login(page, cnam2.email)
    page.goto(f"/conventions/{convention.pk}/avenants/1/")
    page.get_by_role("button", name="Abandonner l'avenant").click()
    modal = page.get_by_role("dialog", name=f"Abandonner l'avenant n° 1 à la convention {convention.reference} ?")
    modal.wait_for(state="visible")
    assert modal.get_by_text("Les gestionnaires de la structure recevront un courriel avec le motif.").is_visible()
    assert_accessible(page)
    modal.get_by_role("button", name="Abandonner l'avenant").click()
    # Refused (no reason): the confirmation page, with the error beside the field.
    page.get_by_role(
        "heading", level=1, name=f"Abandonner l'avenant n° 1 à la convention {convention.reference} ?"
    ).wait_for()
    assert page.get_by_text("Un motif écrit est obligatoire.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Motif").fill("Remplacé par un avenant à partir de 2028.")
    page.get_by_role("button", name="Abandonner l'avenant").click()
    assert page.get_by_text("L'avenant n° 1 est abandonné : il ne change rien à la convention.").is_visible()
    assert Amendment.objects.get().status == AmendmentStatus.ABANDONED
    assert_accessible(page)
