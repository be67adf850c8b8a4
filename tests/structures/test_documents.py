"""Documents: PDF, PNG or JPEG recognised by their first bytes, 10 MB at most, served only to who sees the file."""

import io
import zipfile

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secpa_portal.journal.models import Event
from structures.enums import DocumentKind
from structures.forms.documents import MAX_DOCUMENT_SIZE
from structures.models import Document
from tests.conftest import client_for, make_user
from tests.factories import PDF_BYTES, StructureFactory
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40


def documents_url(structure):
    return reverse("structures:step", args=[structure.pk, "documents"])


def upload(client, structure, name, content, kind=DocumentKind.STATUTES, content_type="application/pdf"):
    return client.post(
        documents_url(structure), {"kind": kind, "file": SimpleUploadedFile(name, content, content_type=content_type)}
    )


def download(client, document):
    response = client.get(reverse("structures:document_download", args=[document.structure_id, document.pk]))
    if response.status_code == 200:
        body = b"".join(response.streaming_content)  # reading it all closes the file
        return response, body
    return response, None


@pytest.fixture
def draft(manager):
    return StructureFactory(manager=manager, name="Centre de santé des Francs-Moisins")


# --- Upload ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "declared", "stored_type"),
    [
        ("Statuts signés.pdf", PDF_BYTES, "application/pdf", "application/pdf"),
        ("organigramme.PNG", PNG_BYTES, "image/png", "image/png"),
        # The browser's word is not taken: the first bytes decide.
        ("photo.jpeg", JPEG_BYTES, "application/octet-stream", "image/jpeg"),
    ],
)
def test_a_pdf_png_or_jpeg_is_added(manager, draft, name, content, declared, stored_type):
    client = client_for(manager)
    response = upload(client, draft, name, content, content_type=declared)
    assert response.status_code == 302
    document = draft.documents.get()
    assert document.original_name == name
    assert document.content_type == stored_type
    assert document.size == len(content)
    assert document.uploaded_by == manager
    # The stored name is random: the user's file name never becomes a path.
    assert name not in document.file.name
    assert document.file.name.startswith(f"structures/{draft.pk}/statutes/")
    assert Event.objects.for_structure(draft.pk).filter(verb="document_added").exists()
    html = client.get(documents_url(draft)).content.decode()
    assert name in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("statuts.exe", PDF_BYTES, "Seuls les fichiers PDF, PNG ou JPEG sont acceptés"),
        ("statuts.docx", b"PK\x03\x04" + b"\x00" * 20, "Seuls les fichiers PDF, PNG ou JPEG sont acceptés"),
        ("statuts.pdf", b"MZ\x90\x00 this is a program", "n&#x27;est pas celui d&#x27;un PDF"),
        ("statuts.pdf", b"<html><script>alert(1)</script>", "n&#x27;est pas celui d&#x27;un PDF"),
        ("scan.pdf", PNG_BYTES, "L&#x27;extension « .pdf » ne correspond pas au contenu du fichier"),
        ("vide.pdf", b"", "Le fichier est vide."),
    ],
)
def test_other_files_are_refused_in_french(manager, draft, name, content, message):
    response = upload(client_for(manager), draft, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not draft.documents.exists()


def test_a_file_over_10_mb_is_refused(manager, draft):
    content = PDF_BYTES + b"0" * (MAX_DOCUMENT_SIZE - len(PDF_BYTES) + 1)
    response = upload(client_for(manager), draft, "projet.pdf", content)
    html = response.content.decode()
    assert "10 Mo au plus sont acceptés" in html
    assert not draft.documents.exists()


def test_a_file_of_exactly_10_mb_is_accepted(manager, draft):
    content = PDF_BYTES + b"0" * (MAX_DOCUMENT_SIZE - len(PDF_BYTES))
    assert upload(client_for(manager), draft, "projet.pdf", content).status_code == 302
    assert draft.documents.get().size == MAX_DOCUMENT_SIZE


def test_the_kind_and_the_file_are_required(manager, draft):
    response = client_for(manager).post(documents_url(draft), {"kind": ""})
    html = response.content.decode()
    assert "Choisissez le type de pièce." in html
    assert "Choisissez le fichier à déposer." in html


def test_a_file_name_with_a_path_and_control_characters_is_cleaned(manager, draft):
    upload(client_for(manager), draft, "..\\..\\statuts\x07 2024.pdf", PDF_BYTES)
    assert draft.documents.get().original_name == "statuts 2024.pdf"


# --- Download ----------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(manager):
    return StructureFactory(manager=manager, submitted=True, name="Centre de santé déposé")


def test_managers_and_staff_in_scope_download_as_an_attachment(manager, ars_idf, cnam, submitted):
    document = submitted.documents.get(kind=DocumentKind.STATUTES)
    for user in (manager, ars_idf, cnam):
        response, body = download(client_for(user), document)
        assert response.status_code == 200
        assert body == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="statutes.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_download_is_404_out_of_scope(manager, ars_ara, submitted):
    document = submitted.documents.first()
    other_manager = make_user("autre@test.example")
    for user in (other_manager, ars_ara):
        assert download(client_for(user), document)[0].status_code == 404


def test_a_draft_s_documents_are_404_for_the_staff(manager, ars_idf, cnam):
    draft = StructureFactory(manager=manager, complete=True)
    for user in (ars_idf, cnam):
        assert download(client_for(user), draft.documents.first())[0].status_code == 404


def test_a_document_under_another_structure_s_url_is_404(manager, submitted):
    mine = StructureFactory(manager=manager, complete=True)
    document = submitted.documents.first()
    url = reverse("structures:document_download", args=[mine.pk, document.pk])
    assert client_for(manager).get(url).status_code == 404


def test_a_file_missing_from_storage_is_404(manager, submitted):
    document = submitted.documents.first()
    document.file.storage.delete(document.file.name)
    assert download(client_for(manager), document)[0].status_code == 404


def test_the_structure_page_links_each_document(manager, ars_idf, submitted):
    html = client_for(ars_idf).get(reverse("structures:documents", args=[submitted.pk])).content.decode()
    for document in submitted.documents.all():
        assert reverse("structures:document_download", args=[submitted.pk, document.pk]) in html


# --- Delete ------------------------------------------------------------------------------------------------


def _delete(client, document):
    return client.post(reverse("structures:document_delete", args=[document.structure_id, document.pk]))


def test_a_manager_removes_a_document_from_a_draft(manager, draft):
    client = client_for(manager)
    upload(client, draft, "statuts.pdf", PDF_BYTES)
    document = draft.documents.get()
    storage, path = document.file.storage, document.file.name
    response = _delete(client, document)
    assert response["Location"] == documents_url(draft)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(path)
    assert Event.objects.for_structure(draft.pk).filter(verb="document_deleted").exists()


def test_a_submitted_file_s_documents_stay(manager, ars_idf, submitted):
    document = submitted.documents.first()
    for user in (manager, ars_idf):
        response = _delete(client_for(user), document)
        assert response.status_code == 302
        assert [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert Document.objects.filter(pk=document.pk).exists()


def test_delete_is_404_out_of_scope(manager, draft):
    client = client_for(manager)
    upload(client, draft, "statuts.pdf", PDF_BYTES)
    document = draft.documents.get()
    stranger = client_for(make_user("autre@test.example"))
    assert _delete(stranger, document).status_code == 404
    assert stranger.get(reverse("structures:document_delete", args=[draft.pk, document.pk])).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_removing_a_document_asks_first_in_a_modal_or_on_its_page(manager, draft, django_assert_max_num_queries):
    client = client_for(manager)
    upload(client, draft, "statuts.pdf", PDF_BYTES)
    document = draft.documents.get()
    url = reverse("structures:document_delete", args=[draft.pk, document.pk])
    step = client.get(documents_url(draft)).content.decode()
    assert "data-confirm=" not in step  # the browser's confirm() is gone
    modal = f"confirm-document-{document.pk}"
    assert f'href="{url}" data-secpa-confirm="{modal}">Retirer<span class="fr-sr-only"> statuts.pdf</span></a>' in step
    assert f'<dialog id="{modal}" class="fr-modal"' in step and "Retirer la pièce « statuts.pdf » ?" in step

    with django_assert_max_num_queries(12):
        response = client.get(url)  # without JavaScript: the confirmation page, nothing removed
    page = response.content.decode()
    assert "<h1>Retirer la pièce « statuts.pdf » ?</h1>" in page and "ne pourra pas être récupérée" in page
    assert f'<a class="fr-btn fr-btn--secondary" href="{documents_url(draft)}">Annuler</a>' in page
    assert Document.objects.filter(pk=document.pk).exists()

    response = client.post(url, rendered_form(page, "data-secpa-confirm-form"))
    assert response["Location"] == documents_url(draft)
    assert not Document.objects.filter(pk=document.pk).exists()


def test_a_submitted_file_s_documents_get_no_confirmation(manager, submitted):
    document = submitted.documents.first()
    response = client_for(manager).get(reverse("structures:document_delete", args=[submitted.pk, document.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("structures:detail", args=[submitted.pk])
    assert Document.objects.filter(pk=document.pk).exists()


def test_the_files_documents_come_in_one_zip_named_by_kind_for_whoever_sees_the_file(
    draft, manager, ars_idf, ars_ara, django_assert_max_num_queries
):
    client = client_for(manager)
    upload(client, draft, "statuts signés.pdf", PDF_BYTES)
    upload(client, draft, "projet/../santé.png", PNG_BYTES, kind=DocumentKind.HEALTH_PROJECT, content_type="image/png")
    url = reverse("structures:documents_zip", args=[draft.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert all("/" not in name for name in names), names
    by_kind = {name.split(" - ")[1]: archive.read(name) for name in names}
    assert by_kind["Statuts"] == PDF_BYTES
    assert by_kind["Projet de santé"] == PNG_BYTES
    # Out of scope: another region's ARS agent (and a draft is its managers' only).
    assert client_for(ars_ara).get(url).status_code == 404
    assert client_for(ars_idf).get(url).status_code == 404


def test_a_file_without_documents_has_no_zip(draft, manager):
    assert client_for(manager).get(reverse("structures:documents_zip", args=[draft.pk])).status_code == 404
