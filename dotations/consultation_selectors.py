"""Reads of the consultation on the draft barème: the outcome, the opinions beside each component, and the
projected effect of the draft on each structure (issue 13 §3).

The effect is computed by the pure engine (``engine.compute``) on the same inputs and days in force as a campaign
computation (``inputs.conventions_for_year``, ``inputs.gather``, ``coverage``), before any fit to the envelope:
never a second formula. It works in batches of ``BATCH_SIZE`` conventions, a fixed number of queries each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from . import bareme as bareme_module
from . import coverage, engine, inputs
from .enums import DotationStatus, Verdict
from .models import Dotation

BATCH_SIZE = 500
ZERO = Decimal("0")
ONE = Decimal("1")


def verdict_counts(consultation) -> dict:
    """Opinions per verdict and comments, in two queries."""
    counts = consultation.opinions.aggregate(
        total=Count("pk"),
        **{verdict.value: Count("pk", filter=Q(verdict=verdict)) for verdict in Verdict},
    )
    counts["comments"] = consultation.comments.count()
    counts["rows"] = [(verdict.label, counts[verdict.value], verdict.value) for verdict in Verdict]
    return counts


def submitted_bareme(consultation) -> dict:
    """The barème the consultation is about, as JSON: as submitted once open, as it stands while in preparation."""
    return consultation.bareme or bareme_module.as_json(consultation.campaign)


def _shown(component: dict) -> dict:
    """A submitted component with its decimals back as Decimals and its basis and key in words."""
    from structures.enums import ActivityFigure, ProfessionalCategory

    from .enums import BasisChoices

    keys = {**dict(ProfessionalCategory.choices), **dict(ActivityFigure.choices)}
    shown = dict(component)
    for name in ("rate", "quantity_cap", "amount_cap"):
        shown[name] = None if component.get(name) in (None, "") else Decimal(component[name])
    shown["basis_label"] = BasisChoices(component["basis"]).label
    shown["key_label"] = str(keys.get(component.get("key"), component.get("key") or ""))
    return shown


def bands_shown(bareme: dict) -> list[dict]:
    return [
        {
            name: None if band.get(name) in (None, "") else Decimal(band[name])
            for name in ("lower", "upper", "coefficient")
        }
        for band in bareme.get("bands", [])
    ]


@dataclass
class ComponentRow:
    component: dict
    opinions: list = field(default_factory=list)  # (opinion, remark)
    comments: list = field(default_factory=list)


def component_rows(bareme: dict, opinions, comments) -> tuple[list[ComponentRow], list]:
    """Each component of the submitted barème with the remarks of each opinion and the comments made on it; the
    comments on the whole barème (or on a code no longer in it) come second."""
    rows = {c["code"]: ComponentRow(_shown(c)) for c in bareme.get("components", [])}
    for opinion in opinions:
        for code, remark in (opinion.remarks or {}).items():
            if code in rows and remark:
                rows[code].opinions.append((opinion, remark))
    general = []
    for comment in comments:
        row = rows.get(comment.component_code)
        (row.comments if row is not None else general).append(comment)
    return list(rows.values()), general


@dataclass(frozen=True)
class EffectRow:
    convention: object
    last_year: int | None
    last_total: Decimal | None
    draft_total: Decimal | None
    errors: tuple[str, ...] = ()

    @property
    def difference(self) -> Decimal | None:
        if self.last_total is None or self.draft_total is None:
            return None
        return self.draft_total - self.last_total

    @property
    def change(self) -> Decimal | None:
        """The difference as a fraction of the last dotation."""
        if self.difference is None or not self.last_total:
            return None
        return self.difference / self.last_total


@dataclass
class Effect:
    rows: list[EffectRow]
    last_total: Decimal = ZERO  # over the structures that have both figures
    draft_total: Decimal = ZERO  # over every structure computed
    compared_draft_total: Decimal = ZERO
    up: int = 0
    down: int = 0
    same: int = 0
    new: int = 0
    missing: int = 0

    @property
    def difference(self) -> Decimal:
        return self.compared_draft_total - self.last_total


def _last_dotations(structure_ids, year) -> dict:
    """structure id → (year, total) of its latest approved dotation of an earlier campaign (one query)."""
    last = {}
    rows = (
        Dotation.objects.filter(
            structure_id__in=structure_ids, status=DotationStatus.APPROVED, campaign__year__lt=year
        )
        .order_by("structure_id", "-campaign__year", "-pk")
        .values_list("structure_id", "campaign__year", "total")
    )
    for structure_id, campaign_year, total in rows:
        last.setdefault(structure_id, (campaign_year, total))
    return last


def effect_rows(bareme: engine.Bareme, year: int, conventions: list) -> list[EffectRow]:
    """The draft's result for each convention (engine, no fit coefficient) beside its structure's last dotation."""
    snapshots = inputs.gather([inputs.row_of(convention) for convention in conventions])
    last = _last_dotations([c.structure_id for c in conventions], year)
    rows = []
    for convention in conventions:
        snapshot = snapshots[convention.pk].with_zero_fte(bareme)
        days, in_year = coverage.days_covered(convention, year)
        last_year, last_total = last.get(convention.structure_id, (None, None))
        try:
            result = engine.compute(bareme, snapshot.engine_inputs(), ONE, coverage.coefficient(days, in_year))
        except (engine.MissingInputs, ValueError) as exc:
            rows.append(EffectRow(convention, last_year, last_total, None, (str(exc),)))
            continue
        rows.append(EffectRow(convention, last_year, last_total, result.total))
    return rows


def projected_effect(consultation, batch_size: int = BATCH_SIZE) -> Effect:
    """The effect of the submitted barème on every convention the campaign would compute, in batches."""
    campaign = consultation.campaign
    data = submitted_bareme(consultation)
    bareme = bareme_module.from_json(data)
    conventions = list(inputs.conventions_for_year(campaign.year).select_related("structure__region"))
    effect = Effect(rows=[])
    if not bareme.components:
        return effect
    for start in range(0, len(conventions), batch_size):
        effect.rows.extend(effect_rows(bareme, campaign.year, conventions[start : start + batch_size]))
    for row in effect.rows:
        if row.draft_total is None:
            effect.missing += 1
            continue
        effect.draft_total += row.draft_total
        if row.last_total is None:
            effect.new += 1
            continue
        effect.last_total += row.last_total
        effect.compared_draft_total += row.draft_total
        if row.difference > 0:
            effect.up += 1
        elif row.difference < 0:
            effect.down += 1
        else:
            effect.same += 1
    effect.rows.sort(key=lambda r: (r.convention.structure.name, r.convention.pk))
    return effect
