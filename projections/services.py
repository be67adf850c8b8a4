"""Every write on a scenario: create, update, duplicate, recompute. Each checks the actor, locks the row, checks
its version, stores the assumptions, recomputes the results with the engine and writes the journal."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core.services import check_version, lock, require
from secpa_portal.journal.services import record_event

from . import compute, perms
from .models import NewStructureGroup, Scenario

SCENARIO_FIELDS = (
    "name",
    "first_year",
    "horizon",
    "include_conventioned",
    "include_eligible",
    "include_in_review",
    "campaign",
    "indexation",
    "ramp_up",
    "attrition",
    "spending",
    "spending_source",
    "notes",
)
GROUP_FIELDS = (
    "region",
    "territory_type",
    "kind",
    "count",
    "profile",
    "already_open",
    "fte",
    "file_active",
    "precarity_share",
)


def _store_groups(scenario: Scenario, groups: list[dict]) -> None:
    scenario.groups.all().delete()
    NewStructureGroup.objects.bulk_create(
        NewStructureGroup(
            scenario=scenario, order=order, **{k: v for k, v in group.items() if k in GROUP_FIELDS or k == "region_id"}
        )
        for order, group in enumerate(groups, start=1)
    )


def _compute(scenario: Scenario) -> None:
    scenario.results = compute.results(scenario)
    scenario.computed_at = timezone.now()
    Scenario.objects.filter(pk=scenario.pk).update(results=scenario.results, computed_at=scenario.computed_at)


def _journal(scenario: Scenario, user, verb: str, summary: str) -> None:
    total = sum((Decimal(v) for v in (scenario.results.get("totals") or {}).values()), Decimal("0"))
    record_event(actor=user, verb=verb, summary=summary, obj=scenario, amount=total, internal=True)


@transaction.atomic
def create_scenario(*, user, data: dict, groups: list[dict]) -> Scenario:
    require(perms.can_edit(user), perms.EDIT_REFUSAL)
    scenario = Scenario(created_by=user, **{k: data[k] for k in SCENARIO_FIELDS if k in data})
    scenario.full_clean(exclude=["results"])
    scenario.save()
    _store_groups(scenario, groups)
    _compute(scenario)
    _journal(scenario, user, "scenario_created", _("Scénario de projection « %(name)s » créé") % {"name": scenario})
    return scenario


@transaction.atomic
def update_scenario(*, user, scenario: Scenario, data: dict, groups: list[dict], version) -> Scenario:
    require(perms.can_edit(user), perms.EDIT_REFUSAL)
    locked = lock(scenario)
    check_version(locked, version)
    for name in SCENARIO_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.version += 1
    locked.full_clean(exclude=["results"])
    locked.save()
    _store_groups(locked, groups)
    _compute(locked)
    _journal(locked, user, "scenario_updated", _("Scénario de projection « %(name)s » modifié") % {"name": locked})
    return locked


@transaction.atomic
def recompute_scenario(*, user, scenario: Scenario) -> Scenario:
    """Recompute with the structures' figures of today (a report validated since changes them)."""
    require(perms.can_edit(user), perms.EDIT_REFUSAL)
    locked = lock(scenario)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    _compute(locked)
    _journal(
        locked, user, "scenario_recomputed", _("Scénario de projection « %(name)s » recalculé") % {"name": locked}
    )
    return locked


@transaction.atomic
def duplicate_scenario(*, user, scenario: Scenario) -> Scenario:
    """A copy named « Copie de … », with the same assumptions and new structures, computed anew."""
    require(perms.can_edit(user), perms.EDIT_REFUSAL)
    name = _("Copie de %(name)s") % {"name": scenario.name}
    copy = Scenario(created_by=user, **{k: getattr(scenario, k) for k in SCENARIO_FIELDS})
    copy.name = name[:200]
    copy.save()
    _store_groups(copy, [{k: getattr(g, k) for k in GROUP_FIELDS} for g in scenario.groups.all()])
    _compute(copy)
    _journal(
        copy,
        user,
        "scenario_duplicated",
        _("Scénario de projection « %(name)s » créé par copie de « %(source)s »") % {"name": copy, "source": scenario},
    )
    return copy
