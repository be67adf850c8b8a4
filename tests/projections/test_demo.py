"""The demo's two scenarios: « Périmètre 2026 reconduit » and the PLFSS 2027 one (60 existing, 20 new)."""

import pytest

from projections import demo, pdf
from projections.models import Scenario
from secpa_portal.accounts.enums import Role
from tests.conftest import make_user
from tests.factories import CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db


def test_demo_scenarios(db):
    cnam = make_user(demo.AUTHOR, role=Role.CNAM_AGENT)
    CampaignFactory(year=2026)
    for region in ("11", "84", "11"):
        FundedConventionFactory(region=region)
    demo.seed({demo.AUTHOR: cnam})
    demo.seed({demo.AUTHOR: cnam})  # idempotent
    renewed = Scenario.objects.get(name=demo.RENEWED)
    assert renewed.results["counts"] == {"conventioned": 3}
    plfss = Scenario.objects.get(name=demo.PLFSS)
    counts = plfss.results["counts"]
    assert counts["conventioned"] + counts["outside"] == 60
    assert counts["new"] == 20
    assert plfss.horizon == 3 and plfss.results["error_count"] == 0
    assert len(pdf.document(plfss).pages) == 2
