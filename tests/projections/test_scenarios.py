"""Scenarios over the database: the worked example by hand, the sum of the engine's results, the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dotations import bareme as bareme_module
from dotations import engine, inputs
from projections import compute, services
from projections.compute import assumptions_of
from projections.projection import indexed_bareme, year_share
from structures.models import Structure
from tests.conftest import client_for

from .builders import worked_example

D = Decimal
pytestmark = pytest.mark.django_db


def test_worked_example_by_hand_to_the_cent(cnam):
    scenario, _ = worked_example(cnam)
    results = compute.results(scenario)
    # 2027 (barème as is, no attrition yet, new structures at 50 %):
    #   A (under convention, the builders' figures)                                        227,800.00
    #   B (eligible): 60,000 + 1 × 55,000 + 0.5 × 65,000 + 100 × 45 + 1,001/4,000 × 20,000  157,005.00
    #   C (in review, 55 % → ×1.2): 60,000 + 2 × 55,000 × 1.2 + 65,000 + 1,000 × 45
    #       + 3,000/4,000 × 20,000 × 1.2                                                   320,000.00
    #   2 new in QPV, median profile = A's (the only eligible QPV structure), × 0.5:
    #       2 × (30,000 + 45,375 + 26,000 + 6,750 + 5,775)                                 227,800.00
    #   1 new rural, typed: 1.5 mediator, 1 psychologist, 60 % (×1.2), file active 2,000 = 0.625 × B's 3,200:
    #       patientèle 1,001 × 0.625 → 626, interpreting 100 × 0.625 → 63, × 0.5:
    #       30,000 + 49,500 + 32,500 + 1,417.50 + 1,878                                    115,295.50
    #                                                                                    1,047,900.50
    assert results["totals"]["2027"] == "1047900.50"
    assert results["by_population"]["new"]["2027"] == "343095.50"
    assert results["counts"] == {"conventioned": 1, "eligible": 1, "in_review": 1, "new": 3}
    # 2028, rates × 1.02 (61,200; 56,100; 66,300; 45.90; 20,400), every line × 0.9 still open:
    #   A: 55,080 + 83,308.50 + 47,736 + 12,393 + 10,602.90                                 209,120.40
    #   C: (61,200 + 134,640 + 66,300 + 45,900 + 18,360) × 0.9                             293,760.00
    assert results["by_population"]["conventioned"]["2028"] == "209120.40"
    assert results["by_population"]["in_review"]["2028"] == "293760.00"
    assert results["by_region"]["11"]["2028"] == "502880.40"


def test_the_total_is_the_sum_of_the_engines_results_over_the_population(cnam):
    scenario, structures = worked_example(cnam)
    results = compute.results(scenario)
    bareme = bareme_module.load(scenario.campaign)
    assumptions = assumptions_of(scenario)
    annotated = Structure.objects.filter(pk__in=[s.pk for s in structures]).annotate(
        latest_report_id=inputs.latest_validated_report()
    )
    snapshots = inputs.gather_structures(list(annotated))
    a, b, c = structures
    for index, year in enumerate(scenario.years):
        indexed = indexed_bareme(bareme, scenario.indexation, index)
        expected = D("0")
        for structure in structures:
            expected += engine.compute(
                indexed,
                snapshots[structure.pk].with_zero_fte(bareme).engine_inputs(),
                D("1"),
                year_share(index, assumptions, new=False),
            ).total
        # The new structures, as typed by hand above.
        qpv = snapshots[a.pk].with_zero_fte(bareme).engine_inputs()
        rural = engine.Inputs(
            fte={"health_mediator": D("1.5"), "psychologist": D("1.0")},
            activity={"interpreting_hours": D("63"), "patientele_mt": D("626"), "precarity_share": D("60")},
            patientele_mt=D("626"),
            precarity_share=D("60"),
        )
        share = year_share(index, assumptions, new=True)
        expected += 2 * engine.compute(indexed, qpv, D("1"), share).total
        expected += engine.compute(indexed, rural, D("1"), share).total
        assert D(results["totals"][str(year)]) == expected
        components = sum(D(row[str(year)]) for row in results["by_component"].values())
        regions = sum(D(row[str(year)]) for row in results["by_region"].values())
        territories = sum(D(row[str(year)]) for row in results["by_territory"].values())
        assert components == regions == territories == expected
    assert results["totals"]["2028"] == "1276934.33"


def test_the_service_stores_the_results_and_the_duplicate_copies_the_assumptions(cnam):
    scenario, _ = worked_example(cnam)
    scenario = services.recompute_scenario(user=cnam, scenario=scenario)
    assert scenario.results["totals"]["2027"] == "1047900.50"
    copy = services.duplicate_scenario(user=cnam, scenario=scenario)
    assert copy.name == "Copie de Exemple calculé à la main"
    assert copy.groups.count() == 2
    assert copy.results["totals"] == scenario.results["totals"]


def test_detail_page_shows_the_figures_in_french(cnam):
    scenario, _ = worked_example(cnam)
    services.recompute_scenario(user=cnam, scenario=scenario)
    response = client_for(cnam).get(reverse("projections:detail", args=[scenario.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1\u202f047\u202f900,50\u00a0€" in html
    assert "<svg" in html
    # 1,047,900.50 / 280,000,000,000 = 0.000374… % → 0,0004 %
    assert "0,0004\u00a0%" in html


def test_structures_already_open_outside_the_portal_have_no_ramp_up(cnam):
    scenario, _ = worked_example(cnam)
    scenario.groups.filter(order=1).update(already_open=True)
    results = compute.results(scenario)
    # The two QPV structures now count as existing ones: a full year each, 2 × 227,800.00.
    assert results["by_population"]["outside"]["2027"] == "455600.00"
    assert results["by_population"]["new"]["2027"] == "115295.50"
    assert results["counts"]["outside"] == 2
