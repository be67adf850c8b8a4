"""Recompute one dotation now, for the days its convention covers (issue 9: closures, eligibility ending).

The recovery work calls :func:`dotation_recompute` when a convention is terminated (or a structure's eligibility
ends): the dotation is recomputed from the inputs stored on it (never from later figures), with the campaign's
barème, its own fit coefficient and the prorata of the days covered up to ``last_day``. Whatever its state, even
approved: settling what was already paid (cancelling payments not yet due, a recovery order for an overpayment) is
the caller's job, in the same transaction; the database still refuses live payments above the total.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.formats import counted, euros
from secpa_portal.journal.services import record_event

from .. import bareme as bareme_module
from .. import coverage, engine
from ..inputs import snapshot_from_json
from ..models import Dotation, DotationLine

ZERO = Decimal("0")


@transaction.atomic
def dotation_recompute(*, dotation, user, last_day: datetime.date | None = None, reason: str = "") -> Dotation:
    """Recompute ``dotation`` for the days its convention is in force in the campaign year, up to ``last_day``
    (default: the convention's end date or the day its termination took effect). Returns the locked, updated
    dotation; ``previous_total`` on it holds the total before. Journaled on the dotation (« dotation_recomputed »).

    The adjustment (€) is kept; a total that would fall below zero is refused in French.
    """
    locked = Dotation.objects.select_for_update().select_related("campaign", "convention").get(pk=dotation.pk)
    campaign = locked.campaign
    days, year_days = coverage.days_covered(locked.convention, campaign.year, last_day)
    prorata = coverage.coefficient(days, year_days)
    bareme = bareme_module.load(campaign)
    snapshot = snapshot_from_json(locked.inputs)
    try:
        result = engine.compute(bareme, snapshot.engine_inputs(), locked.reduction, prorata)
    except (engine.MissingInputs, ValueError) as exc:
        raise ActionRefused(
            _("La dotation %(year)s ne peut pas être recalculée : %(error)s") % {"year": campaign.year, "error": exc}
        ) from exc
    total = result.total + locked.adjustment
    if total < 0:
        raise ActionRefused(
            _(
                "Le recalcul donnerait une dotation négative (%(total)s) à cause de l'ajustement de %(adjustment)s : "
                "retournez la dotation pour revoir l'ajustement."
            )
            % {"total": euros(total), "adjustment": euros(locked.adjustment)}
        )
    previous = locked.total
    DotationLine.objects.filter(dotation=locked).delete()
    DotationLine.objects.bulk_create(DotationLine.from_engine(locked, result.lines))
    locked.computed_total = result.total
    locked.total = total
    locked.precarity_coefficient = result.precarity_coefficient
    locked.days_in_force, locked.days_in_year = days, year_days
    locked.computed_at = timezone.now()
    locked.version += 1
    locked.save(
        update_fields=[
            "computed_total",
            "total",
            "precarity_coefficient",
            "days_in_force",
            "days_in_year",
            "computed_at",
            "version",
        ]
    )
    record_event(
        actor=user,
        verb="dotation_recomputed",
        summary=_("Dotation %(year)s recalculée pour %(days)s en vigueur sur %(total_days)s : %(before)s → %(after)s")
        % {
            "year": campaign.year,
            "days": counted(days, _("jour"), _("jours")),
            "total_days": year_days,
            "before": euros(previous),
            "after": euros(total),
        },
        obj=locked,
        structure_id=locked.structure_id,
        from_state=locked.status,
        to_state=locked.status,
        reason=reason,
        amount=total,
        payload={"days_in_force": days, "days_in_year": year_days, "previous_total": str(previous)},
    )
    locked.previous_total = previous
    return locked
