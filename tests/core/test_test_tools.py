"""The test tools themselves: unordered querysets come in random order, the factories reach their states through
the services, the form reader and the markup helper read pages as a browser does."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.enums import ConventionStatus, ReportStatus
from dotations.enums import DotationStatus, PaymentKind
from secpa_portal.journal.models import Event
from structures.enums import StructureStatus
from structures.models import Membership, Structure
from tests.factories import (
    ConventionFactory,
    DotationFactory,
    MembershipFactory,
    ReportFactory,
    StructureFactory,
    UserFactory,
)
from tests.forms import find_form, rendered_form
from tests.html import elements

pytestmark = pytest.mark.django_db


def _random(queryset) -> bool:
    """Whether the query orders by a random number (RANDOM() on PostgreSQL, Django's RAND() on SQLite)."""
    with CaptureQueriesContext(connection) as queries:
        list(queryset)
    return bool(re.search(r"ORDER BY .*RAND(OM)?\(\)", queries.captured_queries[-1]["sql"].upper()))


def test_a_query_without_order_by_is_ordered_at_random(manager):
    for _ in range(3):
        MembershipFactory(structure=StructureFactory(manager=UserFactory()), user=manager)
    assert _random(Membership.objects.all())  # no Meta.ordering, no order_by
    assert not _random(Membership.objects.order_by("pk"))
    assert not _random(Membership.objects.order_by())  # "any order", said explicitly
    assert not _random(Structure.objects.all())  # Meta.ordering
    assert not _random(Membership.objects.values("user").distinct())
    union = Membership.objects.filter(pk__gt=0).union(Membership.objects.filter(pk__lt=0))
    # SQLite refuses ORDER BY inside a UNION: its members are left alone.
    assert len(list(union)) == Membership.objects.count() == 6
    assert Membership.objects.filter(user=manager).count() == 3


def test_structure_traits_walk_the_review(manager, ars_idf):
    for state in StructureStatus.values:
        structure = StructureFactory(manager=manager, reviewer=ars_idf, **({state: True} if state != "draft" else {}))
        assert structure.status == state
    eligible = StructureFactory(eligible=True)  # the manager and the reviewer are made when not given
    assert eligible.status == StructureStatus.ELIGIBLE
    assert Event.objects.filter(structure_id=eligible.pk).count() >= 4  # created … decided


def test_convention_report_and_dotation_traits(manager, ars_idf, cnam, cnam2):
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    assert convention.status == ConventionStatus.ACTIVE
    assert ReportFactory(convention=convention, validated=True, ars=ars_idf).status == ReportStatus.VALIDATED
    dotation = DotationFactory(approved=True, manager=manager, cnam=cnam, approver=cnam2)
    assert dotation.status == DotationStatus.APPROVED
    assert dotation.approved_by == cnam2
    assert dotation.payments.filter(kind=PaymentKind.ADVANCE).exists()  # the real approval schedules them


def test_the_form_reader_sends_what_a_browser_sends():
    html = """<form id="f" method="post" action="/x">
      <input name="a" value="1"><input type="checkbox" name="c" value="yes"><input type="checkbox" name="d" checked>
      <input type="submit" name="go" value="Go"><input name="off" value="z" disabled>
      <select name="s"><option value="p">P</option><option value="q" selected>Q</option></select>
      <select name="t"><option>Premier</option></select>
      <textarea name="m">
Texte</textarea></form>"""
    assert rendered_form(html, "f") == {"a": "1", "d": "on", "s": "q", "t": "Premier", "m": "Texte"}
    assert ("c", "yes") in find_form(html, action="/x").items(tick_all=True)


def test_the_markup_helper_ignores_attribute_order_and_entities():
    html = '<p><a title="x" href="?a=1&amp;b=2" class="fr-link fr-link--sm">Lien  <span>ici</span></a></p>'
    (link,) = elements(html, "a", href="?a=1&b=2", class_="fr-link")
    assert link.text == "Lien ici"
    assert not elements(html, "a", text="Lien")
