"""Annual report pages: scope, buttons, the form keeping what was typed, validation page, query counts."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, Indicator
from tests.conftest import client_for, make_user
from tests.factories import AFTER_2026, TODAY, ConventionFactory, IndicatorFactory, ReportFactory
from tests.forms import rendered_form
from tests.html import elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(manager, ars_idf, cnam, cnam2):
    return ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)


def url(name, *args):
    return reverse(f"conventions:{name}", args=args)


def form_data(report, **overrides):
    """The form's fields as the page shows them, with ``overrides`` (field name → typed text)."""
    page = client_for(report.convention.structure.memberships.first().user).get(url("report_edit", report.pk))
    html = page.content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name in re.findall(r'<input[^>]*name="([^"]+)"', html):
        data.setdefault(name, "")
    for name, selected in re.findall(r'<select name="([^"]+)"[^>]*>.*?(?:<option value="([^"]*)" selected)?', html):
        data.setdefault(name, selected)
    data.pop("csrfmiddlewaretoken", None)
    data.update(overrides)
    return data


def field(code, prefix="value"):
    return f"{prefix}_{Indicator.objects.get(code=code).pk}"


def test_pages_render_for_each_role_in_scope(convention, manager, ars_idf, cnam):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    for user in (manager, ars_idf, cnam):
        client = client_for(user)
        for name in ("report_list", "report_detail"):
            response = client.get(url(name) if name == "report_list" else url(name, report.pk))
            assert response.status_code == 200, (user, name)
            assert convention.structure.name in response.content.decode()


def test_out_of_scope_is_404(convention, manager, ars_ara):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    for user in (ars_ara, make_user("autre@test.example")):
        client = client_for(user)
        for name in ("report_detail", "report_edit", "report_submit", "report_review"):
            assert client.get(url(name, report.pk)).status_code == 404
        assert client.get(url("structure_indicators", convention.structure_id)).status_code == 404
        assert convention.structure.name not in client.get(url("report_list")).content.decode()


def test_manager_opens_the_year_from_the_list(convention, manager):
    client = client_for(manager)
    page = client.get(url("report_list")).content.decode()
    assert "Ouvrir le rapport 2026" in page
    response = client.post(url("report_open", convention.pk, 2026))
    report = AnnualReport.objects.get(convention=convention, year=2026)
    assert response.url == url("report_edit", report.pk)
    assert "Ouvrir le rapport 2026" not in client.get(url("report_list")).content.decode()


def test_opening_a_year_out_of_the_convention_says_why(convention, manager):
    response = client_for(manager).post(url("report_open", convention.pk, 2031), follow=True)
    assert "Aucun rapport ne peut être ouvert pour 2031" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_the_form_saves_french_decimals(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    data = form_data(report, **{field("precarity_share"): "38,5", field("file_active"): "2 500"})
    data[field("precarity_share", "comment")] = "Hausse des bénéficiaires de l'AME"
    data[field("interpreting_hours")] = "1\u202f234,5"
    response = client_for(manager).post(url("report_edit", report.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    value = report.values.get(indicator__code="precarity_share")
    assert (value.value, value.comment) == (Decimal("38.5"), "Hausse des bénéficiaires de l'AME")
    assert report.values.get(indicator__code="file_active").value == Decimal("2500")
    assert report.values.get(indicator__code="interpreting_hours").value == Decimal("1234.5")
    # Shown again without trailing zeros, with a decimal comma.
    page = client_for(manager).get(url("report_edit", report.pk)).content.decode()
    assert elements(page, value="38,5")
    assert re.search(r'value="2\s?500"', page)  # grouped as French numbers are, and read back as such
    assert elements(page, value="3,5")


def test_a_rejected_form_keeps_what_was_typed_and_says_why(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    data = form_data(report, **{field("precarity_share"): "120", field("patientele_mt"): "9000"})
    data[field("file_active", "comment")] = "Commentaire à garder"
    response = client_for(manager).post(url("report_edit", report.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "La part de patients bénéficiaires de la C2S ou de l&#x27;AME est comprise entre 0 et 100 %." in html
    assert "ne peuvent pas dépasser la file active (2\u202f400)" in html
    assert elements(html, value="120") and elements(html, value="9000") and "Commentaire à garder" in html
    assert "data-error-summary" in html
    assert report.values.get(indicator__code="precarity_share").value == Decimal("45.5")


def test_garbage_input_gives_french_errors_not_a_500(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    data = form_data(report, **{field("file_active"): "beaucoup", field("shared_record", "value"): "7"})
    data["fte_nurse"] = "-2"
    data["version"] = "x"
    response = client_for(manager).post(url("report_edit", report.pk), data)
    assert response.status_code == 200
    assert "Saisissez un nombre, par exemple 12 ou 12,5." in response.content.decode()


def test_stale_form_is_a_conflict_message(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    data = form_data(report)
    client = client_for(manager)
    assert client.post(url("report_edit", report.pk), data).status_code == 302
    response = client.post(url("report_edit", report.pk), data, follow=True)
    assert "modifié par une autre personne" in response.content.decode()


def test_submit_goes_through_a_confirmation_page(convention, manager, time_machine):
    time_machine.move_to(AFTER_2026, tick=False)
    report = ReportFactory(convention=convention, manager=manager)
    client = client_for(manager)
    page = client.get(url("report_submit", report.pk)).content.decode()
    assert "Confirmer le dépôt" in page and "ARS Île-de-France" in page
    response = client.post(url("report_submit", report.pk), follow=True)
    assert "a été transmis à l&#x27;ARS Île-de-France" in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_incomplete_report_cannot_be_filed_and_says_what_is_missing(convention, manager, time_machine):
    time_machine.move_to(AFTER_2026, tick=False)
    report = ReportFactory(convention=convention, manager=manager, empty=True)
    page = client_for(manager).get(url("report_submit", report.pk)).content.decode()
    assert "Le rapport ne peut pas encore être déposé" in page and "Confirmer le dépôt" not in page
    assert "Renseignez « File active (patients distincts vus dans l&#x27;année) » avant de déposer" in page
    response = client_for(manager).post(url("report_submit", report.pk), follow=True)
    assert "avant de déposer le rapport" in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_pages_compare_with_last_year(convention, manager, ars_idf):
    ReportFactory(convention=convention, manager=manager, year=2026, validated=True, ars=ars_idf)
    report = ReportFactory(convention=convention, manager=manager, year=2027, submitted=True)
    report.values.filter(indicator__code="file_active").update(value=Decimal("1200"))
    page = client_for(ars_idf).get(url("report_review", report.pk)).content.decode()
    assert re.search(r"File active[^<]*</td><td[^>]*>1\u202f200</td><td[^>]*>2\u202f400</td>", page)
    assertInHTML('<th scope="col" class="secpa-amount">2026</th>', page)


def test_ars_validates_from_the_validation_page(convention, manager, ars_idf):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    client = client_for(ars_idf)
    page = client.get(url("report_review", report.pk)).content.decode()
    assert "Atteinte pondérée par les points : 100,0\u00a0%" in page
    # The page's « Valider » is no longer a one-click form: a link to the confirmation (and its modal).
    assert f'href="{url("report_validate", report.pk)}" data-secpa-confirm="confirm-report-validate"' in page
    assert 'name="action" value="validate"' not in page
    client.post(url("report_review", report.pk), {"action": "validate"})
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    confirmation = client.get(url("report_validate", report.pk)).content.decode()
    assert "Valider le rapport 2026 de « " in confirmation and "sera fixée à 100,0\u00a0%" in confirmation
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    form = rendered_form(confirmation, "data-secpa-confirm-form")
    response = client.post(url("report_validate", report.pk), form, follow=True)
    assert "Rapport 2026 validé" in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.VALIDATED


def test_return_without_reason_keeps_the_page_with_an_error(convention, manager, ars_idf):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    client = client_for(ars_idf)
    response = client.post(url("report_review", report.pk), {"action": "return", "reason": ""})
    assert "Indiquez le motif du renvoi" in response.content.decode()
    response = client.post(url("report_review", report.pk), {"action": "return", "reason": "Chiffres à justifier"})
    assert AnnualReport.objects.get(pk=report.pk).return_reason == "Chiffres à justifier"
    page = client_for(manager).get(url("report_detail", report.pk)).content.decode()
    assert "Chiffres à justifier" in page and "Compléter le rapport" in page
    assert "Rapport annuel 2026 renvoyé" in page and "Rapport annuel 2026 déposé" in page  # the timeline


def test_other_roles_see_no_action_buttons(convention, manager, ars_idf, cnam):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    for user in (manager, cnam):
        page = client_for(user).get(url("report_detail", report.pk)).content.decode()
        assert "Valider ou renvoyer" not in page and "Compléter le rapport" not in page
        response = client_for(user).post(url("report_validate", report.pk))
        assert response.status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_convention_page_lists_its_reports(convention, manager, ars_idf):
    report = ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)
    page = client_for(manager).get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert url("report_detail", report.pk) in page and "atteinte pondérée 100,0" in page
    assert url("structure_indicators", convention.structure_id) in page


def test_late_badge(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    AnnualReport.objects.filter(pk=report.pk).update(due_date=TODAY.replace(year=2025))
    assert "En retard" in client_for(manager).get(url("report_list")).content.decode()
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    assert "En retard" not in client_for(manager).get(url("report_list")).content.decode()


def test_structure_chart_has_svg_and_table(convention, manager, ars_idf):
    ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)
    page = client_for(ars_idf).get(url("structure_indicators", convention.structure_id)).content.decode()
    assert page.count('role="img"') == 5  # with the 3 indicators the law requires (factories.LAW_INDICATORS)
    assert "<title" in page and "Voir les données" in page
    assert "Réunions de coordination pluriprofessionnelles tenues : valeurs déclarées et cibles par année" in page
    assert "cible 12" in page  # the 2026 target of the first indicator, labelled (not colour only)
    assert not re.search(r'(x|y|width|height)="-?\d+,\d', page), "SVG coordinates must not be localised"


def test_structure_chart_includes_an_activity_indicator_placed_under_an_objective(manager, ars_idf, cnam, cnam2):
    convention = ConventionFactory(
        manager=manager,
        ars=ars_idf,
        cnam=cnam,
        cnam2=cnam2,
        active=True,
        indicators=("coordination_meetings", "interpreting_hours"),
    )
    line = convention.indicators.get(indicator__code="interpreting_hours")
    assert line.indicator.is_activity and line.objective_id and line.targets.exists()
    ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)
    page = client_for(manager).get(url("structure_indicators", convention.structure_id)).content.decode()
    assert page.count('role="img"') == 5  # with the 3 indicators the law requires (factories.LAW_INDICATORS)
    assert "Heures d&#x27;interprétariat professionnel : valeurs déclarées et cibles par année" in page or (
        "Heures d'interprétariat professionnel : valeurs déclarées et cibles par année" in page
    )
    # Activity figures without targets (outside any objective) still get no chart.
    assert "File active (patients distincts vus dans l" not in page


# --- Query counts: the same bound with 2 and 30 rows ----------------------------------------------------------


def many_conventions(n, manager, ars_idf, cnam, cnam2, state="submitted"):
    reports = []
    for _ in range(n):
        convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
        reports.append(ReportFactory(convention=convention, manager=manager, state=state))
    return reports


@pytest.mark.parametrize("count", [2, 30])
def test_list_query_count_does_not_grow(count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries):
    many_conventions(count, manager, ars_idf, cnam, cnam2)
    for user in (manager, ars_idf, cnam):
        client = client_for(user)
        with django_assert_max_num_queries(12):
            response = client.get(url("report_list"))
        assert response.status_code == 200


def indicators(n):
    return [IndicatorFactory(code=f"test_report_{i}") for i in range(n)]


@pytest.mark.parametrize("count", [2, 30])
def test_report_pages_query_count_does_not_grow_with_indicators(
    count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries, time_machine
):
    time_machine.move_to(AFTER_2026, tick=False)
    convention = ConventionFactory(
        manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True, indicators=indicators(count)
    )
    report = ReportFactory(convention=convention, manager=manager)
    client = client_for(manager)
    for name in ("report_detail", "report_edit", "report_submit"):
        with django_assert_max_num_queries(16):
            assert client.get(url(name, report.pk)).status_code == 200
    data = form_data(report)
    with django_assert_max_num_queries(30):
        assert client.post(url("report_edit", report.pk), data).status_code == 302
    client.post(url("report_submit", report.pk))
    ars = client_for(ars_idf)
    with django_assert_max_num_queries(16):
        assert ars.get(url("report_review", report.pk)).status_code == 200
    with django_assert_max_num_queries(14):
        assert ars.get(url("structure_indicators", convention.structure_id)).status_code == 200


def test_dashboard_shows_reports_to_file_and_to_validate(convention, manager, ars_idf, cnam, time_machine):
    draft = ReportFactory(convention=convention, manager=manager)
    page = client_for(manager).get(reverse("dashboard")).content.decode()
    assert "À déposer" in page and url("report_detail", draft.pk) in page
    assert "Rapport 2027" not in page  # not begun yet
    time_machine.move_to(AFTER_2026, tick=False)  # the 2026 report may be filed
    client_for(manager).post(url("report_submit", draft.pk))
    page = client_for(ars_idf).get(reverse("dashboard")).content.decode()
    assert re.search(r"Rapports à valider</a></h3>\s*<p[^>]*>1</p>", page)
    assert url("report_review", draft.pk) in page and "déposé aujourd&#x27;hui" in page
    page = client_for(cnam).get(reverse("dashboard")).content.decode()
    assert re.search(r"Rapports à valider</a></h3>\s*<p[^>]*>1</p>", page)


def test_late_filter(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    client = client_for(manager)
    assert url("report_detail", report.pk) not in client.get(url("report_list"), {"en_retard": "1"}).content.decode()
    AnnualReport.objects.filter(pk=report.pk).update(due_date=TODAY.replace(year=2025))
    page = client.get(url("report_list"), {"en_retard": "1"}).content.decode()
    assert url("report_detail", report.pk) in page


@pytest.mark.parametrize("count", [2, 30])
def test_dashboard_report_part_does_not_grow(count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries):
    many_conventions(count, manager, ars_idf, cnam, cnam2)
    for user in (manager, ars_idf, cnam):
        client = client_for(user)
        with django_assert_max_num_queries(30):  # the first hit computes the cached aggregates
            assert client.get(reverse("dashboard")).status_code == 200
        with django_assert_max_num_queries(18):
            assert client.get(reverse("dashboard")).status_code == 200
