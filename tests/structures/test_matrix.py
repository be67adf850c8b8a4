"""Role × URL × in-scope / out-of-scope matrix over every URL of the structures app, and the dashboard.

The file under test is in Île-de-France and belongs to ``manager``.  Out of scope (another structure's
manager, the ARS agent of another region, or anyone on a draft never submitted but its managers) is always
a 404, whatever the method; anonymous visitors are sent to the login page.  In scope, each cell says what the
actor gets: the page, the action done, the action refused with a French message, or a French 403.

The URLs are read from the ``structures`` namespace: a new URL without an entry in ``MATRIX`` fails.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.messages import ERROR, get_messages
from django.urls import get_resolver, reverse

from structures.enums import DocumentKind, StructureStatus
from structures.models import Document, ReviewNote, Structure
from tests.conftest import client_for, make_user
from tests.factories import MembershipFactory, StructureFactory, pdf_upload

PAGE = "page"  # 200
DONE = "done"  # redirect, and the action took effect
REFUSED = "refused"  # redirect with a French error message; nothing changed
FORBIDDEN = "forbidden"  # in scope but not entitled: a French 403 page
NOT_FOUND = "404"
LOGIN = "login"
ABSENT = "absent"  # 200, but the page does not show the structure (pages without a structure in their URL)
FILE = "file"  # 200, the document served as an attachment
ZIP = "zip"  # 200, the file's documents in one ZIP attachment

MANAGER, OTHER_MANAGER, ARS, OTHER_ARS, CNAM, ANONYMOUS = (
    "manager",
    "other_manager",
    "ars",
    "other_ars",
    "cnam",
    "anonymous",
)
ACTORS = [MANAGER, OTHER_MANAGER, ARS, OTHER_ARS, CNAM, ANONYMOUS]


@dataclass(frozen=True)
class Route:
    method: str
    state: str
    # What the actors in scope get (out of scope: see ``expected``).
    manager: str
    ars: str
    cnam: str
    data: dict = field(default_factory=dict)
    # Status after a DONE action (None: the status does not change; see ``effect``).
    after: str | None = None
    # Extra URL kwargs beyond the structure / document ones.
    kwargs: dict = field(default_factory=dict)
    # Pages without a structure in their URL (the list): out of scope, the structure is simply not shown.
    scoped_url: bool = True

    def expected(self, actor):
        if actor == ANONYMOUS:
            return LOGIN
        if actor in (OTHER_MANAGER, OTHER_ARS):
            return NOT_FOUND if self.scoped_url else ABSENT
        return getattr(self, actor)


S = StructureStatus
DECIDE = {"decision": "declare_eligible", "reason": "", "confirm": "1"}
NEW_MANAGER = "nouveau.gestionnaire@test.example"
CO_MANAGER = "co.cible@test.example"

MATRIX = {
    # --- List (scoped counts are checked below) ---
    "list": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE, scoped_url=False)],
    "export": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE, scoped_url=False, kwargs={"fmt": "csv"})],
    # --- ARS side ---
    "review": [Route("get", S.SUBMITTED, manager=FORBIDDEN, ars=PAGE, cnam=PAGE)],
    "take": [Route("post", S.SUBMITTED, manager=FORBIDDEN, ars=DONE, cnam=REFUSED, after=S.IN_REVIEW)],
    "decide": [Route("post", S.IN_REVIEW, manager=FORBIDDEN, ars=DONE, cnam=REFUSED, data=DECIDE, after=S.ELIGIBLE)],
    "reopen": [
        Route(
            "post",
            S.ELIGIBLE,
            manager=FORBIDDEN,
            ars=DONE,
            cnam=REFUSED,
            data={"reason": "Nouvelle équipe médicale à vérifier.", "confirm": "1"},
            after=S.IN_REVIEW,
        )
    ],
    "note_add": [
        Route("post", S.IN_REVIEW, manager=FORBIDDEN, ars=DONE, cnam=REFUSED, data={"text": "Appel prévu lundi."})
    ],
    # --- Structure page and manager side ---
    # ARS and CNAM agents get a page saying who registers structures; nobody sees another file there.
    "create": [Route("get", S.SUBMITTED, manager=ABSENT, ars=ABSENT, cnam=ABSENT, scoped_url=False)],
    "detail": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE)],
    # The structure page's other tabs (issue 12 §4): the same scope as the page.
    "team": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE)],
    "missions": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE)],
    "documents": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE)],
    "history": [Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE)],
    "step": [
        Route("get", S.CHANGES_REQUESTED, manager=PAGE, ars=REFUSED, cnam=REFUSED, kwargs={"step": "identite"}),
        # An empty identity step: the form comes back with its errors, nothing is saved.
        Route("post", S.CHANGES_REQUESTED, manager=PAGE, ars=REFUSED, cnam=REFUSED, kwargs={"step": "identite"}),
    ],
    "submit": [
        Route("get", S.CHANGES_REQUESTED, manager=PAGE, ars=REFUSED, cnam=REFUSED),
        # Back to the agent who sent it back, in review (structures.services.structure_submit).
        Route("post", S.CHANGES_REQUESTED, manager=DONE, ars=REFUSED, cnam=REFUSED, after=S.IN_REVIEW),
    ],
    "withdraw": [
        Route("get", S.SUBMITTED, manager=PAGE, ars=REFUSED, cnam=REFUSED),
        Route(
            "post",
            S.SUBMITTED,
            manager=DONE,
            ars=REFUSED,
            cnam=REFUSED,
            data={"reason": "La structure ferme."},
            after=S.WITHDRAWN,
        ),
    ],
    # A withdrawn file that was submitted stays visible to the agents, who cannot reopen it.
    "reopen_withdrawn": [Route("post", S.WITHDRAWN, manager=DONE, ars=REFUSED, cnam=REFUSED, after=S.DRAFT)],
    "document_download": [Route("get", S.SUBMITTED, manager=FILE, ars=FILE, cnam=FILE)],
    "documents_zip": [Route("get", S.SUBMITTED, manager=ZIP, ars=ZIP, cnam=ZIP)],
    "document_delete": [Route("post", S.CHANGES_REQUESTED, manager=DONE, ars=REFUSED, cnam=REFUSED)],
    # --- Who manages the structure ---
    "managers": [
        Route("get", S.SUBMITTED, manager=PAGE, ars=PAGE, cnam=PAGE),
        Route("post", S.SUBMITTED, manager=DONE, ars=REFUSED, cnam=REFUSED, data={"email": NEW_MANAGER}),
    ],
    "manager_remove": [
        Route("get", S.SUBMITTED, manager=PAGE, ars=REFUSED, cnam=REFUSED),
        Route("post", S.SUBMITTED, manager=DONE, ars=REFUSED, cnam=REFUSED),
    ],
}

# Routes without a status change: how to tell that the action took effect, or that nothing happened.
EFFECTS = {
    "note_add": lambda structure: ReviewNote.objects.filter(structure=structure).exists(),
    "document_delete": lambda structure: not Document.objects.filter(structure=structure, kind="other").exists(),
    "managers": lambda structure: structure.memberships.filter(user__email=NEW_MANAGER).exists(),
    "manager_remove": lambda structure: not structure.memberships.filter(user__email=CO_MANAGER).exists(),
}


def structure_url_names() -> list[str]:
    resolver = get_resolver()
    namespace = resolver.namespace_dict["structures"][1]
    return sorted({pattern.name for pattern in namespace.url_patterns if pattern.name})


def _pattern(name):
    namespace = get_resolver().namespace_dict["structures"][1]
    return next(p for p in namespace.url_patterns if p.name == name)


@pytest.fixture
def world(db, manager, ars_idf, ars_ara, cnam):
    other_manager = make_user("autre.gestion@test.example", first_name="Lucie", last_name="Perrin")
    StructureFactory(manager=other_manager, submitted=True, commune_code="63113", name="Centre de santé de Clermont")
    return {
        MANAGER: manager,
        OTHER_MANAGER: other_manager,
        ARS: ars_idf,
        OTHER_ARS: ars_ara,
        CNAM: cnam,
        ANONYMOUS: None,
    }


def _client(world, actor, client):
    return client if actor == ANONYMOUS else client_for(world[actor])


def _target(world, route):
    structure = StructureFactory(
        manager=world[MANAGER], state=route.state, reviewer=world[ARS], name="Centre de santé cible"
    )
    return structure


def _url(name, route, structure):
    converters = _pattern(name).pattern.converters
    kwargs = dict(route.kwargs)
    if "pk" in converters:
        kwargs["pk"] = structure.pk
    if "document_pk" in converters:
        kwargs["document_pk"] = structure.documents.get(kind=DocumentKind.OTHER).pk
    if "user_pk" in converters:
        co_manager = make_user(CO_MANAGER)
        MembershipFactory(structure=structure, user=co_manager)
        kwargs["user_pk"] = co_manager.pk
    return reverse(f"structures:{name}", kwargs=kwargs)


def _effect(name, route, structure) -> bool:
    if name in EFFECTS:
        return EFFECTS[name](structure)
    return Structure.objects.get(pk=structure.pk).status == route.after


def _error_messages(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level == ERROR]


CELLS = [
    pytest.param(name, index, actor, id=f"{name}-{route.method if route else 'missing'}-{actor}")
    for name in structure_url_names()
    for index, route in enumerate(MATRIX.get(name, [None]))
    for actor in ACTORS
]


def test_every_url_has_a_matrix_entry_and_every_entry_a_url():
    names = set(structure_url_names())
    assert not names - set(MATRIX), f"URLs of the structures app without a row in the matrix: {names - set(MATRIX)}"
    assert not set(MATRIX) - names, f"Matrix rows for URLs that no longer exist: {set(MATRIX) - names}"


@pytest.mark.parametrize(("name", "index", "actor"), CELLS)
def test_matrix(world, client, name, index, actor):
    assert name in MATRIX, f"No matrix row for structures:{name}"
    route = MATRIX[name][index]
    structure = _target(world, route)
    # The optional document every structure-level document URL works on.
    if "document_pk" in _pattern(name).pattern.converters:
        _add_other_document(structure, world[MANAGER])
    url = _url(name, route, structure)
    before = Structure.objects.get(pk=structure.pk).status
    response = getattr(_client(world, actor, client), route.method)(url, route.data)
    expected = route.expected(actor)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    elif expected == FORBIDDEN:
        assert response.status_code == 403
        assert "<h1" in response.content.decode(), "a 403 is a French page, not a bare error"
    elif expected == PAGE:
        assert response.status_code == 200
        assert structure.name in _body(response)
    elif expected == ABSENT:
        assert response.status_code == 200
        assert structure.name not in _body(response)
    elif expected == FILE:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    elif expected == ZIP:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/zip"
        assert b"".join(response.streaming_content).startswith(b"PK")
    elif expected == DONE:
        assert response.status_code == 302, f"{actor} on {name}: {response.status_code}"
        assert _effect(name, route, structure), f"{actor} on {name}: no effect"
        assert not _error_messages(response)
        return
    elif expected == REFUSED:
        assert response.status_code == 302
        assert _error_messages(response), f"{actor} on {name}: refused without a French message"
    else:  # pragma: no cover
        pytest.fail(f"unknown outcome {expected}")
    # Whatever was refused changed nothing.
    assert Structure.objects.get(pk=structure.pk).status == before
    if name in EFFECTS and route.method == "post":
        assert not EFFECTS[name](structure)


def _body(response) -> str:
    """A page's HTML, or a streamed export's text."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _add_other_document(structure, manager):
    # Documents can only be added while the file is editable: attach it directly for later states.
    Document.objects.create(
        structure=structure,
        kind=DocumentKind.OTHER,
        file=pdf_upload("annexe.pdf"),
        original_name="annexe.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=manager,
    )


# --- Drafts: only their managers see them ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in ("review", "detail", "team", "missions", "documents", "history", "document_download")
        if n in structure_url_names()
    ],
)
@pytest.mark.parametrize("actor", [ARS, CNAM, OTHER_MANAGER])
def test_a_draft_is_out_of_scope_for_everyone_but_its_managers(world, name, actor):
    draft = StructureFactory(manager=world[MANAGER], complete=True, name="Brouillon jamais déposé")
    kwargs = {"pk": draft.pk}
    if "document_pk" in _pattern(name).pattern.converters:
        kwargs["document_pk"] = draft.documents.first().pk
    assert client_for(world[actor]).get(reverse(f"structures:{name}", kwargs=kwargs)).status_code == 404


# --- List counts and dashboards are scoped -------------------------------------------------------------------


def _visible_names(world, actor):
    return set(Structure.objects.visible_to(world[actor]).values_list("name", flat=True))


@pytest.mark.parametrize("actor", [MANAGER, OTHER_MANAGER, ARS, OTHER_ARS, CNAM])
def test_list_shows_and_counts_only_what_the_actor_may_see(world, actor):
    StructureFactory(manager=world[MANAGER], submitted=True, name="Centre de santé cible")
    StructureFactory(manager=world[MANAGER], name="Brouillon de la cible")
    response = client_for(world[actor]).get(reverse("structures:list"))
    assert response.status_code == 200
    page = response.context["page_obj"]
    listed = {structure.name for structure in page.object_list}
    assert listed == _visible_names(world, actor)
    assert page.paginator.count == len(listed)
    html = response.content.decode()
    for name in {"Centre de santé cible", "Brouillon de la cible", "Centre de santé de Clermont"} - listed:
        assert name not in html


@pytest.mark.parametrize("actor", [MANAGER, OTHER_MANAGER, ARS, OTHER_ARS, CNAM])
def test_dashboard_is_scoped(world, actor):
    StructureFactory(manager=world[MANAGER], submitted=True, name="Centre de santé cible")
    response = client_for(world[actor]).get(reverse("dashboard"))
    assert response.status_code == 200
    section = response.context["structures_section"]
    in_scope = "Centre de santé cible" in _visible_names(world, actor)
    assert ("Centre de santé cible" in response.content.decode()) == (in_scope and actor != CNAM)
    if actor in (MANAGER, OTHER_MANAGER):
        assert {card.structure.name for card in section["cards"]} == _visible_names(world, actor)
    elif actor in (ARS, OTHER_ARS):
        submitted = Structure.objects.visible_to(world[actor]).filter(status=S.SUBMITTED)
        assert section["counts"]["to_take"] == submitted.count() == 1  # one submitted file per region
    else:
        assert section["total"] == 2


def test_dashboard_and_list_send_anonymous_visitors_to_login(client):
    for url in (reverse("dashboard"), reverse("structures:list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
