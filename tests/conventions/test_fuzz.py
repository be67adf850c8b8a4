"""Random input on every convention form: never a 500, the page comes back with what was typed or a redirect."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conventions.models import Convention
from tests.conftest import client_for
from tests.factories import ConventionFactory, StructureFactory
from tests.special_numbers import special_numbers

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.one_of(st.text(max_size=40).map(lambda value: value.replace("\x00", "")), special_numbers)


def _draft(manager, ars_idf, cnam):
    convention = Convention.objects.filter(status="draft").first()
    return convention or ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam
    )


def _active(manager, ars_idf, cnam, cnam2):
    convention = Convention.objects.filter(status="active").first()
    return convention or ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
        cnam=cnam,
        active=True,
        manager=manager,
        cnam2=cnam2,
    )


@FUZZ
@given(start=text, duration=text, share=text, advance=text, balance=text, obligations=st.lists(text, max_size=3))
def test_terms_form(manager, ars_idf, cnam, start, duration, share, advance, balance, obligations):
    convention = _draft(manager, ars_idf, cnam)
    data = {
        "start_date": start,
        "duration_years": duration,
        "advance_share": share,
        "advance_due": advance,
        "balance_due": balance,
        "obligations": obligations,
        "version": str(convention.version),
    }
    response = client_for(cnam).post(reverse("conventions:edit", args=[convention.pk]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(title=text, indicator=text, baseline=text, points=text, t1=text, t2=text, total=text, version=text)
def test_objective_form(manager, ars_idf, cnam, title, indicator, baseline, points, t1, t2, total, version):
    convention = _draft(manager, ars_idf, cnam)
    data = {
        "title": title,
        "version": version,
        "lignes-TOTAL_FORMS": total,
        "lignes-INITIAL_FORMS": "0",
        "lignes-0-indicator": indicator,
        "lignes-0-baseline": baseline,
        "lignes-0-points": points,
        "lignes-0-target_2026": t1,
        "lignes-0-target_2027": t2,
    }
    response = client_for(cnam).post(reverse("conventions:objective_add", args=[convention.pk]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(summary=text, end=text, target=text, indicator=text, objective=text, remove=text)
def test_amendment_form(manager, ars_idf, cnam, cnam2, summary, end, target, indicator, objective, remove):
    convention = _active(manager, ars_idf, cnam, cnam2)
    line = convention.indicators.filter(objective__isnull=False).first()
    data = {
        "summary": summary,
        "new_end_date": end,
        f"target_{line.pk}_2027": target,
        f"remove_{line.pk}": remove,
        "add_0_indicator": indicator,
        "add_0_objective": objective,
        "add_0_target_2026": target,
    }
    response = client_for(cnam).post(reverse("conventions:amendment_create", args=[convention.pk]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(name=text, capacity=text, consent=text)
def test_signature_form(manager, ars_idf, cnam, name, capacity, consent):
    convention = Convention.objects.filter(status="sent").first() or ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam, sent=True
    )
    data = {"signatory_name": name, "signatory_capacity": capacity, "consent": consent}
    response = client_for(manager).post(reverse("conventions:sign_structure", args=[convention.pk]), data)
    assert response.status_code in (200, 302)
