"""Every convention page costs the same number of queries with 2 or 30 rows (conventions or indicators)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions.enums import AmendmentStatus
from conventions.models import Amendment
from conventions.services.amendments import amendment_save
from tests.conftest import client_for
from tests.factories import ConventionFactory, IndicatorFactory, StructureFactory

COUNTS = [2, 30]


@pytest.fixture
def big_convention(request, manager, ars_idf, cnam, cnam2):
    count = request.param
    indicators = [IndicatorFactory() for _ in range(count)]
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    convention = ConventionFactory(
        structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True, indicators=indicators, objectives=1
    )
    amendment_save(
        convention=convention,
        user=cnam,
        summary="Toutes les cibles 2028 relevées",
        targets=[{"indicator": indicator, "year": 2028, "value": Decimal("99")} for indicator in indicators],
    )
    return convention


@pytest.mark.parametrize("big_convention", COUNTS, indirect=True)
@pytest.mark.parametrize(
    ("name", "role", "bound"),
    [
        ("conventions:print", "manager", 12),
        ("conventions:pdf", "manager", 12),
        ("conventions:detail", "manager", 20),
        ("conventions:amendment_detail", "manager", 14),
        ("conventions:amendment_edit", "cnam", 16),
    ],
)
def test_pages_with_many_indicators(big_convention, name, role, bound, request, django_assert_max_num_queries):
    args = [big_convention.pk, 1] if name.startswith("conventions:amendment") else [big_convention.pk]
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(bound):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200


@pytest.mark.parametrize("count", COUNTS)
def test_objective_form_with_many_indicators(count, manager, ars_idf, cnam, django_assert_max_num_queries):
    indicators = [IndicatorFactory() for _ in range(count)]
    convention = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam, indicators=indicators
    )
    objective = convention.objectives.get()
    client = client_for(cnam)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("conventions:objective_edit", args=[convention.pk, objective.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Cible 2028") >= count


@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("role", ["manager", "ars_idf", "cnam", "cnam2"])
def test_dashboard_and_to_prepare(count, role, request, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries):
    for n in range(count):
        structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
        if n % 2:
            ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(40):
        assert client.get(reverse("dashboard")).status_code == 200
    if role.startswith("cnam"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse("conventions:to_prepare")).status_code == 200


@pytest.mark.parametrize("count", COUNTS)
def test_conventions_section_of_the_dashboard(count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries):
    from conventions.selectors import dashboard_context

    for _ in range(count):
        ConventionFactory(
            structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
            cnam=cnam,
            cnam2=cnam2,
            manager=manager,
            active=True,
        )
    # The annual reports add a few; the first call computes the cached counts (core/aggregates.py), the second
    # reads them.
    for user, bound in ((manager, 10), (ars_idf, 12), (cnam, 16)):
        with django_assert_max_num_queries(bound):
            context = dashboard_context(user)
        with django_assert_max_num_queries(min(bound, 8)):
            context = dashboard_context(user)
        assert context["counts"]["active"] == count


@pytest.mark.parametrize("count", [2, 12])
def test_what_the_cnam_signs_is_listed_in_the_same_queries(
    count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries
):
    """Conventions and avenants signed by their structure, prepared by another agent: the dashboard lists ten of
    each with their reference and structure, reading only those fields (no query per row)."""
    for n in range(count):
        structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name=f"Centre à signer {n:02d}")
        ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, signed_by_structure=True)
        structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name=f"Centre avenant {n:02d}")
        convention = ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)
        end = convention.end_date.replace(month=6, day=30)
        amendment = amendment_save(convention=convention, user=cnam, summary="Fin avancée", new_end_date=end)
        Amendment.objects.filter(pk=amendment.pk).update(
            status=AmendmentStatus.SIGNED_BY_STRUCTURE, structure_signed_at=timezone.now()
        )
    client = client_for(cnam2)
    client.get(reverse("dashboard"))  # computes the cached counts
    with django_assert_max_num_queries(12):
        html = client.get(reverse("dashboard")).content.decode()
    assert html.count(", signée par la structure le ") == min(count, 10)
    assert html.count("Avenant n° 1 à la convention SECPA-") == min(count, 10)
    assert "Centre à signer 00" in html and "Centre avenant 00" in html
