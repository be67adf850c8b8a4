"""Role × URL × in-scope / out-of-scope matrix over every annual report URL.

The report under test belongs to ``manager``'s structure in Île-de-France. Out of scope (another structure's
manager, the ARS agent of another region) is a 404 on every URL naming a report, a convention or a structure;
anonymous visitors go to the login page. In scope, each cell says what the actor gets: the page, the action
done, the action refused with a French message (redirect), or a 404 for a page their role has no use for.

The URLs are read from conventions/views/report_urls.py: a new URL without a row in ``MATRIX`` fails.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.messages import ERROR, get_messages
from django.urls import reverse

from conventions.enums import ReportStatus
from conventions.models import AnnualReport
from conventions.views.report_urls import urlpatterns
from tests.conftest import client_for, make_user
from tests.factories import AFTER_2026, ConventionFactory, ReportFactory

pytestmark = pytest.mark.django_db

PAGE, DONE, REFUSED, REDIRECT, NOT_FOUND, LOGIN, ABSENT = (
    "page",
    "done",
    "refused",
    "redirect",
    "404",
    "login",
    "absent",
)
MANAGER, OTHER_MANAGER, ARS, OTHER_ARS, CNAM, ANONYMOUS = (
    "manager",
    "other_manager",
    "ars",
    "other_ars",
    "cnam",
    "anon",
)
ACTORS = [MANAGER, OTHER_MANAGER, ARS, OTHER_ARS, CNAM, ANONYMOUS]
R = ReportStatus


@dataclass(frozen=True)
class Route:
    method: str
    state: str  # the report's state before the request ("none": no report yet)
    manager: str
    ars: str
    cnam: str
    data: dict = field(default_factory=dict)
    after: str | None = None  # the report's state after a DONE action
    # Out of scope: 404 when the URL names an object; else the page without the structure (or as stated).
    other_manager: str = NOT_FOUND
    other_ars: str = NOT_FOUND

    def expected(self, actor):
        return LOGIN if actor == ANONYMOUS else getattr(self, actor)


MATRIX = {
    "report_list": [Route("get", R.SUBMITTED, PAGE, PAGE, PAGE, other_manager=ABSENT, other_ars=ABSENT)],
    "report_export": [Route("get", R.SUBMITTED, PAGE, PAGE, PAGE, other_manager=ABSENT, other_ars=ABSENT)],
    "report_open": [Route("post", "none", DONE, REFUSED, REFUSED, after=R.DRAFT)],
    "report_detail": [Route("get", R.SUBMITTED, PAGE, PAGE, PAGE)],
    "report_edit": [
        Route("get", R.DRAFT, PAGE, REFUSED, REFUSED),
        Route("post", R.RETURNED, DONE, REFUSED, REFUSED, data={"version": "x"}),
        Route("get", R.SUBMITTED, REFUSED, REFUSED, REFUSED),
    ],
    "report_submit": [
        Route("get", R.DRAFT, PAGE, REFUSED, REFUSED),
        Route("post", R.DRAFT, DONE, REFUSED, REFUSED, after=R.SUBMITTED),
        Route("post", R.VALIDATED, REFUSED, REFUSED, REFUSED),
    ],
    "report_review": [
        Route("get", R.SUBMITTED, REDIRECT, PAGE, REDIRECT),
        # Validation is never one click from the review page: it goes through report_validate's confirmation.
        Route("post", R.SUBMITTED, REFUSED, PAGE, REFUSED, data={"action": "validate"}),
        Route(
            "post", R.SUBMITTED, REFUSED, DONE, REFUSED, data={"action": "return", "reason": "Non"}, after=R.RETURNED
        ),
        Route("get", R.DRAFT, REDIRECT, REDIRECT, REDIRECT),
    ],
    "report_validate": [
        Route("get", R.SUBMITTED, REFUSED, PAGE, REFUSED),
        Route("post", R.SUBMITTED, REFUSED, DONE, REFUSED, after=R.VALIDATED),
        Route("get", R.DRAFT, REFUSED, REFUSED, REFUSED),
        Route("post", R.VALIDATED, REFUSED, REFUSED, REFUSED),
    ],
    "structure_indicators": [Route("get", R.VALIDATED, PAGE, PAGE, PAGE)],
    "national_attainment": [
        Route("get", R.VALIDATED, NOT_FOUND, PAGE, PAGE, other_manager=NOT_FOUND, other_ars=ABSENT)
    ],
    "national_export": [Route("get", R.VALIDATED, NOT_FOUND, PAGE, PAGE, other_manager=NOT_FOUND, other_ars=ABSENT)],
}
CELLS = [(name, i, actor) for name, routes in MATRIX.items() for i in range(len(routes)) for actor in ACTORS]


def test_every_report_url_has_a_row():
    assert {pattern.name for pattern in urlpatterns} == set(MATRIX)


def _url(name, report, convention):
    if name == "report_open":
        return reverse("conventions:report_open", args=[convention.pk, 2026])
    if name == "structure_indicators":
        return reverse("conventions:structure_indicators", args=[convention.structure_id])
    if name == "report_export":
        return reverse("conventions:report_export", args=["csv"])
    if name == "national_export":
        return reverse("conventions:national_export", args=["csv"]) + "?annee=2026"
    if name in ("report_list", "national_attainment"):
        return reverse(f"conventions:{name}") + ("?annee=2026" if name == "national_attainment" else "")
    return reverse(f"conventions:{name}", args=[report.pk])


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def _marker(name, convention) -> str:
    """What shows that the page holds the report: the structure, or the indicator on the per-indicator view."""
    return (
        "Réunions de coordination pluriprofessionnelles tenues"
        if name == "national_attainment"
        else (convention.structure.name)
    )


@pytest.mark.parametrize("name, index, actor", CELLS)
def test_matrix(name, index, actor, manager, ars_idf, ars_ara, cnam, cnam2, time_machine):
    time_machine.move_to(AFTER_2026, tick=False)  # 2026 reports may be filed: the timeline has its own tests
    route = MATRIX[name][index]
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    report = None
    if route.state != "none":
        state = "draft" if route.state == R.DRAFT else route.state
        report = ReportFactory(convention=convention, manager=manager, state=state, ars=ars_idf)
    users = {
        MANAGER: manager,
        OTHER_MANAGER: make_user("autre@test.example"),
        ARS: ars_idf,
        OTHER_ARS: ars_ara,
        CNAM: cnam,
    }
    client = client_for(users[actor]) if actor in users else client_for(manager).__class__()
    response = getattr(client, route.method)(_url(name, report, convention), route.data)
    expected = route.expected(actor)
    reports = AnnualReport.objects.filter(convention=convention)
    before = route.state if route.state != "none" else None
    now = reports.first().status if reports.exists() else None

    if expected == LOGIN:
        assert response.status_code == 302 and "/compte/connexion/" in response.url
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    elif expected == PAGE:
        assert response.status_code == 200
        assert _marker(name, convention) in _body(response)
    elif expected == ABSENT:
        assert response.status_code == 200
        assert _marker(name, convention) not in _body(response)
    elif expected == REDIRECT:
        assert response.status_code == 302
        assert now == before
    elif expected == DONE:
        assert response.status_code in (200, 302)
        if route.after:
            assert now == route.after
    elif expected == REFUSED:
        assert response.status_code == 302
        errors = [m.message for m in get_messages(response.wsgi_request) if m.level == ERROR]
        assert errors and all(m[0].isupper() for m in errors), errors
        assert now == before
    else:  # pragma: no cover
        raise AssertionError(expected)
    if expected != DONE:
        assert now == before
