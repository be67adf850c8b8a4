"""Role × page × scope: every convention page answers each role as the design says (design.md §3).

In scope without the right: the page redirects with a French message (or is simply shown without buttons);
out of scope: 404, never a 403 that would confirm the convention exists.
"""

import pytest
from django.urls import reverse

from conventions.models import Indicator
from conventions.views.convention_urls import urlpatterns
from tests.conftest import client_for, make_user
from tests.factories import ConventionFactory, StructureFactory

ROLES = ["manager", "other_manager", "ars_idf", "ars_ara", "cnam", "cnam2"]
OK, REDIRECT, NOT_FOUND = 200, 302, 404
IN_SCOPE_READ = {
    "manager": OK,
    "other_manager": NOT_FOUND,
    "ars_idf": OK,
    "ars_ara": NOT_FOUND,
    "cnam": OK,
    "cnam2": OK,
}


def _in_scope_redirect(cnam_status):
    return {
        "manager": REDIRECT,
        "other_manager": NOT_FOUND,
        "ars_idf": REDIRECT,
        "ars_ara": NOT_FOUND,
        "cnam": cnam_status,
        "cnam2": cnam_status,
    }


CNAM_ONLY = {"manager": NOT_FOUND, "other_manager": NOT_FOUND, "ars_idf": NOT_FOUND, "ars_ara": NOT_FOUND}
CNAM_ONLY.update(cnam=OK, cnam2=OK)

# URL name → (kind of arguments, expected status per role) on a convention in force with one avenant sent.
MATRIX = {
    "list": ("none", dict.fromkeys(ROLES, OK)),
    "export": ("export", dict.fromkeys(ROLES, OK)),
    "to_prepare": ("none", CNAM_ONLY),
    "prepare": ("structure", _in_scope_redirect(OK)),
    "detail": ("convention", IN_SCOPE_READ),
    "print": ("convention", IN_SCOPE_READ),
    "print_margin_css": ("convention", IN_SCOPE_READ),
    "pdf": ("convention", IN_SCOPE_READ),
    "signed_pdf": ("signed_pdf", IN_SCOPE_READ),
    "edit": ("convention", _in_scope_redirect(REDIRECT)),
    "objective_add": ("convention", _in_scope_redirect(REDIRECT)),
    "objective_edit": ("objective", _in_scope_redirect(REDIRECT)),
    "objective_delete": ("objective", _in_scope_redirect(REDIRECT)),
    "send": ("convention", _in_scope_redirect(REDIRECT)),
    "recall": ("convention", _in_scope_redirect(REDIRECT)),
    "sign_structure": ("convention", _in_scope_redirect(REDIRECT)),
    "sign_cnam": ("convention", _in_scope_redirect(REDIRECT)),
    "terminate": ("convention", _in_scope_redirect(OK)),
    # An avenant is in progress: a second one is refused to everyone, with a message.
    "amendment_create": ("convention", _in_scope_redirect(REDIRECT)),
    "amendment_detail": ("amendment", IN_SCOPE_READ),
    "amendment_edit": ("amendment", _in_scope_redirect(REDIRECT)),
    "amendment_delete": ("amendment", _in_scope_redirect(REDIRECT)),
    "amendment_abandon": ("amendment", _in_scope_redirect(OK)),
    "amendment_send": ("amendment", _in_scope_redirect(REDIRECT)),
    "amendment_sign_structure": ("amendment", {**_in_scope_redirect(REDIRECT), "manager": OK}),
    "amendment_sign_cnam": ("amendment", _in_scope_redirect(REDIRECT)),
    "indicator_list": ("none", CNAM_ONLY),
    "indicator_create": ("none", CNAM_ONLY),
    "indicator_edit": ("indicator", CNAM_ONLY),
}


def test_every_url_of_the_app_is_in_the_matrix():
    assert {pattern.name for pattern in urlpatterns} == set(MATRIX)


def _stored_pdf(convention):
    """A stored signed PDF (its content does not matter here: only who may download it)."""
    from django.core.files.base import ContentFile

    from conventions.models import SignedPdf

    stored = SignedPdf(convention=convention, signature="test", sha256="0" * 64, size=9)
    stored.file.save("test.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return stored


@pytest.fixture
def world(manager, ars_idf, ars_ara, cnam, cnam2):
    from decimal import Decimal

    from conventions.services.amendments import amendment_save, amendment_send

    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    convention = ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)
    amendment = amendment_save(
        convention=convention,
        user=cnam,
        summary="Cible 2028 relevée",
        targets=[
            {"indicator": Indicator.objects.get(code="coordination_meetings"), "year": 2028, "value": Decimal(30)}
        ],
    )
    amendment_send(amendment=amendment, user=cnam)
    people = {
        "manager": manager,
        "other_manager": make_user("autre.gestion@test.example"),
        "ars_idf": ars_idf,
        "ars_ara": ars_ara,
        "cnam": cnam,
        "cnam2": cnam2,
    }
    StructureFactory(manager=people["other_manager"], reviewer=ars_idf, eligible=True)
    args = {
        "none": [],
        "export": ["csv"],
        "structure": [structure.pk],
        "convention": [convention.pk],
        "objective": [convention.pk, convention.objectives.first().pk],
        "amendment": [convention.pk, amendment.number],
        "indicator": [Indicator.objects.first().pk],
        "signed_pdf": [convention.pk, _stored_pdf(convention).pk],
    }
    return people, args


@pytest.mark.parametrize("name", list(MATRIX))
def test_role_page_scope_matrix(name, world):
    people, args = world
    kind, expected = MATRIX[name]
    url = reverse(f"conventions:{name}", args=args[kind])
    answers = {role: client_for(people[role]).get(url).status_code for role in ROLES}
    assert answers == expected


@pytest.mark.parametrize("name", [n for n, (kind, _) in MATRIX.items() if kind in ("convention", "amendment")])
def test_a_post_out_of_scope_is_404_and_in_scope_without_right_is_a_french_message(name, world):
    people, args = world
    kind, _expected = MATRIX[name]
    url = reverse(f"conventions:{name}", args=args[kind])
    assert client_for(people["ars_ara"]).post(url, {"reason": "x"}).status_code == NOT_FOUND
    response = client_for(people["ars_idf"]).post(url, {"reason": "Motif"}, follow=True)
    assert response.status_code == OK
    if name not in ("detail", "print", "amendment_detail", "print_margin_css", "pdf"):
        assert "fr-alert--error" in response.content.decode()
