"""Demo conventions for ``manage.py seed_demo``: one in force for each eligible demo structure, and one avenant.

Built through the services (prepared by one CNAM agent, signed by a manager, then by the other CNAM agent), so
the journal and the references are real. A structure that already has a convention is left as it is.
"""

import datetime
from decimal import Decimal

from structures.models import Structure

from .catalogue import seed_catalogue
from .enums import Obligation
from .models import Amendment, Convention, Indicator
from .services import amendments as amendment_services
from .services import conventions as services

START = datetime.date(2025, 1, 1)
PREPARER = "cnam@secpa.example"
SIGNATORY = "cnam.validation@secpa.example"

# (title, description, [(indicator code, baseline, yearly step, points)])
OBJECTIVES = [
    (
        "Garantir l'accès aux soins des personnes éloignées du système de santé",
        "Accueillir sans délai les habitants du quartier qui n'ont pas de médecin traitant.",
        [
            ("mt_share", "55", "3", "20"),
            ("first_appointment_delay", "21", "-3", "15"),
            ("new_patients_without_mt", "280", "30", "15"),
        ],
    ),
    (
        "Faire participer les usagers à la vie et à l'évaluation de la structure",
        "Les habitants siègent dans les instances et évaluent le projet de santé.",
        [
            ("users_in_governance", "2", "1", "10"),
            ("users_in_evaluation", "6", "2", "10"),
            ("satisfaction_score", "76", "2", "10"),
        ],
    ),
    (
        "Coordonner les soins au sein de l'équipe et avec les partenaires du territoire",
        "Réunions pluriprofessionnelles, protocoles partagés et partenariats écrits.",
        [
            ("coordination_meetings", "12", "4", "15"),
            ("care_protocols", "3", "1", "10"),
            ("formal_partnerships", "4", "1", "5"),
        ],
    ),
    (
        "Développer la médiation en santé et l'interprétariat professionnel",
        "Ouvrir les droits et rendre les consultations accessibles dans la langue du patient.",
        [
            ("rights_opened", "140", "20", "15"),
            ("interpreting_hours", "300", "40", "10"),
        ],
    ),
]
# Quality and performance indicators: every demo convention follows them, so that each carries the indicators of
# quality, performance and user satisfaction the law requires (conventions/law.py; satisfaction is above).
QUALITY = (
    "Améliorer la qualité des soins et la prévention",
    "Suivi des maladies chroniques et vaccination des plus âgés.",
    [
        ("flu_vaccination_65", "42", "3", "10"),
        ("diabetes_hba1c", "48", "4", "10"),
    ],
)
DURATIONS = [5, 4, 3]
# Conventions whose signed terms differ from the campaign's (issue 9): by position among the demo structures.
# The second is paid a 50 % advance on 31 January; the fourth starts on 1 July 2026 (its 2026 dotation covers
# 184 days of 365).
SPECIAL_TERMS = {
    1: {"advance_share": Decimal("0.50"), "advance_due": "01-31"},
    3: {"start_date": datetime.date(2026, 7, 1)},
}
CAPACITIES = ["Directrice", "Coordinateur", "Présidente de l'association", "Directeur"]


def _lines(objective_lines, years, shift):
    indicators = Indicator.objects.in_bulk([code for code, *_ in objective_lines], field_name="code")
    lines = []
    for code, baseline, step, points in objective_lines:
        base, step = Decimal(baseline) + shift % 5, Decimal(step)
        targets = {}
        for n, year in enumerate(years, start=1):
            value = base + step * n
            if indicators[code].unit == "percent":
                value = min(value, Decimal("100"))
            targets[year] = max(value, Decimal("1"))
        lines.append({"indicator": indicators[code], "baseline": base, "points": Decimal(points), "targets": targets})
    return lines


def _objectives(index):
    """Access, participation, coordination, then mediation for two structures in three, and quality for all."""
    return [*OBJECTIVES[:3], *OBJECTIVES[3 : 3 + min(index % 3, 1)], QUALITY]


def _convention_for(structure, index, cnam, cnam2):
    manager = structure.memberships.select_related("user").order_by("pk").first().user
    terms = {
        "start_date": START,
        "advance_share": Decimal("0.60"),
        "advance_due": "03-31",
        "balance_due": "04-30",
        **SPECIAL_TERMS.get(index, {}),
    }
    convention = services.convention_prepare(
        structure=structure,
        user=cnam,
        duration_years=DURATIONS[index % len(DURATIONS)],
        obligations=list(Obligation.values),
        special_clauses="",
        **terms,
    )
    for title, description, objective_lines in _objectives(index):
        services.objective_save(
            convention=convention,
            user=cnam,
            title=title,
            description=description,
            lines=_lines(objective_lines, convention.years, index),
        )
    convention = services.convention_send(convention=convention, user=cnam)
    convention = services.convention_sign_structure(
        convention=convention,
        user=manager,
        signatory_name=manager.get_full_name() or manager.email,
        signatory_capacity=CAPACITIES[index % len(CAPACITIES)],
        consent=True,
    )
    convention = services.convention_sign_cnam(
        convention=convention,
        user=cnam2,
        signatory_name=cnam2.get_full_name(),
        signatory_capacity="Pour le directeur général de la CNAM",
    )
    return convention


def _amendment(convention, cnam, cnam2):
    if Amendment.objects.filter(convention=convention).exists():
        return
    manager = convention.structure.memberships.select_related("user").order_by("pk").first().user
    coordination = convention.objectives.get(title__startswith="Coordonner")
    meetings = convention.indicators.get(indicator__code="coordination_meetings")
    last_year = convention.years[-1]
    shared_record = Indicator.objects.get(code="shared_record")
    amendment = amendment_services.amendment_save(
        convention=convention,
        user=cnam,
        summary=(
            "Relèvement de la cible de réunions de coordination pour la dernière année et ajout du dossier "
            "patient partagé, après l'installation du nouveau logiciel."
        ),
        targets=[
            {
                "indicator": meetings.indicator,
                "year": last_year,
                "value": meetings.targets.get(year=last_year).value + 6,
            }
        ],
        add=[
            {
                "indicator": shared_record,
                "objective": coordination,
                "baseline": Decimal("0"),
                "points": Decimal("5"),
                "targets": dict.fromkeys(convention.years, Decimal("1")),
            }
        ],
    )
    amendment_services.amendment_send(amendment=amendment, user=cnam)
    amendment_services.amendment_sign_structure(
        amendment=amendment,
        user=manager,
        signatory_name=manager.get_full_name() or manager.email,
        signatory_capacity="Directrice",
        consent=True,
    )
    amendment_services.amendment_sign_cnam(
        amendment=amendment,
        user=cnam2,
        signatory_name=cnam2.get_full_name() or cnam2.email,
        signatory_capacity="Pour le directeur général de la CNAM",
    )


def seed(users: dict) -> None:
    seed_catalogue(Indicator)
    cnam, cnam2 = users[PREPARER], users[SIGNATORY]
    with_convention = set(Convention.objects.values_list("structure_id", flat=True))
    eligible = Structure.objects.eligible().filter(memberships__isnull=False).distinct().order_by("finess_et", "pk")
    first = None
    for index, structure in enumerate(eligible):
        if structure.pk in with_convention:
            continue
        convention = _convention_for(structure, index, cnam, cnam2)
        first = first or convention
    first = first or Convention.objects.active().order_by("pk").first()
    if first is not None:
        _amendment(first, cnam, cnam2)
