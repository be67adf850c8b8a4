"""Fixtures for the ARS side: a region's world of people who may or may not receive the structure's e-mails."""

import pytest

from secpa_portal.accounts.enums import Role
from tests.conftest import make_user
from tests.factories import MembershipFactory


@pytest.fixture
def co_manager(db):
    return make_user("co.gestion@test.example", first_name="Yanis", last_name="Moreau")


@pytest.fixture
def ars_idf2(db):
    return make_user(
        "ars.idf2@test.example", role=Role.ARS_AGENT, region_code="11", first_name="Sarah", last_name="Lefèvre"
    )


@pytest.fixture
def bystanders(db, ars_ara, cnam):
    """People who must never receive a structure's e-mails: another structure's manager, an inactive
    co-manager, an ARS agent of another region, an inactive ARS agent of the region, a CNAM agent."""
    return {
        "other_manager": make_user("autre.gestion@test.example"),
        "inactive_manager": make_user("ancien.gestion@test.example", is_active=False),
        "inactive_ars": make_user("ars.parti@test.example", role=Role.ARS_AGENT, region_code="11", is_active=False),
        "ars_ara": ars_ara,
        "cnam": cnam,
    }


def with_managers(structure, *users):
    for user in users:
        MembershipFactory(structure=structure, user=user)
    return structure
