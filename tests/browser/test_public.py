import pytest

from tests.browser.conftest import assert_accessible, login


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_home_and_login_are_accessible(page, manager):
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Statistiques publiques et données ouvertes").click()
    assert page.get_by_role("heading", name="Statistiques publiques", level=1).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Les mêmes chiffres en données ouvertes").click()
    assert page.get_by_role("heading", name="Données ouvertes", level=1).is_visible()
    assert_accessible(page)
    page.goto("/compte/connexion/")
    assert_accessible(page)
    login(page, manager.email)
    assert page.get_by_text("Gestionnaire de structure").first.is_visible()
    assert_accessible(page)
