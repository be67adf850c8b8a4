"""Recovery orders on the dotation page and their action pages: who sees and does what (issue 9 §3)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.services.conventions import convention_terminate
from dotations.enums import PaymentKind, RecoveryStatus
from dotations.models import RecoveryOrder
from dotations.services.payments import payment_record
from dotations.services.recoveries import recovery_notify
from tests.conftest import client_for
from tests.factories import DotationFactory
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(manager, cnam, cnam2):
    """The 30 June 2026 closure: 240 000 € advance paid, 41 643,84 € to pay back (test_recoveries)."""
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.00"))
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 31), reference="VIR-1")
    convention_terminate(
        convention=dotation.convention, user=cnam, reason="Fermeture", terminated_on=datetime.date(2026, 6, 30)
    )
    dotation.refresh_from_db()
    return dotation


def _detail(user, dotation):
    return client_for(user).get(reverse("dotations:dotation_detail", args=[dotation.pk]))


def test_the_dotation_page_shows_the_ledger_and_the_order(closed, cnam, cnam2):
    content = _detail(cnam2, closed).content.decode()
    assert 'id="dotation-ledger"' in content
    for amount in ("198\u202f356,16\u00a0€", "240\u202f000,00\u00a0€", "41\u202f643,84\u00a0€"):
        assert amount in content
    order = RecoveryOrder.objects.get()
    notify_url = reverse("dotations:recovery_action", args=[order.pk, "notify"])
    assert notify_url in content  # cnam2 did not issue it
    assert notify_url not in _detail(cnam, closed).content.decode()  # four eyes: the issuer is not offered it


def test_the_structure_sees_the_order_only_once_notified(closed, manager, cnam2):
    order = RecoveryOrder.objects.get()
    assert 'id="dotation-recoveries"' not in _detail(manager, closed).content.decode()
    url = reverse("dotations:recovery_action", args=[order.pk, "notify"])
    assert client_for(manager).get(url).status_code == 404
    recovery_notify(order=order, user=cnam2)
    content = _detail(manager, closed).content.decode()
    assert 'id="dotation-recoveries"' in content and "Notifié à la structure" in content
    assert url not in content
    assert client_for(manager).post(url, {"version": 2}).status_code == 302
    assert RecoveryOrder.objects.get().status == RecoveryStatus.NOTIFIED


def test_out_of_scope_agents_get_404(closed, ars_ara):
    order = RecoveryOrder.objects.get()
    for action in ("notify", "recover", "cancel"):
        url = reverse("dotations:recovery_action", args=[order.pk, action])
        assert client_for(ars_ara).get(url).status_code == 404


def test_the_issuer_is_refused_in_french(closed, cnam):
    order = RecoveryOrder.objects.get()
    url = reverse("dotations:recovery_action", args=[order.pk, "notify"])
    response = client_for(cnam).get(url, follow=True)
    assert "un autre agent de la CNAM doit l&#x27;approuver" in response.content.decode()
    assert RecoveryOrder.objects.get().status == RecoveryStatus.ISSUED


def test_notify_then_recover_through_the_rendered_forms(closed, cnam, cnam2, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 9, 15))
    order = RecoveryOrder.objects.get()
    client = client_for(cnam2)
    url = reverse("dotations:recovery_action", args=[order.pk, "notify"])
    client.post(url, rendered_form(client.get(url).content.decode(), "data-recovery-form"))
    assert RecoveryOrder.objects.get().status == RecoveryStatus.NOTIFIED
    url = reverse("dotations:recovery_action", args=[order.pk, "recover"])
    data = rendered_form(client.get(url).content.decode(), "data-recovery-form")
    assert data["recovered_on"] == "2026-09-15"
    data["reference"] = "TR-2026-0042"
    client.post(url, data)
    order.refresh_from_db()
    assert (order.status, order.recovered_on, order.reference) == (
        RecoveryStatus.RECOVERED,
        datetime.date(2026, 9, 15),
        "TR-2026-0042",
    )


def test_cancel_without_reason_keeps_the_page_with_a_french_error(closed, cnam2):
    order = RecoveryOrder.objects.get()
    client = client_for(cnam2)
    url = reverse("dotations:recovery_action", args=[order.pk, "cancel"])
    data = rendered_form(client.get(url).content.decode(), "data-recovery-form")
    content = client.post(url, data).content.decode()
    assert "Le motif de l&#x27;annulation est obligatoire." in content
    data["reason"] = "Erreur"
    content = client.post(url, data).content.decode()
    assert "Annulation refusée" in content  # still owed: the ledger forbids it
    assert RecoveryOrder.objects.get().status == RecoveryStatus.ISSUED


def test_unknown_action_is_404(closed, cnam2):
    order = RecoveryOrder.objects.get()
    assert client_for(cnam2).get(f"/financements/reversements/{order.pk}/effacer/").status_code == 404


def test_the_funding_page_shows_the_ledger_and_the_notified_order(closed, manager, cnam, cnam2):
    url = reverse("dotations:funding", args=[closed.structure_id])
    content = client_for(cnam).get(url).content.decode()
    assert 'id="funding-ledger"' in content and 'id="funding-recoveries"' in content
    assert "41\u202f643,84\u00a0€" in content
    assert 'id="funding-recoveries"' not in client_for(manager).get(url).content.decode()
    recovery_notify(order=RecoveryOrder.objects.get(), user=cnam2)
    content = client_for(manager).get(url).content.decode()
    assert 'id="funding-recoveries"' in content and "Notifié à la structure" in content


@pytest.mark.parametrize("count", [2, 30])
def test_pages_with_recovery_orders_keep_a_bounded_query_count(
    manager, cnam, cnam2, django_assert_max_num_queries, count
):
    """2 or 30 dotations of one structure, each with a recovery order: the funding page and a dotation page."""
    from dotations.models import Dotation
    from dotations.services.recoveries import issue_recovery
    from tests.factories import (
        CampaignFactory,
        DotationFactory,
        FundedConventionFactory,
        FundedStructureFactory,
        approve_dotation,
    )

    structure = FundedStructureFactory(manager=manager)
    convention = FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=1990, years=5)
    for year in range(1990, 1990 + count):
        dotation = approve_dotation(
            DotationFactory(convention=convention, campaign=CampaignFactory(year=year, bareme=False), cnam=cnam), cnam2
        )
        advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
        payment_record(payment=advance, user=cnam, paid_on=datetime.date(year, 3, 31), reference=f"VIR-{year}")
        order = issue_recovery(dotation=dotation, amount=Decimal("100.00"), reason="Trop-perçu", user=cnam)
        recovery_notify(order=order, user=cnam2)
    one = Dotation.objects.filter(structure=structure).first()
    for user in (manager, cnam):
        client = client_for(user)
        # 9 for the payments and orders, 5 for the commitments table (conventions, their figures, the barème's
        # campaign, the approved dotations and their ledgers): bounded whatever the count.
        with django_assert_max_num_queries(14):
            response = client.get(reverse("dotations:funding", args=[structure.pk]))
        assert response.content.decode().count("Trop-perçu") == count
        with django_assert_max_num_queries(22):
            assert client.get(reverse("dotations:dotation_detail", args=[one.pk])).status_code == 200


def test_the_dotations_export_carries_what_is_to_recover_and_recovered(closed, cnam, cnam2):
    import csv
    import io

    url = reverse("dotations:export_dotations", args=[closed.campaign.year, "csv"])
    text = b"".join(client_for(cnam).get(url).streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
    values = dict(zip(header, row, strict=True))
    assert (values["À reverser (€)"], values["Reversé (€)"]) == ("41643,84", "0,00")
    order = recovery_notify(order=RecoveryOrder.objects.get(), user=cnam2)
    from dotations.services.recoveries import recovery_record

    recovery_record(order=order, user=cnam, recovered_on=datetime.date(2026, 9, 1))
    text = b"".join(client_for(cnam).get(url).streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
    values = dict(zip(header, row, strict=True))
    assert (values["À reverser (€)"], values["Reversé (€)"]) == ("0,00", "41643,84")
