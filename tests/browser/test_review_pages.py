"""The ARS side in a real browser: list with filters and pages, review page, take, decision with its
confirmation step, private note, dashboards of the three roles; axe finds no serious or critical violation."""

import pytest

from structures.enums import StructureStatus as S
from structures.models import Structure
from tests.browser.conftest import assert_accessible, login, logout
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_review_pages_are_accessible(page, manager, ars_idf, cnam):
    for n in range(27):  # more than one page of the list
        StructureFactory(manager=manager, submitted=True, name=f"Centre de santé n° {n:02d}")
    target = StructureFactory(manager=manager, submitted=True, name="Centre de santé Pleyel")
    StructureFactory(
        manager=manager, in_review=True, reviewer=ars_idf, name="Maison de santé du 19e", commune_code="75119"
    )

    login(page, ars_idf.email)
    assert page.get_by_role("heading", name="Instruction des dossiers").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Structures", exact=True).click()
    assert page.get_by_text("29 structures").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Page suivante").first.click()
    assert_accessible(page)
    page.get_by_label("Rechercher").fill("pleyel")
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_text("1 structure correspondant aux filtres").is_visible()
    page.get_by_role("link", name="Statut").click()
    assert_accessible(page)

    page.get_by_role("link", name="Instruction de Centre de santé Pleyel").click()
    assert page.get_by_role("heading", name="Pré-contrôle automatique").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Prendre en charge").click()
    assert page.get_by_text("Vous instruisez désormais ce dossier.").is_visible()
    assert_accessible(page)

    page.get_by_label("Nouvelle note").fill("Appel à la directrice prévu lundi.")
    page.get_by_role("button", name="Ajouter la note").click()
    assert page.get_by_text("Appel à la directrice prévu lundi.").is_visible()

    # A refusal without a reason is sent back with a French error, then confirmed with one.
    page.locator("label[for=id_decision_2]").click()
    page.get_by_role("button", name="Vérifier et confirmer la décision").click()
    assert page.get_by_text("Indiquez le motif du refus").first.is_visible()
    assert page.get_by_role("radio", name="Non éligible").is_checked()
    assert_accessible(page)
    page.locator("#id_reason").fill("Le territoire desservi ne relève pas du dispositif.")
    page.get_by_role("button", name="Vérifier et confirmer la décision").click()
    assert page.get_by_role("heading", name="Confirmer la décision").is_visible()
    assert page.get_by_text(manager.email).is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer : déclarer non éligible").click()
    assert page.get_by_text("est déclarée non éligible").is_visible()
    assert Structure.objects.get(pk=target.pk).status == S.INELIGIBLE
    assert_accessible(page)
    logout(page)

    login(page, cnam.email)
    assert page.get_by_text("Structures par région").is_visible()
    assert_accessible(page)
    page.goto(f"/structures/{target.pk}/instruction/")
    assert page.get_by_text("Consultation : l'instruction relève").is_visible()
    assert_accessible(page)
    logout(page)

    login(page, manager.email)
    assert page.get_by_role("heading", name="Mes structures").first.is_visible()
    assert_accessible(page)
    page.goto("/structures/")
    assert_accessible(page)
    page.goto(f"/structures/{target.pk}/instruction/")
    assert page.get_by_role("heading", name="Accès réservé aux agents instructeurs").is_visible()
    assert "lundi" not in page.content()
    assert_accessible(page)
