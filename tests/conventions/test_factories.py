"""The factories reach every convention state through the services."""

import pytest

from conventions.enums import ConventionStatus
from conventions.models import ConventionIndicator, Indicator
from tests.factories import ConventionFactory, StructureFactory


@pytest.mark.parametrize("state", [s.value for s in ConventionStatus])
def test_each_state(manager, ars_idf, cnam, cnam2, state):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    convention = ConventionFactory(structure=structure, cnam=cnam, state=state, manager=manager, cnam2=cnam2)
    assert convention.status == state
    assert convention.reference.startswith("SECPA-11-2026-")


def test_active_convention_follows_every_activity_figure(manager, ars_idf, cnam, cnam2):
    convention = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
    )
    followed = set(ConventionIndicator.objects.filter(convention=convention).values_list("indicator__code", flat=True))
    activity = set(Indicator.objects.activity().values_list("code", flat=True))
    assert len(activity) == 8
    # The two default indicators, and the law's quality, performance and satisfaction ones they lack.
    law = {"flu_vaccination_65", "missed_appointments", "satisfaction_score"}
    assert activity | {"coordination_meetings", "first_appointment_delay"} | law == followed
