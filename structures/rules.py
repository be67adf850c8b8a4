"""The team and mission rules, as an ARS agent reads them: the one source of truth.

The team and missions step forms, the pre-check (``precheck.py``) and therefore submission all call these
functions, on the values typed or on the saved lines, so that a file the pre-check passes can be saved again
unchanged, and a form never accepts what the pre-check would refuse.  Each function takes plain values
(``TeamRow`` and ``MissionRow``, built from a form's cleaned data or from saved lines) and returns French
messages: an empty list means the rule holds.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .enums import PARAMEDICAL_EXAMPLES, PARAMEDICAL_PROFESSIONS, DeliveryMode, Mission, ProfessionalCategory

Cat = ProfessionalCategory

# The categories whose in-house FTE can deliver a mission; the other missions (proximity, welcome,
# participation, prevention) are everyone's work and are only bounded by the team's total FTE.
MISSION_CATEGORIES = {
    Mission.PSYCHOLOGICAL_SUPPORT: {Cat.PSYCHOLOGIST},
    Mission.HEALTH_MEDIATION: {Cat.HEALTH_MEDIATOR},
    Mission.SOCIAL_SUPPORT: {Cat.SOCIAL_WORKER, Cat.HEALTH_MEDIATOR},
    Mission.INTERPRETING: {Cat.INTERPRETER, Cat.HEALTH_MEDIATOR},
}

TEAM_LABEL = "Au moins un médecin généraliste et un auxiliaire médical"
TEAM_TEXT = (
    "Au moins un médecin généraliste et un professionnel paramédical (auxiliaire médical : "
    f"{PARAMEDICAL_EXAMPLES}…), chacun avec des ETP ; un chirurgien-dentiste, un médecin spécialiste, une "
    "sage-femme ou un pharmacien ne remplace pas l'auxiliaire médical."
)
# Short plural names for the messages.
PLURALS = {
    Cat.PSYCHOLOGIST: "psychologues",
    Cat.HEALTH_MEDIATOR: "médiateurs en santé",
    Cat.SOCIAL_WORKER: "travailleurs sociaux",
    Cat.INTERPRETER: "interprètes",
}
MISSION_FTE_LABEL = "ETP des missions cohérents avec l'équipe"
IN_HOUSE_LABEL = "Psychologue et médiateur (ou travailleur social) salariés"


@dataclass(frozen=True)
class TeamRow:
    category: str
    headcount: int | None
    fte: Decimal | None


@dataclass(frozen=True)
class MissionRow:
    mission: str
    delivery_mode: str
    in_house_fte: Decimal | None


def team_rows(lines: Iterable) -> list[TeamRow]:
    """Rows from saved ``TeamLine`` objects or from dicts of category, headcount, fte."""
    return [
        TeamRow(*(line[k] if isinstance(line, dict) else getattr(line, k) for k in ("category", "headcount", "fte")))
        for line in lines
    ]


def mission_rows(lines: Iterable) -> list[MissionRow]:
    names = ("mission", "delivery_mode", "in_house_fte")
    return [MissionRow(*(line[k] if isinstance(line, dict) else getattr(line, k) for k in names)) for line in lines]


def _fr(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


# --- One team line -------------------------------------------------------------------------------------------


def team_line_problems(row: TeamRow) -> list[tuple[str, str]]:
    """(field, message) for one line: FTE without people, people without FTE, more FTE than people."""
    if row.headcount and row.fte is None:
        return [("fte", f"Indiquez les équivalents temps plein de ces {row.headcount} personnes.")]
    if row.fte and not row.headcount:
        return [("headcount", "Indiquez combien de personnes représentent ces ETP.")]
    if row.headcount and row.fte > row.headcount:
        return [("fte", "Les ETP ne peuvent dépasser l'effectif : une personne compte au plus pour 1 ETP.")]
    return []


def _fte_by_category(rows: list[TeamRow]) -> dict[str, Decimal]:
    """A line counts only with people and FTE above 0."""
    return {row.category: row.fte for row in rows if row.headcount and row.fte and row.fte > 0}


# --- The team ------------------------------------------------------------------------------------------------


def team_problems(rows: list[TeamRow]) -> list[str]:
    """Why the team does not meet the rule (blocking), or []."""
    problems = [
        f"{Cat(row.category).label} : {message}" for row in rows for _field, message in team_line_problems(row)
    ]
    counted = _fte_by_category(rows)
    if Cat.GENERAL_PRACTITIONER not in counted:
        problems.append("aucun médecin généraliste avec des ETP")
    if not set(counted) & PARAMEDICAL_PROFESSIONS:
        problems.append(f"aucun auxiliaire médical avec des ETP ({PARAMEDICAL_EXAMPLES}…)")
    return problems


def in_house_problems(rows: list[TeamRow]) -> list[str]:
    """Since 2023 the experiment wanted a psychologist and a mediator or social worker in the team (weighed)."""
    counted = _fte_by_category(rows)
    missing = []
    if Cat.PSYCHOLOGIST not in counted:
        missing.append("aucun psychologue salarié")
    if not {Cat.HEALTH_MEDIATOR, Cat.SOCIAL_WORKER} & set(counted):
        missing.append("aucun médiateur en santé ni travailleur social salarié")
    return missing


# --- Missions against the team -------------------------------------------------------------------------------


def mission_fte_problems(missions: list[MissionRow], team: list[TeamRow]) -> dict[str, str]:
    """{mission: message} for each in-house mission whose FTE exceed what the team has for it."""
    counted = _fte_by_category(team)
    problems = {}
    for row in missions:
        if row.delivery_mode == DeliveryMode.PARTNER or not row.in_house_fte:
            continue
        categories = MISSION_CATEGORIES.get(row.mission)
        if categories is None:
            available = sum(counted.values(), Decimal(0))
            where = "ETP de toute l'équipe"
        else:
            available = sum((counted.get(category, Decimal(0)) for category in categories), Decimal(0))
            where = "ETP de " + " et ".join(PLURALS[category] for category in sorted(categories))
        if row.in_house_fte > available:
            problems[row.mission] = (
                f"{_fr(row.in_house_fte)} ETP salariés déclarés, mais l'équipe n'en compte que {_fr(available)} "
                f"({where}) : corrigez la mission ou l'équipe."
            )
    return problems


def mission_fte_messages(problems: dict[str, str]) -> list[str]:
    """The same words in the step forms' warnings and in the pre-check."""
    return [f"« {Mission(mission).label} » : {message}" for mission, message in problems.items()]


def in_house_message(missing: list[str]) -> str:
    return (
        "L'équipe ne compte " + " et ".join(missing) + " : depuis 2023, l'expérimentation demande un psychologue "
        "et un médiateur (ou un travailleur social) salariés de la structure. L'ARS apprécie ; le dépôt reste "
        "possible."
    )
