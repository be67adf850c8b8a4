"""A registration step refused by the database says what really failed: a FINESS registered meanwhile, a team
category or a mission entered twice at once, else a save that collided with another one — never « FINESS déjà
enregistré » for every refusal. The errors are real ones, raised by the database."""

import pytest
from django.db import IntegrityError, transaction

from structures.enums import ProfessionalCategory
from structures.models import Structure, TeamLine
from structures.views.wizard import FINESS_TAKEN, SAVE_COLLIDED, integrity_refusal
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory
from tests.structures import wizard_data
from tests.structures.test_manage_steps import post_step

pytestmark = pytest.mark.django_db


def _refused(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        write()
    return raised.value


def test_a_finess_taken_meanwhile_is_named_on_its_field(manager):
    first = StructureFactory(manager=manager, complete=True)
    second = StructureFactory(manager=make_user("autre@test.example"))
    error = _refused(lambda: Structure.objects.filter(pk=second.pk).update(finess_et=first.finess_et))
    assert integrity_refusal(error).message_dict == {"finess_et": [str(FINESS_TAKEN)]}


def test_a_team_category_twice_is_not_a_finess_error(manager):
    structure = StructureFactory(manager=manager)
    category = ProfessionalCategory.NURSE
    TeamLine.objects.create(structure=structure, category=category, headcount=1, fte=1)
    error = _refused(lambda: TeamLine.objects.create(structure=structure, category=category, headcount=1, fte=1))
    assert integrity_refusal(error).messages == ["Cette catégorie professionnelle figure déjà dans l'équipe."]


def test_any_other_refusal_says_the_save_collided(manager):
    structure = StructureFactory(manager=manager)
    error = _refused(lambda: Structure.objects.filter(pk=structure.pk).update(declared_precarity_share=150))
    assert integrity_refusal(error).messages == [str(SAVE_COLLIDED)]


def test_the_team_step_shows_what_failed_and_keeps_the_draft(manager, monkeypatch):
    draft = StructureFactory(manager=manager)
    version = Structure.objects.get(pk=draft.pk).version
    original = TeamLine.objects.bulk_create

    def collide(lines, *args, **kwargs):
        # Another request inserted the same category between this one's delete and its insert.
        twin = TeamLine(structure=lines[0].structure, category=lines[0].category, headcount=1, fte=1)
        return original([*lines, twin], *args, **kwargs)

    monkeypatch.setattr(TeamLine.objects, "bulk_create", collide)
    response = post_step(client_for(manager), draft, "equipe", wizard_data.team())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cette catégorie professionnelle figure déjà dans l&#x27;équipe." in html
    assert str(FINESS_TAKEN) not in html
    assert Structure.objects.get(pk=draft.pk).version == version
    assert not TeamLine.objects.filter(structure=draft).exists()
