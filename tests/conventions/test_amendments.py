"""Avenants: numbered, signed like the convention, applied at the second signature, shown with before and after."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from conventions.enums import AmendmentStatus, ConventionStatus
from conventions.models import Amendment, ConventionIndicator, Indicator, Target
from conventions.services import amendments as services
from conventions.workflow import TransitionError
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import ConventionFactory, StructureFactory

INDICATORS = ("coordination_meetings", "first_appointment_delay", "satisfaction_score")


@pytest.fixture
def convention(manager, ars_idf, cnam, cnam2):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    return ConventionFactory(
        structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True, indicators=INDICATORS
    )


def _indicator(code):
    return Indicator.objects.get(code=code)


def _target(convention, code, year):
    return Target.objects.get(
        convention_indicator__convention=convention, convention_indicator__indicator__code=code, year=year
    ).value


def _sign_both(amendment, manager, cnam2):
    services.amendment_send(amendment=amendment, user=amendment.prepared_by)
    services.amendment_sign_structure(
        amendment=amendment,
        user=manager,
        signatory_name="Camille Martin",
        signatory_capacity="Directrice",
        consent=True,
    )
    return services.amendment_sign_cnam(
        amendment=amendment, user=cnam2, signatory_name="Louis Garnier", signatory_capacity="Directeur délégué"
    )


def test_full_amendment_changes_targets_indicators_and_end_date(
    convention, manager, cnam, cnam2, django_capture_on_commit_callbacks
):
    objective = convention.objectives.first()
    assert _target(convention, "coordination_meetings", 2027) == Decimal("14")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        amendment = services.amendment_save(
            convention=convention,
            user=cnam,
            summary="Cibles de coordination relevées, enquête de satisfaction remplacée, une année de plus.",
            new_end_date=datetime.date(2029, 12, 31),
            targets=[{"indicator": _indicator("coordination_meetings"), "year": 2027, "value": Decimal("20")}],
            remove=[_indicator("satisfaction_score")],
            add=[
                {
                    "indicator": _indicator("shared_record"),
                    "objective": objective,
                    "baseline": None,
                    "points": Decimal("5"),
                    "targets": {year: Decimal("1") for year in range(2026, 2030)},
                }
            ],
        )
        assert amendment.number == 1
        _sign_both(amendment, manager, cnam2)

    convention.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACTIVE
    assert convention.end_date == datetime.date(2029, 12, 31)
    assert convention.duration_years == 4
    assert _target(convention, "coordination_meetings", 2027) == Decimal("20")
    # The added year keeps each indicator's last target.
    assert _target(convention, "coordination_meetings", 2029) == _target(convention, "coordination_meetings", 2028)
    assert not ConventionIndicator.objects.filter(convention=convention, indicator__code="satisfaction_score").exists()
    assert _target(convention, "shared_record", 2029) == Decimal("1")
    assert amendment.before["end_date"] == "2028-12-31"
    assert amendment.before["targets"]["coordination_meetings|2027"] == "14.00"
    assert amendment.before["removed"][0]["indicator"] == "satisfaction_score"

    verbs = list(Event.objects.for_object(convention).values_list("verb", flat=True))
    assert verbs[-4:] == ["amendment_prepared", "amendment_sent", "amendment_signed_by_structure", "amendment_active"]
    by_subject = {}
    for message in mail.outbox:
        by_subject.setdefault(message.subject, set()).update(message.to)
    assert by_subject == {
        f"SECPA — avenant n° 1 à signer : {convention.reference}": {"gestion@test.example"},
        f"SECPA — avenant n° 1 signé par la structure : {convention.reference}": {
            "cnam@test.example",
            "cnam2@test.example",
        },
        f"SECPA — avenant n° 1 en vigueur : {convention.reference}": {"gestion@test.example"},
    }


def test_convention_page_shows_the_current_version_and_each_amendment_before_after(convention, manager, cnam, cnam2):
    amendment = services.amendment_save(
        convention=convention,
        user=cnam,
        summary="Relèvement de la cible 2027.",
        targets=[{"indicator": _indicator("coordination_meetings"), "year": 2027, "value": Decimal("20")}],
    )
    _sign_both(amendment, manager, cnam2)
    content = client_for(manager).get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Convention initiale modifiée par l'avenant n° 1" in content
    assert "Cible 2027 — Réunions de coordination pluriprofessionnelles tenues</th><td>14</td><td>20</td>" in content
    printed = client_for(manager).get(reverse("conventions:print", args=[convention.pk])).content.decode()
    assert "Avenant n° 1" in printed and "<td>14</td><td>20</td>" in printed


def test_amendments_are_numbered_per_convention(convention, manager, cnam, cnam2, ars_idf):
    for expected in (1, 2):
        amendment = services.amendment_save(
            convention=convention,
            user=cnam,
            summary=f"Avenant {expected}",
            targets=[
                {"indicator": _indicator("coordination_meetings"), "year": 2028, "value": Decimal(30 + expected)}
            ],
        )
        assert amendment.number == expected
        _sign_both(amendment, manager, cnam2)
    other = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
    )
    first_of_other = services.amendment_save(
        convention=other,
        user=cnam,
        summary="Premier",
        targets=[{"indicator": _indicator("coordination_meetings"), "year": 2028, "value": Decimal("40")}],
    )
    assert first_of_other.number == 1


def test_one_amendment_at_a_time_and_only_on_an_active_convention(convention, manager, cnam, ars_idf):
    request = {"targets": [{"indicator": _indicator("coordination_meetings"), "year": 2028, "value": Decimal("30")}]}
    services.amendment_save(convention=convention, user=cnam, summary="Un", **request)
    with pytest.raises(ActionRefused, match="déjà en cours"):
        services.amendment_save(convention=convention, user=cnam, summary="Deux", **request)
    sent = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam, sent=True
    )
    with pytest.raises(ActionRefused, match="convention en vigueur"):
        services.amendment_save(convention=sent, user=cnam, summary="Trois", **request)


def test_who_may_prepare_and_sign(convention, manager, cnam, cnam2, ars_idf):
    request = {"targets": [{"indicator": _indicator("coordination_meetings"), "year": 2028, "value": Decimal("30")}]}
    for intruder in (manager, ars_idf):
        with pytest.raises(ActionRefused, match="Seul un agent de la CNAM"):
            services.amendment_save(convention=convention, user=intruder, summary="X", **request)
    amendment = services.amendment_save(convention=convention, user=cnam, summary="X", **request)
    with pytest.raises(TransitionError, match="Action impossible : l'avenant est « En préparation »"):
        services.amendment_sign_cnam(amendment=amendment, user=cnam2, signatory_name="A", signatory_capacity="B")
    services.amendment_send(amendment=amendment, user=cnam)
    for intruder in (cnam, ars_idf):
        with pytest.raises(ActionRefused, match="Seul un gestionnaire"):
            services.amendment_sign_structure(
                amendment=amendment, user=intruder, signatory_name="A", signatory_capacity="B", consent=True
            )
    with pytest.raises(TransitionError, match="Cochez la case"):
        services.amendment_sign_structure(
            amendment=amendment, user=manager, signatory_name="A", signatory_capacity="B", consent=False
        )
    services.amendment_sign_structure(
        amendment=amendment, user=manager, signatory_name="A", signatory_capacity="B", consent=True
    )
    with pytest.raises(ActionRefused, match="principe des quatre yeux"):
        services.amendment_sign_cnam(amendment=amendment, user=cnam, signatory_name="A", signatory_capacity="B")
    with pytest.raises(ActionRefused, match="Seul un agent de la CNAM"):
        services.amendment_sign_cnam(amendment=amendment, user=manager, signatory_name="A", signatory_capacity="B")
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.SIGNED_BY_STRUCTURE


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({}, "ne change rien"),
        ({"new_end_date": datetime.date(2031, 1, 1)}, "au plus 5 ans"),
        ({"new_end_date": datetime.date(2025, 6, 1)}, "suivre la date de début"),
        ({"remove": ["file_active"]}, "n'est pas suivi par un objectif"),
        (
            {
                "remove": [
                    "coordination_meetings",
                    "first_appointment_delay",
                    "flu_vaccination_65",
                    "missed_appointments",
                ]
            },
            "n'aurait plus aucun indicateur",
        ),
        ({"targets": [("coordination_meetings", 2027, "5")]}, "au moins égale à la valeur de référence"),
        ({"targets": [("coordination_meetings", 2031, "50")]}, "n'est pas couverte"),
    ],
)
def test_invalid_amendments_are_refused_in_french(convention, cnam, request_, message):
    # The factories put the indicators (with the law's quality and performance ones) under one objective.
    request = dict(request_)
    if "remove" in request:
        request["remove"] = [_indicator(code) for code in request["remove"]]
    if "targets" in request:
        request["targets"] = [
            {"indicator": _indicator(code), "year": year, "value": Decimal(value)}
            for code, year, value in request["targets"]
        ]
    if message == "n'aurait plus aucun indicateur":
        request["remove"].append(_indicator("satisfaction_score"))
    with pytest.raises(ActionRefused, match=message):
        services.amendment_save(convention=convention, user=cnam, summary="Test", **request)
    assert not Amendment.objects.exists()


def test_amendment_pages_through_the_views(convention, manager, cnam, cnam2):
    client = client_for(cnam)
    url = reverse("conventions:amendment_create", args=[convention.pk])
    assert client.get(url).status_code == 200
    line = ConventionIndicator.objects.get(convention=convention, indicator__code="coordination_meetings")
    data = {"summary": "", "new_end_date": ""}
    for other in ConventionIndicator.objects.filter(convention=convention, objective__isnull=False):
        for target in other.targets.all():
            data[f"target_{other.pk}_{target.year}"] = str(target.value).replace(".", ",")
    data[f"target_{line.pk}_2027"] = "abc"
    response = client.post(url, data)
    content = response.content.decode()
    assert "Indiquez l&#x27;objet de l&#x27;avenant." in content or "Indiquez l'objet de l'avenant." in content
    assert "Saisissez un nombre" in content
    assert 'value="abc"' in content
    data.update({"summary": "Cible 2027 relevée", f"target_{line.pk}_2027": "18"})
    response = client.post(url, data)
    assert response.status_code == 302
    amendment = Amendment.objects.get(convention=convention)
    assert amendment.changes == {"targets": [{"indicator": "coordination_meetings", "year": 2027, "value": "18"}]}
    client.post(reverse("conventions:amendment_send", args=[convention.pk, 1]))
    manager_client = client_for(manager)
    page = manager_client.get(reverse("conventions:amendment_detail", args=[convention.pk, 1])).content.decode()
    assert "Cet avenant attend votre signature" in page
    manager_client.post(
        reverse("conventions:amendment_sign_structure", args=[convention.pk, 1]),
        {"signatory_name": "Camille Martin", "signatory_capacity": "Directrice", "consent": "on"},
    )
    signature = {"signatory_name": "Louis Garnier", "signatory_capacity": "Directeur délégué"}
    sign_cnam = reverse("conventions:amendment_sign_cnam", args=[convention.pk, 1])
    response = client.post(sign_cnam, signature, follow=True)
    assert "principe des quatre yeux" in response.content.decode()
    other = client_for(cnam2)
    form = other.get(sign_cnam).content.decode()
    assert "Nom et prénom du signataire" in form and "Pour le directeur général de la CNAM" in form
    empty = other.post(sign_cnam, {"signatory_name": " ", "signatory_capacity": ""}).content.decode()
    assert "Indiquez le nom et le prénom du signataire." in empty
    assert "Indiquez la qualité du signataire." in empty
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.SIGNED_BY_STRUCTURE
    assert other.post(sign_cnam, signature).status_code == 302
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.ACTIVE
    assert _target(convention, "coordination_meetings", 2027) == Decimal("18")
    amendment.refresh_from_db()
    assert (amendment.cnam_signatory_name, amendment.cnam_signatory_capacity) == ("Louis Garnier", "Directeur délégué")
    page = client_for(manager).get(reverse("conventions:amendment_detail", args=[convention.pk, 1])).content.decode()
    assert "Louis Garnier, Directeur délégué" in page
    printed = client_for(manager).get(reverse("conventions:print", args=[convention.pk])).content.decode()
    assert "pour l'assurance maladie par Louis Garnier (Directeur délégué)" in printed


def test_amendment_pages_are_scoped(convention, ars_ara, cnam):
    amendment = services.amendment_save(
        convention=convention,
        user=cnam,
        summary="X",
        targets=[{"indicator": _indicator("coordination_meetings"), "year": 2028, "value": Decimal("30")}],
    )
    client = client_for(ars_ara)
    for name in ("amendment_detail", "amendment_send", "amendment_sign_structure", "amendment_edit"):
        assert client.get(reverse(f"conventions:{name}", args=[convention.pk, amendment.number])).status_code == 404


def test_an_ended_convention_cannot_be_amended(convention, cnam):
    convention.status = ConventionStatus.ENDED
    convention.save()
    with pytest.raises(ActionRefused):
        services.amendment_save(
            convention=convention,
            user=cnam,
            summary="X",
            targets=[{"indicator": _indicator("coordination_meetings"), "year": 2028, "value": Decimal("30")}],
        )
