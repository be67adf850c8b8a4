"""Demo: the 2027 campaign in preparation and its closed consultation on the draft barème (issue 13 §4).

Called by ``manage.py seed_demo`` after the 2025 and 2026 campaigns. The 2027 draft starts from the 2026 barème
with a higher coordination forfait, mediation capped at 5 FTE instead of 4, and a new training component; the ARS
Île-de-France gives a favourable opinion with reservations, the ARS Auvergne-Rhône-Alpes an unfavourable one, the
HAS a favourable one; two managers comment. The consultation is submitted with today as its deadline and closed
by the daily job's service the next day, as in production. Idempotent: an existing 2027 campaign is left as it is.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from structures.models import Structure

from .enums import Verdict
from .models import Campaign
from .services import campaigns as campaign_services
from .services import consultations as services

YEAR = 2027
PREPARER = "cnam@secpa.example"
CHANGES = {
    "coordination": {"rate": Decimal("125000")},
    "mediation": {"rate": Decimal("64000"), "quantity_cap": Decimal("5")},
}
TRAINING = {
    "code": "formation",
    "label": "Formation des équipes à la démarche participative",
    "basis": "flat",
    "key": "",
    "rate": Decimal("8000"),
    "quantity_cap": None,
    "amount_cap": None,
    "modulated": False,
}
MESSAGE = (
    "Le projet 2027 relève le forfait de coordination (125 000 €), porte la médiation en santé à 64 000 € par ETP "
    "dans la limite de 5 ETP, et crée un forfait de formation des équipes à la démarche participative (8 000 €). "
    "Les autres composantes et les tranches de précarité sont reconduites."
)
OPINIONS = [
    (
        "ars.idf@secpa.example",
        Verdict.RESERVATIONS,
        "Favorable au relèvement de la médiation, indispensable dans les quartiers prioritaires. Réserve sur le "
        "forfait de formation, qui devrait financer aussi les usagers membres des instances.",
        {"formation": "Ouvrir le forfait à la formation des usagers qui siègent dans les instances."},
    ),
    (
        "ars.ara@secpa.example",
        Verdict.UNFAVOURABLE,
        "À enveloppe constante, le relèvement du forfait de coordination pénalise les petites structures rurales : "
        "nous demandons une modulation selon la taille de la file active.",
        {"coordination": "Moduler le forfait selon la file active plutôt que de le relever uniformément."},
    ),
    (
        "has@secpa.example",
        Verdict.FAVOURABLE,
        "Le barème finance les missions attendues ; la HAS recommande d'évaluer l'effet du forfait de formation "
        "sur la participation des usagers dès le rapport 2027.",
        {"participation": "Suivre un indicateur de participation effective des usagers aux instances."},
    ),
]
COMMENTS = [
    (
        "gestion.idf@secpa.example",
        "mediation",
        "Nos trois médiatrices couvrent deux quartiers : le plafond à 5 ETP reconnaît enfin ce travail.",
    ),
    (
        "gestion.ara@secpa.example",
        "",
        "L'interprétariat reste plafonné à 3 000 heures alors que nous en assurons "
        "davantage depuis l'arrivée de familles ukrainiennes.",
    ),
]


def _draft_bareme(campaign):
    rows = []
    for component in campaign.components.all():
        row = {name: getattr(component, name) for name in campaign_services.COMPONENT_FIELDS}
        row.update(CHANGES.get(component.code, {}))
        rows.append(row)
    rows.append(TRAINING)
    bands = [
        {name: getattr(band, name) for name in campaign_services.BAND_FIELDS}
        for band in campaign.precarity_bands.all()
    ]
    return rows, bands


def _user(email):
    return User.objects.filter(email=email, is_active=True).first()


def seed(users: dict) -> None:
    if Campaign.objects.filter(year=YEAR).exists() or not Campaign.objects.filter(year=YEAR - 1).exists():
        return
    cnam = users[PREPARER]
    today = timezone.localdate()
    previous = Campaign.objects.get(year=YEAR - 1)
    campaign = campaign_services.campaign_create(
        user=cnam,
        year=YEAR,
        fields={
            "envelope": Decimal("15500000.00"),
            "advance_share": previous.advance_share,
            "advance_due_date": datetime.date(YEAR, 3, 31),
            "balance_due_date": datetime.date(YEAR + 1, 4, 30),
            "balance_floor": previous.balance_floor,
        },
        copy_previous=True,
    )
    components, bands = _draft_bareme(campaign)
    campaign_services.bareme_replace(campaign=campaign, user=cnam, components=components, bands=bands)
    consultation = services.consultation_prepare(campaign=campaign, user=cnam, deadline=today, message=MESSAGE)
    consultation = services.consultation_open(consultation=consultation, user=cnam)
    for email, verdict, comment, remarks in OPINIONS:
        agent = _user(email)
        if agent is not None and agent.role in (Role.ARS_AGENT, Role.HAS_AGENT):
            services.opinion_give(
                consultation=consultation, user=agent, verdict=verdict, comment=comment, remarks=remarks, today=today
            )
    for email, code, text in COMMENTS:
        manager = _user(email)
        structure = (
            Structure.objects.filter(memberships__user=manager).order_by("name", "pk").first() if manager else None
        )
        if structure is not None:
            services.comment_post(
                consultation=consultation,
                user=manager,
                structure=structure,
                text=text,
                component_code=code,
                today=today,
            )
    services.consultations_close_expired(today=today + datetime.timedelta(days=1))
