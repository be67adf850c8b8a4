"""French formats in one helper (secpa_portal/core/formats.py) and its template filters (issue 12 §7)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from secpa_portal.core import formats


@pytest.mark.parametrize(
    "value, expected",
    [
        (datetime.date(2026, 12, 1), "1er décembre 2026"),
        (datetime.date(2026, 12, 2), "2 décembre 2026"),
        (datetime.date(2027, 3, 31), "31 mars 2027"),
        (None, "—"),
    ],
)
def test_written_dates_say_1er_for_the_first_of_the_month(value, expected):
    assert formats.date_fr(value) == expected


def test_day_month_and_moments():
    assert formats.day_month_fr(datetime.date(2000, 4, 1)) == "1er avril"
    assert formats.day_month_fr(datetime.date(2000, 3, 31)) == "31 mars"
    moment = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 5))
    assert formats.datetime_fr(moment) == "1er décembre 2026 à 09:05"


def test_an_aware_moment_is_written_on_the_local_day():
    # 23:30 UTC on 30 November is already 1 December in Paris.
    moment = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    assert formats.date_fr(moment) == "1er décembre 2026"
    assert formats.datetime_fr(moment) == "1er décembre 2026 à 00:30"


@pytest.mark.parametrize(
    "count, expected",
    [(0, "dotation"), (1, "dotation"), (Decimal("1.5"), "dotation"), (2, "dotations"), (1234, "dotations")],
)
def test_singular_for_0_and_1(count, expected):
    assert formats.plural(count, "dotation", "dotations") == expected


def test_counted_spaces_the_number_from_its_noun():
    assert formats.counted(0, "participant", "participants") == "0\u00a0participant"
    assert formats.counted(69, "participant", "participants") == "69\u00a0participants"
    assert formats.counted(1234, "jour", "jours") == "1\u202f234\u00a0jours"


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("1"), "1"),
        (Decimal("1.000000"), "1"),
        (Decimal("1.100"), "1,1"),
        (Decimal("0.731635"), "0,731635"),
        (Decimal("0.7316354"), "0,731635"),
        (Decimal("0.5"), "0,5"),
        (Decimal("1200"), "1\u202f200"),
        (None, "—"),
    ],
)
def test_coefficients_keep_the_digits_that_matter(value, expected):
    assert formats.coefficient(value) == expected


def test_progress_counts_and_percentage():
    assert formats.progress(1234, 5000, "dotation calculée", "dotations calculées") == (
        "1\u202f234 / 5\u202f000 dotations calculées — 24\u00a0%"
    )
    assert formats.progress(0, 0, "dotation calculée", "dotations calculées") == ("0 / 0 dotation calculée — 0\u00a0%")
    assert formats.progress_percent(4999, 5000) == 99  # 100 % only when everything is done
    assert formats.progress_percent(5000, 5000) == 100


def _render(source, **context):
    return Template("{% load fr_format %}" + source).render(Context(context))


def test_template_filters_use_the_helper():
    assert _render("{{ d|date_fr }}", d=datetime.date(2026, 5, 1)) == "1er mai 2026"
    assert _render("{{ c|coefficient }}", c=Decimal("1.000000")) == "1"
    assert _render("{{ n }} dotation{{ n|fr_plural }}", n=0) == "0 dotation"
    assert _render("{{ n }} dotation{{ n|fr_plural }}", n=2) == "2 dotations"
    assert _render("n'{{ n|fr_plural:'a,ont' }}", n=1) == "n'a"
    assert _render("n'{{ n|fr_plural:'a,ont' }}", n=3) == "n'ont"
    assert _render("{{ rows|fr_plural }}", rows=[1]) == ""
    assert _render("{{ n|counted:'participant,participants' }}", n=1) == "1\u00a0participant"


def test_no_template_uses_django_s_pluralize_nor_writes_a_plural_in_brackets():
    """Django's ``pluralize`` makes 0 plural; « (s) » is never written: ``fr_plural`` and ``counted`` instead."""
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for root in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(root).rglob("*"):
            if path.suffix in (".html", ".txt") and path.is_file():
                text = path.read_text()
                if "|pluralize" in text or "(s)" in text or "(e)" in text:
                    offenders.append(str(path))
    assert offenders == []
