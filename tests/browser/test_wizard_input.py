"""The registration form never loses what was typed: a manager who clicks another step in the side menu keeps
their changes (issue 12 §5)."""

import pytest

from structures.models import Structure
from tests.browser.conftest import assert_accessible, login
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_changes_follow_the_manager_to_the_step_they_click(page, manager):
    structure = StructureFactory(manager=manager, name="Centre de santé du Landy")
    login(page, manager.email)
    page.goto(f"/structures/{structure.pk}/saisie/identite/")
    page.get_by_label("Nom de la structure", exact=False).first.fill("Centre de santé du Landy-Pleyel")
    page.locator(".fr-sidemenu").get_by_role("link", name="4. Missions").click()
    page.wait_for_url(f"**/structures/{structure.pk}/saisie/missions/")
    assert page.get_by_text("Vos changements de l'étape « Identité » sont enregistrés.").is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-secpa-message')")
    assert_accessible(page)
    assert Structure.objects.get(pk=structure.pk).name == "Centre de santé du Landy-Pleyel"

    # A mistake keeps the manager on the step, with what they typed and the error.
    page.goto(f"/structures/{structure.pk}/saisie/identite/")
    page.locator("#id_siret").fill("123")
    page.locator(".fr-sidemenu").get_by_role("link", name="3. Équipe").click()
    page.wait_for_load_state()
    assert "/saisie/identite/" in page.url
    assert page.locator("#id_siret").input_value() == "123"

    # Without changes, a step link is a plain link.
    page.goto(f"/structures/{structure.pk}/saisie/localisation/")
    page.locator(".fr-sidemenu").get_by_role("link", name="5. Attestations").click()
    page.wait_for_url(f"**/structures/{structure.pk}/saisie/attestations/")
    assert not page.get_by_text("sont enregistrés").is_visible()
