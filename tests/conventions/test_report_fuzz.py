"""Random input on the annual report forms: never a 500; a rejected form comes back with what was typed."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conventions.models import AnnualReport, Indicator
from tests.conftest import client_for
from tests.factories import ConventionFactory, ReportFactory
from tests.special_numbers import special_numbers

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(max_size=30).map(lambda value: value.replace("\x00", ""))
numberish = st.one_of(
    text,
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    special_numbers,
    st.integers(min_value=-(10**16), max_value=10**16).map(str),
    st.sampled_from(["12,5", "1 200", "1e3", "-0", "100,01", "0,001", "NaN", "∞", "١٢"]),
)


def _report(manager, ars_idf, cnam, cnam2, state="draft"):
    report = AnnualReport.objects.filter(status=state).first()
    if report is None:
        convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
        report = ReportFactory(convention=convention, manager=manager, state=state)
    return report


@FUZZ
@given(file_active=numberish, patientele=numberish, share=numberish, yes_no=text, fte=numberish, comment=text, v=text)
def test_report_form(manager, ars_idf, cnam, cnam2, file_active, patientele, share, yes_no, fte, comment, v):
    report = _report(manager, ars_idf, cnam, cnam2)
    codes = Indicator.objects.in_bulk(["file_active", "patientele_mt", "precarity_share"], field_name="code")
    data = {
        f"value_{codes['file_active'].pk}": file_active,
        f"value_{codes['patientele_mt'].pk}": patientele,
        f"value_{codes['precarity_share'].pk}": share,
        f"comment_{codes['file_active'].pk}": comment,
        "fte_nurse": fte,
        "version": v or str(AnnualReport.objects.get(pk=report.pk).version),
        "deposer": "1",
    }
    response = client_for(manager).post(reverse("conventions:report_edit", args=[report.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "data-error-summary" in response.content.decode()


@FUZZ
@given(action=text, reason=st.text(max_size=3000).map(lambda value: value.replace("\x00", "")))
def test_review_form(manager, ars_idf, cnam, cnam2, action, reason):
    report = _report(manager, ars_idf, cnam, cnam2, state="submitted")
    response = client_for(ars_idf).post(
        reverse("conventions:report_review", args=[report.pk]), {"action": action, "reason": reason}
    )
    assert response.status_code in (200, 302)
