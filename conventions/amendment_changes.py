"""What each avenant changed, in words, with the before and the after (read side of services/amendments.py)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from secpa_portal.core.formats import date_fr, format_number

from .enums import AmendmentStatus
from .models import Indicator
from .payment_terms import YearTerms, terms_for


@dataclass(frozen=True)
class ChangeLine:
    what: str
    before: str
    after: str


def _num(value) -> str:
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    return format_number(number, 0 if number == number.to_integral() else 2)


def _date(value) -> str:
    return date_fr(datetime.date.fromisoformat(value)) if value else "—"


def _targets(targets: dict) -> str:
    return " ; ".join(f"{year} : {_num(value)}" for year, value in sorted(targets.items())) or "—"


def _line_summary(item, objective_title) -> str:
    parts = []
    if objective_title:
        parts.append(_("objectif « %(title)s »") % {"title": objective_title})
    parts.append(_("référence %(value)s") % {"value": _num(item.get("baseline"))})
    parts.append(_("%(points)s points") % {"points": _num(item.get("points"))})
    parts.append(_("cibles %(targets)s") % {"targets": _targets(item.get("targets", {}))})
    return ", ".join(parts)


def labels_for(amendments) -> dict[str, str]:
    """Indicator labels for every code the amendments mention, in one query."""
    codes = set()
    for amendment in amendments:
        changes = amendment.changes or {}
        codes |= {t["indicator"] for t in changes.get("targets", [])}
        codes |= {a["indicator"] for a in changes.get("add", [])}
        codes |= set(changes.get("remove", []))
    return dict(Indicator.objects.filter(code__in=codes).values_list("code", "label"))


def describe(amendment, *, convention, labels: dict, objectives: dict, current_targets: dict) -> list[ChangeLine]:
    """Change lines of ``amendment``.

    Before an avenant applies, "before" is the convention as it stands (``current_targets``: {(code, year): value},
    ``objectives``: {pk: title}); once applied, it is what the avenant recorded it replaced.
    """
    changes = amendment.changes or {}
    applied = amendment.status == AmendmentStatus.ACTIVE
    before = amendment.before or {}
    lines = []
    if "end_date" in changes:
        old = before.get("end_date") if applied else convention.end_date.isoformat()
        lines.append(ChangeLine(_("Date de fin de la convention"), _date(old), _date(changes["end_date"])))
    for change in changes.get("targets", []):
        code, year = change["indicator"], change["year"]
        old = before.get("targets", {}).get(f"{code}|{year}") if applied else current_targets.get((code, year))
        lines.append(
            ChangeLine(
                _("Cible %(year)s — %(label)s") % {"year": year, "label": labels.get(code, code)},
                _num(old),
                _num(change["value"]),
            )
        )
    for item in changes.get("add", []):
        lines.append(
            ChangeLine(
                _("Indicateur ajouté — %(label)s") % {"label": labels.get(item["indicator"], item["indicator"])},
                "—",
                _line_summary(item, objectives.get(item["objective"], "")),
            )
        )
    if "terms" in changes:
        new = changes["terms"]
        old = terms_for(convention, new["from_year"], amended=before.get("terms") if applied else None)
        after = YearTerms(Decimal(new["advance_share"]), new["advance_due"], new["balance_due"])
        lines.append(
            ChangeLine(
                _("Conditions de versement à partir de %(year)s") % {"year": new["from_year"]},
                old.describe(),
                after.describe(),
            )
        )
    removed = {item["indicator"]: item for item in before.get("removed", [])}
    for code in changes.get("remove", []):
        old = removed.get(code)
        lines.append(
            ChangeLine(
                _("Indicateur retiré — %(label)s") % {"label": labels.get(code, code)},
                _line_summary(old, old.get("objective")) if old else _("suivi par la convention"),
                "—",
            )
        )
    return lines
