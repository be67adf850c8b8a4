"""Demo structures for ``manage.py seed_demo``: 26 files over 10 regions, in every workflow state.

Every file is built through the services, so the journal holds the same events a real one would.  A file is
keyed on its FINESS établissement: running the seed again leaves existing files as they are.  The FINESS,
SIREN and SIRET numbers start with the département and carry a valid key; they are invented, like the
structures, but the communes (INSEE code and postal code) are real and the QPV codes have the real formats.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from secpa_portal.accounts.demo import DEMO_PASSWORD
from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from secpa_portal.messaging.services import post_message
from secpa_portal.reference.identifiers import make_finess, make_siren, make_siret

from . import services
from .enums import (
    MANDATORY_MISSIONS,
    DeliveryMode,
    DocumentKind,
    Mission,
    StructureKind,
    TerritoryType,
)
from .enums import (
    ProfessionalCategory as Cat,
)
from .models import Structure

# Region code → (e-mail suffix of its demo accounts, ARS agent's first and last name, manager's names).
# Île-de-France and Auvergne-Rhône-Alpes use the accounts of secpa_portal/accounts/demo.py.
REGION_ACCOUNTS = {
    "11": ("idf", None, None),
    "84": ("ara", None, None),
    "32": ("hdf", ("Sophie", "Lefebvre"), ("Karim", "Benali")),
    "93": ("paca", ("Marc", "Olivier"), ("Fatou", "Diallo")),
    "76": ("occ", ("Claire", "Fabre"), ("Hugo", "Castel")),
    "75": ("naq", ("Thomas", "Lacoste"), ("Amina", "Haddad")),
    "44": ("ge", ("Élodie", "Schmitt"), ("Mathieu", "Klein")),
    "52": ("pdl", ("Anne", "Guérin"), ("Yann", "Le Goff")),
    "53": ("bre", ("Gwenaëlle", "Le Bihan"), ("Erwan", "Tanguy")),
    "27": ("bfc", ("Pierre", "Girard"), ("Laura", "Bourgeois")),
}

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# Steps after registration: ("submit",), ("take",), ("note", text), ("decide", decision, reason),
# ("withdraw", reason), ("reopen", reason).
ELIGIBLE = (("submit",), ("take",), ("decide", "declare_eligible", ""))
IN_REVIEW = (("submit",), ("take",))
SUBMITTED = (("submit",),)
DRAFT = ()


@dataclass(frozen=True)
class DemoStructure:
    serial: int
    region: str
    name: str
    kind: str
    commune_code: str
    commune_name: str
    postal_code: str
    address: str
    territory: str
    qpv_codes: tuple = ()
    justification: str = ""
    steps: tuple = ELIGIBLE
    # "full" (ready to submit), "team" (identity, location and team only) or "identity".
    filled: str = "full"
    legal_form: str = "Association loi 1901"
    prevention: bool = True
    partners: dict = field(default_factory=dict)

    @property
    def departement(self) -> str:
        return self.commune_code[:2]

    @property
    def finess_et(self) -> str:
        return make_finess(f"{self.departement}08{self.serial:04d}")

    @property
    def finess_ej(self) -> str:
        return make_finess(f"{self.departement}07{self.serial:04d}")

    @property
    def siret(self) -> str:
        return make_siret(make_siren(f"{self.departement}5{self.serial:05d}"), "0001")


CDS, MSP = StructureKind.CDS, StructureKind.MSP
QPV, NEAR, RURAL, OTHER = TerritoryType.QPV, TerritoryType.NEAR_QPV, TerritoryType.RURAL, TerritoryType.OTHER

STRUCTURES = [
    # Île-de-France
    DemoStructure(
        1,
        "11",
        "Centre de santé communautaire La Place Santé",
        CDS,
        "93066",
        "Saint-Denis",
        "93200",
        "6 rue Gaston-Philippe",
        QPV,
        ("QN09313M",),
        partners={Mission.INTERPRETING: "ISM Interprétariat"},
    ),
    DemoStructure(
        2,
        "11",
        "Maison de santé pluriprofessionnelle des Quatre-Chemins",
        MSP,
        "93001",
        "Aubervilliers",
        "93300",
        "41 avenue de la République",
        QPV,
        ("QN09302M",),
        steps=IN_REVIEW + (("note", "Entretien téléphonique avec la coordinatrice prévu la semaine prochaine."),),
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
    ),
    DemoStructure(
        3,
        "11",
        "Centre de santé participatif Flandre",
        CDS,
        "75119",
        "Paris 19e Arrondissement",
        "75019",
        "112 avenue de Flandre",
        QPV,
        ("QN07520M", "QN07521M"),
        steps=SUBMITTED,
    ),
    DemoStructure(
        4,
        "11",
        "Centre de santé communautaire de Grigny",
        CDS,
        "91286",
        "Grigny",
        "91350",
        "8 place Henri-Barbusse",
        QPV,
        ("QN09104M",),
        legal_form="Centre de santé municipal",
    ),
    DemoStructure(
        5,
        "11",
        "Centre de santé communautaire Le Bel-Air",
        CDS,
        "93048",
        "Montreuil",
        "93048",  # the INSEE code typed as the postal code: the ARS asks for it, the manager corrects it
        "27 rue du Bel-Air",
        NEAR,
        (),
        "Le centre est à 300 m du quartier prioritaire Bel-Air – Grands-Pêchers ; 70 % de sa file active y réside.",
        steps=IN_REVIEW
        + (
            (
                "decide",
                "request_changes",
                "Les statuts transmis ne sont pas signés : merci de joindre la version adoptée en assemblée générale. "
                "Le code postal indiqué (93048) est le code commune INSEE de Montreuil : corrigez-le (93100).",
            ),
            # The manager answers in the thread, corrects the file and submits it again: it returns to the
            # agent, whose review page shows what changed (structures.changes).
            (
                "message",
                "manager",
                "Bonjour, voici les statuts signés adoptés le 12 mars. Nous avons aussi recruté une deuxième "
                "médiatrice en santé : l'équipe est mise à jour.",
                "statuts-signes.pdf",
            ),
            ("document", DocumentKind.STATUTES, "statuts-signes.pdf"),
            ("update", {"legal_form": "Association loi 1901 reconnue d'intérêt général", "postal_code": "93100"}),
            ("team_fte", "health_mediator", 3, Decimal("2.40")),
            ("submit",),
            ("message", "agent", "Merci, je reprends l'instruction avec les statuts signés.", None),
        ),
    ),
    DemoStructure(
        6,
        "11",
        "Maison de santé pluriprofessionnelle des Lochères",
        MSP,
        "95585",
        "Sarcelles",
        "95200",
        "3 boulevard Maurice-Ravel",
        QPV,
        ("QN09502M",),
        steps=DRAFT,
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
    ),
    # Auvergne-Rhône-Alpes
    DemoStructure(
        7,
        "84",
        "Centre de santé communautaire Saint-Jacques",
        CDS,
        "63113",
        "Clermont-Ferrand",
        "63000",
        "15 rue Charles-Fabre",
        QPV,
        ("QN06302M",),
    ),
    DemoStructure(
        8,
        "84",
        "Maison de santé pluriprofessionnelle de la Montagne thiernoise",
        MSP,
        "63430",
        "Thiers",
        "63300",
        "2 avenue Léo-Lagrange",
        RURAL,
        (),
        "Commune classée en zone d'intervention prioritaire (ZIP) du zonage médecins de l'ARS "
        "Auvergne-Rhône-Alpes ; deux médecins généralistes partis sans successeur depuis 2024.",
        steps=SUBMITTED,
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
        prevention=False,
    ),
    DemoStructure(
        9,
        "84",
        "Centre de santé communautaire Village 2 Santé",
        CDS,
        "38151",
        "Échirolles",
        "38130",
        "6 place Beaumarchais",
        QPV,
        ("QN03806M",),
    ),
    DemoStructure(
        10,
        "84",
        "Centre de santé Santé Commune",
        CDS,
        "69256",
        "Vaulx-en-Velin",
        "69120",
        "9 avenue Georges-Dimitrov",
        QPV,
        ("QN06911M",),
        partners={Mission.SOCIAL_SUPPORT: "Centre communal d'action sociale de Vaulx-en-Velin"},
    ),
    DemoStructure(
        11,
        "84",
        "Maison de santé pluriprofessionnelle de Montreynaud",
        MSP,
        "42218",
        "Saint-Étienne",
        "42000",
        "4 place de l'Abbé-Pierre",
        QPV,
        ("QN04201M",),
        steps=IN_REVIEW,
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
    ),
    # Hauts-de-France
    DemoStructure(
        12,
        "32",
        "Centre de santé communautaire de l'Alma",
        CDS,
        "59512",
        "Roubaix",
        "59100",
        "18 rue de l'Alma",
        QPV,
        ("QN05921M",),
    ),
    DemoStructure(
        13,
        "32",
        "Maison de santé pluriprofessionnelle Lille-Sud",
        MSP,
        "59350",
        "Lille",
        "59000",
        "72 rue du Faubourg-des-Postes",
        QPV,
        ("QN05914M",),
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
        steps=IN_REVIEW
        + (
            (
                "decide",
                "declare_ineligible",
                "Lors de la visite du 3 mars, deux des trois médecins pratiquaient des dépassements d'honoraires : "
                "la condition d'absence de dépassement n'est pas remplie.",
            ),
        ),
    ),
    DemoStructure(
        14,
        "32",
        "Centre de santé Amiens Nord",
        CDS,
        "80021",
        "Amiens",
        "80080",
        "1 place du Pays-d'Auge",
        QPV,
        ("QN08003M",),
        steps=DRAFT,
        filled="identity",
    ),
    # Provence-Alpes-Côte d'Azur
    DemoStructure(
        15,
        "93",
        "Centre de santé Le Château en Santé",
        CDS,
        "13215",
        "Marseille 15e Arrondissement",
        "13015",
        "33 chemin de la Bigotte",
        QPV,
        ("QN01331M",),
        partners={Mission.INTERPRETING: "Osiris Interprétariat"},
    ),
    DemoStructure(
        16,
        "93",
        "Centre de santé communautaire Belle de Mai",
        CDS,
        "13203",
        "Marseille 3e Arrondissement",
        "13003",
        "52 rue Clovis-Hugues",
        QPV,
        ("QN01306M",),
        steps=SUBMITTED + (("withdraw", "Fusion avec un centre de santé voisin : un dossier commun sera déposé."),),
    ),
    DemoStructure(
        17,
        "93",
        "Maison de santé pluriprofessionnelle de l'Ariane",
        MSP,
        "06088",
        "Nice",
        "06300",
        "9 boulevard de l'Ariane",
        QPV,
        ("QN00604M",),
        steps=IN_REVIEW,
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
    ),
    # Occitanie
    DemoStructure(
        18,
        "76",
        "Centre de santé communautaire La Case de Santé",
        CDS,
        "31555",
        "Toulouse",
        "31000",
        "17 place Arnaud-Bernard",
        NEAR,
        (),
        "Quartier vécu des habitants des Izards et de Bourbaki : 55 % de la file active réside dans un QPV.",
    ),
    DemoStructure(
        19,
        "76",
        "Centre de santé de la Mosson",
        CDS,
        "34172",
        "Montpellier",
        "34080",
        "5 place de Tipasa",
        QPV,
        ("QN03403M",),
        steps=SUBMITTED,
    ),
    # Nouvelle-Aquitaine
    DemoStructure(
        20,
        "75",
        "Centre de santé communautaire des Trois Cités",
        CDS,
        "86194",
        "Poitiers",
        "86000",
        "2 place de Provence",
        QPV,
        ("QN08601M",),
    ),
    DemoStructure(
        21,
        "75",
        "Maison de santé pluriprofessionnelle des Aubiers",
        MSP,
        "33063",
        "Bordeaux",
        "33300",
        "11 rue Pierre-Trébod",
        QPV,
        ("QN03308M",),
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
        steps=IN_REVIEW
        + (
            (
                "decide",
                "request_changes",
                "Le projet de santé joint date de 2019 : merci de transmettre la version actualisée et validée.",
            ),
            (
                "message",
                "manager",
                "Le projet de santé actualisé sera validé par notre conseil d'administration le mois prochain : "
                "pouvons-nous vous transmettre d'ici là la version de travail ?",
                None,
            ),
            ("message", "agent", "Oui, transmettez la version de travail ; la version validée suivra.", None),
        ),
    ),
    # Grand Est
    DemoStructure(
        22,
        "44",
        "Centre de santé communautaire du Neuhof",
        CDS,
        "67482",
        "Strasbourg",
        "67100",
        "25 rue de Soleure",
        QPV,
        ("QN06712M",),
        steps=ELIGIBLE
        + (
            ("reopen", "Changement de gestionnaire signalé : vérification de l'équipe médicale."),
            ("note", "Nouvelle équipe vérifiée : deux médecins généralistes salariés, tiers payant intégral."),
            ("decide", "declare_eligible", ""),
        ),
    ),
    DemoStructure(
        23,
        "44",
        "Maison de santé du Haut-du-Lièvre",
        MSP,
        "54395",
        "Nancy",
        "54000",
        "2 place Cap-Vert",
        OTHER,
        (),
        "Commune dont le taux de pauvreté dépasse la moyenne nationale ; le QPV voisin est en cours de "
        "redélimitation.",
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
        steps=IN_REVIEW
        + (
            ("decide", "request_changes", "Merci de préciser le territoire desservi et d'en justifier le choix."),
            ("withdraw", "Le projet est reporté à l'an prochain faute de médecin généraliste."),
        ),
    ),
    # Pays de la Loire
    DemoStructure(
        24,
        "52",
        "Centre de santé communautaire de Bellevue",
        CDS,
        "44109",
        "Nantes",
        "44100",
        "4 rue Jean-Macé",
        QPV,
        ("QN04405M",),
    ),
    # Bretagne
    DemoStructure(
        25,
        "53",
        "Maison de santé pluriprofessionnelle du Blosne",
        MSP,
        "35238",
        "Rennes",
        "35200",
        "10 boulevard de Yougoslavie",
        QPV,
        ("QN03501M",),
        legal_form="Société interprofessionnelle de soins ambulatoires (SISA)",
    ),
    # Bourgogne-Franche-Comté
    DemoStructure(
        26,
        "27",
        "Centre de santé de Planoise",
        CDS,
        "25056",
        "Besançon",
        "25000",
        "3 rue de Cologne",
        QPV,
        ("QN02502M",),
        steps=DRAFT,
        filled="team",
    ),
]

MISSION_TEXTS = {
    Mission.PROXIMITY: "Consultations de médecine générale sans rendez-vous chaque matin, visites à domicile "
    "dans le quartier.",
    Mission.VULNERABLE_WELCOME: "Accueil sans condition de droits ouverts, accompagnement à l'ouverture des droits "
    "(C2S, AME) dès le premier rendez-vous.",
    Mission.PSYCHOLOGICAL_SUPPORT: "Psychologue salariée : consultations individuelles gratuites et groupes de "
    "parole.",
    Mission.HEALTH_MEDIATION: "Médiatrices en santé présentes à l'accueil et en aller-vers dans les halls "
    "d'immeubles.",
    Mission.PARTICIPATION: "Comité d'usagers trimestriel associé aux décisions et à l'évaluation du projet de santé.",
    Mission.SOCIAL_SUPPORT: "Permanences d'une assistante sociale deux demi-journées par semaine.",
    Mission.INTERPRETING: "Interprétariat professionnel sur place ou par téléphone, en arabe, tamoul, roumain et "
    "dari notamment.",
    Mission.PREVENTION: "Ateliers d'éducation à la santé (diabète, santé des femmes) animés avec les habitants.",
}


def _accounts(users: dict) -> None:
    """The ARS agent and the manager of each region beyond Île-de-France and Auvergne-Rhône-Alpes."""
    for region, (suffix, agent, manager) in REGION_ACCOUNTS.items():
        if agent:
            users.setdefault(
                f"ars.{suffix}@secpa.example",
                _account(f"ars.{suffix}@secpa.example", Role.ARS_AGENT, region, *agent),
            )
        if manager:
            users.setdefault(
                f"gestion.{suffix}@secpa.example",
                _account(f"gestion.{suffix}@secpa.example", Role.MANAGER, None, *manager),
            )


def _account(email, role, region, first_name, last_name) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"role": role, "region_id": region, "first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _identity(demo: DemoStructure) -> dict:
    serial = demo.serial
    return {
        "kind": demo.kind,
        "finess_et": demo.finess_et,
        "finess_ej": demo.finess_ej,
        "siret": demo.siret,
        "legal_form": demo.legal_form,
        "address": demo.address,
        "postal_code": demo.postal_code,
        "commune_name": demo.commune_name,
        "commune_code": demo.commune_code,
        "territory_type": demo.territory,
        "qpv_codes": list(demo.qpv_codes),
        "territory_justification": demo.justification,
        "declared_file_active": 2400 + 173 * serial,
        "declared_patientele_mt": 1500 + 97 * serial,
        "declared_precarity_share": Decimal(28 + (serial * 7) % 35) + Decimal("0.5"),
        "declared_interpreting_hours": 150 + 23 * serial,
        "declared_mediation_acts": 500 + 41 * serial,
        "declared_psy_sessions": 300 + 19 * serial,
        "declared_participatory_actions": 6 + serial % 10,
        "declared_participants": 60 + 9 * serial,
        "other_funding_amount": Decimal(95_000 + 2_500 * serial if demo.kind == CDS else 52_000 + 1_500 * serial),
    }


ATTESTATIONS = {
    "attests_tiers_payant": True,
    "attests_no_overbilling": True,
    "attests_open_to_all": True,
    "attests_general_medicine": True,
}


def _team(serial: int) -> list[dict]:
    gps = 2 + serial % 4
    return [
        {"category": Cat.GENERAL_PRACTITIONER, "headcount": gps, "fte": Decimal(gps) * Decimal("0.80")},
        # At most 1 FTE a person: the team step refuses more, so does the pre-check (structures/rules.py).
        {"category": Cat.NURSE, "headcount": 1 + serial % 3, "fte": Decimal(1 + serial % 3) * Decimal("0.90")},
        {"category": Cat.PSYCHOLOGIST, "headcount": 1, "fte": Decimal("0.80")},
        {"category": Cat.HEALTH_MEDIATOR, "headcount": 2, "fte": Decimal("1.60")},
        {"category": Cat.SOCIAL_WORKER, "headcount": 1, "fte": Decimal("0.50")},
        {"category": Cat.RECEPTION, "headcount": 2, "fte": Decimal("2.00")},
        {"category": Cat.COORDINATOR, "headcount": 1, "fte": Decimal("1.00")},
    ]


def _missions(demo: DemoStructure) -> list[dict]:
    missions = [*MANDATORY_MISSIONS, Mission.PREVENTION] if demo.prevention else list(MANDATORY_MISSIONS)
    lines = []
    for mission in missions:
        partner = demo.partners.get(mission, "")
        lines.append(
            {
                "mission": mission,
                "delivery_mode": DeliveryMode.PARTNER if partner else DeliveryMode.IN_HOUSE,
                "in_house_fte": None if partner else Decimal("0.50"),
                "partner_name": partner,
                "description": MISSION_TEXTS[mission],
            }
        )
    return lines


def _register(demo: DemoStructure, manager) -> Structure:
    structure = services.structure_create(user=manager, name=demo.name)
    fields = _identity(demo)
    if demo.filled == "full":
        fields |= ATTESTATIONS
    structure = services.structure_update(structure=structure, user=manager, fields=fields)
    if demo.filled in ("full", "team"):
        structure = services.team_replace(structure=structure, user=manager, lines=_team(demo.serial))
    if demo.filled == "full":
        structure = services.missions_replace(structure=structure, user=manager, lines=_missions(demo))
        for kind, filename in (
            (DocumentKind.STATUTES, "statuts.pdf"),
            (DocumentKind.HEALTH_PROJECT, "projet-de-sante.pdf"),
            (DocumentKind.OTHER, "rapport-activite-2025.pdf"),
        ):
            upload = SimpleUploadedFile(filename, PDF, content_type="application/pdf")
            services.document_add(structure=structure, user=manager, kind=kind, uploaded_file=upload)
    return structure


def _play(structure: Structure, steps, manager, agent) -> None:
    for step in steps:
        action, *args = step
        structure = Structure.objects.get(pk=structure.pk)
        if action == "submit":
            services.structure_submit(structure=structure, user=manager)
        elif action == "withdraw":
            services.structure_withdraw(structure=structure, user=manager, reason=args[0])
        elif action == "take":
            services.structure_take(structure=structure, user=agent)
        elif action == "decide":
            services.structure_decide(structure=structure, user=agent, decision=args[0], reason=args[1])
        elif action == "reopen":
            services.structure_reopen(structure=structure, user=agent, reason=args[0])
        elif action == "note":
            services.review_note_add(structure=structure, user=agent, text=args[0])
        elif action == "message":
            author, text, filename = args
            files = [SimpleUploadedFile(filename, PDF, content_type="application/pdf")] if filename else []
            post_message(user=manager if author == "manager" else agent, obj=structure, text=text, files=files)
        elif action == "document":
            upload = SimpleUploadedFile(args[1], PDF, content_type="application/pdf")
            services.document_add(structure=structure, user=manager, kind=args[0], uploaded_file=upload)
        elif action == "update":
            services.structure_update(structure=structure, user=manager, fields=args[0])
        elif action == "team_fte":
            category, headcount, fte = args
            lines = [
                {"category": line.category, "headcount": line.headcount, "fte": line.fte}
                for line in structure.team_lines.exclude(category=category)
            ]
            lines.append({"category": category, "headcount": headcount, "fte": fte})
            services.team_replace(structure=structure, user=manager, lines=lines)
        else:
            raise ValueError(action)


def seed(users: dict) -> None:
    _accounts(users)
    existing = set(
        Structure.objects.filter(finess_et__in=[d.finess_et for d in STRUCTURES]).values_list("finess_et", flat=True)
    )
    for demo in STRUCTURES:
        if demo.finess_et in existing:
            continue
        suffix = REGION_ACCOUNTS[demo.region][0]
        manager = users[f"gestion.{suffix}@secpa.example"]
        agent = users[f"ars.{suffix}@secpa.example"]
        structure = _register(demo, manager)
        _play(structure, demo.steps, manager, agent)
