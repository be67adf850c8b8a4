"""Tables that fit (issue 12 §2): on the demo data set, the key pages of every role never scroll sideways at
1280 px nor at 390 px (a wide table scrolls inside its own frame, with a hint), and every amount cell is
right-aligned with tabular figures."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conventions.models import Convention
from dotations.models import Dotation
from structures.models import Structure
from tests.browser.conftest import login, logout

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "secpa-demo-2026"
WIDTHS = (1280, 390)

OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    if (e.closest('.fr-table__container, .secpa-scroll')) return false;  // scrolls in its own frame
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1;
  }).slice(0, 5).map(e => e.tagName + '.' + [...e.classList].join('.') + ' '
    + Math.round(e.getBoundingClientRect().right));
  // Every table has its own scrolling frame, whatever the width of its data on this machine's fonts.
  const unframed = [...document.querySelectorAll('table')].filter(
    t => !t.closest('.fr-table__container, .secpa-scroll')).map(t => t.id || t.caption?.textContent.trim());
  return {scroll: document.documentElement.scrollWidth, width, wide, unframed};
}"""

AMOUNTS = """() => [...document.querySelectorAll('td.secpa-amount, th.secpa-amount')].filter(c => {
  const style = getComputedStyle(c);
  const right = style.textAlign === 'right' || style.textAlign === 'end';
  return !right || !style.fontVariantNumeric.includes('tabular-nums');
}).length"""


def _pages():
    structure = Structure.objects.filter(status="eligible", region_id="11").order_by("pk").first()
    in_review = Structure.objects.filter(status="in_review", region_id="11").order_by("pk").first() or structure
    convention = Convention.objects.filter(status="active").order_by("pk").first()
    dotation = Dotation.objects.order_by("-pk").first()
    return {
        "gestion.idf@secpa.example": [
            reverse("dashboard"),
            reverse("structures:list"),
            reverse("structures:detail", args=[structure.pk]),
            # The structure page's tabs (issue 12 §4).
            reverse("structures:team", args=[structure.pk]),
            reverse("structures:documents", args=[structure.pk]),
            reverse("structure_reports", args=[structure.pk]),
            reverse("structure_funding", args=[structure.pk]),
            reverse("structures:history", args=[structure.pk]),
            reverse("dotations:my_funding"),
        ],
        "ars.idf@secpa.example": [
            reverse("dashboard"),
            reverse("structures:list"),
            reverse("structures:review", args=[in_review.pk]),
            reverse("conventions:report_list"),
        ],
        "cnam@secpa.example": [
            reverse("dashboard"),
            reverse("structures:list"),
            reverse("conventions:list"),
            reverse("conventions:detail", args=[convention.pk]),
            reverse("dotations:campaign_detail", args=[dotation.campaign.year]),
            reverse("dotations:dotation_list"),
            reverse("dotations:dotation_detail", args=[dotation.pk]),
            reverse("dotations:payments"),
            reverse("dotations:funding", args=[dotation.structure_id]),
        ],
    }


def test_no_page_scrolls_sideways_and_amounts_are_right_aligned(page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", force=True, verbosity=0)
    failures = []
    for email, urls in _pages().items():
        login(page, email, PASSWORD)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                page.goto(url)
                layout = page.evaluate(OVERFLOW)
                if layout["scroll"] > layout["width"] or layout["unframed"]:
                    failures.append((email, width, url, layout))
                misaligned = page.evaluate(AMOUNTS)
                if misaligned:
                    failures.append((email, width, url, f"{misaligned} amount cells not right-aligned"))
        page.set_viewport_size({"width": 1280, "height": 900})
        logout(page)
        page.wait_for_load_state()
    assert not failures, "\n".join(map(str, failures))
