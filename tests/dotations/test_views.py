"""Campaign and dotation pages: what each role sees (permission matrix), the workflow through the pages,
and query counts that do not grow with the number of dotations."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conventions.enums import ConventionStatus
from conventions.models import Convention
from dotations.enums import CampaignStatus, ComputeState, DotationStatus
from dotations.models import Campaign, Dotation
from dotations.services import compute, dotations
from secpa_portal.reference import choices as reference_choices
from tests.conftest import client_for, make_user
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory
from tests.forms import rendered_form
from tests.html import elements

pytestmark = pytest.mark.django_db


def build(n, *, manager, cnam, cnam2, envelope=Decimal("14000000.00")):
    """An open campaign with ``n`` dotations: approved, proposed, computed in turn; ``manager`` runs the first
    two structures, both in Île-de-France (11); then every other one is in Auvergne-Rhône-Alpes (84)."""
    campaign = CampaignFactory(envelope=envelope)
    for index in range(n):
        region = "11" if index < 2 or index % 2 == 0 else "84"
        FundedConventionFactory(manager=manager if index < 2 else None, region=region)
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    ids = list(Dotation.objects.order_by("pk").values_list("pk", flat=True))
    # The first few go through the services (journal, e-mails, payment schedule); the rest, for volume only,
    # reach the same states directly.
    for index, dotation in enumerate(Dotation.objects.filter(pk__in=ids[:6]).order_by("pk")):
        if index % 3 in (0, 1):
            dotations.dotation_propose(dotation=dotation, user=cnam)
        if index % 3 == 0:
            dotations.dotation_approve(dotation=dotation, user=cnam2)
    rest = ids[6:]
    now = timezone.now()
    Dotation.objects.filter(pk__in=rest[0::3]).update(
        status=DotationStatus.APPROVED, prepared_by=cnam, approved_by=cnam2, proposed_at=now, approved_at=now
    )
    Dotation.objects.filter(pk__in=rest[1::3]).update(
        status=DotationStatus.PROPOSED, prepared_by=cnam, proposed_at=now
    )
    return Campaign.objects.get(pk=campaign.pk)


@pytest.fixture
def scene(manager, cnam, cnam2):
    return build(6, manager=manager, cnam=cnam, cnam2=cnam2)


def test_campaign_page_shows_gauge_region_totals_and_bareme(scene, cnam):
    response = client_for(cnam).get(reverse("dotations:campaign_detail", args=[2026]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 2 * EXPECTED_TOTAL == Decimal("455600.00")
    assert "Enveloppe 2026 : 14\u202f000\u202f000\u00a0€" in content
    assert "Approuvé : 455\u202f600,00\u00a0€" in content
    assert 'id="region-totals"' in content and "Île-de-France" in content and "Auvergne-Rhône-Alpes" in content
    assert "<svg" in content and 'role="img"' in content
    assert 'id="bareme-components"' in content
    assert "Recalculer la campagne" in content
    # Dotations are already proposed: fitting to the envelope is no longer offered.
    assert "Ajuster à l'enveloppe" not in content


def test_list_filters_and_totals(scene, cnam):
    client = client_for(cnam)
    response = client.get(reverse("dotations:dotation_list"), {"region": "11", "status": "approved"})
    listed = list(response.context["page_obj"])
    assert listed and all(d.region_id == "11" and d.status == DotationStatus.APPROVED for d in listed)
    assert response.context["sums"]["total"] == sum(d.total for d in listed)
    by_name = client.get(reverse("dotations:dotation_list"), {"structure": listed[0].structure.name})
    assert [d.pk for d in by_name.context["page_obj"]] == [listed[0].pk]
    sorted_desc = client.get(reverse("dotations:dotation_list"), {"o": "-total"})
    totals = [d.total for d in sorted_desc.context["page_obj"]]
    assert totals == sorted(totals, reverse=True)


def test_dotation_page_shows_lines_inputs_history_and_opinions(scene, cnam, ars_idf):
    dotation = Dotation.objects.filter(region_id="11", status=DotationStatus.PROPOSED).first()
    dotations.dotation_give_opinion(dotation=dotation, user=ars_idf, favourable=True, comment="Cohérent.")
    response = client_for(cnam).get(reverse("dotations:dotation_detail", args=[dotation.pk]))
    content = response.content.decode()
    assert 'id="dotation-lines"' in content
    for text in ("Médiation en santé", "× 1,1<", "× 1<", "90\u202f750,00\u00a0€", "227\u202f800,00\u00a0€"):
        assert text in content
    assert 'id="dotation-inputs"' in content and "Médiateur ou médiatrice en santé" in content
    assert "chiffres déclarés à l&#x27;enregistrement" in content
    assert "Favorable" in content and "Cohérent." in content
    assert "Dotation proposée" in content  # the history
    # The preparer sees Approve disabled, with the reason.
    assert "un autre agent de la CNAM doit l&#x27;approuver" in content
    assert "disabled" in content


def test_manager_sees_only_their_approved_dotations_without_internal_details(scene, manager):
    client = client_for(manager)
    response = client.get(reverse("dotations:dotation_list"))
    listed = list(response.context["page_obj"])
    assert [d.structure.memberships.filter(user=manager).exists() for d in listed] == [True]
    assert listed[0].status == DotationStatus.APPROVED
    own_proposed = Dotation.objects.filter(structure__memberships__user=manager, status=DotationStatus.PROPOSED).get()
    other = (
        Dotation.objects.exclude(structure__memberships__user=manager).filter(status=DotationStatus.APPROVED).first()
    )
    assert client.get(reverse("dotations:dotation_detail", args=[own_proposed.pk])).status_code == 404
    assert client.get(reverse("dotations:dotation_detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("dotations:dotation_detail", args=[listed[0].pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Avis de l&#x27;ARS" not in content and "Préparée par" not in content
    for name in ("campaign_list",):
        assert client.get(reverse(f"dotations:{name}")).status_code == 404
    for name in ("campaign_detail", "bareme_edit", "campaign_edit", "campaign_fit", "campaign_progress"):
        assert client.get(reverse(f"dotations:{name}", args=[2026])).status_code == 404


def test_ars_agent_sees_only_their_region(scene, ars_idf):
    client = client_for(ars_idf)
    listed = list(client.get(reverse("dotations:dotation_list")).context["page_obj"])
    assert listed and {d.region_id for d in listed} == {"11"}
    other = Dotation.objects.filter(region_id="84").first()
    assert client.get(reverse("dotations:dotation_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("dotations:campaign_detail", args=[2026])).status_code == 200
    assert client.get(reverse("dotations:campaign_create")).status_code == 404


@pytest.mark.parametrize("who", ["manager", "ars_idf"])
def test_posts_without_the_right_change_nothing(scene, who, request):
    user = request.getfixturevalue(who)
    client = client_for(user)
    computed = Dotation.objects.filter(region_id="11", status=DotationStatus.COMPUTED).first()
    proposed = Dotation.objects.filter(region_id="11", status=DotationStatus.PROPOSED).first()
    for name, dotation in (
        ("dotation_propose", computed),
        ("dotation_approve", proposed),
        ("dotation_return", proposed),
    ):
        response = client.post(reverse(f"dotations:{name}", args=[dotation.pk]), {"reason": "x"})
        assert response.status_code in (302, 404)
    assert Dotation.objects.get(pk=computed.pk).status == DotationStatus.COMPUTED
    assert Dotation.objects.get(pk=proposed.pk).status == DotationStatus.PROPOSED
    for name in ("campaign_compute", "campaign_close", "campaign_fit"):
        response = client.post(reverse(f"dotations:{name}", args=[2026]))
        assert response.status_code in (302, 404)
    assert Campaign.objects.get().status == CampaignStatus.OPEN


def test_the_workflow_through_the_pages(manager, cnam, cnam2, ars_idf, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT)
    FundedConventionFactory(manager=manager, region="11")
    first, second, ars = client_for(cnam), client_for(cnam2), client_for(ars_idf)
    first.post(reverse("dotations:campaign_open", args=[2026]))
    with django_capture_on_commit_callbacks(execute=True):
        response = first.post(reverse("dotations:campaign_compute", args=[2026]))
    assert response.status_code == 302
    progress = first.get(reverse("dotations:campaign_progress", args=[2026])).json()
    assert progress == {
        "state": ComputeState.DONE,
        "label": "Calculée",
        "done": 1,
        "total": 1,
        "error": "",
        "percent": 100,
        "text": "1 / 1 dotation calculée — 100\u00a0%",
    }
    dotation = Dotation.objects.get()

    bad = first.post(reverse("dotations:dotation_propose", args=[dotation.pk]), {"adjustment": "-1 000"})
    assert "Indiquez le motif de l&#x27;ajustement." in bad.content.decode()
    assert elements(bad.content.decode(), value="-1 000")
    first.post(
        reverse("dotations:dotation_propose", args=[dotation.pk]),
        {"adjustment": "-1 000", "reason": "Local mis à disposition", "version": dotation.version},
    )
    dotation.refresh_from_db()
    assert (dotation.status, dotation.total) == (DotationStatus.PROPOSED, EXPECTED_TOTAL - 1000)

    opinion = ars.post(reverse("dotations:dotation_opinion", args=[dotation.pk]), {"favourable": "0"})
    assert "Un commentaire est obligatoire pour un avis défavorable." in opinion.content.decode()
    ars.post(reverse("dotations:dotation_opinion", args=[dotation.pk]), {"favourable": "1"})
    assert dotation.opinions.get().favourable

    refused = first.post(reverse("dotations:dotation_approve", args=[dotation.pk]), follow=True)
    assert "un autre agent de la CNAM" in refused.content.decode()
    confirm = second.get(reverse("dotations:dotation_approve", args=[dotation.pk]))
    assert "programme les versements" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = second.post(reverse("dotations:dotation_approve", args=[dotation.pk]), {"version": dotation.version})
    assert done.status_code == 302
    dotation.refresh_from_db()
    assert dotation.status == DotationStatus.APPROVED and dotation.approved_by == cnam2
    assert any(manager.email in m.to for m in mail.outbox)
    again = second.post(reverse("dotations:dotation_approve", args=[dotation.pk]), follow=True)
    assert again.status_code == 200
    assert campaign.dotations.approved().count() == 1


def test_return_through_the_page_requires_a_reason(scene, cnam2):
    proposed = Dotation.objects.filter(status=DotationStatus.PROPOSED).first()
    client = client_for(cnam2)
    empty = client.post(reverse("dotations:dotation_return", args=[proposed.pk]), {"reason": ""})
    assert "Indiquez le motif du retour." in empty.content.decode()
    client.post(reverse("dotations:dotation_return", args=[proposed.pk]), {"reason": "Revoir les ETP."})
    assert Dotation.objects.get(pk=proposed.pk).status == DotationStatus.COMPUTED


def test_fit_page_previews_then_applies(manager, cnam, cnam2):
    campaign = CampaignFactory(envelope=Decimal("400000.00"))
    FundedConventionFactory(region="11")
    FundedConventionFactory(region="84")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    client = client_for(cnam)
    preview = client.get(reverse("dotations:campaign_fit", args=[2026]))
    assert "Coefficient proposé : 0,877963" in preview.content.decode()
    coefficient = preview.context["preview"].coefficient
    # Post what the page holds (a localised hidden field, 0,877963, was refused before).
    data = rendered_form(preview.content.decode(), "fit-form")
    assert data["coefficient"] == "0.877963"
    applied = client.post(reverse("dotations:campaign_fit", args=[2026]), data, follow=True)
    assert "Coefficient 0,877963 appliqué" in applied.content.decode()
    assert Campaign.objects.get().reduction == coefficient
    assert sum(d.total for d in Dotation.objects.all()) <= Decimal("400000.00")
    page = client.get(reverse("dotations:dotation_detail", args=[Dotation.objects.first().pk]))
    assert f"× {str(coefficient).replace('.', ',')}" in page.content.decode()
    assert "ajustée à l&#x27;enveloppe" in page.content.decode()


def test_random_input_never_gives_a_500(scene, cnam, ars_idf):
    proposed = Dotation.objects.filter(status=DotationStatus.PROPOSED, region_id="11").first()
    computed = Dotation.objects.filter(status=DotationStatus.COMPUTED).first()
    client = client_for(cnam)
    for data in ({"adjustment": "abc"}, {"adjustment": "1e400"}, {"adjustment": "-99999999999999"}, {"version": "x"}):
        assert client.post(reverse("dotations:dotation_propose", args=[computed.pk]), data).status_code in (200, 302)
    assert client.post(reverse("dotations:campaign_fit", args=[2026]), {"coefficient": "zz"}).status_code in (200, 302)
    assert (
        client.get(reverse("dotations:dotation_list"), {"campaign": "1999", "o": "x", "page": "z"}).status_code == 200
    )
    ars = client_for(ars_idf)
    assert ars.post(reverse("dotations:dotation_opinion", args=[proposed.pk]), {"favourable": "7"}).status_code == 200


PAGES = [
    ("cnam", "dotations:campaign_list", None),
    ("cnam", "dotations:campaign_detail", "year"),
    ("cnam", "dotations:campaign_edit", "year"),
    ("cnam", "dotations:campaign_progress", "year"),
    ("cnam", "dotations:dotation_list", None),
    ("cnam", "dotations:dotation_detail", "dotation"),
    ("cnam", "dotations:dotation_propose", "computed"),
    ("cnam2", "dotations:dotation_approve", "proposed"),
    ("cnam", "dotations:dotation_return", "proposed"),
    ("ars_idf", "dotations:campaign_detail", "year"),
    ("ars_idf", "dotations:dotation_list", None),
    ("ars_idf", "dotations:dotation_opinion", "proposed"),
    ("manager", "dotations:dotation_list", None),
    ("manager", "dotations:dotation_detail", "approved"),
    ("cnam", "dashboard", None),
    ("ars_idf", "dashboard", None),
    ("manager", "dashboard", None),
]


def _args(kind, campaign, manager):
    if kind is None:
        return []
    if kind == "year":
        return [campaign.year]
    dotations_ = Dotation.objects.filter(region_id="11").order_by("pk")
    if kind == "approved":
        return [dotations_.filter(status=DotationStatus.APPROVED, structure__memberships__user=manager).get().pk]
    if kind == "proposed":
        return [dotations_.filter(status=DotationStatus.PROPOSED).first().pk]
    if kind == "computed":
        proposed = dotations_.filter(status=DotationStatus.PROPOSED).first()
        dotations.dotation_return(dotation=proposed, user=proposed.prepared_by, reason="Pour la mesure.")
        return [proposed.pk]
    return [dotations_.first().pk]


@pytest.mark.parametrize("who, name, kind", PAGES)
def test_query_counts_do_not_grow_with_the_dotations(who, name, kind, request, django_assert_max_num_queries):
    manager, cnam, cnam2 = (request.getfixturevalue(f) for f in ("manager", "cnam", "cnam2"))
    user = request.getfixturevalue(who)
    counts = []
    for n in (2, 30):
        campaign = build(n, manager=manager, cnam=cnam, cnam2=cnam2) if n == 2 else _rebuild(n, manager, cnam, cnam2)
        client = client_for(user)
        url = reverse(name, args=_args(kind, campaign, manager))
        reference_choices.clear()  # both hits read the filters' choices, as a fresh process does
        # A dashboard's first hit also computes and keeps its cached aggregates (core/aggregates.py).
        with django_assert_max_num_queries(42 if name == "dashboard" else 25) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def _rebuild(n, manager, cnam, cnam2):
    from dotations.models import DotationLine, DotationOpinion, Payment

    Payment.objects.all().delete()
    DotationOpinion.objects.all().delete()
    DotationLine.objects.all().delete()
    Dotation.objects.all().delete()
    Campaign.objects.all().delete()
    Convention.objects.update(status=ConventionStatus.TERMINATED)
    return build(n, manager=manager, cnam=cnam, cnam2=cnam2)


def test_dashboard_sections(scene, cnam, ars_idf, manager):
    cnam_page = client_for(cnam).get(reverse("dashboard")).content.decode()
    assert "Campagne 2026" in cnam_page and "Dotations à approuver (2)" in cnam_page
    ars_page = client_for(ars_idf).get(reverse("dashboard")).content.decode()
    assert "Dotations proposées à examiner" in ars_page
    manager_page = client_for(manager).get(reverse("dashboard")).content.decode()
    assert "Mes dotations" in manager_page and "227\u202f800,00\u00a0€" in manager_page
    newcomer = make_user("nouveau@test.example")
    assert "Aucune dotation approuvée" in client_for(newcomer).get(reverse("dashboard")).content.decode()


def test_fit_page_query_count_does_not_grow(cnam, django_assert_max_num_queries):
    client = client_for(cnam)
    counts = []
    for n in (2, 30):
        Dotation.objects.all().delete()
        Campaign.objects.all().delete()
        Convention.objects.update(status=ConventionStatus.TERMINATED)
        campaign = CampaignFactory(envelope=Decimal("100000.00"))
        for _ in range(n):
            FundedConventionFactory()
        compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(reverse("dotations:campaign_fit", args=[2026])).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def _fit_scene(cnam, cnam2, *, envelope, engaged):
    """Three dotations of 227,800.00 €; the first ``engaged`` proposed (and the first of them approved); then the
    envelope is lowered to ``envelope``."""
    campaign = CampaignFactory()
    for _ in range(3):
        FundedConventionFactory(region="11")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    for index, dotation in enumerate(Dotation.objects.order_by("pk")[:engaged]):
        dotations.dotation_propose(dotation=dotation, user=cnam)
        if index == 0:
            dotations.dotation_approve(dotation=dotation, user=cnam2)
    Campaign.objects.filter(pk=campaign.pk).update(envelope=envelope)
    return campaign


def test_fit_after_proposals_reduces_the_computed_dotations_only(cnam, cnam2):
    # 2 × 227,800 = 455,600 engaged; 600,000 − 455,600 = 144,400 left for the third: 144,400 / 227,800 =
    # 0.633889… → 0.633889, and its lines rounded to the cent must still fit.
    _fit_scene(cnam, cnam2, envelope=Decimal("600000.00"), engaged=2)
    client = client_for(cnam)
    detail = client.get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert "réduira les dotations calculées seulement" in detail
    assert "Ajuster à l'enveloppe</a>" in detail  # offered: the campaign is over its envelope
    page = client.get(reverse("dotations:campaign_fit", args=[2026]))
    content = page.content.decode()
    assert "il reste 144\u202f400,00\u00a0€ pour les dotations calculées" in content
    assert "Coefficient proposé : 0,633889" in content
    client.post(reverse("dotations:campaign_fit", args=[2026]), rendered_form(content, "fit-form"))
    engaged = Dotation.objects.exclude(status=DotationStatus.COMPUTED)
    assert [d.total for d in engaged] == [EXPECTED_TOTAL, EXPECTED_TOTAL]
    assert all(d.reduction == 1 for d in engaged)
    fitted = Dotation.objects.get(status=DotationStatus.COMPUTED)
    assert fitted.reduction == Decimal("0.633889")
    assert fitted.total <= Decimal("144400.00")
    assert sum(d.total for d in Dotation.objects.all()) <= Decimal("600000.00")


@pytest.mark.parametrize(
    "engaged, envelope, says",
    [
        (2, Decimal("400000.00"), "Retournez des dotations proposées"),
        (1, Decimal("200000.00"), "Les dotations approuvées ne se modifient plus : relevez l&#x27;enveloppe."),
        (3, Decimal("400000.00"), "Aucune dotation calculée à ajuster"),
    ],
)
def test_fit_when_engaged_dotations_exceed_the_envelope_says_what_to_do(cnam, cnam2, engaged, envelope, says):
    _fit_scene(cnam, cnam2, envelope=envelope, engaged=engaged)
    client = client_for(cnam)
    detail = client.get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert "Ajuster à l'enveloppe</a>" in detail
    page = client.get(reverse("dotations:campaign_fit", args=[2026]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="fit-refusal"' in content and says in content
    assert 'id="fit-form"' not in content
    assert reverse("dotations:campaign_edit", args=[2026]) in content  # raise the envelope
    if engaged >= 2:
        assert "status=proposed" in content and "à retourner" in content
    # A forged post is refused with the same explanation, nothing changes.
    response = client.post(reverse("dotations:campaign_fit", args=[2026]), {"coefficient": "0.5"}, follow=True)
    assert says in response.content.decode()
    assert Campaign.objects.get().reduction == 1


def test_fit_accepts_the_coefficient_typed_the_french_way(cnam):
    campaign = CampaignFactory(envelope=Decimal("400000.00"))
    FundedConventionFactory(region="11")
    FundedConventionFactory(region="84")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    client_for(cnam).post(reverse("dotations:campaign_fit", args=[2026]), {"coefficient": "0,877963"})
    assert Campaign.objects.get(pk=campaign.pk).reduction == Decimal("0.877963")


def test_fit_refusal_page_query_count_does_not_grow(cnam, cnam2, django_assert_max_num_queries):
    client = client_for(cnam)
    counts = []
    for n in (2, 30):
        Dotation.objects.all().delete()
        Campaign.objects.all().delete()
        Convention.objects.update(status=ConventionStatus.TERMINATED)
        campaign = CampaignFactory(envelope=Decimal("100000.00"))
        for _ in range(n):
            FundedConventionFactory()
        compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
        Dotation.objects.filter(campaign=campaign).update(status=DotationStatus.PROPOSED, prepared_by=cnam)
        with django_assert_max_num_queries(12) as captured:
            assert "fit-refusal" in client.get(reverse("dotations:campaign_fit", args=[2026])).content.decode()
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
