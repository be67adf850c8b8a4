"""Conventions and indicators.

``ConventionFactory`` walks the real services (prepare, objectives, send, both signatures, terminate, end):

    ConventionFactory(structure=structure, cnam=cnam)                          # a complete draft
    ConventionFactory(structure=structure, cnam=cnam, sent=True)
    ConventionFactory(structure=s, cnam=cnam, cnam2=cnam2, manager=manager, active=True)
    ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
        # without a structure: an eligible one of ``manager``, declared so by ``ars``
    # also: signed_by_structure, terminated, ended

``indicators``: catalogue codes or Indicator objects shared out among ``objectives`` objectives (default: two
codes, one objective), plus one of each category the law requires that they lack (LAW_INDICATORS: quality,
performance, satisfaction). Activity indicators (file active, C2S + AME share, …) are always in the convention too,
without targets. Any other keyword is a term of the convention (start_date, duration_years, advance_share, …).
Missing actors (manager, second CNAM agent) are created or taken from the structure.

``FundedConventionFactory`` writes an active convention straight to the tables (no objectives, no signatures)
for the money tests; its structure is a ``FundedStructureFactory`` (``region``, ``manager``,
``structure__team=…``, ``structure__declared_interpreting_hours=…``).
"""

import datetime
import itertools
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from conventions.catalogue import seed_catalogue
from conventions.enums import ConventionStatus, IndicatorCategory, IndicatorDirection, IndicatorUnit, Obligation
from conventions.models import Convention, Indicator
from conventions.services import conventions as services
from secpa_portal.accounts.models import User

from .structures import FundedStructureFactory, StructureFactory
from .users import UserFactory

DEFAULT_INDICATORS = ("coordination_meetings", "first_appointment_delay")
# The law requires an indicator of quality, of performance and of user satisfaction before sending
# (conventions/law.py): the factory adds those its ``indicators`` lack, in this order.
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


class IndicatorFactory(DjangoModelFactory):
    """A catalogue indicator (get or create by ``code``)."""

    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_indicator_{n}")
    label = factory.Sequence(lambda n: f"Indicateur de test n° {n}")
    category = IndicatorCategory.QUALITY
    unit = IndicatorUnit.COUNT
    direction = IndicatorDirection.HIGHER
    order = factory.Sequence(lambda n: 1000 + n)


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


def structure_manager(structure):
    return User.objects.filter(memberships__structure=structure).order_by("memberships__created_at", "pk").first()


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    class Params:
        sent = factory.Trait(state=ConventionStatus.SENT)
        signed_by_structure = factory.Trait(state=ConventionStatus.SIGNED_BY_STRUCTURE)
        active = factory.Trait(state=ConventionStatus.ACTIVE)
        terminated = factory.Trait(state=ConventionStatus.TERMINATED)
        ended = factory.Trait(state=ConventionStatus.ENDED)

    structure = None
    cnam = factory.SubFactory(UserFactory, cnam=True)
    state = ConventionStatus.DRAFT
    manager = None
    ars = None
    cnam2 = None
    indicators = DEFAULT_INDICATORS
    objectives = 1

    @classmethod
    def _create(
        cls, model_class, *, structure, cnam, state, manager, ars, cnam2, indicators, objectives, **term_overrides
    ):
        if structure is None:
            structure = StructureFactory(manager=manager or UserFactory(), reviewer=ars, eligible=True)
        convention = _draft(structure, cnam, indicators, objectives, term_overrides)
        if state == ConventionStatus.DRAFT:
            return convention
        services.convention_send(convention=convention, user=cnam)
        if state == ConventionStatus.SENT:
            return _fresh(convention)
        manager = manager or structure_manager(structure)
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
        cnam2 = cnam2 or UserFactory(cnam=True)
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


def _draft(structure, cnam, indicators, objectives, term_overrides):
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


def _fresh(convention):
    return Convention.objects.select_related("structure").get(pk=convention.pk)


class FundedConventionFactory(DjangoModelFactory):
    """An active convention written to the tables; any other keyword is a model field (advance_share, …)."""

    class Meta:
        model = Convention

    class Params:
        manager = None
        region = "11"
        start_year = 2025
        years = 3

    structure = factory.SubFactory(
        FundedStructureFactory, manager=factory.SelfAttribute("..manager"), region=factory.SelfAttribute("..region")
    )
    reference = factory.LazyFunction(lambda: f"SECPA-DOT-{next(_sequence):05d}")
    status = ConventionStatus.ACTIVE
    start_date = factory.LazyAttribute(lambda o: datetime.date(o.start_year, 1, 1))
    duration_years = factory.SelfAttribute("years")
    end_date = factory.LazyAttribute(lambda o: Convention.compute_end_date(o.start_date, o.years))
    prepared_by = factory.SubFactory(UserFactory, cnam=True, email="preparation@test.example")
