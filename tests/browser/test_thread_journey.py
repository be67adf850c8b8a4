"""The send-back journey in Chromium: the ARS agent asks for changes with a reason, the manager replies in the
file's thread with an attachment, corrects a field and submits again; the file returns to the agent, whose
review page highlights the change, and the agent decides. Every page passes axe."""

import pytest
from django.urls import reverse

from secpa_portal.messaging.models import Message
from structures.enums import StructureStatus
from structures.models import Structure
from tests.browser.journeys import Choice, assert_alert, click, fill, login_as, logout_from, next_page, upload, visit
from tests.factories import PDF_BYTES, StructureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REASON = "Les statuts transmis ne sont pas signés : merci de joindre la version adoptée en assemblée générale."
REPLY = "Voici les statuts signés ; la forme juridique est aussi corrigée."


def test_send_back_reply_correct_resubmit_and_decide(page, tmp_path, manager, ars_idf):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf)
    review = reverse("structures:review", args=[structure.pk])

    # The agent sends the file back with a reason.
    login_as(page, ars_idf)
    visit(page, review)
    fill(page, {"Décision": Choice("À compléter : demander des compléments à la structure"), "Motif": REASON})
    click(page, "Vérifier et confirmer la décision")
    click(page, "Confirmer : demander des compléments")
    assert_alert(page, "Des compléments sont demandés")
    logout_from(page)

    # The manager finds the reason as the thread's first message and replies with an attachment.
    login_as(page, manager)
    assert page.locator("#unread-messages").inner_text().strip() == "Messages (1 non lu)"
    click(page, "Messages (1 non lu)", role="link")
    click(page, f"dossier d'éligibilité de « {structure.name} »", role="link")
    assert page.get_by_text(REASON).is_visible()
    assert page.get_by_text("Motif du renvoi").is_visible()
    path = tmp_path / "statuts-signes.pdf"
    path.write_bytes(PDF_BYTES)
    fill(page, {"Votre message": REPLY})
    upload(page, "Pièce jointe (facultative)", path)
    next_page(page, "Envoyer le message")
    assert_alert(page, "Votre message est envoyé")
    assert page.get_by_role("link", name="statuts-signes.pdf").is_visible()

    # … corrects a field and submits again.
    visit(page, reverse("structures:step", args=[structure.pk, "identite"]))
    fill(page, {"Forme juridique": "Société coopérative d'intérêt collectif (SCIC)"})
    next_page(page, "Enregistrer et continuer")
    visit(page, reverse("structures:submit", args=[structure.pk]))
    click(page, "Confirmer le dépôt")
    assert_alert(page, "transmis à l'ARS Île-de-France")
    logout_from(page)

    structure = Structure.objects.get(pk=structure.pk)
    assert (structure.status, structure.reviewer) == (StructureStatus.IN_REVIEW, ars_idf)

    # The file is back with the agent: the change is highlighted, the reply is unread, then the agent decides.
    login_as(page, ars_idf)
    assert page.locator("#unread-messages").inner_text().strip() == "Messages (1 non lu)"
    visit(page, review)
    changes = page.locator("#modifications")
    row = changes.locator("tr.secpa-change").filter(has_text="forme juridique")
    assert row.locator("del").inner_text() == "Association loi 1901"
    assert row.locator("mark").inner_text() == "Société coopérative d'intérêt collectif (SCIC)"
    click(page, "Messages échangés avec la structure", role="link")
    assert page.get_by_text(REPLY).is_visible()
    visit(page, review)
    fill(page, {"Décision": Choice("Éligible")})
    click(page, "Vérifier et confirmer la décision")
    click(page, "Confirmer : déclarer éligible")
    assert_alert(page, "est déclarée éligible")

    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.ELIGIBLE
    assert list(Message.objects.values_list("side", flat=True)) == ["agency", "structure"]
