"""Convention pages for each role: scope (404 outside), buttons, forms, query counts."""

import datetime
import re

import pytest
from django.urls import reverse

from conventions.enums import ConventionStatus
from conventions.models import Convention, Indicator
from tests.conftest import client_for, make_user
from tests.factories import ConventionFactory, StructureFactory
from tests.html import elements


@pytest.fixture
def structure(manager, ars_idf):
    return StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)


@pytest.fixture
def active(structure, cnam, cnam2, manager):
    return ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)


def test_pages_render_for_each_role(active, manager, ars_idf, cnam):
    for user in (manager, ars_idf, cnam):
        client = client_for(user)
        for name in ("conventions:list", "conventions:detail", "conventions:print"):
            args = [] if name == "conventions:list" else [active.pk]
            response = client.get(reverse(name, args=args))
            assert response.status_code == 200, (user, name)
            assert active.reference in response.content.decode()


def test_out_of_scope_is_404(active, ars_ara):
    other_manager = make_user("autre@test.example")
    for user in (ars_ara, other_manager):
        client = client_for(user)
        assert client.get(reverse("conventions:detail", args=[active.pk])).status_code == 404
        assert client.get(reverse("conventions:print", args=[active.pk])).status_code == 404
        assert active.reference not in client.get(reverse("conventions:list")).content.decode()


def test_manager_never_sees_a_draft(structure, cnam, manager):
    draft = ConventionFactory(structure=structure, cnam=cnam)
    assert client_for(manager).get(reverse("conventions:detail", args=[draft.pk])).status_code == 404


def test_cnam_prepares_then_fills_an_objective_then_sends(structure, cnam, manager):
    client = client_for(cnam)
    response = client.get(reverse("conventions:to_prepare"))
    assert structure.name in response.content.decode()
    url = reverse("conventions:prepare", args=[structure.pk])
    data = {
        "start_date": "01/01/2026",
        "duration_years": "2",
        "advance_share": "60",
        "advance_due": "31/03",
        "balance_due": "30/04",
        "obligations": ["coordination_meetings", "users_in_governance", "users_in_evaluation"],
        "special_clauses": "",
    }
    response = client.post(url, data)
    convention = Convention.objects.get(structure=structure)
    assert response.status_code == 302
    assert convention.reference == "SECPA-11-2026-001"
    assert convention.end_date == datetime.date(2027, 12, 31)
    indicator = Indicator.objects.get(code="coordination_meetings")
    objective_url = reverse("conventions:objective_add", args=[convention.pk])
    assert client.get(objective_url).status_code == 200
    line = {
        "lignes-TOTAL_FORMS": "2",
        "lignes-INITIAL_FORMS": "0",
        "lignes-0-indicator": str(indicator.pk),
        "lignes-0-baseline": "10",
        "lignes-0-points": "20",
        "lignes-0-target_2026": "12",
        "lignes-0-target_2027": "8",
        "title": "Mieux coordonner les soins",
        "description": "",
        "version": str(convention.version),
    }
    response = client.post(objective_url, line)
    assert response.status_code == 200
    assert "Plus haut est mieux : la cible ne peut pas être sous la valeur de référence." in response.content.decode()
    assert elements(response.content.decode(), value="Mieux coordonner les soins")
    line["lignes-0-target_2027"] = "14,5"
    response = client.post(objective_url, line)
    assert response.status_code == 302
    response = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert "14,5" in response.content.decode()
    # The law also wants an indicator of quality, of performance and of user satisfaction (conventions/law.py).
    assert "au moins un indicateur de qualité" in response.content.decode()
    law = {
        "lignes-TOTAL_FORMS": "3",
        "lignes-INITIAL_FORMS": "0",
        "title": "Qualité et satisfaction",
        "description": "",
    }
    for n, (code, baseline, first, second) in enumerate(
        (
            ("flu_vaccination_65", "40", "42", "44"),
            ("missed_appointments", "20", "18", "16"),
            ("satisfaction_score", "70", "72", "75"),
        )
    ):
        law |= {
            f"lignes-{n}-indicator": str(Indicator.objects.get(code=code).pk),
            f"lignes-{n}-baseline": baseline,
            f"lignes-{n}-points": "10",
            f"lignes-{n}-target_2026": first,
            f"lignes-{n}-target_2027": second,
        }
    law["version"] = str(Convention.objects.get(pk=convention.pk).version)
    assert client.post(objective_url, law).status_code == 302
    response = client.post(reverse("conventions:send", args=[convention.pk]))
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SENT


def test_prepare_form_keeps_input_and_says_what_is_wrong(structure, cnam):
    response = client_for(cnam).post(
        reverse("conventions:prepare", args=[structure.pk]),
        {"start_date": "31/02/2026", "duration_years": "9", "advance_share": "150", "advance_due": "3/31"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une date au format JJ/MM/AAAA" in content
    assert "Cette date n&#x27;existe pas" in content or "Cette date n'existe pas" in content
    assert elements(content, value="31/02/2026")
    assert not Convention.objects.exists()


def test_manager_signs_then_other_cnam_signs(structure, cnam, cnam2, manager):
    convention = ConventionFactory(structure=structure, cnam=cnam, sent=True)
    client = client_for(manager)
    url = reverse("conventions:sign_structure", args=[convention.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"signatory_name": "Camille Martin", "signatory_capacity": "Directrice"})
    assert "Cochez cette case pour signer" in response.content.decode()
    response = client.post(
        url, {"signatory_name": "Camille Martin", "signatory_capacity": "Directrice", "consent": "on"}
    )
    assert response.status_code == 302
    # The preparer is refused, with the reason.
    response = client_for(cnam).get(reverse("conventions:sign_cnam", args=[convention.pk]), follow=True)
    assert "principe des quatre yeux" in response.content.decode()
    response = client_for(cnam2).post(
        reverse("conventions:sign_cnam", args=[convention.pk]),
        {"signatory_name": "Louis Garnier", "signatory_capacity": "Directeur délégué"},
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.ACTIVE


def test_terminate_requires_a_reason(active, cnam):
    client = client_for(cnam)
    url = reverse("conventions:terminate", args=[active.pk])
    response = client.post(url, {"reason": "  "})
    assert "Un motif écrit est obligatoire." in response.content.decode()
    client.post(url, {"reason": "Fermeture"})
    active.refresh_from_db()
    assert active.status == ConventionStatus.TERMINATED


def test_manager_action_without_right_gets_a_french_message(active, manager):
    response = client_for(manager).post(
        reverse("conventions:terminate", args=[active.pk]), {"reason": "Je résilie"}, follow=True
    )
    assert "Seul un agent de la CNAM peut résilier" in response.content.decode()
    active.refresh_from_db()
    assert active.status == ConventionStatus.ACTIVE


def test_print_view_has_every_clause(active, manager):
    content = client_for(manager).get(reverse("conventions:print", args=[active.pk])).content.decode()
    for text in ("Article 3", "Objectif 1", "Cible 2028", "Signatures", "Directrice", "Directeur délégué", "60"):
        assert text in content
    assert "<nav" not in content


def _many_conventions(n, manager, ars_idf, cnam, cnam2):
    for _ in range(n):
        structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
        ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)


@pytest.mark.parametrize("count", [2, 30])
@pytest.mark.parametrize("role", ["manager", "ars_idf", "cnam"])
def test_list_query_count_does_not_grow(
    count, role, request, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries
):
    _many_conventions(count, manager, ars_idf, cnam, cnam2)
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("conventions:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_detail_query_count_does_not_grow(count, structure, manager, cnam, cnam2, django_assert_max_num_queries):
    from tests.factories import IndicatorFactory

    indicators = [IndicatorFactory() for _ in range(count)]
    convention = ConventionFactory(
        structure=structure,
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
        indicators=indicators,
        objectives=min(count, 5),
    )
    for user in (manager, cnam):
        client = client_for(user)
        with django_assert_max_num_queries(16):
            response = client.get(reverse("conventions:detail", args=[convention.pk]))
        assert response.status_code == 200
        assert len(re.findall(r"Indicateur de test", response.content.decode())) == count


def test_list_filters_search_and_sort(manager, ars_idf, ars_ara, cnam, cnam2):
    paris = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, commune_code="75119"),
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
    )
    lyon = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_ara, eligible=True, commune_code="69123"),
        cnam=cnam,
        sent=True,
    )
    client = client_for(cnam)

    def references(query):
        content = client.get(reverse("conventions:list") + query).content.decode()
        return re.findall(r"SECPA-\d\d-\d{4}-\d{3}", content)

    assert set(references("?status=active")) == {paris.reference}
    assert set(references("?status=sent")) == {lyon.reference}
    assert set(references("?region=84")) == {lyon.reference}
    assert set(references("?q=Lyon")) == {lyon.reference}
    assert set(references(f"?q={paris.reference}")) == {paris.reference}
    assert references("?tri=reference") == sorted(references("?tri=reference"))
    assert references("?tri=-reference") == sorted(references("?tri=reference"), reverse=True)
    response = client.get(reverse("conventions:list") + "?status=nimporte&page=abc&tri=x")
    assert response.status_code == 200


def test_objective_edit_removes_a_line_and_keeps_activity_indicators(structure, cnam):
    convention = ConventionFactory(
        structure=structure, cnam=cnam, indicators=("coordination_meetings", "interpreting_hours")
    )
    objective = convention.objectives.get()
    lines = list(objective.indicators.select_related("indicator").order_by("indicator__code"))
    client = client_for(cnam)
    url = reverse("conventions:objective_edit", args=[convention.pk, objective.pk])
    form = client.get(url).context["formset"]
    data = {"title": objective.title, "description": "", "version": str(Convention.objects.get().version)}
    data.update({"lignes-TOTAL_FORMS": str(len(form.forms)), "lignes-INITIAL_FORMS": str(len(lines))})
    for n, line_form in enumerate(form.forms):
        for name, field in line_form.fields.items():
            value = line_form.initial.get(name, field.initial)
            if value is not None and name != "DELETE":
                data[f"lignes-{n}-{name}"] = str(value).replace(".", ",")
    coordination = next(
        n for n, f in enumerate(form.forms) if f.initial.get("indicator") == str(lines[0].indicator_id)
    )
    assert lines[0].indicator.code == "coordination_meetings"
    data[f"lignes-{coordination}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    followed = {line.indicator.code: line.objective_id for line in convention.indicators.select_related("indicator")}
    assert "coordination_meetings" not in followed
    assert followed["interpreting_hours"] == objective.pk
    # Deleting the objective gives the activity indicator back to the convention, without objective.
    client.post(reverse("conventions:objective_delete", args=[convention.pk, objective.pk]))
    assert convention.indicators.get(indicator__code="interpreting_hours").objective_id is None


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(structure, cnam, cnam2):
    convention = ConventionFactory(structure=structure, cnam=cnam)
    stale = str(convention.version)
    data = {
        "start_date": "01/01/2026",
        "duration_years": "4",
        "advance_share": "50",
        "advance_due": "31/03",
        "balance_due": "30/04",
        "obligations": ["coordination_meetings"],
        "version": stale,
    }
    assert client_for(cnam2).post(reverse("conventions:edit", args=[convention.pk]), data).status_code == 302
    data["duration_years"] = "2"
    response = client_for(cnam).post(reverse("conventions:edit", args=[convention.pk]), data)
    assert "modifiée par une autre personne" in response.content.decode()
    convention.refresh_from_db()
    assert convention.duration_years == 4


def test_numbers_typed_the_french_way_are_read(structure, cnam):
    convention = ConventionFactory(structure=structure, cnam=cnam, indicators=("file_active",))
    objective = convention.objectives.get()
    line = objective.indicators.get(indicator__code="file_active")  # the first; the law's three follow it
    data = {
        "title": objective.title,
        "version": str(Convention.objects.get().version),
        "lignes-TOTAL_FORMS": "1",
        "lignes-INITIAL_FORMS": "1",
        "lignes-0-indicator": str(line.indicator_id),
        "lignes-0-baseline": "3 200",
        "lignes-0-points": "12,5",
        "lignes-0-target_2026": "3\u202f250",
        "lignes-0-target_2027": "3 300,5",
        "lignes-0-target_2028": "3400",
    }
    url = reverse("conventions:objective_edit", args=[convention.pk, objective.pk])
    assert client_for(cnam).post(url, data).status_code == 302
    line.refresh_from_db()
    assert (str(line.baseline), str(line.points)) == ("3200.00", "12.50")
    assert sorted(str(t.value) for t in line.targets.all()) == ["3250.00", "3300.50", "3400.00"]


def test_terminate_page_asks_the_last_day_in_force_today_by_default(active, cnam, monkeypatch):
    from tests.forms import rendered_form  # noqa: PLC0415

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 6, 30))
    client = client_for(cnam)
    url = reverse("conventions:terminate", args=[active.pk])
    page = client.get(url).content.decode()
    assert elements(page, value="2026-06-30")
    data = rendered_form(page, "data-confirm-form")
    data["reason"] = "Fermeture de la structure"
    client.post(url, data)
    active.refresh_from_db()
    assert active.status == ConventionStatus.TERMINATED
    assert active.terminated_on == datetime.date(2026, 6, 30)
