"""Deleting an objective goes through the confirmation pattern (secpa_portal/core/confirm.py): the convention page
offers a link to the confirmation page, with the same text and form in a DSFR modal; GET changes nothing, POST
deletes."""

import pytest
from django.urls import reverse

from conventions.enums import ConventionStatus
from conventions.models import Convention, Objective
from tests.conftest import client_for
from tests.factories import ConventionFactory, StructureFactory
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(manager, ars_idf):
    return StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)


def test_deleting_an_objective_is_a_link_to_its_confirmation_then_a_post(
    structure, cnam, django_assert_max_num_queries
):
    convention = ConventionFactory(structure=structure, cnam=cnam)
    objective = convention.objectives.get()
    detail = reverse("conventions:detail", args=[convention.pk])
    url = reverse("conventions:objective_delete", args=[convention.pk, objective.pk])
    client = client_for(cnam)
    page = client.get(detail).content.decode()
    key = f"confirm-objective-delete-{objective.pk}"
    assert f'<a class="fr-btn fr-btn--tertiary fr-btn--sm" href="{url}" data-secpa-confirm="{key}">' in page
    assert f'<dialog id="{key}" class="fr-modal"' in page
    assert f'<form method="post" action="{url}" novalidate data-secpa-confirm-form>' in page

    with django_assert_max_num_queries(14):
        response = client.get(url)
    confirmation = response.content.decode()
    assert response.status_code == 200
    title = objective.title.replace("'", "&#x27;")
    assert f"<h1>Supprimer l&#x27;objectif « {title} » ?</h1>" in confirmation
    assert "Les données d&#x27;activité restent suivies." in confirmation
    assert Objective.objects.filter(pk=objective.pk).exists()  # GET changes nothing

    response = client.post(url, rendered_form(confirmation, "data-secpa-confirm-form"))
    assert response.status_code == 302 and response["Location"] == detail + "#objectifs"
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_a_refused_deletion_says_why_in_french(structure, cnam):
    convention = ConventionFactory(structure=structure, cnam=cnam)
    objective = convention.objectives.get()
    url = reverse("conventions:objective_delete", args=[convention.pk, objective.pk])
    client = client_for(cnam)
    confirmation = client.get(url).content.decode()
    Convention.objects.filter(pk=convention.pk).update(status=ConventionStatus.SENT)  # sent meanwhile
    response = client.post(url, rendered_form(confirmation, "data-secpa-confirm-form"), follow=True)
    assert "Cette convention ne peut plus être modifiée : elle a été envoyée." in response.content.decode()
    assert Objective.objects.filter(pk=objective.pk).exists()
    assert "data-secpa-confirm" not in client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
