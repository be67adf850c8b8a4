"""QPV codes checked against the loaded list and the structure's commune, the same way by the location step
and by the pre-check."""

import pytest

from secpa_portal.reference import demo as reference_demo
from secpa_portal.reference.models import QPV
from secpa_portal.reference.qpv import check_qpv_codes
from structures.demo import STRUCTURES
from structures.forms.registration import LocationForm
from structures.precheck import run_precheck
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

LIST_2015_WARNING = (
    "QP093003 est un code de la liste 2015 des quartiers prioritaires, remplacée par la liste 2024 en vigueur "
    "depuis le 1er janvier 2024 : indiquez le code du quartier dans la liste 2024 (QN…, ex. QN09301M)."
)
RHONE_WARNING = (
    "QN06901M est un quartier prioritaire de Quartier de démonstration Lyon (69), hors du département de la "
    "structure (95) : vérifiez le code ; l'ARS appréciera s'il s'agit d'un quartier voisin."
)


@pytest.fixture
def sample():
    reference_demo.seed()


def test_the_demo_sample_covers_every_demo_structure_and_reloads_idempotently(sample):
    reference_demo.seed()
    assert QPV.objects.count() == 24
    for demo in STRUCTURES:
        for code in demo.qpv_codes:
            qpv = QPV.objects.get(code=code)
            assert qpv.generation == "2024" and qpv.commune_code == demo.commune_code
        assert check_qpv_codes(list(demo.qpv_codes), demo.commune_code).errors == []
        assert check_qpv_codes(list(demo.qpv_codes), demo.commune_code).warnings == []


@pytest.mark.parametrize(
    ("codes", "commune", "errors", "warnings"),
    [
        (["QN09502M"], "95585", [], []),  # Sarcelles, in the list
        (["QN06901M"], "95585", [], [RHONE_WARNING]),  # a Rhône QPV for a Sarcelles structure
        (["QN09313M"], "93001", [], []),  # another commune of the same département: a neighbour
        (["QP093003"], "93001", [], [LIST_2015_WARNING]),
        (["QN09399M"], "93066", ["QN09399M ne figure pas dans la liste 2024 des quartiers prioritaires (QPV)."], []),
    ],
)
def test_each_code_is_checked_against_the_list_and_the_commune(sample, codes, commune, errors, warnings):
    findings = check_qpv_codes(codes, commune)
    assert (findings.errors, findings.warnings) == (errors, warnings)


def test_without_a_loaded_list_only_the_format_and_the_departement_are_checked():
    assert check_qpv_codes(["QN09399M"], "93066").errors == []
    assert "hors du département de la structure (95)" in check_qpv_codes(["QN06901M"], "95585").warnings[0]


def test_the_location_step_and_the_precheck_say_the_same(sample, manager):
    structure = StructureFactory(manager=manager, commune_code="95585", complete=True)
    form = LocationForm(
        {"commune_code": "95585", "commune_name": "Sarcelles", "postal_code": "95200", "qpv_codes": "QN06901M"},
        structure=structure,
    )
    assert form.is_valid(), form.errors
    assert form.warnings == [RHONE_WARNING]
    structure.qpv_codes = ["QN06901M"]
    [territory] = [c for c in run_precheck(structure) if c.code == "territory"]
    assert territory.passed and RHONE_WARNING in territory.explanation

    form = LocationForm({"commune_code": "95585", "qpv_codes": "QN09599M"}, structure=structure)
    assert form.errors["qpv_codes"] == ["QN09599M ne figure pas dans la liste 2024 des quartiers prioritaires (QPV)."]
    structure.qpv_codes = ["QN09599M"]
    [territory] = [c for c in run_precheck(structure) if c.code == "territory"]
    assert not territory.passed
    assert territory.explanation == "QN09599M ne figure pas dans la liste 2024 des quartiers prioritaires (QPV)."

    form = LocationForm({"commune_code": "93001", "qpv_codes": "QP093003"}, structure=structure)
    assert form.is_valid(), form.errors
    assert LIST_2015_WARNING in form.warnings
