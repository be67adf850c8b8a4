"""Random input on every step of the registration form never gives a 500 (design.md §8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structures.forms.missions import MISSIONS
from structures.forms.team import CATEGORIES
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory
from tests.special_numbers import special_numbers

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Plausible values mixed with anything at all (control characters, huge numbers, other scripts).
anything = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789 ,.-AQNPMI2B", max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    special_numbers,
    st.sampled_from(["", " ", "\x00", "2A0001234", "93066", "QN09301M", "356000000000", "1e999", "NaN", "-0"]),
)


def _fields(names):
    return st.fixed_dictionaries({}, optional={name: anything for name in names})


IDENTITY = ["name", "kind", "finess_et", "finess_ej", "siret", "legal_form"]
LOCATION = [
    "address",
    "postal_code",
    "commune_name",
    "commune_code",
    "territory_type",
    "qpv_codes",
    "territory_justification",
]
ATTESTATIONS = ["attests_tiers_payant", "attests_no_overbilling", "attests_open_to_all", "attests_general_medicine"]
ACTIVITY = [
    "declared_file_active",
    "declared_patientele_mt",
    "declared_precarity_share",
    "declared_interpreting_hours",
    "declared_mediation_acts",
    "declared_psy_sessions",
    "declared_participatory_actions",
    "declared_participants",
    "other_funding_amount",
]


def _management(prefix, count):
    total = st.one_of(st.just(str(count)), anything)
    return st.fixed_dictionaries(
        {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": st.just(str(count))},
        optional={f"{prefix}-MIN_NUM_FORMS": anything, f"{prefix}-MAX_NUM_FORMS": anything},
    )


TEAM = st.tuples(
    _management("equipe", len(CATEGORIES)),
    _fields([f"equipe-{i}-{name}" for i in range(len(CATEGORIES)) for name in ("headcount", "fte")]),
    _fields(ACTIVITY),
)
MISSION_FIELDS = ("delivery_mode", "in_house_fte", "partner_name", "description")
MISSIONS_DATA = st.tuples(
    _management("missions", len(MISSIONS)),
    _fields([f"missions-{i}-{name}" for i in range(len(MISSIONS)) for name in MISSION_FIELDS]),
)
ACTIONS = st.sampled_from(["next", "save", "previous", "", "autre"])


@pytest.fixture
def draft(manager):
    return StructureFactory(manager=manager, name="Centre de santé aléatoire")


def _post(client, structure, slug, data, action, stale):
    version = Structure.objects.get(pk=structure.pk).version - (1 if stale else 0)
    response = client.post(
        reverse("structures:step", args=[structure.pk, slug]), {**data, "action": action, "version": version}
    )
    assert response.status_code in (200, 302), response.status_code
    return response


@FUZZ
@given(data=_fields(IDENTITY), action=ACTIONS)
def test_create_never_fails(manager, data, action):
    response = client_for(manager).post(reverse("structures:create"), {**data, "action": action})
    assert response.status_code in (200, 302)


@FUZZ
@given(data=_fields(IDENTITY), action=ACTIONS, stale=st.booleans())
def test_identity_never_fails(manager, draft, data, action, stale):
    _post(client_for(manager), draft, "identite", data, action, stale)


@FUZZ
@given(data=_fields(LOCATION), action=ACTIONS, stale=st.booleans())
def test_location_never_fails(manager, draft, data, action, stale):
    _post(client_for(manager), draft, "localisation", data, action, stale)


@FUZZ
@given(parts=TEAM, action=ACTIONS, stale=st.booleans())
def test_team_never_fails(manager, draft, parts, action, stale):
    management, lines, activity = parts
    _post(client_for(manager), draft, "equipe", {**management, **lines, **activity}, action, stale)


@FUZZ
@given(parts=MISSIONS_DATA, action=ACTIONS, stale=st.booleans())
def test_missions_never_fails(manager, draft, parts, action, stale):
    management, lines = parts
    _post(client_for(manager), draft, "missions", {**management, **lines}, action, stale)


@FUZZ
@given(data=_fields(ATTESTATIONS), action=ACTIONS, stale=st.booleans())
def test_attestations_never_fails(manager, draft, data, action, stale):
    _post(client_for(manager), draft, "attestations", data, action, stale)


@FUZZ
@given(
    kind=anything,
    name=st.text(min_size=1, max_size=80),
    head=st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"", b"GIF89a"]),
    body=st.binary(max_size=200),
)
def test_document_upload_never_fails(manager, draft, kind, name, head, body):
    # A browser may send any name; the test client only builds uploads with a usable base name.
    safe_name = "f" + name.replace("\x00", "").replace("/", "_").replace("\\", "_")
    upload = SimpleUploadedFile(safe_name, head + body)
    response = client_for(manager).post(
        reverse("structures:step", args=[draft.pk, "documents"]), {"kind": kind, "file": upload}
    )
    assert response.status_code in (200, 302)
    for document in draft.documents.all():
        response = client_for(manager).get(reverse("structures:document_download", args=[draft.pk, document.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)


@FUZZ
@given(reason=anything)
def test_withdraw_never_fails(manager, reason):
    structure = StructureFactory(manager=manager)
    response = client_for(manager).post(reverse("structures:withdraw", args=[structure.pk]), {"reason": reason})
    assert response.status_code in (200, 302)
