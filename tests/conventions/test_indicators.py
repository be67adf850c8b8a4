"""The national référentiel of indicators: seeded, edited by CNAM agents only, French validation."""

import pytest
from django.urls import reverse

from conventions.catalogue import INDICATORS
from conventions.models import Indicator
from conventions.services.indicators import indicator_save
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from structures.enums import ActivityFigure
from tests.conftest import client_for
from tests.forms import form_holding

VALID = {
    "code": "vaccination_hpv",
    "label": "Part des 11-14 ans vaccinés contre les papillomavirus",
    "category": "quality",
    "unit": "percent",
    "direction": "higher",
    "description": "",
    "activity_figure": "",
    "order": "300",
    "is_active": "on",
}


@pytest.mark.django_db
def test_the_seeded_catalogue_has_every_activity_figure_and_meaningful_indicators():
    assert Indicator.objects.count() >= 15
    assert len(INDICATORS) == Indicator.objects.count()
    figures = set(Indicator.objects.activity().values_list("activity_figure", flat=True))
    assert figures == set(ActivityFigure.values)
    assert all(i.code == i.activity_figure for i in Indicator.objects.activity())
    categories = set(Indicator.objects.values_list("category", flat=True))
    assert {
        "access",
        "quality",
        "performance",
        "satisfaction",
        "participation",
        "coordination",
        "activity",
    } <= categories
    assert Indicator.objects.filter(direction="lower").exists()
    assert Indicator.objects.filter(unit="yes_no").exists()


def test_cnam_creates_an_indicator(cnam):
    client = client_for(cnam)
    assert client.get(reverse("conventions:indicator_create")).status_code == 200
    response = client.post(reverse("conventions:indicator_create"), VALID)
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="vaccination_hpv")
    assert not indicator.is_activity
    assert Event.objects.for_object(indicator).get().verb == "indicator_created"
    assert "Part des 11-14 ans" in client.get(reverse("conventions:indicator_list")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "Avec Espace"}, "code", "lettres minuscules"),
        ({"code": "file_active"}, "code", "Un indicateur porte déjà ce code."),
        ({"label": ""}, "label", "Ce champ est obligatoire."),
        ({"unit": "yes_no"}, "direction", "Un indicateur oui / non"),
        ({"direction": "yes_no"}, "direction", "Un indicateur oui / non"),
        ({"activity_figure": "file_active"}, "activity_figure", "Un autre indicateur porte déjà cette donnée"),
        ({"activity_figure": "nimporte"}, "activity_figure", "Sélectionnez un choix valide"),
        ({"order": "-3"}, "order", "supérieure ou égale à 0"),
    ],
)
def test_invalid_indicators_are_refused_in_french_and_input_is_kept(cnam, changes, field, message):
    response = client_for(cnam).post(reverse("conventions:indicator_create"), {**VALID, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert VALID["label"] in response.content.decode() or changes.get("label") == ""
    assert not Indicator.objects.filter(label=VALID["label"]).exists()


def test_the_code_never_changes_once_created(cnam):
    indicator = Indicator.objects.get(code="coordination_meetings")
    client = client_for(cnam)
    url = reverse("conventions:indicator_edit", args=[indicator.pk])
    rendered = form_holding(client.get(url), "label")  # with the version the page was opened at
    response = client.post(url, {**VALID, **rendered, "code": "autre_code", "label": "Réunions de concertation"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.code, indicator.label) == ("coordination_meetings", "Réunions de concertation")


def test_only_cnam_agents_edit_the_catalogue(manager, ars_idf):
    for user in (manager, ars_idf):
        with pytest.raises(ActionRefused, match="Seuls les agents de la CNAM"):
            indicator_save(user=user, fields={"label": "X"}, code="x")
        assert client_for(user).post(reverse("conventions:indicator_create"), VALID).status_code == 404
    assert not Indicator.objects.filter(code="vaccination_hpv").exists()


@pytest.mark.parametrize("count", [2, 30])
def test_indicator_list_query_count(count, cnam, django_assert_max_num_queries):
    for n in range(count):
        Indicator.objects.create(
            code=f"extra_{n}", label=f"Extra {n}", category="quality", unit="count", direction="higher"
        )
    client = client_for(cnam)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("conventions:indicator_list")).status_code == 200
