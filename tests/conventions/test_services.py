"""Preparation services beyond the transitions: terms, objectives, activity indicators."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.models import ConventionIndicator, Indicator, Target
from conventions.services import conventions as services
from secpa_portal.core.errors import ActionRefused
from tests.conftest import client_for
from tests.factories import ConventionFactory, IndicatorFactory, StructureFactory, default_line


@pytest.fixture
def draft(manager, ars_idf, cnam):
    return ConventionFactory(structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam)


def test_shorter_terms_drop_the_targets_of_years_no_longer_covered(draft, cnam):
    assert set(Target.objects.filter(convention_indicator__convention=draft).values_list("year", flat=True)) == {
        2026,
        2027,
        2028,
    }
    services.convention_update_terms(convention=draft, user=cnam, duration_years=2)
    draft.refresh_from_db()
    assert draft.end_date == datetime.date(2027, 12, 31)
    assert set(Target.objects.filter(convention_indicator__convention=draft).values_list("year", flat=True)) == {
        2026,
        2027,
    }
    draft = services.convention_update_terms(convention=draft, user=cnam, duration_years=3)
    # A year added back has no target: sending says so.
    assert any("cible manquante pour 2028" in blocker for blocker in services.send_blockers(draft))


def test_a_new_activity_indicator_of_the_catalogue_joins_at_sending(draft, cnam):
    Indicator.objects.filter(code="participants").update(is_activity=False, activity_figure="")
    ConventionIndicator.objects.filter(convention=draft, indicator__code="participants").delete()
    Indicator.objects.filter(code="participants").update(is_activity=True, activity_figure="participants")
    services.convention_send(convention=draft, user=cnam)
    assert ConventionIndicator.objects.filter(convention=draft, indicator__code="participants").exists()


def test_an_indicator_belongs_to_one_objective_only(draft, cnam):
    indicator = Indicator.objects.get(code="coordination_meetings")
    with pytest.raises(ActionRefused, match="déjà suivi par l'objectif"):
        services.objective_save(
            convention=draft, user=cnam, title="Autre", lines=[default_line(indicator, draft.years)]
        )
    with pytest.raises(ActionRefused, match="Donnez un intitulé"):
        services.objective_save(convention=draft, user=cnam, title=" ", lines=[])


def test_nothing_changes_once_sent(manager, ars_idf, cnam):
    convention = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam, sent=True
    )
    with pytest.raises(ActionRefused, match="ne peut plus être modifiée"):
        services.convention_update_terms(convention=convention, user=cnam, duration_years=2)
    with pytest.raises(ActionRefused, match="ne peut plus être modifiée"):
        services.objective_save(
            convention=convention, user=cnam, title="X", lines=[default_line(IndicatorFactory(), convention.years)]
        )


def test_structures_to_prepare_lists_only_eligible_ones_without_a_live_convention(manager, ars_idf, cnam, cnam2):
    # Ended first: ending conventions ends every one past the given day.
    ended = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name="Centre échu"),
        cnam=cnam,
        ended=True,
        manager=manager,
        cnam2=cnam2,
    )
    free = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name="Centre libre")
    ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name="Centre en préparation"),
        cnam=cnam,
    )
    ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name="Centre conventionné"),
        cnam=cnam,
        active=True,
        manager=manager,
        cnam2=cnam2,
    )
    content = client_for(cnam).get(reverse("conventions:to_prepare")).content.decode()
    assert free.name in content and ended.structure.name in content
    assert "Centre en préparation" not in content and "Centre conventionné" not in content
    assert Decimal("0.60") == ended.advance_share
