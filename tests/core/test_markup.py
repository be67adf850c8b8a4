"""Markup every assistive technology relies on: each ``aria-describedby`` names an element of the page."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from structures.steps import STEPS
from tests.conftest import client_for
from tests.factories import StructureFactory


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.described_by = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for ref in (attrs.get("aria-describedby") or "").split():
            self.described_by.append((tag, attrs.get("name") or attrs.get("id"), ref))


def dangling_descriptions(html: str) -> list:
    parser = _Ids()
    parser.feed(html)
    return [(tag, name, ref) for tag, name, ref in parser.described_by if ref not in parser.ids]


@pytest.mark.django_db
def test_every_step_of_the_registration_form_describes_its_fields_with_elements_that_exist(manager):
    structure = StructureFactory(manager=manager)
    client = client_for(manager)
    checked = 0
    for step in STEPS:
        html = client.get(reverse("structures:step", args=[structure.pk, step.slug])).content.decode()
        assert dangling_descriptions(html) == [], step.slug
        checked += html.count("aria-describedby")
    assert checked > 0, "the steps' help texts are tied to their fields"


@pytest.mark.django_db
def test_a_rejected_step_ties_each_field_to_its_error_and_help_text(manager):
    structure = StructureFactory(manager=manager)
    response = client_for(manager).post(reverse("structures:step", args=[structure.pk, STEPS[0].slug]), {})
    html = response.content.decode()
    assert "_error" in html
    assert dangling_descriptions(html) == []
