import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dotations.enums import PaymentKind, PaymentStatus
from dotations.models import Payment
from dotations.services.payments import payment_record
from tests.conftest import client_for, make_user
from tests.factories import CampaignFactory, DotationFactory, FundedConventionFactory, FundedStructureFactory
from tests.html import elements

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2026, 3, 30)


def _advance(dotation):
    return dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)


def _many(count, manager, cnam, cnam2):
    """``count`` approved dotations (half in Île-de-France, half in Auvergne-Rhône-Alpes), advances paid."""
    dotations = []
    for index in range(count):
        dotation = DotationFactory(
            manager=manager, cnam=cnam, approver=cnam2, approved=True, region="11" if index % 2 else "84"
        )
        payment_record(payment=_advance(dotation), user=cnam, paid_on=PAID_ON, reference=f"VIR-{index:03d}")
        dotations.append(dotation)
    return dotations


# --- The payments list --------------------------------------------------------------------------------------------


def test_cnam_sees_every_payment_with_totals(manager, cnam, cnam2):
    _many(2, manager, cnam, cnam2)
    response = client_for(cnam).get(reverse("dotations:payments"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "4 versements" in content
    assert "480\u202f000,00\u00a0€" in content  # two advances of 240 000 € paid
    assert "2 soldes à fixer" in content
    assert response.context["totals"]["paid"] == Decimal("480000.00")


def test_ars_sees_only_their_region(manager, cnam, cnam2, ars_idf, ars_ara):
    idf = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, region="11")
    ara = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, region="84")
    response = client_for(ars_idf).get(reverse("dotations:payments"))
    structures = {p.dotation.structure_id for p in response.context["payments"]}
    assert structures == {idf.structure_id}
    assert ara.structure.name not in response.content.decode()
    assert "region" not in response.context["filter"].form.fields


def test_manager_sees_only_their_structures(manager, cnam, cnam2):
    other = make_user("autre@test.example")
    mine = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    theirs = DotationFactory(manager=other, cnam=cnam, approver=cnam2, approved=True)
    response = client_for(manager).get(reverse("dotations:payments"))
    assert {p.dotation_id for p in response.context["payments"]} == {mine.pk}
    assert theirs.structure.name not in response.content.decode()


def test_a_manager_does_not_see_payments_of_a_dotation_not_approved(manager, cnam):
    structure = FundedStructureFactory(manager=manager)
    dotation = DotationFactory(
        convention=FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026),
        campaign=CampaignFactory(bareme=False),
        cnam=cnam,
    )
    Payment.objects.create(dotation=dotation, kind=PaymentKind.ADVANCE, amount=1, due_date=PAID_ON)
    response = client_for(manager).get(reverse("dotations:payments"))
    assert response.context["totals"]["count"] == 0
    assert "Aucun versement" in response.content.decode()


def test_filters_and_sorting(manager, cnam, cnam2):
    dotations = _many(4, manager, cnam, cnam2)
    client = client_for(cnam)
    paid = client.get(reverse("dotations:payments"), {"statut": "paid", "region": "11", "tri": "-montant"})
    assert paid.context["totals"]["count"] == 2
    assert {p.status for p in paid.context["payments"]} == {PaymentStatus.PAID}
    named = client.get(reverse("dotations:payments"), {"q": dotations[0].structure.name})
    assert {p.dotation_id for p in named.context["payments"]} == {dotations[0].pk}


def test_a_due_dates_payments_sort_by_structure_name_and_follow_a_rename(manager, cnam, cnam2):
    """Within a due date, payments come in French name order (the name copied on each payment is the sort key);
    a structure renamed later moves to its new place and shows its new name."""
    from structures.models import Structure

    dotations = _many(3, manager, cnam, cnam2)
    for dotation, name in zip(dotations, ("Centre Zéphyr", "centre Abeille", "Centre Élan"), strict=True):
        structure = Structure.objects.get(pk=dotation.structure_id)
        structure.name = name
        structure.save()
    client = client_for(cnam)

    def names(params):
        page = client.get(reverse("dotations:payments"), {"statut": "scheduled", **params})
        return [payment.structure_name for payment in page.context["payments"]], page.content.decode()

    order, html = names({"tri": "echeance"})
    assert order == ["centre Abeille", "Centre Élan", "Centre Zéphyr"]
    assert "Centre Élan" in html

    structure = Structure.objects.get(pk=dotations[1].structure_id)  # « centre Abeille »
    structure.name = "Centre Zoé"
    structure.save()

    order, html = names({"tri": "echeance"})
    assert order == ["Centre Élan", "Centre Zéphyr", "Centre Zoé"]
    assert "Centre Zoé" in html and "centre Abeille" not in html
    assert names({"tri": "-structure"})[0] == ["Centre Zoé", "Centre Zéphyr", "Centre Élan"]


@pytest.mark.parametrize(
    "params",
    [
        {"annee": "deux mille"},
        {"statut": "<script>"},
        {"region": "999"},
        {"tri": "'; drop table"},
        {"page": "-1"},
        {"q": "x" * 500},
        {"annee": "1900", "nature": "gift"},
    ],
)
def test_random_filters_never_fail(manager, cnam, cnam2, params):
    DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    response = client_for(cnam).get(reverse("dotations:payments"), params)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_payments_list_query_count_does_not_grow(manager, cnam, cnam2, ars_idf, django_assert_max_num_queries, count):
    _many(count, manager, cnam, cnam2)
    for user in (cnam, ars_idf, manager):
        client = client_for(user)
        # The first view stores the scope's totals (core.aggregates: three queries more), the next ones read them.
        with django_assert_max_num_queries(12):
            assert client.get(reverse("dotations:payments"), {"tri": "structure"}).status_code == 200
        with django_assert_max_num_queries(9):
            response = client.get(reverse("dotations:payments"), {"tri": "structure"})
        assert response.status_code == 200


# --- Record and cancel -------------------------------------------------------------------------------------------


def test_recording_through_the_confirmation_page(manager, cnam, cnam2):
    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    url = reverse("dotations:payment_record", args=[advance.pk])
    client = client_for(cnam)
    page = client.get(url)
    assert "Ce qui va se passer" in page.content.decode()
    response = client.post(
        url, {"paid_on": "30/03/2026", "reference": "VIR-2026-0042", "fund": "fiss", "version": advance.version}
    )
    assert response.status_code == 302
    advance.refresh_from_db()
    assert (advance.status, advance.reference, advance.paid_on) == (PaymentStatus.PAID, "VIR-2026-0042", PAID_ON)
    follow = client.get(response["Location"])
    assert "est enregistré" in follow.content.decode()


def test_a_bad_record_form_keeps_what_was_typed(manager, cnam, cnam2):
    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    response = client_for(cnam).post(
        reverse("dotations:payment_record", args=[advance.pk]),
        {"paid_on": "31/02/2026", "reference": "VIR-tapé", "fund": "fiss", "version": advance.version},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Saisissez une date valide" in content
    assert elements(content, value="VIR-tapé")
    assert elements(content, value="31/02/2026")
    advance.refresh_from_db()
    assert advance.status == PaymentStatus.SCHEDULED


def test_a_stale_record_form_shows_the_conflict(manager, cnam, cnam2):
    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    response = client_for(cnam).post(
        reverse("dotations:payment_record", args=[advance.pk]),
        {"paid_on": "30/03/2026", "reference": "VIR-1", "fund": "fiss", "version": advance.version + 5},
    )
    assert response.status_code == 200
    assert "modifié par une autre personne" in response.content.decode()


def test_cancelling_through_the_confirmation_page(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = _advance(dotation)
    payment_record(payment=advance, user=cnam, paid_on=PAID_ON, reference="VIR-1")
    advance.refresh_from_db()
    url = reverse("dotations:payment_cancel", args=[advance.pk])
    client = client_for(cnam)
    empty = client.post(url, {"reason": "  ", "reschedule": "on", "version": advance.version})
    assert empty.context["form"].errors["reason"] == ["Le motif de l'annulation est obligatoire."]
    assert "Le motif de l&#x27;annulation est obligatoire" in empty.content.decode()
    done = client.post(url, {"reason": "Virement rejeté", "reschedule": "on", "version": advance.version})
    assert done.status_code == 302
    assert dotation.payments.filter(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED).count() == 1


def test_non_cnam_in_scope_gets_a_french_refusal(manager, cnam, cnam2, ars_idf):
    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    for user in (manager, ars_idf):
        for name in ("dotations:payment_record", "dotations:payment_cancel"):
            response = client_for(user).post(
                reverse(name, args=[advance.pk]), {"reason": "x", "paid_on": "30/03/2026", "reference": "V"}
            )
            assert response.status_code == 302
    advance.refresh_from_db()
    assert advance.status == PaymentStatus.SCHEDULED


def test_out_of_scope_payment_pages_are_404(manager, cnam, cnam2, ars_ara):
    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, region="11"))
    stranger = make_user("autre@test.example")
    for user in (ars_ara, stranger):
        for name in ("dotations:payment_record", "dotations:payment_cancel"):
            assert client_for(user).get(reverse(name, args=[advance.pk])).status_code == 404


def test_an_unsafe_next_url_is_ignored(manager, cnam, cnam2):
    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    response = client_for(cnam).post(
        reverse("dotations:payment_record", args=[advance.pk]) + "?next=https://evil.example/",
        {"paid_on": "30/03/2026", "reference": "VIR-1", "fund": "fir", "version": advance.version},
    )
    assert response["Location"] == reverse("dotations:payments")


# --- The funding page ----------------------------------------------------------------------------------------------


def test_the_manager_sees_approved_paid_and_scheduled_by_year(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    payment_record(payment=_advance(dotation), user=cnam, paid_on=PAID_ON, reference="VIR-2026-0001")
    response = client_for(manager).get(reverse("dotations:funding", args=[dotation.structure_id]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.year for r in rows] == [2026, 2027, 2028]
    assert (rows[0].approved, rows[0].paid, rows[0].scheduled, rows[0].pending_balance) == (
        Decimal("400000.00"),
        Decimal("240000.00"),
        Decimal("0"),
        True,
    )
    content = response.content.decode()
    assert "<svg" in content and 'role="img"' in content and "<desc" in content
    assert "Voir les données" in content
    assert "VIR-2026-0001" in content
    assert "240\u202f000,00\u00a0€" in content
    assert "solde à fixer" in content
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert not re.search(r'(x|y|width|height|dx)="-?\d+,\d', svg), "SVG coordinates must not be localised"
    assert ">2026</text>" in svg


def test_funding_page_without_convention_explains(manager):
    structure = FundedStructureFactory(manager=manager)
    response = client_for(manager).get(reverse("dotations:funding", args=[structure.pk]))
    assert "Pas encore de financement" in response.content.decode()


def test_funding_page_is_scoped(manager, cnam, cnam2, ars_idf, ars_ara):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, region="11")
    url = reverse("dotations:funding", args=[dotation.structure_id])
    assert client_for(make_user("autre@test.example")).get(url).status_code == 404
    assert client_for(ars_ara).get(url).status_code == 404
    assert client_for(ars_idf).get(url).status_code == 200
    assert client_for(cnam).get(url).status_code == 200


def test_my_funding_goes_straight_to_the_only_structure(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    response = client_for(manager).get(reverse("dotations:my_funding"))
    assert response["Location"] == reverse("dotations:funding", args=[dotation.structure_id])
    DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    assert client_for(manager).get(reverse("dotations:my_funding")).status_code == 200
    assert client_for(cnam).get(reverse("dotations:my_funding"))["Location"] == reverse("dotations:payments")


@pytest.mark.parametrize("count", [2, 30])
def test_funding_page_query_count_does_not_grow(manager, cnam, cnam2, django_assert_max_num_queries, count):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    cancelled = [
        Payment(
            dotation=dotation, kind=PaymentKind.ADVANCE, status=PaymentStatus.CANCELLED, amount=1, due_date=PAID_ON
        )
        for _ in range(count - 2)
    ]
    Payment.objects.bulk_create(cancelled)
    assert dotation.payments.count() == count
    for user in (manager, cnam):
        client = client_for(user)
        # 8 for the payments and orders, 6 for the commitments table (conventions and their figures, the barème's
        # campaign, the approved dotations and their ledgers).
        with django_assert_max_num_queries(14):
            response = client.get(reverse("dotations:funding", args=[dotation.structure_id]))
        assert response.status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    paid_on=st.text(max_size=30),
    reference=st.text(max_size=150),
    fund=st.text(max_size=10),
    version=st.text(max_size=5),
)
def test_random_record_input_never_gives_a_500(manager, cnam, cnam2, paid_on, reference, fund, version):
    dotation = Payment.objects.filter(kind=PaymentKind.ADVANCE).first()
    if dotation is None:
        DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = Payment.objects.filter(kind=PaymentKind.ADVANCE).first()
    data = {"paid_on": paid_on, "reference": reference, "fund": fund, "version": version}
    data = {key: value.replace("\x00", "") for key, value in data.items()}
    response = client_for(cnam).post(reverse("dotations:payment_record", args=[advance.pk]), data)
    assert response.status_code in (200, 302)


def test_dashboard_payments_for_managers_and_cnam(manager, cnam, cnam2, ars_idf):
    from dotations.payment_selectors import payments_dashboard

    DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    assert len(payments_dashboard(manager)["upcoming"]) == 2
    cnam_section = payments_dashboard(cnam, today=datetime.date(2026, 4, 15))
    assert cnam_section == {"due_count": 1, "due_amount": Decimal("240000.00"), "overdue": 1}
    assert payments_dashboard(ars_idf) == {}


def test_the_dashboard_shows_expected_payments(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    content = client_for(manager).get(reverse("dashboard")).content.decode()
    assert "Prochains versements attendus" in content
    assert reverse("dotations:funding", args=[dotation.structure_id]) in content
    cnam_content = client_for(cnam).get(reverse("dashboard")).content.decode()
    assert "Versements à enregistrer" in cnam_content


@pytest.mark.parametrize("count", [2, 30])
def test_record_and_cancel_pages_query_count(manager, cnam, cnam2, django_assert_max_num_queries, count):
    dotations = [DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True) for _ in range(count)]
    advance = _advance(dotations[-1])
    client = client_for(cnam)
    for name in ("dotations:payment_record", "dotations:payment_cancel"):
        with django_assert_max_num_queries(6):
            assert client.get(reverse(name, args=[advance.pk])).status_code == 200


def _structure_funded_over(manager, cnam, cnam2, years):
    """One structure with an approved dotation in each of ``years`` campaigns (from 2026 on), advances paid."""
    from tests.factories import approve_dotation

    structure = FundedStructureFactory(manager=manager)
    convention = FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026, years=5)
    for year in range(2026, 2026 + years):
        dotation = approve_dotation(
            DotationFactory(convention=convention, campaign=CampaignFactory(year=year, bareme=False), cnam=cnam), cnam2
        )
        payment_record(payment=_advance(dotation), user=cnam, paid_on=PAID_ON, reference=f"VIR-{year}")
    return structure


def test_funding_page_query_count_is_the_same_with_2_and_30_years_of_dotations(
    manager, cnam, cnam2, ars_idf, django_assert_max_num_queries
):
    counts = {}
    for years in (2, 30):
        structure = _structure_funded_over(manager, cnam, cnam2, years)
        url = reverse("dotations:funding", args=[structure.pk])
        for user in (manager, cnam, ars_idf):
            client = client_for(user)
            with django_assert_max_num_queries(16) as captured:  # 8 + the commitments table (up to 8 with reports)
                response = client.get(url)
            assert response.status_code == 200
            counts[years, user.pk] = len(captured.captured_queries)
        rows = [row for row in response.context["rows"] if row.dotation is not None]
        assert len(rows) == years
        assert all(row.paid == Decimal("240000.00") for row in rows)
        assert response.content.decode().count("Détail du calcul de la dotation") == years
    for user in (manager, cnam, ars_idf):
        assert counts[2, user.pk] == counts[30, user.pk], counts


def test_my_funding_lists_the_managers_structures_in_a_bounded_number_of_queries(
    manager, cnam, cnam2, django_assert_max_num_queries
):
    client = client_for(manager)
    counts = []
    for count in (2, 30):
        while manager.memberships.count() < count:
            DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
        with django_assert_max_num_queries(6) as captured:
            response = client.get(reverse("dotations:my_funding"))
        assert response.status_code == 200
        content = response.content.decode()
        assert len(response.context["structures"]) == count
        for structure in response.context["structures"]:
            assert reverse("dotations:funding", args=[structure.pk]) in content
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


# --- Totals kept per scope (issue 14) -----------------------------------------------------------------------------


def test_unfiltered_totals_come_from_the_scope_cache_and_a_recorded_payment_refreshes_them(manager, cnam, cnam2):
    """Unfiltered, the payment list's totals are its reader's scope's, kept by ``core.aggregates``: the next
    journaled write (a payment recorded through its page) shows at once; a filtered list counts its own rows."""
    from secpa_portal.core import formats
    from secpa_portal.core.models import AggregateCacheEntry
    from tests.forms import form_holding

    advance = _advance(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    client = client_for(cnam)
    payments = reverse("dotations:payments")
    assert client.get(payments).context["totals"]["paid"] == Decimal("0")
    assert AggregateCacheEntry.objects.filter(cache_key__contains="payments.totals:national").exists()
    assert client.get(payments).context["totals"]["paid"] == Decimal("0")  # from the cache

    url = reverse("dotations:payment_record", args=[advance.pk])
    form = form_holding(client.get(url), "paid_on")
    form.update({"paid_on": "30/03/2026", "reference": "VIR-2026-0042"})
    assert client.post(url, form).status_code == 302

    page = client.get(payments)
    assert page.context["totals"]["paid"] == advance.amount
    assert f'id="total-paid">{formats.euros(advance.amount)}</p>' in page.content.decode()
    filtered = client.get(payments, {"statut": "scheduled"}).context["totals"]
    assert (filtered["paid"], filtered["count"]) == (Decimal("0"), 1)


def test_unfiltered_dotation_totals_are_the_dashboards_and_follow_an_approval(manager, cnam, cnam2, ars_idf):
    from dotations.services.dotations import dotation_approve

    campaign = CampaignFactory(year=2026, bareme=False)
    proposed = DotationFactory(campaign=campaign, manager=manager, cnam=cnam, region="11")
    DotationFactory(campaign=campaign, manager=manager, cnam=cnam, region="84")
    listing = reverse("dotations:dotation_list")
    for who, count in ((cnam, 2), (ars_idf, 1)):
        sums = client_for(who).get(listing).context["sums"]
        assert (sums["count"], sums["proposed_count"], sums["approved_count"]) == (count, count, 0)
    dotation_approve(dotation=proposed, user=cnam2)
    for who, count in ((cnam, 2), (ars_idf, 1)):
        sums = client_for(who).get(listing).context["sums"]
        assert (sums["count"], sums["proposed_count"], sums["approved_count"]) == (count, count - 1, 1)
    # A filter counts its own rows.
    narrowed = client_for(cnam).get(listing, {"region": "84"}).context["sums"]
    assert (narrowed["count"], narrowed["approved_count"]) == (1, 0)
