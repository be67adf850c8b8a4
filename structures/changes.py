"""What changed in a file since the ARS sent it back (design.md §4, issue 11 §5).

When the agent asks for changes, the service stores a snapshot of the file in the ``changes_requested``
journal event (append-only, hash-chained: exact and tamper-evident). When the file comes back, the review
page compares it with the file as it is now: every field, team line, mission and document, old and new.
Values are kept as the French text the page shows, so the snapshot never depends on later code or choices.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from secpa_portal.core.formats import counted

from .enums import StructureStatus
from .models import FILE_FIELDS, Structure

SNAPSHOT_FIELDS = FILE_FIELDS
SECTIONS = {"fields": _("Dossier"), "team": _("Équipe"), "missions": _("Missions"), "documents": _("Pièces")}


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_text(structure, name) -> str:
    field = Structure._meta.get_field(name)
    if field.choices and getattr(structure, name):
        return str(getattr(structure, f"get_{name}_display")())
    return _text(getattr(structure, name))


def snapshot(structure) -> dict:
    """The file as the reviewer reads it: {section: {key: [label, text]}} (plain JSON for the journal)."""
    fields = {
        name: [str(Structure._meta.get_field(name).verbose_name), _field_text(structure, name)]
        for name in SNAPSHOT_FIELDS
    }
    team = {
        line.category: [
            line.get_category_display(),
            _("%(headcount)s, %(fte)s ETP")
            % {"headcount": counted(line.headcount, _("personne"), _("personnes")), "fte": _text(line.fte)},
        ]
        for line in structure.team_lines.all()
    }
    missions = {}
    for line in structure.mission_lines.all():
        parts = [line.get_delivery_mode_display()]
        if line.in_house_fte is not None:
            parts.append(_("%(fte)s ETP") % {"fte": _text(line.in_house_fte)})
        if line.partner_name:
            parts.append(_("partenaire : %(name)s") % {"name": line.partner_name})
        missions[line.mission] = [line.get_mission_display(), " · ".join(parts) + " — " + line.description]
    documents = {
        str(document.pk): [document.get_kind_display(), document.original_name]
        for document in structure.documents.all()
    }
    return {"fields": fields, "team": team, "missions": missions, "documents": documents}


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str


LEGACY_HEADCOUNT = re.compile(r"^(\d+) personne\(s\)")


def _reworded(text: str) -> str:
    """A snapshot stored before team lines were written « 2 personnes » (not « 2 personne(s) »), in today's words,
    so that an unchanged line is not shown as changed."""
    match = LEGACY_HEADCOUNT.match(text)
    if not match:
        return text
    return counted(int(match.group(1)), _("personne"), _("personnes")) + text[match.end() :]


def diff(before: dict, after: dict) -> list[Change]:
    """Every entry that differs between two snapshots, in the file's order (fields, team, missions, pieces)."""
    changes = []
    for section, title in SECTIONS.items():
        old_entries, new_entries = before.get(section, {}), after.get(section, {})
        for key in [*old_entries, *(k for k in new_entries if k not in old_entries)]:
            old = old_entries.get(key)
            new = new_entries.get(key)
            label = (new or old)[0]
            old_text, new_text = (_reworded(old[1]) if old else ""), (new[1] if new else "")
            if old_text != new_text:
                changes.append(Change(str(title), label, old_text or _("(absent)"), new_text or _("(absent)")))
    return changes


DECISION_VERBS = ("changes_requested", "eligible", "ineligible", "reopened")


def changes_since_send_back(structure, timeline) -> list[Change] | None:
    """The changes since the last send-back when the file came back from it, else None.

    ``timeline`` is the file's journal, newest first (the review page has it already: no extra query).
    """
    if structure.status not in (StructureStatus.SUBMITTED, StructureStatus.IN_REVIEW):
        return None
    last_decision = next((event for event in timeline if event.verb in DECISION_VERBS), None)
    if last_decision is None or last_decision.verb != "changes_requested":
        return None
    before = (last_decision.payload or {}).get("snapshot")
    if before is None:
        return None
    return diff(before, snapshot(structure))
