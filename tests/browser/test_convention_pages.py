"""The convention pages in a real browser: preparation with an objective, an avenant, the catalogue and the
print view; axe finds no serious or critical violation on any of them."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from conventions.models import Convention, Indicator
from conventions.services.amendments import amendment_save, amendment_send
from tests.browser.conftest import assert_accessible, login, logout
from tests.browser.journeys import shot
from tests.factories import ConventionFactory, StructureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_convention_pages_are_accessible(page, manager, ars_idf, cnam, cnam2):
    active = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
    )
    amendment = amendment_save(
        convention=active,
        user=cnam,
        summary="Cible 2028 de réunions de coordination relevée.",
        targets=[
            {"indicator": Indicator.objects.get(code="coordination_meetings"), "year": 2028, "value": Decimal(30)}
        ],
    )
    amendment_send(amendment=amendment, user=cnam)
    eligible = StructureFactory(
        manager=manager, reviewer=ars_idf, eligible=True, name="Centre de santé des Francs-Moisins"
    )

    login(page, cnam.email)
    page.goto("/conventions/")
    assert_accessible(page)
    page.get_by_role("link", name="Structures éligibles sans convention").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Préparer la convention de Centre de santé des Francs-Moisins").click()
    page.get_by_label("Date de début").fill("32/01/2026")
    page.get_by_role("button", name="Créer la convention").click()
    assert page.get_by_text("Saisissez une date au format JJ/MM/AAAA").first.is_visible()
    assert page.get_by_label("Date de début").input_value() == "32/01/2026"
    assert_accessible(page)
    page.get_by_label("Date de début").fill("01/01/2026")
    page.get_by_role("button", name="Créer la convention").click()
    convention = Convention.objects.get(structure=eligible)
    page.wait_for_url(f"**/conventions/{convention.pk}/")
    assert page.get_by_text("Ajoutez au moins un objectif.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Intitulé de l'objectif").fill("Mieux coordonner les soins")
    page.locator("#id_lignes-0-indicator").select_option(label="Réunions de coordination pluriprofessionnelles tenues")
    page.locator("#id_lignes-0-baseline").fill("10")
    page.locator("#id_lignes-0-points").fill("20")
    page.locator("#id_lignes-0-target_2026").fill("8")
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    assert page.get_by_text("la cible ne peut pas être sous la valeur de référence").first.is_visible()
    shot(page, "objective-errors")
    assert_accessible(page)
    for year, value in zip(range(2026, 2031), ("12", "14", "16", "18", "20"), strict=True):
        page.locator(f"#id_lignes-0-target_{year}").fill(value)
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    # The law wants indicators of quality, performance and satisfaction: the draft says so before any button.
    assert page.get_by_text("ajoutez à un objectif au moins un indicateur de qualité").first.is_visible()
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Intitulé de l'objectif").fill("Qualité des soins et satisfaction des usagers")
    for line, (label, baseline, targets) in enumerate(
        (
            ("Part des patients de 65 ans et plus vaccinés contre la grippe", "40", ("42", "44", "46", "48", "50")),
            ("Part des rendez-vous non honorés", "20", ("18", "16", "14", "12", "10")),
        )
    ):
        page.locator(f"#id_lignes-{line}-indicator").select_option(label=label)
        page.locator(f"#id_lignes-{line}-baseline").fill(baseline)
        page.locator(f"#id_lignes-{line}-points").fill("10")
        for year, value in zip(range(2026, 2031), targets, strict=True):
            page.locator(f"#id_lignes-{line}-target_{year}").fill(value)
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    assert page.get_by_text(
        "ajoutez à un objectif au moins un indicateur de satisfaction des usagers"
    ).first.is_visible()
    assert not page.get_by_text("ajoutez à un objectif au moins un indicateur de qualité").count()
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Intitulé de l'objectif").fill("Satisfaction des usagers")
    page.locator("#id_lignes-0-indicator").select_option(
        label="Part des usagers satisfaits ou très satisfaits (enquête annuelle)"
    )
    page.locator("#id_lignes-0-baseline").fill("70")
    page.locator("#id_lignes-0-points").fill("10")
    for year, value in zip(range(2026, 2031), ("72", "74", "76", "78", "80"), strict=True):
        page.locator(f"#id_lignes-0-target_{year}").fill(value)
    page.get_by_role("button", name="Enregistrer l'objectif").click()
    page.get_by_role("link", name="Envoyer à la structure").click()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer la convention").click()
    assert page.get_by_text("est envoyée").is_visible()
    # Focus lands on the outcome, not on <body>.
    assert page.evaluate("document.activeElement.hasAttribute('data-secpa-message')")

    page.goto(f"/conventions/{active.pk}/")
    assert_accessible(page)
    page.goto(f"/conventions/{active.pk}/imprimer/")
    assert page.get_by_role("heading", name="Signatures").is_visible()
    shot(page, "print")
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Imprimer").is_visible()
    # Every DSFR table wrapper lets its table print whole: the Points column is not clipped.
    clipped = page.evaluate(
        "[...document.querySelectorAll('.fr-table__container')].filter(c => c.scrollWidth > c.clientWidth + 1).length"
    )
    assert clipped == 0
    pdf = page.pdf(format="A4")
    printed = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert pdf.startswith(b"%PDF") and len(printed) >= 4, len(printed)  # a page break before each main article
    for text in printed:  # the reference in the margin of each page, over no heading
        assert f"Convention {active.reference}" in text
    assert "Points" in "".join(printed)
    page.emulate_media(media="screen")
    page.goto("/conventions/indicateurs/")
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter un indicateur").click()
    page.get_by_role("button", name="Enregistrer").click()
    assert_accessible(page)
    logout(page)

    login(page, manager.email)
    page.goto(f"/conventions/{active.pk}/avenants/1/")
    assert_accessible(page)
    page.get_by_role("link", name="Signer l'avenant").first.click()
    page.get_by_label("Qualité du signataire").fill("Directrice")
    page.get_by_role("button", name="Signer l'avenant").click()
    assert page.get_by_text("Cochez cette case pour signer").first.is_visible()
    assert_accessible(page)
    page.locator("label[for=id_consent]").click()
    page.get_by_role("button", name="Signer l'avenant").click()
    assert page.get_by_text("Vous avez signé l'avenant n° 1").is_visible()
    logout(page)

    login(page, cnam2.email)
    page.goto(f"/conventions/{active.pk}/avenants/1/")
    page.get_by_role("link", name="Signer pour l'assurance maladie").click()
    # Signed like the convention: the signatory's name and capacity, offered and editable.
    assert page.get_by_label("Nom et prénom du signataire").input_value() == "Louis Garnier"
    page.get_by_label("Qualité du signataire").fill("")
    page.get_by_role("button", name="Signer : appliquer l'avenant").click()
    assert page.get_by_text("Indiquez la qualité du signataire.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Qualité du signataire").fill("Directeur délégué")
    page.get_by_role("button", name="Signer : appliquer l'avenant").click()
    assert page.get_by_text("Louis Garnier, Directeur délégué").is_visible()
    page.goto(f"/conventions/{active.pk}/")
    assert page.get_by_text("Convention initiale modifiée par l'avenant n° 1").is_visible()
    shot(page, "detail")
    page.goto(f"/conventions/{active.pk}/avenants/nouveau/")
    shot(page, "amendment-form")
    assert_accessible(page)
