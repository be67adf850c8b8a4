"""Conventions in any workflow state, built through the services so that every invariant holds.

    structure = make_structure(manager, state="eligible", reviewer=ars_idf)
    convention = make_active_convention(structure, cnam, cnam2, manager)
    convention = make_convention(structure, cnam, state="sent")

``indicators``: catalogue codes or Indicator objects followed by the convention's objective(s) (default: two), plus
one of each category the law requires that they lack (LAW_INDICATORS: quality, performance, satisfaction).
Activity indicators (file active, C2S + AME share, …) are always in the convention too, without targets.
"""

import datetime
import itertools
from decimal import Decimal

from conventions.catalogue import seed_catalogue
from conventions.enums import ConventionStatus, IndicatorCategory, IndicatorDirection, IndicatorUnit, Obligation
from conventions.models import Convention, Indicator
from conventions.services import conventions as services
from structures.enums import StructureStatus
from tests.structures.factories import make_structure

DEFAULT_INDICATORS = ("coordination_meetings", "first_appointment_delay")
# The law requires an indicator of quality, of performance and of user satisfaction before sending
# (conventions/law.py): make_draft_convention adds those its ``indicators`` lack, in this order.
LAW_INDICATORS = {
    "quality": "flu_vaccination_65",
    "performance": "missed_appointments",
    "satisfaction": "satisfaction_score",
}
START = datetime.date(2026, 1, 1)
_sequence = itertools.count(1)


def ensure_catalogue():
    """The seeded catalogue (a transactional test's flush removes what the data migration created)."""
    seed_catalogue(Indicator)


def make_indicator(code=None, *, direction=IndicatorDirection.HIGHER, unit=IndicatorUnit.COUNT, **extra):
    n = next(_sequence)
    code = code or f"test_indicator_{n}"
    defaults = {
        "label": f"Indicateur de test n° {n}",
        "category": IndicatorCategory.QUALITY,
        "unit": unit,
        "direction": direction,
        "order": 1000 + n,
        **extra,
    }
    return Indicator.objects.get_or_create(code=code, defaults=defaults)[0]


def _indicator(value):
    return value if isinstance(value, Indicator) else Indicator.objects.get(code=value)


def default_line(indicator, years, n=0):
    """A baseline, points and a target per year consistent with the indicator's direction."""
    if indicator.direction == IndicatorDirection.YES_NO:
        return {"indicator": indicator, "baseline": None, "points": Decimal("10"), "targets": dict.fromkeys(years, 1)}
    if indicator.direction == IndicatorDirection.LOWER:
        baseline = Decimal("30") + n
        targets = {year: baseline - 2 * (i + 1) for i, year in enumerate(years)}
    else:
        baseline = Decimal("10") + n
        targets = {year: baseline + 2 * (i + 1) for i, year in enumerate(years)}
    return {"indicator": indicator, "baseline": baseline, "points": Decimal("20"), "targets": targets}


def terms(**overrides):
    return {
        "start_date": START,
        "duration_years": 3,
        "advance_share": Decimal("0.60"),
        "advance_due": "03-31",
        "balance_due": "04-30",
        "obligations": list(Obligation.values),
        "special_clauses": "",
        **overrides,
    }


def make_draft_convention(structure, cnam, *, indicators=DEFAULT_INDICATORS, objectives=1, **term_overrides):
    """A complete convention in preparation: ``objectives`` objectives sharing out ``indicators``."""
    ensure_catalogue()
    convention = services.convention_prepare(structure=structure, user=cnam, **terms(**term_overrides))
    indicators = [_indicator(value) for value in indicators]
    categories = {indicator.category for indicator in indicators}
    indicators += [_indicator(code) for category, code in LAW_INDICATORS.items() if category not in categories]
    years = convention.years
    for number in range(objectives):
        mine = indicators[number::objectives]
        services.objective_save(
            convention=convention,
            user=cnam,
            title=f"Objectif n° {number + 1} : améliorer l'accès aux soins",
            description="Objectif de test.",
            lines=[default_line(indicator, years, n) for n, indicator in enumerate(mine)],
        )
    return Convention.objects.get(pk=convention.pk)


def make_convention(
    structure, cnam, *, state="draft", manager=None, cnam2=None, indicators=DEFAULT_INDICATORS, **kwargs
):
    """A convention in ``state``; ``manager`` signs from signed_by_structure on, ``cnam2`` signs for active on."""
    convention = make_draft_convention(structure, cnam, indicators=indicators, **kwargs)
    if state == ConventionStatus.DRAFT:
        return convention
    services.convention_send(convention=convention, user=cnam)
    if state == ConventionStatus.SENT:
        return _fresh(convention)
    assert manager is not None, f"state {state!r} needs the manager who signs"
    services.convention_sign_structure(
        convention=convention,
        user=manager,
        signatory_name=str(manager),
        signatory_capacity="Directrice",
        consent=True,
    )
    if state == ConventionStatus.SIGNED_BY_STRUCTURE:
        return _fresh(convention)
    if state == ConventionStatus.TERMINATED and cnam2 is None:
        services.convention_terminate(convention=convention, user=cnam, reason="Fermeture de la structure.")
        return _fresh(convention)
    assert cnam2 is not None, f"state {state!r} needs a second CNAM agent (four eyes)"
    services.convention_sign_cnam(
        convention=convention, user=cnam2, signatory_name=str(cnam2), signatory_capacity="Directeur délégué"
    )
    if state == ConventionStatus.ACTIVE:
        return _fresh(convention)
    if state == ConventionStatus.TERMINATED:
        services.convention_terminate(convention=convention, user=cnam, reason="Fermeture de la structure.")
    elif state == ConventionStatus.ENDED:
        convention.refresh_from_db()
        services.conventions_end_expired(today=convention.end_date + datetime.timedelta(days=1))
    return _fresh(convention)


def make_active_convention(structure, cnam, cnam2, manager, indicators=DEFAULT_INDICATORS, **kwargs):
    """A convention in force, prepared by ``cnam``, signed by ``manager`` then by ``cnam2``."""
    return make_convention(
        structure, cnam, state=ConventionStatus.ACTIVE, manager=manager, cnam2=cnam2, indicators=indicators, **kwargs
    )


def make_eligible_structure(manager, ars_agent, commune_code="93066", **kwargs):
    return make_structure(
        manager, state=StructureStatus.ELIGIBLE, reviewer=ars_agent, commune_code=commune_code, **kwargs
    )


def _fresh(convention):
    return Convention.objects.select_related("structure").get(pk=convention.pk)
