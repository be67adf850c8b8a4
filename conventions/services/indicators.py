"""Writes on the national référentiel of indicators (CNAM agents)."""

from django.db import transaction
from django.utils.translation import gettext as _

from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.services import check_version
from secpa_portal.journal.services import record_event

from ..models import Indicator
from ..perms import conventions as perms

EDITABLE_FIELDS = {"label", "category", "unit", "direction", "description", "activity_figure", "is_active", "order"}


@transaction.atomic
def indicator_save(*, user, fields: dict, indicator=None, code: str = "", expected_version=None) -> Indicator:
    """Create an indicator (``code`` given) or change one (its code never changes: reports and avenants use it).

    A change based on an older ``version`` than the row's is refused (``ConflictError``)."""
    if not perms.can_manage_indicators(user):
        raise ActionRefused(_("Seuls les agents de la CNAM modifient le référentiel des indicateurs."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    created = indicator is None
    if created:
        indicator = Indicator(code=code.strip())
    else:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        check_version(indicator, expected_version)
        indicator.version += 1
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.is_activity = bool(indicator.activity_figure)
    indicator.full_clean()
    indicator.save()
    record_event(
        actor=user,
        verb="indicator_created" if created else "indicator_updated",
        summary=(_("Indicateur ajouté au référentiel : %(label)s") if created else _("Indicateur modifié : %(label)s"))
        % {"label": indicator.label},
        obj=indicator,
    )
    return indicator
