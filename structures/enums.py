from django.db import models
from django.utils.translation import gettext_lazy as _


class StructureKind(models.TextChoices):
    CDS = "cds", _("Centre de santé (CDS)")
    MSP = "msp", _("Maison de santé pluriprofessionnelle (MSP)")


class StructureStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    IN_REVIEW = "in_review", _("En instruction")
    CHANGES_REQUESTED = "changes_requested", _("À compléter")
    ELIGIBLE = "eligible", _("Éligible")
    INELIGIBLE = "ineligible", _("Non éligible")
    WITHDRAWN = "withdrawn", _("Retiré")


# DSFR badge modifier for each status: text and colour, never colour alone.
STATUS_BADGE = {
    StructureStatus.DRAFT: "",
    StructureStatus.SUBMITTED: "fr-badge--info",
    StructureStatus.IN_REVIEW: "fr-badge--new",
    StructureStatus.CHANGES_REQUESTED: "fr-badge--warning",
    StructureStatus.ELIGIBLE: "fr-badge--success",
    StructureStatus.INELIGIBLE: "fr-badge--error",
    StructureStatus.WITHDRAWN: "",
}


class Mission(models.TextChoices):
    PROXIMITY = "proximity", _("Exercice de proximité")
    VULNERABLE_WELCOME = "vulnerable_welcome", _("Accueil adapté aux personnes vulnérables")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Soutien psychologique")
    HEALTH_MEDIATION = "health_mediation", _("Médiation en santé")
    PARTICIPATION = "participation", _("Démarche participative")
    SOCIAL_SUPPORT = "social_support", _("Accompagnement social")
    INTERPRETING = "interpreting", _("Interprétariat professionnel")
    PREVENTION = "prevention", _("Prévention et éducation à la santé")


MANDATORY_MISSIONS = [m for m in Mission if m != Mission.PREVENTION]


class DeliveryMode(models.TextChoices):
    IN_HOUSE = "in_house", _("Salariés de la structure")
    PARTNER = "partner", _("Partenaire conventionné")
    BOTH = "both", _("Les deux")


class ProfessionalCategory(models.TextChoices):
    GENERAL_PRACTITIONER = "general_practitioner", _("Médecin généraliste")
    NURSE = "nurse", _("Infirmier ou infirmière")
    MIDWIFE = "midwife", _("Sage-femme")
    PHYSIOTHERAPIST = "physiotherapist", _("Masseur-kinésithérapeute")
    OTHER_PARAMEDICAL = "other_paramedical", _("Autre auxiliaire médical")
    SPECIALIST = "specialist", _("Médecin spécialiste")
    DENTIST = "dentist", _("Chirurgien-dentiste")
    PHARMACIST = "pharmacist", _("Pharmacien ou pharmacienne")
    PSYCHOLOGIST = "psychologist", _("Psychologue")
    HEALTH_MEDIATOR = "health_mediator", _("Médiateur ou médiatrice en santé")
    INTERPRETER = "interpreter", _("Interprète professionnel")
    SOCIAL_WORKER = "social_worker", _("Travailleur social")
    RECEPTION = "reception", _("Accueil et secrétariat")
    COORDINATOR = "coordinator", _("Coordination")
    OTHER = "other", _("Autre")


# "At least one GP and one paramedical professional" (domain.md, rule 5): the *auxiliaires médicaux* of the
# code de la santé publique (4th part, book III).  A midwife, a dentist, a specialist (medical professions)
# or a pharmacist is a health professional, not a paramedical one.
PARAMEDICAL_PROFESSIONS = {
    ProfessionalCategory.NURSE,
    ProfessionalCategory.PHYSIOTHERAPIST,
    ProfessionalCategory.OTHER_PARAMEDICAL,
}
PARAMEDICAL_EXAMPLES = (
    "infirmier, masseur-kinésithérapeute, orthophoniste, orthoptiste, pédicure-podologue, ergothérapeute, "
    "psychomotricien, diététicien"
)


class TerritoryType(models.TextChoices):
    QPV = "qpv", _("Dans un quartier prioritaire (QPV)")
    NEAR_QPV = "near_qpv", _("À proximité d'un QPV (quartier vécu)")
    RURAL = "rural", _("Zone rurale sous-dotée (ZIP ou ZAC du zonage médecins)")
    OTHER = "other", _("Autre territoire, justifié")


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", _("Statuts")
    HEALTH_PROJECT = "health_project", _("Projet de santé")
    OTHER = "other", _("Autre pièce")


MANDATORY_DOCUMENTS = [DocumentKind.STATUTES, DocumentKind.HEALTH_PROJECT]


class ActivityFigure(models.TextChoices):
    """Figures declared at registration and then each year in the annual report; the barème uses them."""

    FILE_ACTIVE = "file_active", _("File active (patients distincts vus dans l'année)")
    PATIENTELE_MT = "patientele_mt", _("Patients ayant déclaré un médecin traitant de la structure")
    PRECARITY_SHARE = "precarity_share", _("Part de patients bénéficiaires de la C2S ou de l'AME (%)")
    INTERPRETING_HOURS = "interpreting_hours", _("Heures d'interprétariat professionnel")
    MEDIATION_ACTS = "mediation_acts", _("Actes de médiation en santé")
    PSY_SESSIONS = "psy_sessions", _("Séances de soutien psychologique")
    PARTICIPATORY_ACTIONS = "participatory_actions", _("Actions participatives")
    PARTICIPANTS = "participants", _("Participants aux actions participatives")
