"""The automatic pre-check: each criterion of the bill, pass or fail, and why (design.md §4).

The same criteria decide whether a manager may submit: ``submission_blockers`` lists what still blocks.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from secpa_portal.reference.identifiers import validate_finess, validate_siret
from secpa_portal.reference.qpv import check_qpv_codes

from . import rules
from .enums import (
    MANDATORY_DOCUMENTS,
    MANDATORY_MISSIONS,
    DeliveryMode,
    DocumentKind,
    Mission,
    TerritoryType,
)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    passed: bool
    explanation: str
    # A targeting criterion is weighed by the ARS, it never blocks a submission.
    targeting: bool = False
    # A weighed criterion is reported to both sides but never blocks a submission: the ARS decides.
    weighed: bool = False


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _identifiers(structure) -> Criterion:
    problems = []
    for label, value, validator in (
        ("FINESS établissement", structure.finess_et, validate_finess),
        ("FINESS entité juridique", structure.finess_ej, validate_finess),
        ("SIRET", structure.siret, validate_siret),
    ):
        if not value:
            problems.append(f"{label} non renseigné.")
            continue
        try:
            validator(value)
        except ValidationError as error:
            problems.append(f"{label} : {_messages(error)}")
    if problems:
        return Criterion("identifiers", "Identifiants FINESS et SIRET", False, " ".join(problems))
    return Criterion("identifiers", "Identifiants FINESS et SIRET", True, "FINESS et SIRET valides.")


def _kind(structure) -> Criterion:
    if structure.kind:
        return Criterion(
            "kind", "Centre de santé ou maison de santé", True, f"Structure déclarée : {structure.get_kind_display()}."
        )
    return Criterion(
        "kind", "Centre de santé ou maison de santé", False, "Le type de structure (CDS ou MSP) n'est pas renseigné."
    )


def _mission_problem(line) -> str | None:
    if not line.description.strip():
        return "description manquante"
    if line.delivery_mode in (DeliveryMode.IN_HOUSE, DeliveryMode.BOTH) and not (line.in_house_fte or 0) > 0:
        return "ETP salariés non renseignés"
    if line.delivery_mode in (DeliveryMode.PARTNER, DeliveryMode.BOTH) and not line.partner_name.strip():
        return "partenaire non nommé"
    return None


def _missions(mission_lines) -> Criterion:
    by_code = {line.mission: line for line in mission_lines}
    problems = []
    for mission in MANDATORY_MISSIONS:
        line = by_code.get(mission)
        if line is None:
            problems.append(f"« {Mission(mission).label} » non décrite")
        elif problem := _mission_problem(line):
            problems.append(f"« {Mission(mission).label} » : {problem}")
    if problems:
        return Criterion("missions", "Les sept missions obligatoires", False, "; ".join(problems))
    return Criterion(
        "missions",
        "Les sept missions obligatoires",
        True,
        "Les sept missions sont décrites avec leur mode de réalisation.",
    )


def _team(team_lines) -> Criterion:
    problems = rules.team_problems(rules.team_rows(team_lines))
    if problems:
        return Criterion("team", rules.TEAM_LABEL, False, "L'équipe : " + " ; ".join(problems) + ".")
    return Criterion("team", rules.TEAM_LABEL, True, rules.TEAM_TEXT)


def _mission_fte(mission_lines, team_lines) -> Criterion:
    problems = rules.mission_fte_problems(rules.mission_rows(mission_lines), rules.team_rows(team_lines))
    if problems:
        return Criterion(
            "mission_fte", rules.MISSION_FTE_LABEL, False, " ".join(rules.mission_fte_messages(problems)), weighed=True
        )
    return Criterion(
        "mission_fte",
        rules.MISSION_FTE_LABEL,
        True,
        "Les ETP salariés des missions tiennent dans ceux de l'équipe.",
        weighed=True,
    )


def _in_house(team_lines) -> Criterion:
    missing = rules.in_house_problems(rules.team_rows(team_lines))
    if missing:
        return Criterion(
            "in_house",
            rules.IN_HOUSE_LABEL,
            False,
            rules.in_house_message(missing),
            weighed=True,
        )
    return Criterion(
        "in_house",
        rules.IN_HOUSE_LABEL,
        True,
        "L'équipe compte un psychologue et un médiateur ou travailleur social salariés.",
        weighed=True,
    )


def _attestation(code, label, value, ok, ko) -> Criterion:
    return Criterion(code, label, bool(value), ok if value else ko)


def _territory(structure) -> Criterion:
    label = "Territoire desservi"
    kind = structure.territory_type
    if not kind:
        return Criterion("territory", label, False, "Le territoire desservi n'est pas renseigné.", targeting=True)
    if kind == TerritoryType.QPV:
        if not structure.qpv_codes:
            return Criterion("territory", label, False, "Aucun code QPV n'est indiqué.", targeting=True)
        findings = check_qpv_codes(structure.qpv_codes, structure.commune_code)
        if findings.errors:
            return Criterion("territory", label, False, " ".join(findings.errors), targeting=True)
        return Criterion(
            "territory",
            label,
            True,
            " ".join([f"Implantée en QPV ({', '.join(structure.qpv_codes)}).", *findings.warnings]),
            targeting=True,
        )
    if not structure.territory_justification.strip():
        return Criterion(
            "territory",
            label,
            False,
            f"« {TerritoryType(kind).label} » doit être justifié.",
            targeting=True,
        )
    return Criterion(
        "territory",
        label,
        True,
        f"{TerritoryType(kind).label} — justification fournie, à apprécier par l'ARS.",
        targeting=True,
    )


def _location(structure) -> Criterion:
    """The commune decides which ARS reviews the file: without it nobody would see the submission."""
    label = "Adresse et commune"
    missing = [
        name
        for name, value in (
            ("adresse", structure.address),
            ("code postal", structure.postal_code),
            ("commune", structure.commune_name),
            ("code commune INSEE", structure.commune_code),
        )
        if not (value or "").strip()
    ]
    if missing:
        return Criterion("location", label, False, "Non renseigné : " + ", ".join(missing) + ".")
    if not structure.region_id:
        return Criterion(
            "location", label, False, "Le code commune INSEE ne permet pas de déterminer la région et son ARS."
        )
    return Criterion("location", label, True, f"Région {structure.region.name} : le dossier sera instruit par l'ARS.")


def _documents(documents) -> Criterion:
    kinds = {document.kind for document in documents}
    missing = [str(DocumentKind(kind).label) for kind in MANDATORY_DOCUMENTS if kind not in kinds]
    label = "Pièces obligatoires (statuts, projet de santé)"
    if missing:
        return Criterion("documents", label, False, "Pièces manquantes : " + ", ".join(missing) + ".")
    return Criterion("documents", label, True, "Statuts et projet de santé déposés.")


def run_precheck(structure) -> list[Criterion]:
    """Every criterion, in the order of the bill. Uses the prefetched relations when present."""
    team_lines = list(structure.team_lines.all())
    mission_lines = list(structure.mission_lines.all())
    documents = list(structure.documents.all())
    return [
        _kind(structure),
        _missions(mission_lines),
        _mission_fte(mission_lines, team_lines),
        _attestation(
            "open_to_all",
            "Ouverte à toute personne",
            structure.attests_open_to_all,
            "La structure atteste accueillir toute personne.",
            "L'attestation d'accueil de toute personne manque.",
        ),
        _attestation(
            "tiers_payant",
            "Tiers payant",
            structure.attests_tiers_payant,
            "Tiers payant pratiqué par les médecins, attesté.",
            "L'attestation de tiers payant manque : les patients ne doivent rien avancer.",
        ),
        _attestation(
            "no_overbilling",
            "Aucun dépassement d'honoraires",
            structure.attests_no_overbilling,
            "Aucun dépassement d'honoraires, attesté.",
            "L'attestation d'absence de dépassement d'honoraires manque.",
        ),
        _team(team_lines),
        _in_house(team_lines),
        _attestation(
            "general_medicine",
            "Médecine générale comme activité principale",
            structure.attests_general_medicine,
            "Activité principale de médecine générale attestée.",
            "L'attestation d'activité principale de médecine générale manque.",
        ),
        _territory(structure),
        _identifiers(structure),
        _location(structure),
        _documents(documents),
    ]


def submission_blockers(criteria: list[Criterion]) -> list[Criterion]:
    """Everything must be filled in to submit; targeting criteria too (with their justification). Weighed
    criteria are left to the ARS."""
    return [criterion for criterion in criteria if not criterion.passed and not criterion.weighed]


def failing_criteria(criteria: list[Criterion]) -> list[Criterion]:
    return [criterion for criterion in criteria if not criterion.passed]
