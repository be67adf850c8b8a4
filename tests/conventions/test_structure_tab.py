"""The Convention tab the structure page can include: the reference, for the structure's managers too."""

from django.template import Context, Template
from django.test import RequestFactory

from tests.conventions.factories import make_active_convention, make_draft_convention, make_eligible_structure

TAB = Template("{% load structure_conventions %}{% structure_conventions structure %}")


def _render(user, structure):
    request = RequestFactory().get("/")
    request.user = user
    return TAB.render(Context({"request": request, "structure": structure}))


def test_managers_see_the_reference_and_cnam_may_prepare(manager, ars_idf, cnam, cnam2):
    structure = make_eligible_structure(manager, ars_idf)
    assert "Préparer la convention" in _render(cnam, structure)
    assert "Préparer la convention" not in _render(manager, structure)
    draft = make_draft_convention(structure, cnam)
    assert draft.reference not in _render(manager, structure)  # managers never see a draft
    assert draft.reference in _render(ars_idf, structure)
    assert "Préparer la convention" not in _render(cnam, structure)

    other = make_eligible_structure(manager, ars_idf)
    active = make_active_convention(other, cnam, cnam2, manager)
    html = _render(manager, other)
    assert active.reference in html and "En vigueur" in html
