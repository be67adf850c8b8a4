"""The factories reach every convention state through the services."""

import pytest

from conventions.enums import ConventionStatus
from conventions.models import ConventionIndicator, Indicator
from tests.conventions.factories import make_active_convention, make_convention, make_eligible_structure


@pytest.mark.parametrize("state", [s.value for s in ConventionStatus])
def test_each_state(manager, ars_idf, cnam, cnam2, state):
    structure = make_eligible_structure(manager, ars_idf)
    convention = make_convention(structure, cnam, state=state, manager=manager, cnam2=cnam2)
    assert convention.status == state
    assert convention.reference.startswith("SECPA-11-2026-")


def test_active_convention_follows_every_activity_figure(manager, ars_idf, cnam, cnam2):
    convention = make_active_convention(make_eligible_structure(manager, ars_idf), cnam, cnam2, manager)
    followed = set(ConventionIndicator.objects.filter(convention=convention).values_list("indicator__code", flat=True))
    activity = set(Indicator.objects.activity().values_list("code", flat=True))
    assert len(activity) == 8
    law = {"flu_vaccination_65", "missed_appointments", "satisfaction_score"}  # quality, performance, satisfaction
    assert activity | {"coordination_meetings", "first_appointment_delay"} | law == followed
