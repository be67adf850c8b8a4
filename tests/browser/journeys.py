"""Reusable steps of the browser journeys: sign in as someone, fill a form by its labels, move on and check.

    login_as(page, manager)
    fill(page, {"Nom de la structure": "Centre de santé…", "Type de structure": Choice("Centre de santé (CDS)"),
                "Les médecins de la structure pratiquent le tiers payant": True})
    next_page(page, "Suivant")              # clicks, waits, and runs the accessibility check on the new page

Every page a journey reaches goes through ``assert_accessible`` (axe-core: no serious or critical violation).
"""

import os
import re
from dataclasses import dataclass

from tests.browser.conftest import assert_accessible, login, logout

PASSWORD = "secpa-test-2026"
SHOTS = os.environ.get("SECPA_SCREENSHOTS")


def shot(page, name):
    """A full-page screenshot in ``$SECPA_SCREENSHOTS`` (for reviewing the pages), when that is set."""
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@dataclass(frozen=True)
class Choice:
    """A radio button, found by its own label inside the group labelled by the dict key."""

    label: str


def login_as(page, user, password=PASSWORD, check=True):
    """Sign in (``user`` is a User or an e-mail address) and land on the dashboard."""
    email = getattr(user, "email", user)
    login(page, email, password)
    if check:
        assert_accessible(page)


def logout_from(page):
    logout(page)
    page.wait_for_load_state()


def visit(page, url, check=True):
    page.goto(url)
    if check:
        assert_accessible(page)


def field(page, label, scope=None):
    """The form control labelled ``label`` (exact label; a hint text after it is allowed)."""
    root = scope or page
    locator = root.get_by_label(label, exact=True)
    if locator.count() == 0:
        locator = root.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s|$)"))
    return locator.first


def fill(page, values: dict, scope=None):
    """Fill each control by its label: text → typed (or option of a <select>), bool → checkbox, Choice → radio."""
    root = scope or page
    for label, value in values.items():
        if isinstance(value, Choice):
            group = root.get_by_role("group", name=re.compile(rf"^\s*{re.escape(label)}"))
            target = group.first if group.count() else root
            _set_checked(page, target.get_by_label(value.label, exact=True).first, True)
            continue
        control = field(page, label, scope)
        if isinstance(value, bool):
            _set_checked(page, control, value)
        elif control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(label=str(value))
        else:
            control.fill(str(value))


def _set_checked(page, control, checked: bool):
    """DSFR draws radios and checkboxes on their label, which takes the click, as it does for a user."""
    if control.is_checked() != checked:
        page.locator(f"label[for='{control.get_attribute('id')}']").click()
    assert control.is_checked() == checked


def click(page, name, role="button", check=True):
    """Click a button (or a link with ``role="link"``), wait for the next page, check it."""
    page.get_by_role(role, name=name, exact=True).first.click()
    page.wait_for_load_state()
    if check:
        assert_accessible(page)


def next_page(page, button="Suivant", check=True):
    click(page, button, "button", check)
    assert_no_form_errors(page)


def assert_no_form_errors(page):
    """The error summary of the crispy_dsfr pack is absent, else its text is the failure message."""
    errors = page.locator(".fr-input-group--error, .fr-fieldset--error, .fr-select-group--error")
    if errors.count():
        raise AssertionError(f"Form errors on {page.url}:\n{page.locator('main').inner_text()[:2000]}")


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def assert_alert(page, text):
    """A DSFR alert (or message) containing ``text`` is on the page."""
    alert = page.locator(".fr-alert").filter(has_text=text)
    assert alert.count(), f"No alert with {text!r} on {page.url}: {page.locator('main').inner_text()[:1000]}"


def upload(page, label, path):
    field(page, label).set_input_files(str(path))
