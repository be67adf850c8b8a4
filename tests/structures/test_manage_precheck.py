"""The pre-check as the manager's pages use it: what a draft still lacks, step by step."""

import pytest

from structures import services
from structures.models import Structure
from structures.precheck import run_precheck, submission_blockers
from structures.steps import STEPS_BY_SLUG, first_incomplete
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _criterion(structure, code):
    structure = Structure.objects.get(pk=structure.pk)
    return next(c for c in run_precheck(structure) if c.code == code)


def test_missing_documents_are_named(manager):
    draft = StructureFactory(manager=manager)
    criterion = _criterion(draft, "documents")
    assert not criterion.passed
    assert criterion.explanation == "Pièces manquantes : Statuts, Projet de santé."


def test_without_a_commune_nobody_could_review_the_file(manager):
    structure = StructureFactory(manager=manager, complete=True)
    assert _criterion(structure, "location").passed
    services.structure_update(structure=structure, user=manager, fields={"commune_code": "", "address": ""})
    criterion = _criterion(structure, "location")
    assert not criterion.passed
    assert criterion.explanation == "Non renseigné : adresse, code commune INSEE."
    assert criterion in submission_blockers(run_precheck(Structure.objects.get(pk=structure.pk)))


def test_a_complete_file_resumes_at_the_summary_and_a_new_one_at_identity(manager):
    assert first_incomplete(run_precheck(StructureFactory(manager=manager))) == STEPS_BY_SLUG["identite"]
    assert (
        first_incomplete(run_precheck(StructureFactory(manager=manager, complete=True)))
        == STEPS_BY_SLUG["recapitulatif"]
    )
