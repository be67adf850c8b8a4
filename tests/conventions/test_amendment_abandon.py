"""An avenant the assurance maladie will not sign is abandoned with a reason (docs/conventions.md « Avenants »).

The case it exists for: an avenant changes the payment terms from 2027, the structure signs it, then the 2027
dotation is approved; the year's terms are fixed, so the CNAM signature is refused. Without the abandonment the
avenant stayed « signé par la structure » forever and no other avenant could be prepared.
"""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from conventions.enums import AmendmentStatus
from conventions.models import Amendment, Convention
from conventions.services import amendments as services
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import (
    CampaignFactory,
    ConventionFactory,
    DotationFactory,
    FundedConventionFactory,
    FundedStructureFactory,
    IndicatorFactory,
    StructureFactory,
    UserFactory,
)
from tests.forms import find_form, form_holding, rendered_form

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
FROM_2027 = {"from_year": 2027, "advance_share": Decimal("0.50"), "advance_due": "01-31", "balance_due": "04-30"}
REASON = "La dotation 2027 a été approuvée avant notre signature : un nouvel avenant partira de 2028."
SIGNED_TERMS = [{"from_year": 2027, "advance_share": "0.50", "advance_due": "01-31", "balance_due": "04-30"}]


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def convention(manager, cnam):
    """2026 – 2028, signed at 60 % on 31 March, in Île-de-France (region 11)."""
    return FundedConventionFactory(
        structure=FundedStructureFactory(manager=manager),
        prepared_by=cnam,
        start_year=2026,
        advance_share=Decimal("0.60"),
        advance_due="03-31",
        balance_due="04-30",
    )


def _signed_by_structure(convention, manager, cnam):
    """Avenant n° 1 (50 % on 31 January from 2027) prepared by ``cnam``, sent and signed by the structure."""
    amendment = services.amendment_save(
        convention=convention, user=cnam, summary="Avance ramenée à 50 % au 31 janvier.", terms=FROM_2027
    )
    services.amendment_send(amendment=amendment, user=cnam)
    return services.amendment_sign_structure(
        amendment=amendment, user=manager, signatory_name="Awa Diallo", signatory_capacity="Directrice", consent=True
    )


def _url(name, convention, number=1):
    return reverse(f"conventions:{name}", args=[convention.pk, number])


def test_the_stuck_avenant_is_abandoned_with_a_reason_and_changes_nothing(
    convention, manager, cnam, cnam2, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    detail_url = _url("amendment_detail", convention)
    # The CNAM agent prepares and sends the avenant; the structure signs it through its page.
    services.amendment_save(
        convention=convention, user=cnam, summary="Avance ramenée à 50 % au 31 janvier.", terms=FROM_2027
    )
    agent = client_for(cnam)
    send_url = _url("amendment_send", convention)
    assert agent.post(send_url, form_holding(agent.get(send_url))).status_code == 302
    structure = client_for(manager)
    sign_url = _url("amendment_sign_structure", convention)
    page = structure.get(sign_url).content.decode()
    signature = dict(find_form(page, method="post", having="consent").items(tick_all=True))
    assert structure.post(sign_url, {**signature, "signatory_capacity": "Directrice"}).status_code == 302
    assert Amendment.objects.get().status == AmendmentStatus.SIGNED_BY_STRUCTURE

    # Meanwhile the 2027 dotation is approved: its terms are fixed.
    other = client_for(cnam2)
    dotation = DotationFactory(convention=convention, campaign=CampaignFactory(year=2027, bareme=False), cnam=cnam)
    approve_url = reverse("dotations:dotation_approve", args=[dotation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        other.post(approve_url, rendered_form(other.get(approve_url).content.decode(), "approve-form"))

    # The other CNAM agent's signature is refused, and the refusal says the way out.
    sign_cnam_url = _url("amendment_sign_cnam", convention)
    refused = other.post(sign_cnam_url, form_holding(other.get(sign_cnam_url), "signatory_name"))
    assert refused.status_code == 200
    assert (
        "Les conditions de versement de 2027 ne peuvent plus changer : la dotation 2027 est approuvée et son "
        "échéancier est fixé. Un avenant ne change les conditions que des années qui suivent, à partir de 2028. "
        "Vous pouvez abandonner cet avenant en indiquant un motif (il ne changera rien à la convention), puis en "
        "préparer un autre."
    ) in unescape(refused.content.decode())
    assert Amendment.objects.get().status == AmendmentStatus.SIGNED_BY_STRUCTURE

    # The avenant page offers the abandonment: a button opening the modal, whose form asks for the reason.
    page = other.get(detail_url).content.decode()
    abandon_url = _url("amendment_abandon", convention)
    assert f'href="{abandon_url}"' in page and "Abandonner l&#x27;avenant" in page
    data = rendered_form(page, action=abandon_url)
    assert data["reason"] == ""
    data["reason"] = REASON
    events = Event.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(25):
        response = other.post(abandon_url, data)
    assert response.status_code == 302 and response.url == detail_url

    amendment = Amendment.objects.get()
    assert (amendment.status, amendment.abandon_reason) == (AmendmentStatus.ABANDONED, REASON)
    assert amendment.abandoned_at == TODAY
    event = Event.objects.for_object(convention).order_by("-id").first()
    assert Event.objects.count() == events + 1
    assert (event.verb, event.actor_id, event.from_state, event.to_state, event.reason) == (
        "amendment_abandoned",
        cnam2.pk,
        AmendmentStatus.SIGNED_BY_STRUCTURE,
        AmendmentStatus.ABANDONED,
        REASON,
    )
    assert sorted(address for message in mail.outbox for address in message.to) == [manager.email]
    (message,) = mail.outbox
    assert message.subject == f"SECPA — avenant n° 1 abandonné : {convention.reference}"
    assert f"Motif : {REASON}" in unescape(message.body)
    assert "la signature que vous aviez donnée à cet avenant n'a plus d'effet" in unescape(message.body)

    # The convention's terms are those it was signed with, for every year.
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.amended_terms == []
    assert all(convention.terms_for(year).advance_share == Decimal("0.60") for year in (2026, 2027, 2028))

    # The avenant shows as abandoned with its reason; nobody is asked to sign it any more.
    page = unescape(other.get(detail_url).content.decode())
    assert "L'avenant n° 1 est abandonné : il ne change rien à la convention." in page
    assert "Avenant abandonné le 4 décembre 2026 : il ne change rien à la convention" in page
    assert f"Motif : {REASON}" in page
    assert "Ce qu'il aurait changé" in page
    assert sign_cnam_url not in page and abandon_url not in page
    convention_page = unescape(client_for(manager).get(reverse("conventions:detail", args=[convention.pk])).text)
    assert "Convention initiale, sans avenant." in convention_page
    assert "Abandonné le 4 décembre 2026, sans effet sur la convention." in convention_page
    assert "Avenant n° 1 abandonné par l'assurance maladie : il ne change rien à la convention" in convention_page
    assert f"Motif : {REASON}" in convention_page
    # The structure's signature cannot revive it, and a new avenant may be prepared (from 2028), numbered 2.
    late = other.post(sign_cnam_url, {"signatory_name": "Paul Martin", "signatory_capacity": "Directeur délégué"})
    assert "Action impossible : l'avenant est « Abandonné »" in unescape(late.content.decode())
    assert Amendment.objects.get().status == AmendmentStatus.ABANDONED
    again = services.amendment_save(
        convention=convention,
        user=cnam,
        summary="Avance à 50 % à partir de 2028.",
        terms={**FROM_2027, "from_year": 2028},
    )
    assert again.number == 2


def test_the_convention_page_offers_it_to_cnam_agents_only(convention, manager, ars_idf, cnam, cnam2):
    _signed_by_structure(convention, manager, cnam)
    url = reverse("conventions:detail", args=[convention.pk])
    abandon_url = _url("amendment_abandon", convention)
    for agent in (cnam, cnam2):  # the preparer may abandon it too: four eyes are for the signature
        page = client_for(agent).get(url).content.decode()
        assert "Abandonner l&#x27;avenant n° 1" in page
        assert rendered_form(page, action=abandon_url)["reason"] == ""
    for user in (manager, ars_idf):
        assert abandon_url not in client_for(user).get(url).content.decode()
        assert abandon_url not in client_for(user).get(_url("amendment_detail", convention)).content.decode()


@pytest.mark.parametrize("who", ["manager", "ars_idf"])
def test_managers_and_the_ars_cannot_abandon(who, request, convention, manager, cnam):
    amendment = _signed_by_structure(convention, manager, cnam)
    client = client_for(request.getfixturevalue(who))
    url = _url("amendment_abandon", convention)
    events, version = Event.objects.count(), amendment.version
    mail.outbox.clear()
    for response in (client.get(url), client.post(url, {"reason": REASON})):
        assert response.status_code == 302 and response.url == _url("amendment_detail", convention)
    page = client.get(_url("amendment_detail", convention)).content.decode()
    assert "Seul un agent de la CNAM peut abandonner un avenant." in page
    amendment.refresh_from_db()
    assert (amendment.status, amendment.version) == (AmendmentStatus.SIGNED_BY_STRUCTURE, version)
    assert Event.objects.count() == events and mail.outbox == []


def test_out_of_scope_is_a_404(convention, manager, ars_ara, cnam):
    _signed_by_structure(convention, manager, cnam)
    url = _url("amendment_abandon", convention)
    other_manager = UserFactory()
    StructureFactory(manager=other_manager, eligible=True)
    for user in (ars_ara, other_manager):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": REASON}).status_code == 404
    assert client_for(cnam).get(_url("amendment_abandon", convention, number=2)).status_code == 404
    assert Amendment.objects.get().status == AmendmentStatus.SIGNED_BY_STRUCTURE


@pytest.mark.parametrize("status", [AmendmentStatus.DRAFT, AmendmentStatus.ACTIVE])
def test_the_page_refuses_other_states_with_the_tables_message(status, convention, manager, cnam, cnam2):
    amendment = services.amendment_save(
        convention=convention, user=cnam, summary="Avance ramenée à 50 % au 31 janvier.", terms=FROM_2027
    )
    if status == AmendmentStatus.ACTIVE:
        services.amendment_send(amendment=amendment, user=cnam)
        services.amendment_sign_structure(
            amendment=amendment, user=manager, signatory_name="A. D.", signatory_capacity="Directrice", consent=True
        )
        services.amendment_sign_cnam(amendment=amendment, user=cnam2, signatory_name="P. M.", signatory_capacity="DG")
    client = client_for(cnam2)
    response = client.post(_url("amendment_abandon", convention), {"reason": REASON}, follow=True)
    label = AmendmentStatus(status).label
    assert (
        f"Action impossible : l'avenant est « {label} », l'action « Abandonner l'avenant » n'est pas permise à ce "
        "stade."
    ) in unescape(response.content.decode())
    assert Amendment.objects.get().status == status


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_reason_is_required(reason, convention, manager, cnam, cnam2):
    _signed_by_structure(convention, manager, cnam)
    client = client_for(cnam2)
    url = _url("amendment_abandon", convention)
    data = rendered_form(client.get(url).content.decode(), action=url)
    response = client.post(url, {**data, "reason": reason})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Un motif écrit est obligatoire." in content
    assert rendered_form(content, action=url)["reason"] == reason  # the page asks again, with what was typed
    assert Amendment.objects.get().status == AmendmentStatus.SIGNED_BY_STRUCTURE


def test_a_refused_post_keeps_the_reason_typed(convention, manager, cnam, cnam2):
    _signed_by_structure(convention, manager, cnam)
    client = client_for(cnam2)
    url = _url("amendment_abandon", convention)
    too_long = "Motif détaillé. " * 400  # 6,400 characters: more than the 5,000 a reason may hold
    response = client.post(url, {**rendered_form(client.get(url).content.decode(), action=url), "reason": too_long})
    assert response.status_code == 200
    content = response.content.decode()
    assert "5000 caractères" in unescape(content).replace("\u202f", "").replace("\xa0", "")
    assert rendered_form(content, action=url)["reason"].strip() == too_long.strip()
    assert Amendment.objects.get().status == AmendmentStatus.SIGNED_BY_STRUCTURE


@pytest.mark.parametrize("count", [2, 30])
def test_the_pages_that_offer_it_cost_the_same_with_many_indicators(
    count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries
):
    indicators = [IndicatorFactory() for _ in range(count)]
    convention = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
        indicators=indicators,
        objectives=1,
    )
    amendment = services.amendment_save(
        convention=convention,
        user=cnam,
        summary="Toutes les cibles 2028 relevées",
        targets=[{"indicator": indicator, "year": 2028, "value": Decimal("99")} for indicator in indicators],
    )
    services.amendment_send(amendment=amendment, user=cnam)
    services.amendment_sign_structure(
        amendment=amendment, user=manager, signatory_name="A. D.", signatory_capacity="Directrice", consent=True
    )
    client = client_for(cnam2)
    for url, bound in (
        (reverse("conventions:detail", args=[convention.pk]), 20),
        (_url("amendment_detail", convention), 14),
        (_url("amendment_abandon", convention), 14),
    ):
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == 200
        assert "Abandonner l&#x27;avenant" in response.content.decode()
