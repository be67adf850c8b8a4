"""Pages of the consultation on the draft barème: forms posted as rendered, who sees what, the campaign page's
outcome, French refusals, and bounded query counts with 2 and 30 structures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dotations.enums import ConsultationStatus, Verdict
from dotations.models import Consultation, ConsultationComment, ConsultationOpinion
from dotations.services import consultations as services
from tests.conftest import client_for
from tests.factories import FundedConventionFactory
from tests.forms import rendered_form

from .consultation_builders import TODAY, consultation_in, draft_campaign, make_has

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return time_machine


@pytest.fixture
def has(db):
    return make_has()


def _detail(year=2027):
    return reverse("dotations:consultation_detail", args=[year])


def test_the_cnam_prepares_and_submits_from_the_campaign_page(cnam, ars_idf, has):
    draft_campaign()
    client = client_for(cnam)
    campaign_page = (
        client.get(reverse("dotations:campaign_detail", args=[2027])).content.decode().replace("&#x27;", "'")
    )
    assert "Préparer la consultation sur le barème" in campaign_page
    url = reverse("dotations:consultation_prepare", args=[2027])
    data = rendered_form(client.get(url).content.decode().replace("&#x27;", "'"), "consultation-form")
    data.update(deadline="15/01/2027", message="Coordination relevée à 70 000 €.")
    response = client.post(url, data)
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.deadline == datetime.date(2027, 1, 15)
    page = client.get(_detail()).content.decode().replace("&#x27;", "'")
    assert "Soumettre le barème à consultation" in page
    open_url = reverse("dotations:consultation_open", args=[2027])
    # One confirmation pattern: a link to the confirmation page, opened as a modal with the same form.
    assert f'href="{open_url}" data-secpa-confirm="confirm-consultation-open">' in page
    confirmation = client.get(open_url).content.decode().replace("&#x27;", "'")
    assert "<h1>Soumettre le barème 2027 à consultation ?</h1>" in confirmation
    assert "avis attendus jusqu'au 15 janvier 2027" in confirmation
    assert Consultation.objects.get().status != ConsultationStatus.OPEN  # GET changes nothing
    data = rendered_form(confirmation, "data-secpa-confirm-form")
    assert data["version"] == str(consultation.version)
    response = client.post(open_url, data, follow=True)
    assert "est soumis à consultation jusqu'au 15 janvier 2027" in response.content.decode().replace("&#x27;", "'")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN
    # Editing again posts the rendered version: a stale one is a conflict.
    assert client.get(url).status_code == 302  # submitted: no longer prepared


def test_a_bad_deadline_is_refused_in_french_with_nothing_lost(cnam):
    draft_campaign()
    client = client_for(cnam)
    url = reverse("dotations:consultation_prepare", args=[2027])
    data = rendered_form(client.get(url).content.decode().replace("&#x27;", "'"), "consultation-form")
    data.update(deadline="31/02/2027", message="Texte gardé")
    content = client.post(url, data).content.decode().replace("&#x27;", "'")
    assert "JJ/MM/AAAA" in content and "Texte gardé" in content
    data.update(deadline="01/12/2026")
    assert "ne peut pas être passée" in client.post(url, data).content.decode().replace("&#x27;", "'")
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("who", ["ars_idf", "has"])
def test_an_opinion_posted_as_rendered(who, cnam, ars_idf, has, request):
    user = request.getfixturevalue(who)
    consultation_in(ConsultationStatus.OPEN, cnam)
    client = client_for(user)
    page = client.get(_detail()).content.decode().replace("&#x27;", "'")
    assert "Donner l'avis" in page
    url = reverse("dotations:consultation_opinion", args=[2027])
    data = rendered_form(client.get(url).content.decode().replace("&#x27;", "'"), "opinion-form")
    data.update(verdict=Verdict.UNFAVOURABLE)
    content = client.post(url, data).content.decode().replace("&#x27;", "'")
    assert "doit être motivé" in content
    data.update(comment="La médiation reste sous-financée.", remark_mediation="Relever le plafond à 5 ETP.")
    assert client.post(url, data).status_code == 302
    opinion = ConsultationOpinion.objects.get()
    assert opinion.remarks == {"mediation": "Relever le plafond à 5 ETP."}
    page = client.get(_detail()).content.decode().replace("&#x27;", "'")
    assert "Modifier l'avis" in page and "Relever le plafond à 5 ETP." in page
    # The CNAM sees it beside the component.
    cnam_page = client_for(cnam).get(_detail()).content.decode().replace("&#x27;", "'")
    start = cnam_page.index('id="component-mediation"')
    assert "Relever le plafond à 5 ETP." in cnam_page[start : cnam_page.index("</tr>", start)]


def test_a_manager_comment_posted_as_rendered(cnam, manager):
    convention = FundedConventionFactory(manager=manager, region="11")
    consultation_in(ConsultationStatus.OPEN, cnam)
    client = client_for(manager)
    url = reverse("dotations:consultation_comment", args=[2027])
    data = rendered_form(client.get(url).content.decode().replace("&#x27;", "'"), "comment-form")
    assert data["structure"] == str(convention.structure_id)
    data.update(component_code="interpreting", text="L'interprétariat dépasse 3 000 heures chez nous.")
    assert client.post(url, data).status_code == 302
    assert ConsultationComment.objects.get().component_code == "interpreting"
    data.update(structure="999999")
    assert "Choisissez une de vos structures" in client.post(url, data).content.decode().replace("&#x27;", "'")


def test_closing_early_posted_as_rendered(cnam):
    consultation_in(ConsultationStatus.OPEN, cnam)
    client = client_for(cnam)
    url = reverse("dotations:consultation_close", args=[2027])
    data = rendered_form(client.get(url).content.decode().replace("&#x27;", "'"), "close-form")
    assert "obligatoire" in client.post(url, data).content.decode().replace("&#x27;", "'")
    data.update(reason="Toutes les ARS ont répondu.")
    assert client.post(url, data).status_code == 302
    assert Consultation.objects.get().status == ConsultationStatus.CLOSED


def test_who_sees_what(cnam, ars_idf, ars_ara, manager, has):
    FundedConventionFactory(manager=manager, region="11")
    consultation = consultation_in(ConsultationStatus.DRAFT, cnam)
    for user in (ars_idf, manager, has):
        assert client_for(user).get(_detail()).status_code == 404  # not submitted yet
    consultation = services.consultation_open(consultation=consultation, user=cnam)
    services.opinion_give(consultation=consultation, user=ars_ara, verdict=Verdict.UNFAVOURABLE, comment="Secret ARA")
    page = client_for(ars_idf).get(_detail()).content.decode().replace("&#x27;", "'")
    assert "Secret ARA" not in page and "Donner l'avis de l'ARS" in page
    assert "Secret ARA" in client_for(cnam).get(_detail()).content.decode().replace("&#x27;", "'")
    for user in (ars_idf, manager, has):
        assert client_for(user).get(reverse("dotations:consultation_effect", args=[2027])).status_code == 404
        assert client_for(user).get(reverse("dotations:consultation_close", args=[2027])).status_code == 404
    assert client_for(manager).get(reverse("dotations:consultation_opinion", args=[2027])).status_code == 404
    assert client_for(has).get(reverse("dotations:consultation_comment", args=[2027])).status_code == 404
    assert client_for(has).get(reverse("dotations:campaign_detail", args=[2027])).status_code == 404
    dashboard = client_for(has).get(reverse("dashboard")).content.decode().replace("&#x27;", "'")
    assert "Haute Autorité de santé · invitée" in dashboard and "Barème 2027" in dashboard
    assert client_for(has).get(reverse("dotations:consultation_list")).status_code == 200
    assert client_for(cnam).get(reverse("dotations:consultation_detail", args=[1999])).status_code == 404


def test_the_campaign_page_shows_the_outcome_and_refuses_to_open(cnam, ars_idf, has):
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    services.opinion_give(consultation=consultation, user=ars_idf, verdict=Verdict.FAVOURABLE)
    services.opinion_give(consultation=consultation, user=has, verdict=Verdict.RESERVATIONS, comment="Indicateurs.")
    ars_page = client_for(ars_idf).get(reverse("dotations:campaign_detail", args=[2027])).content.decode()
    assert 'id="campaign-consultation"' in ars_page and 'id="consultation-outcome"' not in ars_page  # not yet
    client = client_for(cnam)
    response = client.post(reverse("dotations:campaign_open", args=[2027]), follow=True)
    assert "La consultation sur le barème est ouverte jusqu'au 15 janvier 2027" in response.content.decode().replace(
        "&#x27;", "'"
    )
    services.consultation_close(consultation=consultation, user=cnam, reason="Avis reçus.")
    page = client.get(reverse("dotations:campaign_detail", args=[2027])).content.decode().replace("&#x27;", "'")
    assert 'id="consultation-outcome"' in page and "Voir la consultation et son résultat" in page
    assert '<td class="secpa-amount" id="count-favourable">1</td>' in page
    assert '<td class="secpa-amount" id="count-reservations">1</td>' in page
    assert '<td class="secpa-amount" id="count-unfavourable">0</td>' in page
    ars_page = client_for(ars_idf).get(reverse("dotations:campaign_detail", args=[2027])).content.decode()
    assert 'id="consultation-outcome"' in ars_page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize("count", [2, 30])
def test_bounded_query_counts(count, cnam, ars_idf, has):
    from tests.conftest import make_user

    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    for n in range(count):
        manager = make_user(f"gestion{n}@test.example")
        convention = FundedConventionFactory(manager=manager, region="11" if n % 2 else "84")
        services.comment_post(
            consultation=consultation, user=manager, structure=convention.structure, text=f"Avis {n}"
        )
    services.opinion_give(consultation=consultation, user=ars_idf, verdict=Verdict.FAVOURABLE)
    services.opinion_give(consultation=consultation, user=has, verdict=Verdict.RESERVATIONS, comment="Indicateurs.")
    client = client_for(cnam)
    detail, content = _queries(client, _detail())
    assert content.count("Avis ") >= count
    effect, content = _queries(client, reverse("dotations:consultation_effect", args=[2027]))
    assert f"Structures calculées : {count}" in content
    assert "237\u202f800,00\u00a0€" in content
    campaign, _ = _queries(client, reverse("dotations:campaign_detail", args=[2027]))
    has_detail, _ = _queries(client_for(has), _detail())
    # The same with 2 or 30 structures (8, 6, 14 and 7 when written; the effect is computed in batches of 500).
    assert detail <= 9 and effect <= 7 and campaign <= 16 and has_detail <= 8, (detail, effect, campaign, has_detail)


def test_the_effect_page_paginates_and_survives_a_bad_page(cnam):
    consultation_in(ConsultationStatus.OPEN, cnam)
    for _ in range(3):
        FundedConventionFactory(manager=None, region="11", structure__declared_interpreting_hours=None)
    url = reverse("dotations:consultation_effect", args=[2027])
    content = client_for(cnam).get(url, {"page": "x"}).content.decode().replace("&#x27;", "'")
    assert "dont 3 sans résultat faute de données" in content
    assert client_for(cnam).get(url, {"page": "999"}).status_code == 200
    assert Decimal(0) == 0
