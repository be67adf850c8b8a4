"""The volume data set of design.md §8 (``manage.py seed_volume``): thousands of structures over every
département, with teams, missions, managers, conventions in force, five years of annual reports, an open
campaign with computed, proposed and approved dotations, the payments of the approved ones, and a year of message
threads between the structures' managers and their region's ARS agents.

Written with ``bulk_create`` in batches, never through the per-object services (one campaign aside, created
and opened through them so that its barème is validated): thousands of services calls would take hours.
The rows still respect every model constraint, and amounts come from the real engine, so a later
computation through the services gives the same figures.

Every volume row hangs from an account of ``VOLUME_DOMAIN``: the structures' creator, so ``clear()`` finds
them again. Deterministic (a seeded random generator): two runs with the same size give the same data.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from conventions.attainment import attainment, weighted_attainment
from conventions.catalogue import seed_catalogue
from conventions.demo import OBJECTIVES as DEMO_OBJECTIVES
from conventions.demo import QUALITY
from conventions.enums import ConventionStatus, IndicatorDirection, IndicatorUnit, Obligation, ReportStatus
from conventions.models import (
    Amendment,
    AnnualReport,
    Convention,
    ConventionIndicator,
    Indicator,
    Objective,
    ReferenceSequence,
    ReportFte,
    ReportReminder,
    ReportValue,
    Target,
)
from dotations import bareme as bareme_module
from dotations import engine
from dotations.demo import BANDS, COMPONENTS
from dotations.enums import CampaignStatus, DotationStatus, PaymentKind, PaymentStatus
from dotations.inputs import SOURCE_REPORT, Snapshot
from dotations.models import Campaign, Dotation, DotationLine, DotationOpinion, Payment
from dotations.services import campaigns as campaign_services
from secpa_portal.accounts.demo import DEMO_PASSWORD
from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from secpa_portal.core.formats import date_fr
from secpa_portal.messaging import registry as thread_registry
from secpa_portal.messaging.models import Attachment, Message, Side, Unread
from secpa_portal.reference.identifiers import (
    FINESS_OVERSEAS_PREFIXES,
    make_finess,
    make_siren,
    make_siret,
    validate_commune_code,
    validate_finess,
)
from secpa_portal.reference.models import Departement, Region
from structures.enums import MANDATORY_MISSIONS, ActivityFigure, DeliveryMode, Mission, StructureKind, TerritoryType
from structures.enums import ProfessionalCategory as Cat
from structures.enums import StructureStatus as Status
from structures.models import Document, Membership, MissionLine, ReviewNote, Structure, TeamLine

VOLUME_DOMAIN = "volume.secpa.example"
CNAM_EMAIL = f"cnam@{VOLUME_DOMAIN}"
CNAM2_EMAIL = f"cnam.validation@{VOLUME_DOMAIN}"
YEAR = 2026  # the campaign's year; conventions run from FIRST_YEAR to YEAR
FIRST_YEAR = YEAR - 4
BATCH = 2000
UTC = datetime.UTC
CENT = Decimal("0.01")
OVERSEAS_FINESS = {departement: prefix for prefix, departement in FINESS_OVERSEAS_PREFIXES.items()}

# Of every 20 structures: 16 eligible (with a convention in force), then one in each other state.
STATE_CYCLE = [Status.ELIGIBLE] * 16 + [Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED]
LAST_STATES = [Status.INELIGIBLE, Status.DRAFT, Status.WITHDRAWN]
REVIEWED = {Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.ELIGIBLE, Status.INELIGIBLE}
NAMES = [
    "Les Tilleuls",
    "Pasteur",
    "du Parc",
    "Simone Veil",
    "des Trois Rivières",
    "de la Gare",
    "Louise Michel",
    "du Vieux Port",
    "des Coteaux",
    "Ambroise Paré",
]
# (category, headcount range, FTE per head)
TEAM = [
    (Cat.GENERAL_PRACTITIONER, (3, 8), Decimal("0.80")),
    (Cat.NURSE, (2, 5), Decimal("0.90")),
    (Cat.COORDINATOR, (1, 1), Decimal("1.00")),
    (Cat.HEALTH_MEDIATOR, (1, 3), Decimal("1.00")),
    (Cat.PSYCHOLOGIST, (1, 2), Decimal("0.70")),
    (Cat.SOCIAL_WORKER, (1, 2), Decimal("0.80")),
    (Cat.RECEPTION, (2, 4), Decimal("0.90")),
]
# The demo's objectives, the quality one last (numbered 0 – 4 below).
OBJECTIVES = [*DEMO_OBJECTIVES, QUALITY]
OBJECTIVE_PAIRS = [(0, 1), (0, 2), (2, 3), (1, 4)]
PROGRESS = [Decimal(x) for x in ("1.10", "0.85", "0.60", "1.00", "0.40", "0.95", "0.75")]
SEND_BACK_REASON = "Merci de joindre les statuts signés et le dernier procès-verbal de l'assemblée générale."
# What each side writes on a file's thread, in turn (the structure's side usually opens it).
STRUCTURE_TEXTS = [
    "Bonjour, notre médiatrice en santé a rejoint l'équipe en mars : faut-il mettre à jour le dossier ?",
    "Les statuts modifiés lors de la dernière assemblée générale sont-ils à joindre au dossier ?",
    "Nous ouvrons une antenne dans la commune voisine : change-t-elle quelque chose à notre dossier ?",
    "Merci. La mise à jour est faite, les pièces sont jointes au dossier.",
    "Notre file active a augmenté de 15 % cette année : à quel moment la déclarer ?",
    "Le partenaire d'interprétariat a changé en cours d'année : le nouveau contrat suffit-il ?",
]
AGENCY_TEXTS = [
    "Bonjour, oui : mettez à jour la composition de l'équipe, l'ARS le verra à la prochaine revue.",
    "Merci de joindre la version signée ; l'ancienne reste au dossier pour l'historique.",
    "Pas de changement d'éligibilité : décrivez l'organisation dans le projet de santé.",
    "Bien reçu, merci. Le dossier est complet de notre côté.",
    "Le rapport annuel reprend ces chiffres : déclarez-les lors de son dépôt.",
    "Oui, le contrat suffit s'il couvre la même mission ; joignez-le aux pièces.",
]


@dataclass
class Accounts:
    cnam: User
    cnam2: User
    ars: dict = field(default_factory=dict)  # region code → agent
    managers: list = field(default_factory=list)


def volume_structures():
    return Structure.objects.filter(created_by__email__endswith="@" + VOLUME_DOMAIN)


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _at(year, month, day, hour=10):
    return datetime.datetime(year, month, min(day, 28), hour, tzinfo=UTC)


# --- Accounts -----------------------------------------------------------------------------------------------


def _accounts(structure_count: int) -> Accounts:
    """Two CNAM agents, one ARS agent per region, one manager for every two structures (created once)."""
    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 for thousands of accounts would take minutes
    wanted = [
        (CNAM_EMAIL, Role.CNAM_AGENT, None, "Nadia", "Volume"),
        (CNAM2_EMAIL, Role.CNAM_AGENT, None, "Louis", "Volume"),
    ]
    for region in Region.objects.order_by("code"):
        wanted.append((f"ars.{region.code}@{VOLUME_DOMAIN}", Role.ARS_AGENT, region.code, "Agent", region.name))
    managers = max(1, (structure_count + 1) // 2)
    wanted += [
        (f"gestion.{n:05d}@{VOLUME_DOMAIN}", Role.MANAGER, None, "Gestionnaire", f"n° {n}")
        for n in range(1, managers + 1)
    ]
    existing = set(User.objects.filter(email__endswith="@" + VOLUME_DOMAIN).values_list("email", flat=True))
    _bulk(
        User,
        [
            User(email=email, role=role, region_id=region, first_name=first, last_name=last, password=password)
            for email, role, region, first, last in wanted
            if email not in existing
        ],
    )
    users = User.objects.in_bulk([row[0] for row in wanted], field_name="email")
    return Accounts(
        cnam=users[CNAM_EMAIL],
        cnam2=users[CNAM2_EMAIL],
        ars={u.region_id: u for u in users.values() if u.role == Role.ARS_AGENT},
        managers=[users[f"gestion.{n:05d}@{VOLUME_DOMAIN}"] for n in range(1, managers + 1)],
    )


# --- Structures ---------------------------------------------------------------------------------------------


def _identifiers(departement: str, serial: int, index: int) -> dict:
    """FINESS (établissement, entité juridique), SIRET and commune code, valid and unique, for the département."""
    if departement in OVERSEAS_FINESS:
        prefix = OVERSEAS_FINESS[departement]
        finess_et = make_finess(f"{prefix}9{serial:03d}")
        finess_ej = make_finess(f"{prefix}6{serial:03d}")
        commune = f"{departement}{serial % 20 + 1:02d}"
        postal = f"{departement}00"
    elif len(departement) == 3:
        # Saint-Barthélemy (977), Saint-Martin (978): no FINESS prefix of their own, Guadeloupe's (9701) with
        # other leading digits than 971's; their only commune.
        digit = int(departement[2])
        finess_et = make_finess(f"9701{digit}{serial:03d}")
        finess_ej = make_finess(f"9701{digit - 5}{serial:03d}")
        commune = f"{departement}01"
        postal = "97133" if departement == "977" else "97150"
    elif departement.startswith("2") and not departement.isdigit():  # Corsica: no Luhn key
        finess_et = validate_finess(f"{departement}9{serial:06d}")
        finess_ej = validate_finess(f"{departement}6{serial:06d}")
        commune = f"{departement}{serial % 50 + 1:03d}"
        postal = "20000"
    else:
        finess_et = make_finess(f"{departement}9{serial:05d}")
        finess_ej = make_finess(f"{departement}6{serial:05d}")
        commune = "75056" if departement == "75" else f"{departement}{serial % 50 + 1:03d}"
        postal = f"{departement}000"
    siren = make_siren(f"8{index:07d}")
    return {
        "finess_et": finess_et,
        "finess_ej": finess_ej,
        "siret": make_siret(siren, "0001"),
        "commune_code": validate_commune_code(commune),
        "postal_code": postal,
    }


def _state(index: int) -> str:
    position = index % 20
    if position < len(STATE_CYCLE):
        return STATE_CYCLE[position]
    return LAST_STATES[(index // 20) % len(LAST_STATES)]


def _structure(index, departement, serial, accounts, rng) -> Structure:
    status = _state(index)
    kind = StructureKind.CDS if index % 3 else StructureKind.MSP
    label = "Centre de santé" if kind == StructureKind.CDS else "Maison de santé"
    file_active = rng.randint(1500, 4500)
    submitted = None if status == Status.DRAFT else _at(FIRST_YEAR - 1, 3 + index % 6, 1 + index % 28)
    territory = TerritoryType.RURAL if index % 2 else TerritoryType.OTHER
    return Structure(
        name=f"{label} {NAMES[index % len(NAMES)]} — {departement.name} {serial + 1}",
        kind=kind,
        legal_form="Association loi 1901" if index % 4 else "Société coopérative d'intérêt collectif",
        address=f"{1 + index % 180} rue de la République",
        commune_name=f"{departement.name} (commune {serial % 50 + 1})",
        departement_id=departement.code,
        region_id=departement.region_id,
        territory_type=territory,
        territory_justification="Commune en zone d'intervention prioritaire du zonage médecins ; "
        "part de la population sans médecin traitant supérieure à la moyenne régionale.",
        attests_tiers_payant=True,
        attests_no_overbilling=True,
        attests_open_to_all=True,
        attests_general_medicine=True,
        declared_file_active=file_active,
        declared_patientele_mt=int(file_active * 0.62),
        declared_precarity_share=Decimal(rng.randint(2000, 6000)) / 100,
        declared_interpreting_hours=rng.randint(200, 500),
        declared_mediation_acts=rng.randint(400, 800),
        declared_psy_sessions=rng.randint(300, 500),
        declared_participatory_actions=rng.randint(8, 16),
        declared_participants=rng.randint(150, 300),
        other_funding_amount=Decimal(rng.randint(20, 120) * 1000),
        status=status,
        reviewer=accounts.ars.get(departement.region_id) if status in REVIEWED else None,
        last_decision_reason={
            Status.INELIGIBLE: "Critères d'éligibilité non remplis : pas de médecin généraliste salarié.",
            Status.CHANGES_REQUESTED: SEND_BACK_REASON,
        }.get(status, ""),
        submitted_at=submitted,
        status_changed_at=submitted + datetime.timedelta(days=60) if submitted else None,
        created_by=accounts.managers[index // 2],
        **_identifiers(departement.code, serial, index),
    )


def _team_and_missions(structures, rng):
    teams, missions = [], []
    for structure in structures:
        for category, (low, high), per_head in TEAM:
            headcount = rng.randint(low, high)
            fte = (per_head * headcount).quantize(CENT)
            teams.append(TeamLine(structure=structure, category=category, headcount=headcount, fte=fte))
        for mission in MANDATORY_MISSIONS:
            partner = mission == Mission.INTERPRETING
            missions.append(
                MissionLine(
                    structure=structure,
                    mission=mission,
                    delivery_mode=DeliveryMode.PARTNER if partner else DeliveryMode.IN_HOUSE,
                    in_house_fte=None if partner else Decimal(rng.randint(20, 150)) / 100,
                    partner_name="Service d'interprétariat professionnel conventionné" if partner else "",
                    description="Organisation décrite dans le projet de santé, revue chaque année en équipe.",
                )
            )
    _bulk(TeamLine, teams)
    _bulk(MissionLine, missions)
    return teams


def _structures(count, accounts, rng):
    departements = list(Departement.objects.order_by("code"))
    taken = set(Structure.objects.exclude(finess_et="").values_list("finess_et", flat=True))
    rows = []
    for index in range(count):
        departement = departements[index % len(departements)]
        row = _structure(index, departement, index // len(departements), accounts, rng)
        if row.finess_et in taken:  # a demo structure already holds it: the volume one goes without
            row.finess_et = ""
        rows.append(row)
    structures = _bulk(Structure, rows)
    _bulk(Membership, [Membership(user=s.created_by, structure=s) for s in structures])
    teams = _team_and_missions(structures, rng)
    team_by_structure = {}
    for line in teams:
        team_by_structure.setdefault(line.structure_id, {})[line.category] = line.fte
    return structures, team_by_structure


# --- Conventions --------------------------------------------------------------------------------------------


def _references(structures) -> dict:
    """``SECPA-<region>-<year>-<n>`` after the last one given in each region, and the counters moved on."""
    last = dict(
        ReferenceSequence.objects.filter(year=FIRST_YEAR).values_list("region_code", "last"),
    )
    references = {}
    for structure in structures:
        code = structure.region_id
        last[code] = last.get(code, 0) + 1
        references[structure.pk] = f"SECPA-{code}-{FIRST_YEAR}-{last[code]:03d}"
    for code, value in last.items():
        ReferenceSequence.objects.update_or_create(region_code=code, year=FIRST_YEAR, defaults={"last": value})
    return references


def _conventions(eligible, accounts):
    references = _references(eligible)
    sent = _at(FIRST_YEAR - 1, 11, 15)
    rows = []
    for structure in eligible:
        manager = structure.created_by
        rows.append(
            Convention(
                structure=structure,
                reference=references[structure.pk],
                status=ConventionStatus.ACTIVE,
                start_date=datetime.date(FIRST_YEAR, 1, 1),
                duration_years=5,
                end_date=Convention.compute_end_date(datetime.date(FIRST_YEAR, 1, 1), 5),
                obligations=list(Obligation.values),
                prepared_by=accounts.cnam,
                sent_at=sent,
                structure_signatory_name=manager.get_full_name(),
                structure_signatory_capacity="Directrice",
                structure_signed_by=manager,
                structure_signed_at=sent + datetime.timedelta(days=10),
                cnam_signatory_name=accounts.cnam2.get_full_name(),
                cnam_signatory_capacity="Pour le directeur général de la CNAM",
                cnam_signed_by=accounts.cnam2,
                cnam_signed_at=sent + datetime.timedelta(days=20),
            )
        )
    return _bulk(Convention, rows)


def _plan(index):
    """The (objective number, indicator line) pairs a convention follows: 4 to 6 indicators."""
    pair = OBJECTIVE_PAIRS[index % len(OBJECTIVE_PAIRS)]
    lines = [(number, line) for number in pair for line in OBJECTIVES[number][2]]
    return lines[: 4 + index % 3]


def _terms(conventions):
    """Objectives, the convention's indicators (activity ones without objective) and yearly targets.

    Returns, per convention id, the followed lines as (ConventionIndicator, {year: target}).
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    activity = list(Indicator.objects.active().activity().order_by("order", "code"))
    objectives, plans = [], {}
    for index, convention in enumerate(conventions):
        plan = _plan(index)
        plans[convention.pk] = plan
        for order, number in enumerate(dict.fromkeys(n for n, _ in plan), start=1):
            title, description, _lines = OBJECTIVES[number]
            objectives.append(Objective(convention=convention, order=order, title=title, description=description))
    objectives = _bulk(Objective, objectives)
    by_title = {(o.convention_id, o.title): o for o in objectives}
    lines, targets_by_line = [], []
    for index, convention in enumerate(conventions):
        under_objective = {code for _number, (code, *_rest) in plans[convention.pk]}
        for indicator in activity:
            if indicator.code not in under_objective:
                lines.append(ConventionIndicator(convention=convention, indicator=indicator))
                targets_by_line.append({})
        for number, (code, baseline, step, points) in plans[convention.pk]:
            indicator = indicators[code]
            base, step = Decimal(baseline) + index % 5, Decimal(step)
            targets = {}
            for n, year in enumerate(range(FIRST_YEAR, YEAR + 1), start=1):
                value = base + step * n
                if indicator.unit == IndicatorUnit.PERCENT:
                    value = min(value, Decimal("100"))
                targets[year] = max(value, Decimal("1"))
            lines.append(
                ConventionIndicator(
                    convention=convention,
                    objective=by_title[(convention.pk, OBJECTIVES[number][0])],
                    indicator=indicator,
                    baseline=base,
                    points=Decimal(points),
                )
            )
            targets_by_line.append(targets)
    lines = _bulk(ConventionIndicator, lines)
    _bulk(
        Target,
        [
            Target(convention_indicator=line, year=year, value=value)
            for line, targets in zip(lines, targets_by_line, strict=True)
            for year, value in targets.items()
        ],
    )
    followed = {}
    for line, targets in zip(lines, targets_by_line, strict=True):
        followed.setdefault(line.convention_id, []).append((line, targets))
    return followed


# --- Annual reports -----------------------------------------------------------------------------------------


def _activity(index: int, year_index: int, rng) -> dict:
    grow = Decimal(1) + Decimal("0.06") * year_index
    file_active = (Decimal(1800 + 173 * (index % 9)) * grow).quantize(Decimal(1))
    return {
        ActivityFigure.FILE_ACTIVE: file_active,
        ActivityFigure.PATIENTELE_MT: (file_active * Decimal("0.62")).quantize(Decimal(1)),
        ActivityFigure.PRECARITY_SHARE: Decimal(20 + 4 * (index % 9)) + Decimal("0.5"),
        ActivityFigure.INTERPRETING_HOURS: (Decimal(260 + 35 * (index % 6)) * grow).quantize(Decimal("0.5")),
        ActivityFigure.MEDIATION_ACTS: (Decimal(480 + 45 * (index % 8)) * grow).quantize(Decimal(1)),
        ActivityFigure.PSY_SESSIONS: (Decimal(350 + 30 * (index % 5)) * grow).quantize(Decimal(1)),
        ActivityFigure.PARTICIPATORY_ACTIONS: Decimal(10 + index % 6 + 2 * year_index),
        ActivityFigure.PARTICIPANTS: Decimal(160 + 20 * (index % 6) + 30 * year_index + rng.randint(0, 9)),
    }


def _objective_value(line, target, progress):
    indicator = line.indicator
    if indicator.direction == IndicatorDirection.YES_NO:
        return Decimal(1) if progress >= Decimal("0.6") else Decimal(0)
    value = line.baseline + (target - line.baseline) * progress
    if indicator.unit == IndicatorUnit.PERCENT:
        value = min(Decimal(100), value)
    places = Decimal(1) if indicator.unit in (IndicatorUnit.COUNT, IndicatorUnit.DAYS) else Decimal("0.1")
    return max(Decimal(0), value).quantize(places, rounding=ROUND_HALF_UP)


def _report_state(index, year):
    if year < YEAR - 1:
        return ReportStatus.VALIDATED
    if year == YEAR - 1:
        return ReportStatus.SUBMITTED if index % 10 == 0 else ReportStatus.VALIDATED
    return ReportStatus.DRAFT


def _reports(conventions, followed, team_by_structure, accounts, rng):
    """Five reports per convention (FIRST_YEAR … YEAR): validated, the last but one sometimes awaiting
    validation, the current year's in draft. Returns, per convention, its latest validated report's figures."""
    reports, contents = [], []
    for index, convention in enumerate(conventions):
        manager = convention.structure.created_by
        for year_index, year in enumerate(range(FIRST_YEAR, YEAR + 1)):
            state = _report_state(index, year)
            progress = PROGRESS[(index + year_index) % len(PROGRESS)]
            activity = _activity(index, year_index, rng)
            values, items = [], []
            for line, targets in followed[convention.pk]:
                indicator = line.indicator
                if indicator.activity_figure:
                    value = activity[indicator.activity_figure]
                else:
                    value = _objective_value(line, targets[year], progress)
                values.append((indicator, value))
                if targets:
                    items.append((attainment(indicator.direction, value, targets[year], line.baseline), line.points))
            grow = Decimal(1) + Decimal("0.03") * year_index
            fte = {k: (v * grow).quantize(CENT) for k, v in team_by_structure[convention.structure_id].items()}
            filed = state != ReportStatus.DRAFT
            submitted_at = _at(year + 1, 3, 1 + index % 27) if filed else None
            validated = state == ReportStatus.VALIDATED
            reports.append(
                AnnualReport(
                    convention=convention,
                    year=year,
                    status=state,
                    due_date=AnnualReport.default_due_date(year),
                    submitted_at=submitted_at,
                    submitted_by=manager if filed else None,
                    validated_at=submitted_at + datetime.timedelta(days=20) if validated else None,
                    validated_by=accounts.ars.get(convention.structure.region_id) if validated else None,
                    weighted_attainment=weighted_attainment(items) if validated else None,
                )
            )
            contents.append((values, fte, activity))
    reports = _bulk(AnnualReport, reports)
    values, ftes, latest = [], [], {}
    for report, (report_values, fte, activity) in zip(reports, contents, strict=True):
        values += [ReportValue(report=report, indicator=i, value=v) for i, v in report_values]
        ftes += [ReportFte(report=report, category=category, fte=v) for category, v in fte.items()]
        if report.status == ReportStatus.VALIDATED and report.year < YEAR:
            latest[report.convention_id] = (report, fte, activity)  # years ascend: the last one wins
        if len(values) >= 10 * BATCH:
            _bulk(ReportValue, values)
            values = []
    _bulk(ReportValue, values)
    _bulk(ReportFte, ftes)
    return reports, latest


# --- Campaign, dotations, payments --------------------------------------------------------------------------


def _campaign(accounts, structure_count) -> Campaign:
    campaign = Campaign.objects.filter(year=YEAR).first()
    if campaign is None:
        campaign = campaign_services.campaign_create(
            user=accounts.cnam,
            year=YEAR,
            fields={
                "envelope": Decimal(structure_count * 500_000),
                "advance_share": Decimal("0.60"),
                "advance_due_date": datetime.date(YEAR, 3, 31),
                "balance_due_date": datetime.date(YEAR + 1, 4, 30),
                "balance_floor": Decimal("0.50"),
                "fiss_end_date": datetime.date(YEAR, 10, 31),
            },
        )
        decimal_keys = {"rate", "quantity_cap", "amount_cap", "lower", "upper", "coefficient"}

        def decimals(rows, defaults):
            return [
                {k: Decimal(v) if k in decimal_keys and v is not None else v for k, v in {**defaults, **r}.items()}
                for r in rows
            ]

        campaign_services.bareme_replace(
            campaign=campaign,
            user=accounts.cnam,
            components=decimals(COMPONENTS, {"key": "", "quantity_cap": None, "amount_cap": None, "modulated": False}),
            bands=decimals(BANDS, {}),
            reference_patients=4000,
        )
        campaign_services.campaign_open(campaign=campaign, user=accounts.cnam)
        Campaign.objects.filter(pk=campaign.pk).update(is_demonstration=True)
    campaign = Campaign.objects.prefetch_related("components", "precarity_bands").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValueError(f"La campagne {YEAR} existe et n'est pas ouverte : elle ne peut pas recevoir de dotations.")
    return campaign


def _dotation_state(index):
    position = index % 10
    if position < 3:
        return DotationStatus.APPROVED
    return DotationStatus.PROPOSED if position == 3 else DotationStatus.COMPUTED


def _dotations(campaign, conventions, latest, accounts):
    bareme = bareme_module.load(campaign)
    now = timezone.now()
    dotations, results = [], []
    for index, convention in enumerate(conventions):
        report, fte, activity = latest[convention.pk]
        validated = date_fr(report.validated_at)
        snapshot = Snapshot(
            SOURCE_REPORT,
            f"rapport annuel {report.year}, validé le {validated}",
            {str(k): v for k, v in fte.items()},
            {str(k): v for k, v in activity.items()},
            report.pk,
        ).with_zero_fte(bareme)
        result = engine.compute(bareme, snapshot.engine_inputs(), campaign.reduction)
        state = _dotation_state(index)
        engaged = state != DotationStatus.COMPUTED
        dotations.append(
            Dotation(
                campaign=campaign,
                convention=convention,
                structure_id=convention.structure_id,
                region_id=convention.structure.region_id,
                status=state,
                computed_total=result.total,
                total=result.total,
                precarity_coefficient=result.precarity_coefficient,
                reduction=result.reduction,
                inputs=snapshot.as_json(),
                inputs_source=snapshot.label[:200],
                computed_at=now,
                prepared_by=accounts.cnam,
                proposed_at=now if engaged else None,
                approved_by=accounts.cnam2 if state == DotationStatus.APPROVED else None,
                approved_at=now if state == DotationStatus.APPROVED else None,
            )
        )
        results.append(result)
    dotations = _bulk(Dotation, dotations)
    _bulk(
        DotationLine,
        [
            line
            for dotation, result in zip(dotations, results, strict=True)
            for line in DotationLine.from_engine(dotation, result.lines)
        ],
    )
    return dotations


def _payments(campaign, dotations, accounts):
    """Approved dotations: the advance (paid for every other one) and the balance, waiting for the report."""
    rows = []
    # bulk_create does not call Payment.save, which copies the structure's name (the list's sort key).
    names = dict(Structure.objects.filter(pk__in={d.structure_id for d in dotations}).values_list("pk", "name"))
    for index, dotation in enumerate(d for d in dotations if d.status == DotationStatus.APPROVED):
        paid = index % 2 == 0
        rows.append(
            Payment(
                dotation=dotation,
                kind=PaymentKind.ADVANCE,
                structure_name=names[dotation.structure_id],
                status=PaymentStatus.PAID if paid else PaymentStatus.SCHEDULED,
                amount=engine.advance_amount(dotation.total, campaign.advance_share),
                due_date=campaign.advance_due_date,
                paid_on=campaign.advance_due_date if paid else None,
                reference=f"VIR-{YEAR}-{dotation.pk:07d}" if paid else "",
                recorded_by=accounts.cnam if paid else None,
                fund=campaign.fund_for(campaign.advance_due_date),
            )
        )
        rows.append(
            Payment(
                dotation=dotation,
                kind=PaymentKind.BALANCE,
                structure_name=names[dotation.structure_id],
                due_date=campaign.balance_due_date,
                fund=campaign.fund_for(campaign.balance_due_date),
            )
        )
    return _bulk(Payment, rows)


# --- Message threads ----------------------------------------------------------------------------------------


def _created_at_kept(rows):
    """``bulk_create`` of messages keeping their dates (``auto_now_add`` would stamp every one with now)."""
    created_at = Message._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        return _bulk(Message, rows)
    finally:
        created_at.auto_now_add = True


def _thread_messages(structure, manager, agent, rng):
    """(author, side, text, date, opening reason) of one file's thread: a send-back's reason opens it (as
    ``structures.services`` does), else 1 – 6 messages in turn, most often opened by the structure."""
    if structure.status == Status.CHANGES_REQUESTED:
        when = structure.status_changed_at
        turns = [(agent, Side.AGENCY, SEND_BACK_REASON, when, "changes_requested")]
        count = rng.randint(0, 2)
        manager_turn = True
    else:
        turns = []
        count = rng.randint(1, 6)
        manager_turn = rng.random() < 0.75
        when = _at(YEAR, rng.randint(1, 9), rng.randint(1, 28), rng.randint(8, 17))
    for _n in range(count):
        when = when + datetime.timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 8))
        if manager_turn:
            turns.append((manager, Side.STRUCTURE, rng.choice(STRUCTURE_TEXTS), when, ""))
        else:
            turns.append((agent, Side.AGENCY, rng.choice(AGENCY_TEXTS), when, ""))
        manager_turn = not manager_turn
    return turns


def _threads(structures, accounts, rng):
    """A thread on about half of the submitted files, between the structure's manager and its region's ARS agent.

    Unread rows follow ``messaging.services``: every participant but the author gets one per message, until they
    open the thread (which a reply implies). The last message is still unread by the other side of one thread in
    three; participants outside the volume (another ARS agent of the region) never opened these threads. The users'
    ``unread_messages`` counters are then recounted, as ``mark_read`` does.
    """
    dossier = thread_registry.get("structure")
    # The participants of ``messaging.services.participants``: the file's active managers (here its creator, its
    # only member) and every active ARS agent of its region.
    agents_by_region = {}
    for agent in User.objects.filter(is_active=True, role=Role.ARS_AGENT, region_id__isnull=False).order_by("pk"):
        agents_by_region.setdefault(agent.region_id, []).append(agent)
    rows, plans = [], []
    for structure in structures:
        agent = accounts.ars.get(structure.region_id)
        if structure.submitted_at is None or agent is None:
            continue  # a draft is seen by no agent: no thread
        if structure.status != Status.CHANGES_REQUESTED and rng.random() >= 0.5:
            continue
        manager = structure.created_by
        turns = _thread_messages(structure, manager, agent, rng)
        label = str(dossier.label(structure))[:300]
        first = len(rows)
        for author, side, text, when, reason in turns:
            rows.append(
                Message(
                    dossier_kind=dossier.kind,
                    object_id=structure.pk,
                    structure_id=structure.pk,
                    dossier_label=label,
                    author=author,
                    author_label=str(author)[:300],
                    side=side,
                    text=text,
                    opens_with_reason=reason,
                    created_at=when,
                )
            )
        participants = [manager, *agents_by_region.get(structure.region_id, [])]
        plans.append((first, len(rows), participants, {manager.pk, agent.pk}, rng.random() < 1 / 3))
    messages = _created_at_kept(rows)
    unread = []
    for first, end, participants, pair, last_unread in plans:
        thread = messages[first:end]
        for user in participants:
            if user.pk in pair and not last_unread:
                continue  # opened the thread since its last message
            # Unread since their own last message (a reply implies the thread was open); all of it for a
            # participant who never wrote, including one outside the volume, who never opened it.
            own = [n for n, message in enumerate(thread) if message.author_id == user.pk]
            since = own[-1] + 1 if own else 0
            unread += [Unread(user=user, message=message) for message in thread[since:]]
    _bulk(Unread, unread)
    _recount_unread({row.user_id for row in unread})
    return messages, unread


def _recount_unread(user_ids):
    """``User.unread_messages`` recounted from the unread rows (the header reads the counter)."""
    counted = Unread.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(n=Count("pk")).values("n")
    User.objects.filter(pk__in=user_ids).update(unread_messages=Coalesce(Subquery(counted), 0))


# --- Entry points -------------------------------------------------------------------------------------------


def clear() -> int:
    """Delete every volume row (the accounts stay, the journal keeps their names); returns the structures removed.

    Raw deletes, children first: the history signals of Structure, Convention and Dotation would otherwise
    write one history row per deleted object.
    """
    structures = volume_structures()
    count = structures.count()
    conventions = Convention.objects.filter(structure__in=structures)
    dotations = Dotation.objects.filter(structure__in=structures)
    reports = AnnualReport.objects.filter(convention__in=conventions)
    # Every thread on a volume dossier (any kind: a message posted on a volume convention goes too).
    messages = Message.objects.filter(structure_id__in=structures.values("pk"))
    readers = set(Unread.objects.filter(message__in=messages).values_list("user_id", flat=True))
    for queryset in (
        Unread.objects.filter(message__in=messages),
        Attachment.objects.filter(message__in=messages),
        messages,
        Payment.objects.filter(dotation__in=dotations),
        DotationOpinion.objects.filter(dotation__in=dotations),
        DotationLine.objects.filter(dotation__in=dotations),
        dotations,
        ReportReminder.objects.filter(report__in=reports),
        ReportValue.objects.filter(report__in=reports),
        ReportFte.objects.filter(report__in=reports),
        reports,
        Target.objects.filter(convention_indicator__convention__in=conventions),
        ConventionIndicator.objects.filter(convention__in=conventions),
        Objective.objects.filter(convention__in=conventions),
        Amendment.objects.filter(convention__in=conventions),
        conventions,
        Membership.objects.filter(structure__in=structures),
        TeamLine.objects.filter(structure__in=structures),
        MissionLine.objects.filter(structure__in=structures),
        Document.objects.filter(structure__in=structures),
        ReviewNote.objects.filter(structure__in=structures),
        structures,
    ):
        queryset._raw_delete(queryset.db)
    _recount_unread(readers)
    return count


def seed(structure_count: int, *, log=print) -> dict:
    """Create the volume data set; returns the number of rows per model."""
    rng = random.Random(YEAR)
    seed_catalogue(Indicator)
    accounts = _accounts(structure_count)
    log(f"Comptes : {len(accounts.managers)} gestionnaires, {len(accounts.ars)} agents ARS, 2 agents CNAM.")
    structures, team_by_structure = _structures(structure_count, accounts, rng)
    log(f"Structures : {len(structures)}.")
    by_pk = {s.pk: s for s in structures}
    eligible = [s for s in structures if s.status == Status.ELIGIBLE]
    conventions = _conventions(eligible, accounts)
    for convention in conventions:
        convention.structure = by_pk[convention.structure_id]
    followed = _terms(conventions)
    log(f"Conventions en vigueur : {len(conventions)}.")
    reports, latest = _reports(conventions, followed, team_by_structure, accounts, rng)
    log(f"Rapports annuels : {len(reports)}.")
    campaign = _campaign(accounts, structure_count)
    dotations = _dotations(campaign, conventions, latest, accounts)
    payments = _payments(campaign, dotations, accounts)
    # The envelope covers every dotation of the campaign, with a margin: approvals never exceed it.
    total = Dotation.objects.filter(campaign=campaign).aggregate(total=Sum("total"))["total"] or Decimal(0)
    envelope = max(campaign.envelope, (total * Decimal("1.15")).quantize(Decimal(1000)))
    Campaign.objects.filter(pk=campaign.pk).update(envelope=envelope)
    log(f"Campagne {YEAR} : {len(dotations)} dotations, {len(payments)} versements.")
    messages, unread = _threads(structures, accounts, rng)
    log(f"Messages : {len(messages)}, dont {len(unread)} non lus par un participant.")
    return {
        "structures": len(structures),
        "conventions": len(conventions),
        "reports": len(reports),
        "dotations": len(dotations),
        "payments": len(payments),
        "messages": len(messages),
    }
