"""Message threads on every dossier: who takes part (role × dossier × in/out of scope = 404), posting the
rendered form with an attachment, attachments served only through the scope check, unread counts with a
bounded number of queries, e-mails without the message's text, messages that cannot change once sent."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dotations.enums import DotationStatus
from dotations.models import Dotation
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from secpa_portal.messaging import services
from secpa_portal.messaging.models import Attachment, Message, Unread
from tests.conftest import client_for, ids_past_a_thousand, make_user
from tests.factories import PDF_BYTES, ConventionFactory, ReportFactory, StructureFactory

pytestmark = pytest.mark.django_db


def thread_url(kind, pk):
    return reverse("messaging:thread", args=[kind, pk])


def rendered_form(client, url):
    """The thread page's form as rendered: its action, and its named fields with their values."""
    html = client.get(url).content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)" enctype="multipart/form-data"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "the thread page renders its form"
    action, body = form.groups()
    fields = {name: "" for name in re.findall(r'<(?:input|textarea)[^>]*name="([^"]+)"', body)}
    fields.pop("csrfmiddlewaretoken", None)
    return action, fields


@pytest.fixture
def outsider(db):
    return make_user("autre.gestion@test.example")


@pytest.fixture
def dossiers(manager, ars_idf, cnam, cnam2):
    """One dossier of each kind in Île-de-France, managed by ``manager``."""
    submitted = StructureFactory(manager=manager, submitted=True)
    draft = StructureFactory(manager=manager)
    eligible = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    active = ConventionFactory(structure=eligible, cnam=cnam, active=True, manager=manager, cnam2=cnam2)
    draft_convention = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam
    )
    report = ReportFactory(convention=active, manager=manager)
    return {
        "structure": ("structure", submitted),
        "draft_structure": ("structure", draft),
        "convention": ("convention", active),
        "draft_convention": ("convention", draft_convention),
        "report": ("rapport", report),
    }


# (user, dossier, expected status): out of scope, or in scope without a part in the thread, is a 404.
MATRIX = [
    ("manager", "structure", 200),
    ("manager", "draft_structure", 200),
    ("manager", "convention", 200),
    ("manager", "draft_convention", 404),  # not sent to the structure yet
    ("manager", "report", 200),
    ("outsider", "structure", 404),
    ("outsider", "convention", 404),
    ("outsider", "report", 404),
    ("ars_idf", "structure", 200),
    ("ars_idf", "draft_structure", 404),
    ("ars_idf", "convention", 200),
    ("ars_idf", "report", 200),
    ("ars_ara", "structure", 404),
    ("ars_ara", "convention", 404),
    ("ars_ara", "report", 404),
    ("cnam", "structure", 404),  # the eligibility review is the ARS's
    ("cnam", "convention", 200),
    ("cnam", "draft_convention", 200),
    ("cnam", "report", 404),
]


@pytest.mark.parametrize("who, target, expected", MATRIX)
def test_thread_permission_matrix(who, target, expected, dossiers, request):
    user = request.getfixturevalue(who)
    kind, obj = dossiers[target]
    client = client_for(user)
    assert client.get(thread_url(kind, obj.pk)).status_code == expected
    before = Message.objects.count()
    response = client.post(thread_url(kind, obj.pk), {"text": "Bonjour"})
    assert response.status_code == (302 if expected == 200 else 404)
    assert Message.objects.count() == before + (1 if expected == 200 else 0)


def test_unknown_kind_is_404(manager):
    assert client_for(manager).get(thread_url("inconnu", 1)).status_code == 404


DOTATION_MATRIX = [
    ("manager", "mine_approved", 200),
    ("manager", "mine_proposed", 404),
    ("outsider", "mine_approved", 404),
    ("ars_idf", "idf_proposed", 200),
    ("ars_ara", "idf_proposed", 404),
    ("cnam", "idf_proposed", 200),
]


@pytest.mark.parametrize("who, target, expected", DOTATION_MATRIX)
def test_dotation_thread_matrix(who, target, expected, manager, cnam, cnam2, request):
    from tests.dotations.test_views import build

    build(9, manager=manager, cnam=cnam, cnam2=cnam2)
    dotations = Dotation.objects.order_by("pk")
    mine = dotations.filter(structure__memberships__user=manager)
    dotation = {
        "mine_approved": mine.filter(status=DotationStatus.APPROVED),
        "mine_proposed": mine.filter(status=DotationStatus.PROPOSED),
        "idf_proposed": dotations.filter(region_id="11", status=DotationStatus.PROPOSED),
    }[target].first()
    assert dotation is not None, target
    user = request.getfixturevalue(who)
    assert client_for(user).get(thread_url("dotation", dotation.pk)).status_code == expected


def test_manager_posts_the_rendered_form_with_an_attachment(
    manager, ars_idf, ars_ara, django_capture_on_commit_callbacks
):
    structure = StructureFactory(manager=manager, submitted=True)
    client = client_for(manager)
    action, fields = rendered_form(client, thread_url("structure", structure.pk))
    assert set(fields) == {"text", "file"}
    secret = "Les statuts signés sont joints, avec le procès-verbal de l'assemblée."
    fields.update(text=secret, file=SimpleUploadedFile("statuts signés.pdf", PDF_BYTES))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, fields)
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{message.pk}")
    assert message.text == secret and message.side == "structure" and message.structure_id == structure.pk
    assert [a.original_name for a in message.attachments.all()] == ["statuts signés.pdf"]
    # Journaled (the text's hash, not the text), unread for the region's agent only, e-mailed without the text.
    event = Event.objects.get(verb="message_posted")
    assert event.structure_id == structure.pk and event.payload["attachments"] == ["statuts signés.pdf"]
    assert secret not in str(event.payload)
    assert list(Unread.objects.values_list("user__email", flat=True)) == [ars_idf.email]
    assert [m.to for m in mail.outbox] == [[ars_idf.email]]
    body = mail.outbox[0].body
    assert secret not in body and "procès-verbal" not in body
    assert thread_url("structure", structure.pk) in body
    page = client_for(ars_idf).get(thread_url("structure", structure.pk)).content.decode()
    assert "statuts signés.pdf" in page and "Nouveau" in page


def test_a_refused_attachment_keeps_the_text_and_says_why(manager):
    structure = StructureFactory(manager=manager, submitted=True)
    client = client_for(manager)
    action, fields = rendered_form(client, thread_url("structure", structure.pk))
    fields.update(text="Voici la pièce", file=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"))
    response = client.post(action, fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert "n&#x27;est pas celui d&#x27;un PDF" in page and "Voici la pièce" in page
    assert not Message.objects.exists()


def test_an_empty_message_is_refused_in_french(manager):
    structure = StructureFactory(manager=manager, submitted=True)
    response = client_for(manager).post(thread_url("structure", structure.pk), {"text": "   "})
    assert response.status_code == 200
    assert "Écrivez votre message avant de l&#x27;envoyer." in response.content.decode()
    assert not Message.objects.exists()


def test_attachments_are_served_only_through_the_scope_check(manager, outsider, ars_idf, ars_ara, cnam):
    structure = StructureFactory(manager=manager, submitted=True)
    message = services.post_message(
        user=manager, obj=structure, text="Pièce", files=[SimpleUploadedFile("pv.pdf", PDF_BYTES)]
    )
    attachment = message.attachments.get()
    url = reverse("messaging:attachment", args=[attachment.pk])
    for user in (manager, ars_idf):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert 'attachment; filename="pv.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF_BYTES
    for user in (outsider, ars_ara, cnam):
        assert client_for(user).get(url).status_code == 404
    assert client_for(manager).get(reverse("messaging:attachment", args=[attachment.pk + 99])).status_code == 404
    assert not attachment.file.name.startswith("structures/")  # a random name under messages/, never public
    assert attachment.file.name.startswith(f"messages/{structure.pk}/") and "pv" not in attachment.file.name


def test_messages_cannot_be_edited_or_deleted(manager):
    structure = StructureFactory(manager=manager, submitted=True)
    message = services.post_message(
        user=manager, obj=structure, text="Premier envoi", files=[SimpleUploadedFile("pv.pdf", PDF_BYTES)]
    )
    message.text = "Réécrit"
    with pytest.raises(ActionRefused):
        message.save()
    with pytest.raises(ActionRefused):
        message.delete()
    attachment = message.attachments.get()
    with pytest.raises(ActionRefused):
        attachment.delete()
    assert Message.objects.get().text == "Premier envoi"


def anchors(html):
    """The messages an inbox page links to, in its order."""
    return [int(pk) for pk in re.findall(r'href="/messages/[^"]*#message-(\d+)"', html)]


def header_link(html):
    return re.search(r'id="unread-messages"[^>]*>([^<]*)</a>', html).group(1)


@pytest.mark.parametrize("count", [2, 30])
def test_unread_count_and_pages_with_bounded_queries(count, manager, ars_idf, django_assert_max_num_queries):
    structure = StructureFactory(manager=manager, submitted=True)
    for n in range(count):
        services.post_message(
            user=manager, obj=structure, text=f"Message {n}", files=[SimpleUploadedFile(f"p{n}.pdf", PDF_BYTES)]
        )
    client = client_for(ars_idf)
    with django_assert_max_num_queries(12):
        inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert header_link(inbox) == f"Messages ({count} non lus)"
    assert f"{count} messages non lus" in inbox
    # A page of 25 at most, newest first; the rest on the next page.
    newest_first = list(Message.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert anchors(inbox) == newest_first[:25]
    if count > 25:
        assert "Page suivante" in inbox
        with django_assert_max_num_queries(12):
            second = client.get(reverse("messaging:inbox"), {"page": 2}).content.decode()
        assert anchors(second) == newest_first[25:]
    with django_assert_max_num_queries(16):
        page = client.get(thread_url("structure", structure.pk)).content.decode()
    assert page.count("Nouveau</span>") == count
    with django_assert_max_num_queries(12):
        inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert header_link(inbox) == "Messages"
    assert "Aucun message non lu" in inbox
    # The writer has nothing unread.
    assert header_link(client_for(manager).get(reverse("messaging:inbox")).content.decode()) == "Messages"


def test_the_send_back_reason_opens_the_thread(manager, ars_idf):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    message = Message.objects.get()
    assert message.text == "Merci de joindre les statuts signés."
    assert message.opens_with_reason == "changes_requested" and message.author == ars_idf
    assert (message.dossier_kind, message.object_id) == ("structure", structure.pk)
    assert list(Unread.objects.values_list("user", flat=True)) == [manager.pk]
    page = client_for(manager).get(thread_url("structure", structure.pk)).content.decode()
    assert "Motif du renvoi" in page and "Merci de joindre les statuts signés." in page


def test_the_report_return_reason_opens_its_thread(manager, ars_idf, cnam, cnam2):
    from tests.factories import ConventionFactory

    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    report = ReportFactory(
        convention=convention, manager=manager, returned=True, ars=ars_idf, reason="Valeurs à justifier."
    )
    message = Message.objects.get(dossier_kind="rapport")
    assert (message.object_id, message.text, message.opens_with_reason) == (
        report.pk,
        "Valeurs à justifier.",
        "report_returned",
    )
    assert Unread.objects.filter(user=manager, message=message).exists()


def test_agents_reply_and_the_managers_are_emailed(manager, ars_idf, django_capture_on_commit_callbacks):
    structure = StructureFactory(manager=manager, submitted=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(ars_idf).post(thread_url("structure", structure.pk), {"text": "Le RIB est-il à jour ?"})
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "RIB" not in mail.outbox[0].body and "RIB" not in mail.outbox[0].subject
    assert Attachment.objects.count() == 0


def test_the_inbox_links_to_messages_past_the_thousandth(manager, ars_idf):
    """A message's anchor is its id unlocalised: the inbox once linked to « #message-4 085 », which no browser
    finds (issue 14, found when its rows moved to Jinja2)."""
    ids_past_a_thousand("messaging_message")
    structure = StructureFactory(manager=manager, submitted=True)
    message = services.post_message(user=manager, obj=structure, text="Bonjour")
    assert message.pk > 5000
    inbox = client_for(ars_idf).get(reverse("messaging:inbox")).content.decode()
    assert anchors(inbox) == [message.pk]
    assert f'#message-{message.pk}"' in inbox
    thread = client_for(ars_idf).get(thread_url("structure", structure.pk)).content.decode()
    assert f'id="message-{message.pk}"' in thread  # the anchor the link leads to
