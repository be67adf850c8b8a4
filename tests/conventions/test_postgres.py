"""On PostgreSQL: the database itself keeps one active convention per structure, and references never collide."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from conventions.enums import ConventionStatus
from conventions.models import Convention
from conventions.services import conventions as services
from secpa_portal.core.errors import DomainError
from tests.factories import ConventionFactory, StructureFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="constraints and row locks are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = work()
        except Exception as error:  # noqa: BLE001  (the outcome is the point)
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_database_refuses_a_second_active_convention(manager, ars_idf, cnam, cnam2):
    active = ConventionFactory(
        structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True),
        cnam=cnam,
        cnam2=cnam2,
        manager=manager,
        active=True,
    )
    copy = Convention(
        structure=active.structure,
        reference="SECPA-11-2026-999",
        status=ConventionStatus.ACTIVE,
        start_date=active.start_date,
        duration_years=1,
        end_date=Convention.compute_end_date(active.start_date, 1),
        prepared_by=cnam,
    )
    with pytest.raises(IntegrityError, match="one_active_convention_per_structure"), transaction.atomic():
        Convention.objects.bulk_create([copy])  # bulk_create skips validation: only the database can refuse
    # A terminated one frees the slot; an update that re-activates it is refused too.
    copy.status = ConventionStatus.TERMINATED
    Convention.objects.bulk_create([copy])
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(reference="SECPA-11-2026-999").update(status=ConventionStatus.ACTIVE)


def test_concurrent_preparations_get_distinct_references(manager, ars_idf, cnam, cnam2):
    structures = [StructureFactory(manager=manager, reviewer=ars_idf, eligible=True) for _ in range(4)]

    def prepare(structure):
        return lambda: ConventionFactory(structure=structure, cnam=cnam).reference

    outcomes = _race([prepare(s) for s in structures])
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert sorted(outcomes) == [f"SECPA-11-2026-00{n}" for n in range(1, 5)]


def test_two_signatures_at_once_activate_only_one_convention(manager, ars_idf, cnam, cnam2):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    first = ConventionFactory(structure=structure, cnam=cnam, signed_by_structure=True, manager=manager)
    # A second convention for the same structure, signed too (its preparation check bypassed on purpose).
    Convention.objects.filter(pk=first.pk).update(status=ConventionStatus.TERMINATED)
    second = ConventionFactory(structure=structure, cnam=cnam, signed_by_structure=True, manager=manager)
    Convention.objects.filter(pk=first.pk).update(status=ConventionStatus.SIGNED_BY_STRUCTURE)

    def sign(convention):
        return lambda: services.convention_sign_cnam(
            convention=convention, user=cnam2, signatory_name="Louis Garnier", signatory_capacity="Directeur"
        )

    outcomes = _race([sign(first), sign(second)])
    assert sum(isinstance(o, Convention) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1, outcomes
    assert Convention.objects.filter(structure=structure, status=ConventionStatus.ACTIVE).count() == 1
