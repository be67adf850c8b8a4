"""The pure projection: indexation, ramp-up and attrition on worked examples (no database)."""

from decimal import Decimal

from dotations import bareme as bareme_module
from dotations import engine
from projections.projection import Assumptions, Projection, Unit, indexed_bareme, year_share
from tests.factories import BANDS, COMPONENTS

D = Decimal
BAREME = bareme_module.build(components=COMPONENTS, bands=BANDS, reference_patients=4000)
# A structure with 1 mediator FTE, 10 % C2S + AME (coefficient 1), 100 interpreting hours, 2,000 patients:
# 60,000 + 55,000 + 0 × 65,000 + 100 × 45 + 2,000 / 4,000 × 20,000 = 129,500.00 € a full year.
INPUTS = engine.Inputs(
    fte={"health_mediator": D("1"), "psychologist": D("0")},
    activity={"interpreting_hours": D("100"), "patientele_mt": D("2000"), "precarity_share": D("10")},
    patientele_mt=D("2000"),
    precarity_share=D("10"),
)


def unit(**kwargs):
    return Unit(
        **{"label": "S", "population": "conventioned", "region": "11", "territory": "qpv", "inputs": INPUTS, **kwargs}
    )


def test_indexation_compounds_on_rates_and_rounds_each_rate_to_the_cent():
    # 45.00 € × 1.015² = 46.360125 → 46.36 €; 60,000 × 1.015² = 61,813.50 €.
    second = indexed_bareme(BAREME, D("1.5"), 2)
    rates = {c.code: c.rate for c in second.components}
    assert rates["interpreting"] == D("46.36")
    assert rates["coordination"] == D("61813.50")
    assert second.precarity_bands == BAREME.precarity_bands
    assert indexed_bareme(BAREME, D("1.5"), 0) is BAREME


def test_ramp_up_funds_the_first_year_share_of_a_new_structure_only():
    projection = Projection(BAREME, Assumptions(2027, 2, ramp_up=D("40")))
    projection.add(unit(new=True, population="new"))
    # First year: every line × 0.40 = 24,000 + 22,000 + 0 + 1,800 + 4,000 = 51,800.00; then the full year.
    assert projection.totals == {2027: D("51800.00"), 2028: D("129500.00")}


def test_attrition_is_the_expected_share_still_open_each_year():
    projection = Projection(BAREME, Assumptions(2027, 3, attrition=D("10")))
    projection.add(unit())
    # 129,500 × 1, × 0.9 = 116,550.00, × 0.81 = 104,895.00 (each line rounded, here exact).
    assert projection.totals == {2027: D("129500.00"), 2028: D("116550.00"), 2029: D("104895.00")}
    assert year_share(2, Assumptions(2027, 3, attrition=D("10")), new=False) == D("0.81")


def test_ramp_up_indexation_and_attrition_together_on_a_group():
    projection = Projection(BAREME, Assumptions(2027, 2, indexation=D("2"), ramp_up=D("50"), attrition=D("10")))
    projection.add(unit(new=True, population="new", count=3))
    # 2027: 129,500 × 0.5 = 64,750.00 each, × 3 = 194,250.00.
    # 2028: rates × 1.02 (61,200; 56,100; 66,300; 45.90; 20,400) × 0.9 open:
    #   55,080 + 50,490 + 0 + 4,131 + 9,180 = 118,881.00 each, × 3 = 356,643.00.
    assert projection.totals == {2027: D("194250.00"), 2028: D("356643.00")}
    assert projection.counts["new"] == 3
    by_component = {code: row[2028] for code, row in projection.by_component.items()}
    assert sum(by_component.values()) == projection.totals[2028]
    assert by_component["interpreting"] == D("12393.00")


def test_a_structure_with_missing_figures_is_listed_and_not_counted():
    projection = Projection(BAREME, Assumptions(2027, 1))
    projection.add(Unit("Sans chiffres", "eligible", "11", "", engine.Inputs(fte={}, activity={})))
    assert projection.totals[2027] == 0
    assert projection.error_count == 1
    assert "Données manquantes" in projection.errors[0][1]
