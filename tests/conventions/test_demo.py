"""The conventions of the demo data set: one in force per eligible structure, 3 to 5 objectives, one avenant."""

import pytest
from django.urls import reverse

from conventions import demo
from conventions.enums import AmendmentStatus, ConventionStatus
from conventions.models import Amendment, Convention, Target
from secpa_portal.accounts.demo import seed_accounts
from structures import demo as structures_demo
from structures.models import Structure
from tests.conftest import client_for


@pytest.fixture
def users(db):
    users = seed_accounts()
    structures_demo.seed(users)
    demo.seed(users)
    return users


def test_every_eligible_structure_has_a_convention_in_force(users):
    eligible = Structure.objects.eligible()
    assert eligible.count() >= 10
    for structure in eligible:
        convention = Convention.objects.get(structure=structure)
        assert convention.status == ConventionStatus.ACTIVE
        assert 3 <= convention.objectives.count() <= 5
        # The reference carries the start year: 2025 for all but the one starting on 1 July 2026 (issue 9).
        assert convention.reference.startswith(f"SECPA-{structure.region_id}-{convention.start_date.year}-")
        assert convention.prepared_by != convention.cnam_signed_by
    assert Amendment.objects.filter(status=AmendmentStatus.ACTIVE).count() == 1
    starts = sorted(str(c.start_date) for c in Convention.objects.filter(structure__in=eligible))
    assert starts.count("2026-07-01") == 1 and starts.count("2025-01-01") == len(starts) - 1


def test_seeding_again_changes_nothing(users):
    counts = (Convention.objects.count(), Amendment.objects.count(), Target.objects.count())
    demo.seed(users)
    assert (Convention.objects.count(), Amendment.objects.count(), Target.objects.count()) == counts


def test_managers_see_their_convention_reference(users):
    manager = users["gestion.idf@secpa.example"]
    conventions = Convention.objects.filter(structure__memberships__user=manager)
    assert conventions.exists()
    dashboard = client_for(manager).get(reverse("dashboard")).content.decode()
    for convention in conventions:
        assert convention.reference in dashboard
        page = client_for(manager).get(reverse("conventions:detail", args=[convention.pk]))
        assert convention.reference in page.content.decode()
