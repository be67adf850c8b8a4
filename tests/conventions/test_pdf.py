"""The convention as a PDF generated on the server: its text holds every target, and each signature stores one
whose SHA-256 is in the journal (issue 12, deliverable 1)."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conventions.models import Convention, SignedPdf
from conventions.pdf import render_pdf
from conventions.services import conventions as services
from conventions.templatetags.convention_format import indicator_value
from conventions.text import with_terms
from secpa_portal.journal.models import Event
from tests.conftest import client_for, make_user
from tests.factories import ConventionFactory, StructureFactory


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _read(stored) -> bytes:
    with stored.file.open("rb") as file:
        return file.read()


def _flat(text: str) -> str:
    """Text without its spaces and line breaks (a PDF wraps a long label across lines of its cell)."""
    return "".join(text.split())


def _full(convention):
    return with_terms(Convention.objects.filter(pk=convention.pk)).get()


@pytest.fixture
def sent(manager, ars_idf, cnam):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True, name="Centre de santé de l'Arche")
    return ConventionFactory(structure=structure, cnam=cnam, sent=True, duration_years=5, objectives=2)


@pytest.mark.django_db
def test_the_pdf_holds_every_indicator_with_its_reference_targets_and_points(sent):
    convention = _full(sent)
    pages = _pages(render_pdf(convention))
    text = "\n".join(pages)
    assert len(pages) >= 4
    flat = _flat(text)
    for objective in convention.objectives.all():
        for line in objective.indicators.all():
            unit = line.indicator.unit
            assert _flat(line.indicator.label) in flat
            row = flat.split(_flat(line.indicator.label), 1)[1]
            # The reference, each year's target and the points, in the order of the table's columns.
            targets = [t.value for t in sorted(line.targets.all(), key=lambda t: t.year)]
            values = [indicator_value(line.baseline, unit)] + [indicator_value(v, unit) for v in targets]
            values.append(indicator_value(line.points))
            assert row.startswith(_flat(line.indicator.get_direction_display()) + _flat("".join(values))), row[:80]
    for year in range(2026, 2031):
        assert f"Cible {year}" in text
    assert "Article 5 — Dotation et versements" in text
    assert "Pour la structure" in text and "Pour l'assurance maladie" in text
    assert "Document non définitif" in pages[0]
    # Every page carries the reference and its number in its margin.
    for number, page in enumerate(pages, start=1):
        assert f"Convention {convention.reference}" in page
        assert f"Page {number} sur {len(pages)}" in page


@pytest.mark.django_db
def test_each_signature_stores_the_pdf_and_journals_its_hash(sent, manager, cnam2, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.convention_sign_structure(
            convention=sent,
            user=manager,
            signatory_name="Camille Martin",
            signatory_capacity="Directrice",
            consent=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.convention_sign_cnam(
            convention=sent, user=cnam2, signatory_name="Louis Garnier", signatory_capacity="Directeur délégué"
        )
    stored = list(SignedPdf.objects.filter(convention=sent).order_by("id"))
    assert [s.signature for s in stored] == ["signature de la structure", "signature de l'assurance maladie"]
    for pdf in stored:
        event = Event.objects.for_object(pdf).get()
        assert event.verb == "convention_pdf_stored"
        assert event.structure_id == sent.structure_id
        assert event.payload["convention_id"] == sent.pk
        assert hashlib.sha256(_read(pdf)).hexdigest() == pdf.sha256 == event.payload["sha256"]
    final = "\n".join(_pages(_read(stored[-1])))
    assert "Louis Garnier, Directeur délégué" in final
    assert "Camille Martin, Directrice" in final
    assert "Document non définitif" not in final


@pytest.mark.django_db
def test_the_signed_pdf_is_offered_on_the_convention_page_and_served_in_scope_only(
    sent, manager, cnam, cnam2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.convention_sign_structure(
            convention=sent,
            user=manager,
            signatory_name="Camille Martin",
            signatory_capacity="Directrice",
            consent=True,
        )
        services.convention_sign_cnam(
            convention=sent, user=cnam2, signatory_name="Louis Garnier", signatory_capacity="Directeur délégué"
        )
    latest = SignedPdf.objects.filter(convention=sent).order_by("-id").first()
    url = reverse("conventions:signed_pdf", args=[sent.pk, latest.pk])
    page = client_for(manager).get(reverse("conventions:detail", args=[sent.pk]))
    assert f'href="{url}"' in page.content.decode()
    assert "Télécharger la convention signée (PDF)" in page.content.decode()
    response = client_for(manager).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == latest.sha256
    stranger = make_user("autre.gestion@test.example")
    assert client_for(stranger).get(url).status_code == 404
    other_region = make_user("ars.ara.pdf@test.example", role="ars_agent", region_code="84")
    assert client_for(other_region).get(url).status_code == 404
    assert client_for(cnam).get(url).status_code == 200


@pytest.mark.django_db
def test_the_pdf_of_a_draft_is_generated_on_demand_for_whoever_sees_it(sent, manager):
    response = client_for(manager).get(reverse("conventions:pdf", args=[sent.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "Document non définitif" in _pages(response.content)[0]
    assert (
        client_for(make_user("intrus@test.example")).get(reverse("conventions:pdf", args=[sent.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_the_print_view_puts_the_reference_in_the_page_margin(sent, manager):
    client = client_for(manager)
    html = client.get(reverse("conventions:print", args=[sent.pk])).content.decode()
    css_url = reverse("conventions:print_margin_css", args=[sent.pk])
    assert f'href="{css_url}" media="print"' in html
    css = client.get(css_url)
    assert css["Content-Type"].startswith("text/css")
    assert f'content: "Convention {sent.reference}"' in css.content.decode()
    assert client_for(make_user("intrus2@test.example")).get(css_url).status_code == 404
