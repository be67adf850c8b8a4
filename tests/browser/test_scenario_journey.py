"""Projection scenarios in a real browser: a CNAM agent creates a scenario from the form (a French error first, the
typed values kept), reads its results (chart and tables), duplicates it, changes the copy and compares the two side
by side; the pilotage national reads them all without an edit button. Every page passes the axe check."""

import pytest

from projections.models import Scenario
from secpa_portal.accounts.enums import Role
from tests.browser.journeys import (
    assert_alert,
    assert_no_form_errors,
    click,
    fill,
    heading,
    login_as,
    logout_from,
    shot,
    visit,
)
from tests.conftest import make_user
from tests.dotations.reference_data import reference_regions  # noqa: F401  (autouse: regions after a flush)
from tests.factories import CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
EDIT_LABELS = ("Nouveau scénario", "Modifier les hypothèses", "Dupliquer", "Recalculer avec les derniers chiffres")


def test_create_read_duplicate_compare_and_the_pilotage_reads(page, cnam):
    pilotage = make_user("dss@test.example", role=Role.PILOTAGE, first_name="Claire", last_name="Ministère")
    CampaignFactory(year=2026)
    FundedConventionFactory(region="11")
    FundedConventionFactory(region="84")

    # The CNAM agent fills the form; the missing spending is refused in French and what was typed is kept.
    login_as(page, cnam)
    click(page, "Projections", role="link")
    click(page, "Nouveau scénario", role="link")
    fill(
        page,
        {
            "Nom du scénario": "Périmètre reconduit et 10 nouvelles en QPV",
            "Première année": "2027",
            "Horizon": "3 ans",
            "Barème": "Campagne 2026",
            "Indexation annuelle du barème (%)": "1,5",
            "Attrition : part des structures qui cessent chaque année (%)": "2",
            "Source de ce montant": "Exposé des motifs de la proposition de loi",
        },
    )
    group = page.locator(".secpa-group").first
    fill(
        page,
        {
            "Région": "Île-de-France",
            "Territoire": "Dans un quartier prioritaire (QPV)",
            "Nombre de structures": "10",  # the median profile, as the form proposes
        },
        scope=group,
    )
    click(page, "Enregistrer et calculer")
    assert page.get_by_text("Indiquez le montant des dépenses").first.is_visible()
    assert page.get_by_label("Nom du scénario").input_value() == "Périmètre reconduit et 10 nouvelles en QPV"
    fill(page, {"Dépenses de l'assurance maladie de référence (€)": "280 000 000 000"})
    click(page, "Enregistrer et calculer")
    assert_no_form_errors(page)
    assert_alert(page, "Scénario enregistré et calculé")
    first = Scenario.objects.get()
    assert first.groups.get().count == 10 and first.results
    assert heading(page) == "Périmètre reconduit et 10 nouvelles en QPV"
    assert page.get_by_role("img", name="Coût par année et par population").is_visible()
    assert page.get_by_role("table", name="Par population").is_visible()
    assert page.get_by_role("table", name="Par région").get_by_text("Île-de-France").first.is_visible()
    shot(page, "scenario-detail")

    # It duplicates the scenario and changes the copy's assumptions.
    click(page, "Dupliquer")
    assert_alert(page, "Scénario dupliqué")
    fill(page, {"Nom du scénario": "Sans indexation", "Indexation annuelle du barème (%)": ""})
    click(page, "Enregistrer et calculer")
    assert_alert(page, "Scénario modifié et recalculé")
    second = Scenario.objects.exclude(pk=first.pk).get()
    assert (second.name, second.indexation, second.groups.get().count) == ("Sans indexation", 0, 10)

    # Both, side by side.
    click(page, "Projections", role="link")
    for scenario in (first, second):  # DSFR draws the box on the label, which takes the click (as for a user)
        page.get_by_role("checkbox", name=f"Comparer {scenario.name}").check(force=True)
    click(page, "Comparer les scénarios cochés (deux ou trois)")
    assert heading(page) == "Comparaison de scénarios"
    comparison = page.get_by_role("table", name="Hypothèses et coût, scénario par scénario")
    assert comparison.get_by_role("link", name="Périmètre reconduit et 10 nouvelles en QPV").is_visible()
    assert comparison.get_by_role("link", name="Sans indexation").is_visible()
    assert "+ 1,50\u00a0% par an" in comparison.inner_text()
    shot(page, "scenario-compare")
    logout_from(page)

    # The pilotage national reads the list, a scenario and the comparison, without a button that writes.
    login_as(page, pilotage)
    click(page, "Projections", role="link")
    assert page.get_by_role("link", name="Nouveau scénario").count() == 0
    click(page, "Sans indexation", role="link")
    assert page.get_by_role("img", name="Coût par année et par population").is_visible()
    for label in EDIT_LABELS:
        assert page.get_by_role("link", name=label).count() == 0, label
        assert page.get_by_role("button", name=label).count() == 0, label
    assert page.get_by_role("link", name="Exporter (XLSX)").is_visible()
    visit(page, f"/projections/comparer/?s={first.pk}&s={second.pk}")
    assert heading(page) == "Comparaison de scénarios"
    visit(page, f"/projections/{first.pk}/modifier/", check=False)
    assert heading(page) == "Page non trouvée"
