"""Managers give a colleague access to their structure, or take it back (design.md §3: several managers)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from structures import services
from structures.models import Membership, Structure
from tests.conftest import client_for, make_user
from tests.factories import MembershipFactory, StructureFactory
from tests.forms import rendered_form
from tests.html import elements

QUERY_BOUND = 14


def _last_event(structure):
    return Event.objects.for_structure(structure.pk).order_by("-id").first()


@pytest.mark.django_db
def test_a_manager_adds_an_existing_manager_account(manager, django_capture_on_commit_callbacks):
    structure = StructureFactory(manager=manager, submitted=True)
    colleague = make_user("coordination@test.example", first_name="Aïcha", last_name="Diallo")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_add(structure=structure, user=manager, email="  Coordination@TEST.example ")

    assert Structure.objects.visible_to(colleague).filter(pk=structure.pk).exists()
    event = _last_event(structure)
    assert (event.verb, event.actor_id, event.internal) == ("manager_added", manager.pk, False)
    assert "coordination@test.example" in event.summary
    [message] = mail.outbox
    assert message.to == ["coordination@test.example"]
    assert structure.name in message.subject
    assert "Camille Martin vous a donné accès" in message.body
    assert "mot de passe" not in message.body.split("Connectez-vous")[0].lower()


@pytest.mark.django_db
def test_an_unknown_address_gets_an_account_and_a_link_to_choose_its_password(
    client, manager, django_capture_on_commit_callbacks
):
    structure = StructureFactory(manager=manager)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_add(structure=structure, user=manager, email="nouvelle.directrice@test.example")

    invitee = User.objects.get(email="nouvelle.directrice@test.example")
    assert invitee.role == Role.MANAGER and invitee.is_active
    assert _last_event(structure).payload["new_account"] is True
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert page.context["validlink"] is True
    set_password_url = page.redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": "Centre-sante-2026!", "new_password2": "Centre-sante-2026!"})
    assert (
        client.post(
            reverse("accounts:login"),
            {"username": "nouvelle.directrice@test.example", "password": "Centre-sante-2026!"},
        ).status_code
        == 302
    )
    assert structure.name in client.get(reverse("structures:list")).content.decode()


NOT_A_MANAGER = (
    "Cette adresse ne peut pas être ajoutée comme gestionnaire de la structure : "
    "contactez l'administrateur du portail."
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ars.idf@test.example", NOT_A_MANAGER),
        ("cnam@test.example", NOT_A_MANAGER),
        ("ancien@test.example", NOT_A_MANAGER),
        ("gestion@test.example", "gère déjà cette structure"),
        ("   ", "Indiquez l'adresse électronique"),
    ],
)
def test_refusals_are_explained_and_change_nothing(manager, ars_idf, cnam, email, message):
    make_user("ancien@test.example", is_active=False)
    structure = StructureFactory(manager=manager)
    before = (Membership.objects.count(), Event.objects.count(), User.objects.count())
    mail.outbox.clear()

    with pytest.raises(ActionRefused) as refused:
        services.membership_add(structure=structure, user=manager, email=email)

    assert message in refused.value.message
    assert (Membership.objects.count(), Event.objects.count(), User.objects.count()) == before
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("intruder", ["other_manager", "ars_idf", "cnam"])
def test_only_the_structures_managers_may_add_or_remove(request, manager, ars_idf, cnam, intruder):
    people = {"other_manager": make_user("autre@test.example"), "ars_idf": ars_idf, "cnam": cnam}
    structure = StructureFactory(manager=manager, submitted=True)
    colleague = make_user("coordination@test.example")
    MembershipFactory(structure=structure, user=colleague)
    events = Event.objects.count()

    with pytest.raises(ActionRefused, match="Seul un gestionnaire de la structure"):
        services.membership_add(structure=structure, user=people[intruder], email="x@test.example")
    with pytest.raises(ActionRefused, match="Seul un gestionnaire de la structure"):
        services.membership_remove(structure=structure, user=people[intruder], member=colleague)

    assert Membership.objects.filter(structure=structure).count() == 2
    assert not User.objects.filter(email="x@test.example").exists()
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_removing_a_colleague_tells_them_and_the_last_active_manager_stays(
    manager, django_capture_on_commit_callbacks
):
    structure = StructureFactory(manager=manager, submitted=True)
    colleague = make_user("coordination@test.example")
    MembershipFactory(structure=structure, user=colleague)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(structure=structure, user=manager, member=colleague)

    assert not Structure.objects.visible_to(colleague).filter(pk=structure.pk).exists()
    assert _last_event(structure).verb == "manager_removed"
    assert [m.to for m in mail.outbox] == [["coordination@test.example"]]
    with pytest.raises(ActionRefused, match="au moins un gestionnaire actif"):
        services.membership_remove(structure=structure, user=manager, member=manager)
    inactive = make_user("parti@test.example", is_active=False)
    MembershipFactory(structure=structure, user=inactive)
    with pytest.raises(ActionRefused, match="au moins un gestionnaire actif"):
        services.membership_remove(structure=structure, user=manager, member=manager)
    assert Structure.objects.visible_to(manager).filter(pk=structure.pk).exists()


@pytest.mark.django_db
def test_the_refusal_is_the_same_whatever_the_account(manager, ars_idf, cnam):
    """Issue 10: « compte « Agent ARS » » told a manager who holds an address; now nothing does."""
    make_user("ancien@test.example", is_active=False)
    structure = StructureFactory(manager=manager)
    messages = set()
    for email in ("ars.idf@test.example", "cnam@test.example", "ancien@test.example"):
        with pytest.raises(ActionRefused) as refused:
            services.membership_add(structure=structure, user=manager, email=email)
        messages.add(refused.value.message)
    assert messages == {NOT_A_MANAGER}
    assert not any(role in NOT_A_MANAGER for role in ("ARS", "CNAM", "désactivé"))


@pytest.mark.django_db
def test_the_page_adds_a_colleague_and_keeps_a_refused_address(manager, ars_idf):
    structure = StructureFactory(manager=manager, submitted=True)
    client = client_for(manager)
    url = reverse("structures:managers", args=[structure.pk])
    alone = client.get(url).content.decode()
    assert "Seul gestionnaire" in alone
    assert reverse("structures:manager_remove", args=[structure.pk, manager.pk]) not in alone

    refused = client.post(url, {"email": "ars.idf@test.example"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert elements(html, value="ars.idf@test.example")
    assert "ne peut pas être ajoutée comme gestionnaire" in html
    assert "Agent ARS" not in html.split("<main", 1)[1].split("</main>")[0], "another account's role never shows"
    invalid = client.post(url, {"email": "pas-une-adresse"})
    assert "Saisissez une adresse électronique valide" in invalid.content.decode()
    assert elements(invalid.content.decode(), value="pas-une-adresse")

    added = client.post(url, {"email": "coordination@test.example"})
    assert added.status_code == 302
    assert "gère désormais la structure" in str(list(get_messages(added.wsgi_request))[0])
    page = client.get(url).content.decode()
    assert "coordination@test.example" in page
    assert "Jamais connecté" in page
    assert reverse("structures:manager_remove", args=[structure.pk, manager.pk]) in page


@pytest.mark.django_db
def test_the_agents_see_the_managers_without_the_form(manager, ars_idf, cnam):
    structure = StructureFactory(manager=manager, submitted=True)
    for agent in (ars_idf, cnam):
        html = client_for(agent).get(reverse("structures:managers", args=[structure.pk])).content.decode()
        assert "gestion@test.example" in html
        assert "Ajouter un gestionnaire" not in html
        assert "Retirer" not in html


@pytest.mark.django_db
def test_removing_oneself_goes_through_a_confirmation_then_to_the_dashboard(manager):
    structure = StructureFactory(manager=manager, submitted=True)
    colleague = make_user("coordination@test.example")
    MembershipFactory(structure=structure, user=colleague)
    client = client_for(manager)
    url = reverse("structures:manager_remove", args=[structure.pk, manager.pk])

    managers = client.get(reverse("structures:managers", args=[structure.pk])).content.decode()
    assert f'href="{url}" data-secpa-confirm="confirm-manager-{manager.pk}">Retirer' in managers  # opens a modal
    assert f'<dialog id="confirm-manager-{manager.pk}" class="fr-modal"' in managers
    confirm = client.get(url)  # without JavaScript: the same text on a page
    assert "<h1>Ne plus gérer « " in confirm.content.decode()
    assert Membership.objects.filter(structure=structure, user=manager).exists()
    response = client.post(url, rendered_form(confirm.content.decode(), "data-secpa-confirm-form"))
    assert response.url == reverse("dashboard")
    assert client.get(reverse("structures:detail", args=[structure.pk])).status_code == 404


@pytest.mark.django_db
def test_removing_someone_who_is_not_a_manager_is_a_404(manager):
    structure = StructureFactory(manager=manager)
    stranger = make_user("inconnu@test.example")
    response = client_for(manager).post(reverse("structures:manager_remove", args=[structure.pk, stranger.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize("role", ["manager", "ars_idf", "cnam"])
def test_the_page_costs_the_same_queries_with_2_or_30_managers(
    request, manager, ars_idf, cnam, django_assert_max_num_queries, rows, role
):
    structure = StructureFactory(manager=manager, submitted=True)
    for index in range(rows - 1):
        MembershipFactory(structure=structure, user=make_user(f"gestion{index}@test.example"))
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse("structures:managers", args=[structure.pk]))
    assert response.status_code == 200
    assert f"gestion{rows - 2}@test.example" in response.content.decode()


@pytest.mark.django_db
def test_the_superuser_attaches_a_manager_in_the_admin_without_editing_the_file(manager):
    admin_user = User.objects.create_superuser(email="admin@test.example", password="secpa-test-2026")
    structure = StructureFactory(manager=manager, submitted=True)
    newcomer = make_user("premier.gestionnaire@test.example")
    client = client_for(admin_user)
    url = reverse("admin:structures_structure_change", args=[structure.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert client.get(reverse("admin:structures_structure_changelist")).status_code == 200
    response = client.post(
        url,
        {
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": structure.memberships.get().pk,
            "memberships-0-structure": structure.pk,
            "memberships-0-user": manager.pk,
            "memberships-1-structure": structure.pk,
            "memberships-1-user": newcomer.pk,
            "name": "Renommé par l'admin",
        },
    )
    assert response.status_code == 302
    assert Structure.objects.visible_to(newcomer).filter(pk=structure.pk).exists()
    assert Structure.objects.get(pk=structure.pk).name == structure.name, "the file itself is read-only"
