"""What the removed (never rendered) « structure_conventions » tag showed, asserted on the pages that show it:
a structure's convention references reach its managers once sent, never as a draft; the CNAM is offered to prepare
one for an eligible structure until a convention exists."""

from django.urls import reverse

from tests.conftest import client_for
from tests.factories import ConventionFactory, StructureFactory


def _list(user):
    return client_for(user).get(reverse("conventions:list")).content.decode()


def _to_prepare(user):
    return client_for(user).get(reverse("conventions:to_prepare"))


def test_managers_see_the_reference_and_cnam_may_prepare(manager, ars_idf, cnam, cnam2):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    assert structure.name in _to_prepare(cnam).content.decode()
    assert _to_prepare(manager).status_code == 404  # managers are never offered to prepare one
    draft = ConventionFactory(structure=structure, cnam=cnam)
    assert draft.reference not in _list(manager)  # managers never see a draft
    assert draft.reference in _list(ars_idf)
    assert structure.name not in _to_prepare(cnam).content.decode()

    other = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    active = ConventionFactory(structure=other, cnam=cnam, cnam2=cnam2, manager=manager, active=True)
    html = _list(manager)
    assert active.reference in html and "En vigueur" in html
