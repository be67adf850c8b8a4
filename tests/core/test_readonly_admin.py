"""Read-only admin changelists of conventions, annual reports, dotations, payments and messages (issue 14: the
benchmark's yardstick): shown to a superuser in a bounded number of queries, never a way to add, change or delete a
row; a message's text is never shown there (only the thread's participants read it)."""

import pytest
from django.urls import reverse

from conventions.models import AnnualReport, Convention
from dotations.models import Dotation, Payment
from secpa_portal.messaging.models import Message
from secpa_portal.messaging.services import post_message
from tests.conftest import client_for, make_user
from tests.dotations.test_views import build
from tests.factories import ValidatedReportFactory

pytestmark = pytest.mark.django_db

MODELS = [Convention, AnnualReport, Dotation, Payment, Message]
SECRET = "Texte connu des seuls participants du fil"


def _url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("n", [2, 30])
def test_changelists_are_bounded_and_read_only(n, manager, cnam, cnam2, django_assert_max_num_queries):
    build(n, manager=manager, cnam=cnam, cnam2=cnam2)
    for convention in Convention.objects.all()[:2]:
        ValidatedReportFactory(convention=convention, year=2025, fte={"health_mediator": "1"})
    for convention in Convention.objects.select_related("structure")[:n]:
        post_message(user=manager, obj=convention.structure, text=f"{SECRET} {convention.pk}", checked=True)
    admin = client_for(make_user("admin@test.example", is_staff=True, is_superuser=True))
    for model in MODELS:
        with django_assert_max_num_queries(12):
            response = admin.get(_url(model))
        assert response.status_code == 200, model
        assert _url(model, "add") not in response.content.decode()
        assert SECRET not in response.content.decode()
        assert admin.get(_url(model, "add")).status_code == 403
        row = model.objects.first()
        shown = admin.get(_url(model, "change", row.pk))
        assert shown.status_code == 200 and SECRET not in shown.content.decode()
        assert admin.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=row.pk).exists()
    assert Payment.objects.exists()
