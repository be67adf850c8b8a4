"""The factories reach every workflow state through the services."""

import pytest

from structures.enums import StructureStatus
from tests.factories import StructureFactory


@pytest.mark.parametrize("state", [s.value for s in StructureStatus])
def test_each_state(manager, ars_idf, state):
    s = StructureFactory(manager=manager, state=state, reviewer=ars_idf)
    assert s.status == state
    assert s.region_id == (None if state == "draft" else "11")
