"""Only eligible structures are funded (issue 9, deliverable 4): computing skips and lists conventions whose
structure is no longer eligible; declaring « non éligible » or reopening a structure with a convention in force
warns the ARS agent on the confirmation page and tells the CNAM agents by e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from dotations.models import Dotation
from dotations.services import compute
from structures.enums import StructureStatus
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import CampaignFactory, FundedConventionFactory
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db


def _set_status(structure, status, reviewer=None):
    Structure.objects.filter(pk=structure.pk).update(status=status, reviewer=reviewer)


def _cnam_mails():
    return [m for m in mail.outbox if "convention" in m.subject and "éligib" in m.subject]


def test_declaring_non_eligible_warns_then_tells_the_cnam(ars_idf, cnam, django_capture_on_commit_callbacks):
    convention = FundedConventionFactory(region="11")
    structure = convention.structure
    _set_status(structure, StructureStatus.IN_REVIEW, ars_idf)
    client = client_for(ars_idf)
    review = client.get(reverse("structures:review", args=[structure.pk])).content.decode()
    decide_url = reverse("structures:decide", args=[structure.pk])
    data = rendered_form(review, action=decide_url)
    data.update(decision="declare_ineligible", reason="Plus de médiateur en santé depuis six mois.")
    confirm = client.post(decide_url, data).content.decode()
    assert 'id="eligibility-warnings"' in confirm
    assert f"La convention {convention.reference} est en vigueur" in confirm
    assert "Les agents de la CNAM en seront informés par courriel" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url, {**rendered_form(confirm, action=decide_url), "confirm": "1"})
    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.INELIGIBLE
    messages = _cnam_mails()
    # Every active CNAM agent (the funded convention's preparing agent is one), one e-mail each.
    assert sorted(m.to[0] for m in messages) == [cnam.email, "preparation@test.example"]
    message = messages[0]
    assert "déclarée non éligible" in message.subject and convention.reference in message.subject
    assert "Plus de médiateur en santé depuis six mois." in message.body
    assert "résilier la convention" in message.body


def test_reopening_an_eligible_structure_with_a_convention_warns_and_tells_the_cnam(
    ars_idf, cnam, django_capture_on_commit_callbacks
):
    convention = FundedConventionFactory(region="11")
    structure = convention.structure
    client = client_for(ars_idf)
    reopen_url = reverse("structures:reopen", args=[structure.pk])
    review = client.get(reverse("structures:review", args=[structure.pk])).content.decode()
    data = {**rendered_form(review, action=reopen_url), "reason": "Signalement d'un refus de tiers payant."}
    confirm = client.post(reopen_url, data).content.decode()
    assert f"La convention {convention.reference} est en vigueur" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reopen_url, {**rendered_form(confirm, action=reopen_url), "confirm": "1"})
    messages = _cnam_mails()
    assert sorted(m.to[0] for m in messages) == [cnam.email, "preparation@test.example"]
    assert "en réexamen d'éligibilité" in messages[0].subject


def test_without_a_convention_in_force_nothing_is_said_to_the_cnam(
    ars_idf, cnam, manager, django_capture_on_commit_callbacks
):
    from tests.factories import FundedStructureFactory

    structure = FundedStructureFactory(manager=manager, region="11")
    _set_status(structure, StructureStatus.IN_REVIEW, ars_idf)
    client = client_for(ars_idf)
    decide_url = reverse("structures:decide", args=[structure.pk])
    data = {"decision": "declare_ineligible", "reason": "Hors dispositif."}
    assert "eligibility-warnings" not in client.post(decide_url, data).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url, {**data, "confirm": "1"})
    assert _cnam_mails() == []


def test_computing_skips_and_lists_structures_no_longer_eligible(cnam, ars_idf, ars_ara):
    campaign = CampaignFactory()
    kept = FundedConventionFactory(region="11")
    refused = FundedConventionFactory(region="11")
    reopened = FundedConventionFactory(region="84")
    _set_status(refused.structure, StructureStatus.INELIGIBLE)
    _set_status(reopened.structure, StructureStatus.IN_REVIEW)
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    assert list(Dotation.objects.values_list("convention_id", flat=True)) == [kept.pk]
    page = client_for(cnam).get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert 'id="ineligible-conventions"' in page
    assert refused.reference in page and reopened.reference in page and "Non éligible" in page
    # An ARS agent sees their region's only.
    idf = client_for(ars_idf).get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert refused.reference in idf and reopened.reference not in idf
    # Declared eligible again: computed again.
    _set_status(refused.structure, StructureStatus.ELIGIBLE)
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    assert Dotation.objects.filter(convention=refused).exists()


def test_campaign_page_query_count_with_2_and_30_skipped_conventions(cnam, django_assert_max_num_queries):
    campaign = CampaignFactory()
    counts = []
    for n in (2, 30):
        while Structure.objects.filter(status=StructureStatus.INELIGIBLE).count() < n:
            _set_status(FundedConventionFactory(region="11").structure, StructureStatus.INELIGIBLE)
        compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
        client = client_for(cnam)  # signing in (session, lockout, two-factor devices) is not the page's cost
        with django_assert_max_num_queries(30) as captured:
            assert client.get(reverse("dotations:campaign_detail", args=[2026])).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
