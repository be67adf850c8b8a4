"""The convention journey in a real browser: a CNAM agent prepares and sends a convention, the manager signs it,
the other CNAM agent signs it, the manager files the annual report, the region's ARS agent validates it.
axe finds no serious or critical violation on any page of the way (journeys.click / visit / login_as check)."""

import datetime

import pytest

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention
from tests.browser.conftest import assert_accessible
from tests.browser.journeys import assert_alert, click, field, fill, heading, login_as, logout_from, shot, visit
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


NAME = "Centre de santé communautaire du Clos-Saint-Lazare"
MEETINGS = "Réunions de coordination pluriprofessionnelles tenues"
ACTIVITY = {
    "File active (patients distincts vus dans l'année)": "2400",
    "Patients ayant déclaré un médecin traitant de la structure": "1500",
    "Part de patients bénéficiaires de la C2S ou de l'AME": "45,5",
    "Heures d'interprétariat professionnel": "320,5",
    "Actes de médiation en santé": "610",
    "Séances de soutien psychologique": "480",
    "Actions participatives": "14",
    "Participants aux actions participatives": "230",
    "Médecin généraliste (ETP)": "3,5",
    "Médiateur ou médiatrice en santé (ETP)": "2",
    "Psychologue (ETP)": "1",
    MEETINGS: "11",
    "Part des patients de 65 ans et plus vaccinés contre la grippe": "41",  # half-way, like the meetings
    "Part des rendez-vous non honorés": "19",
    "Part des usagers satisfaits ou très satisfaits (enquête annuelle)": "71",
}


def test_convention_then_annual_report(page, manager, ars_idf, cnam, cnam2):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name=NAME)
    # Last year's report: a year-N report is filed from 1 January N+1, so the convention started last year.
    year = datetime.date.today().year - 1
    start = datetime.date(year, 1, 1)

    # A CNAM agent prepares the convention, with one objective, and sends it.
    login_as(page, cnam)
    visit(page, "/conventions/a-preparer/")
    click(page, f"Préparer la convention de {NAME}", role="link")
    # Five years, the longest convention: the objectives table overflows its container, which takes the
    # keyboard focus so that it can be scrolled without a mouse (axe: scrollable-region-focusable).
    fill(page, {"Date de début": start.strftime("%d/%m/%Y"), "Durée": "5 ans"})
    click(page, "Créer la convention")
    convention = Convention.objects.get(structure=structure)
    click(page, "Ajouter un objectif", role="link")
    fill(page, {"Intitulé de l'objectif": "Mieux coordonner les soins"})
    page.locator("#id_lignes-0-indicator").select_option(label=MEETINGS)
    page.locator("#id_lignes-0-baseline").fill("10")
    page.locator("#id_lignes-0-points").fill("20")
    for n, target_year in enumerate(convention.years):
        page.locator(f"#id_lignes-0-target_{target_year}").fill(str(12 + 2 * n))
    click(page, "Enregistrer l'objectif")
    # The law also wants an indicator of quality, one of performance and one of user satisfaction.
    for title, lines in (
        (
            "Qualité des soins",
            (
                ("Part des patients de 65 ans et plus vaccinés contre la grippe", 40, 2),
                ("Part des rendez-vous non honorés", 20, -2),
            ),
        ),
        ("Satisfaction des usagers", (("Part des usagers satisfaits ou très satisfaits (enquête annuelle)", 70, 2),)),
    ):
        click(page, "Ajouter un objectif", role="link")
        fill(page, {"Intitulé de l'objectif": title})
        for line, (label, baseline, step) in enumerate(lines):
            page.locator(f"#id_lignes-{line}-indicator").select_option(label=label)
            page.locator(f"#id_lignes-{line}-baseline").fill(str(baseline))
            page.locator(f"#id_lignes-{line}-points").fill("10")
            for n, target_year in enumerate(convention.years):
                page.locator(f"#id_lignes-{line}-target_{target_year}").fill(str(baseline + step * (n + 1)))
        click(page, "Enregistrer l'objectif")
    click(page, "Envoyer à la structure", role="link")
    click(page, "Envoyer la convention")
    assert Convention.objects.get(pk=convention.pk).status == ConventionStatus.SENT
    logout_from(page)

    # The manager signs for the structure.
    login_as(page, manager)
    visit(page, f"/conventions/{convention.pk}/")
    click(page, "Signer la convention", role="link")
    fill(page, {"Qualité du signataire": "Directrice"})
    page.locator("label[for=id_consent]").click()
    click(page, "Signer la convention")
    assert Convention.objects.get(pk=convention.pk).status == ConventionStatus.SIGNED_BY_STRUCTURE
    logout_from(page)

    # The other CNAM agent signs: the convention is in force.
    login_as(page, cnam2)
    visit(page, f"/conventions/{convention.pk}/")
    click(page, "Signer pour l'assurance maladie", role="link")
    click(page, "Signer : mettre en vigueur")
    assert Convention.objects.get(pk=convention.pk).status == ConventionStatus.ACTIVE
    logout_from(page)

    # The manager opens last year's report, makes a mistake, corrects it and files the report.
    login_as(page, manager)
    visit(page, "/conventions/rapports/")
    click(page, f"Ouvrir le rapport {year} — {NAME}")
    assert heading(page).startswith(f"Saisie du rapport annuel {year}")
    fill(page, {**ACTIVITY, "Part de patients bénéficiaires de la C2S ou de l'AME": "120"})
    click(page, "Enregistrer le brouillon")
    assert page.get_by_text("est comprise entre 0 et 100 %").first.is_visible()
    assert field(page, "Part de patients bénéficiaires de la C2S ou de l'AME").input_value() == "120"
    assert field(page, "Actes de médiation en santé").input_value() == "610"
    shot(page, "report-form-errors")
    fill(page, {"Part de patients bénéficiaires de la C2S ou de l'AME": "45,5"})
    click(page, "Enregistrer et passer au dépôt")
    assert heading(page).startswith(f"Déposer le rapport annuel {year}")
    click(page, "Confirmer le dépôt")
    assert_alert(page, "a été transmis à l'ARS Île-de-France")
    report = AnnualReport.objects.get(convention=convention, year=year)
    assert report.status == ReportStatus.SUBMITTED
    logout_from(page)

    # The ARS agent of the region validates it from the dashboard.
    login_as(page, ars_idf)
    click(page, f"Rapport {year} — {NAME}", role="link")
    assert heading(page).startswith(f"Validation du rapport annuel {year}")
    assert page.get_by_text("Atteinte pondérée par les points : 50,0").is_visible()
    shot(page, "report-review")
    click(page, f"Valider le rapport {year}", check=False)  # opens the confirmation modal
    modal = page.get_by_role("dialog", name=f"Valider le rapport {year} de « {NAME} » ?")
    modal.wait_for(state="visible")
    page.wait_for_timeout(600)  # the DSFR modal fades in: axe reads the colours once it is opaque
    assert_accessible(page)
    modal.get_by_role("button", name=f"Valider le rapport {year}").click()
    page.wait_for_load_state()
    assert_alert(page, f"Rapport {year} validé")
    report.refresh_from_db()
    assert report.status == ReportStatus.VALIDATED and str(report.weighted_attainment) == "0.5000"
    visit(page, f"/conventions/rapports/structure/{structure.pk}/indicateurs/")
    assert page.get_by_role("img", name=f"{MEETINGS} : valeurs déclarées et cibles par année").is_visible()
    shot(page, "structure-indicators")
    logout_from(page)

    login_as(page, cnam)
    visit(page, f"/conventions/rapports/atteinte/?annee={year}")
    assert page.get_by_role("cell", name=MEETINGS).is_visible()
    shot(page, "national-attainment")
