"""The consultation on the draft barème in a real browser: a CNAM agent prepares and submits the 2027 barème with a
deadline, an ARS agent gives an opinion « favorable avec réserves » with a comment and a remark, a structure's
manager comments a component, the pilotage national reads it all without a button, and the CNAM agent reads the
opinions beside the components, closes the consultation early and opens the campaign. Every page state passes the
axe check (no serious or critical violation)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dotations.enums import CampaignStatus, ConsultationStatus, Verdict
from dotations.models import BaremeComponent, Campaign, Consultation, ConsultationComment, ConsultationOpinion
from secpa_portal.accounts.enums import Role
from tests.browser.conftest import assert_accessible
from tests.browser.journeys import Choice, assert_alert, click, fill, heading, login_as, logout_from, shot, visit
from tests.conftest import make_user
from tests.dotations.reference_data import reference_regions  # noqa: F401  (autouse: regions after a flush)
from tests.factories import CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DETAIL = "/financements/campagnes/2027/consultation/"


def _row(page, code):
    return page.locator(f"#component-{code}")


def test_submit_opinion_comment_read_close_and_open(page, cnam, ars_idf, manager):
    pilotage = make_user("dss@test.example", role=Role.PILOTAGE, first_name="Claire", last_name="Ministère")
    campaign = CampaignFactory(year=2027, status=CampaignStatus.DRAFT)
    BaremeComponent.objects.filter(campaign=campaign, code="coordination").update(rate=Decimal("70000.00"))
    structure = FundedConventionFactory(manager=manager, region="11").structure
    deadline = timezone.localdate() + datetime.timedelta(days=40)

    # The CNAM agent prepares the consultation from the campaign page, then submits it through the modal.
    login_as(page, cnam)
    visit(page, "/financements/campagnes/2027/")
    click(page, "Préparer la consultation sur le barème", role="link")
    fill(
        page,
        {
            "Date limite des avis": deadline.strftime("%d/%m/%Y"),
            "Présentation du projet de barème": "Coordination relevée à 70 000 €.",
        },
    )
    click(page, "Enregistrer")
    assert heading(page).startswith("Consultation sur le barème 2027")
    page.get_by_role("button", name="Soumettre le barème à consultation").click()
    modal = page.get_by_role("dialog", name="Soumettre le barème 2027 à consultation ?")
    modal.wait_for(state="visible")
    shot(page, "consultation-submit-modal")
    assert_accessible(page)
    modal.get_by_role("button", name="Soumettre le barème à consultation").click()
    page.wait_for_load_state()
    assert_alert(page, "est soumis à consultation")
    assert Consultation.objects.get().status == ConsultationStatus.OPEN
    assert_accessible(page)
    logout_from(page)

    # The ARS agent gives the opinion of their ARS, with reservations: a comment is required.
    login_as(page, ars_idf)
    visit(page, DETAIL)
    click(page, "Donner l'avis de l'ARS", role="link")
    fill(page, {"Avis": Choice("Favorable avec réserves")})
    click(page, "Enregistrer l'avis")
    assert page.get_by_text("doit être motivé").first.is_visible()  # refused in French, nothing lost
    assert page.get_by_role("radio", name="Favorable avec réserves").is_checked()
    fill(
        page,
        {
            "Commentaire": "La médiation reste sous-financée en Île-de-France.",
            "Remarque sur « Médiation en santé »": "Relever le plafond à 5 ETP.",
        },
    )
    click(page, "Enregistrer l'avis")
    assert_alert(page, "L'avis est enregistré")
    opinion = ConsultationOpinion.objects.get()
    assert (opinion.verdict, opinion.remarks["mediation"]) == (Verdict.RESERVATIONS, "Relever le plafond à 5 ETP.")
    shot(page, "consultation-ars-opinion")
    logout_from(page)

    # The manager comments one component in the name of their structure.
    login_as(page, manager)
    click(page, "Consultations", role="link")
    click(page, "Barème 2027", role="link")
    click(page, "Commenter le barème", role="link")
    fill(
        page,
        {
            "Au nom de la structure": structure.name,
            "Sur": "Interprétariat professionnel",
            "Commentaire": "L'interprétariat dépasse 3 000 heures chez nous.",
        },
    )
    click(page, "Envoyer le commentaire")
    assert_alert(page, "Votre commentaire est transmis")
    assert ConsultationComment.objects.get().component_code == "interpreting"
    logout_from(page)

    # The pilotage national reads the opinions and the comment, and may act on nothing.
    login_as(page, pilotage)
    click(page, "Consultations", role="link")
    click(page, "Barème 2027", role="link")
    assert "Relever le plafond à 5 ETP." in _row(page, "mediation").inner_text()
    assert "3 000 heures" in _row(page, "interpreting").inner_text()
    actions = page.locator("#consultation-actions")
    assert actions.get_by_role("link", name="Clore avant la date limite").count() == 0
    assert page.get_by_role("button", name="Soumettre le barème à consultation").count() == 0
    assert actions.get_by_role("link").all_inner_texts() == [
        "Effet projeté sur chaque structure",
        "Voir la campagne 2027",
    ]
    click(page, "Effet projeté sur chaque structure", role="link")
    logout_from(page)

    # The CNAM agent reads every opinion beside its component, closes early, then opens the campaign.
    login_as(page, cnam)
    visit(page, DETAIL)
    assert page.locator("#opinions").get_by_text("Favorable avec réserves").is_visible()
    assert "ARS Île-de-France" in _row(page, "mediation").inner_text()
    assert structure.name in _row(page, "interpreting").inner_text()
    shot(page, "consultation-cnam-opinions")
    click(page, "Clore avant la date limite", role="link")
    fill(page, {"Motif de la clôture anticipée": "L'ARS concernée a répondu ; les arbitrages sont rendus."})
    click(page, "Clore la consultation")
    assert_alert(page, "La consultation est close")
    assert Consultation.objects.get().status == ConsultationStatus.CLOSED
    assert page.get_by_role("heading", name="Résultat de la consultation").is_visible()
    click(page, "Voir la campagne 2027", role="link")
    assert page.locator("#consultation-outcome").is_visible()
    page.get_by_role("button", name="Ouvrir la campagne").click()
    modal = page.get_by_role("dialog", name="Ouvrir la campagne 2027 ?")
    modal.wait_for(state="visible")
    modal.get_by_role("button", name="Ouvrir la campagne").click()
    page.wait_for_load_state()
    assert_alert(page, "est ouverte")
    assert Campaign.objects.get(year=2027).status == CampaignStatus.OPEN
    shot(page, "consultation-campaign-opened")
    assert_accessible(page)
