"""Random input on the list filters and on every review form: never a 500, and nothing leaks out of scope."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structures.enums import StructureStatus as S
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(max_size=60)
decision = st.one_of(text, st.sampled_from(["declare_eligible", "declare_ineligible", "request_changes"]))
flag = st.one_of(st.none(), st.sampled_from(["1", "on"]), text)


def _target(manager, ars_idf, status):
    structure = Structure.objects.filter(name="Cible", status=status).first()
    return structure or StructureFactory(manager=manager, state=status, reviewer=ars_idf, name="Cible")


@FUZZ
@given(q=text, status=text, region=text, departement=text, kind=text, o=text, page=text, mine=flag, late=flag)
def test_list_filters(manager, ars_ara, q, status, region, departement, kind, o, page, mine, late):
    if not Structure.objects.exists():
        StructureFactory(manager=manager, submitted=True, name="Centre de santé francilien")
    params = {"q": q, "status": status, "region": region, "departement": departement, "kind": kind}
    params.update({"o": o, "page": page, **({"mine": mine} if mine else {}), **({"late": late} if late else {})})
    response = client_for(ars_ara).get(reverse("structures:list"), params)
    assert response.status_code == 200
    assert "Centre de santé francilien" not in response.content.decode(), "another region's file never shows"


@FUZZ
@given(choice=decision, reason=text, confirm=flag, edit=flag)
def test_decision_form(manager, ars_idf, choice, reason, confirm, edit):
    structure = _target(manager, ars_idf, S.IN_REVIEW)
    data = {"decision": choice, "reason": reason}
    data.update({key: value for key, value in (("confirm", confirm), ("edit", edit)) if value is not None})
    response = client_for(ars_idf).post(reverse("structures:decide", args=[structure.pk]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(reason=text, confirm=flag)
def test_reopen_form(manager, ars_idf, reason, confirm):
    structure = _target(manager, ars_idf, S.ELIGIBLE)
    data = {"reason": reason, **({"confirm": confirm} if confirm is not None else {})}
    response = client_for(ars_idf).post(reverse("structures:reopen", args=[structure.pk]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(note=text)
def test_note_form(manager, ars_idf, note):
    structure = _target(manager, ars_idf, S.IN_REVIEW)
    response = client_for(ars_idf).post(reverse("structures:note_add", args=[structure.pk]), {"text": note})
    assert response.status_code in (200, 302)
