"""Open data (issue 13 §2): the public statistics as CSV files with a data dictionary, and the approved dotations
per structure following the French open-data schema for subsidies (SCDL « subventions » 2.0).

Files are plain CSV for machines: comma-separated, UTF-8, decimal point, ISO dates; a figure withheld by
statistical secrecy is an empty cell.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from dotations.enums import DotationStatus
from dotations.models import Dotation
from secpa_portal.core.exports import Echo

from . import statistics


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: list[tuple[str, str]]  # (name, description)
    rows: Callable[[], Iterable[list]]


def _region_rows():
    for row in statistics.structures_by_region():
        yield [row.code, row.name, row.structures.shown, row.under_convention.shown]


def _status_rows():
    for label, count in statistics.structures_by_status():
        yield [label, count]


def _staff_rows():
    for label, fte, structures in statistics.staff_by_category():
        yield [label, fte, structures]


def _funding_rows():
    for year in statistics.funding_by_year_and_region():
        yield [year.year, "", "France entière", year.structures, year.approved, year.paid]
        for code, name, approved, paid in year.regions:
            yield [year.year, code, name, None if approved.hidden else approved.structures, approved.shown, paid.shown]


def _activity_rows():
    for year in statistics.activity_by_year():
        yield [
            year.year,
            year.reports,
            year.file_active,
            year.precarity_share,
            year.interpreting_hours,
            year.mediation_acts,
            year.participatory_actions,
            year.participants,
        ]


# The SCDL « subventions » 2.0 columns, in the schema's order.
SCDL_COLUMNS = [
    ("nomAttribuant", "Nom officiel de l'organisme attribuant la dotation."),
    ("idAttribuant", "SIRET de l'attribuant (14 chiffres)."),
    ("dateConvention", "Date de signature de la convention par l'assurance maladie (AAAA-MM-JJ)."),
    ("referenceDecision", "Référence de la convention sur le portail SECPA."),
    ("nomBeneficiaire", "Nom de la structure bénéficiaire."),
    ("idBeneficiaire", "SIRET de la structure bénéficiaire (14 chiffres)."),
    ("objet", "Objet de la dotation (256 caractères au plus)."),
    ("montant", "Montant approuvé de la dotation annuelle, en euros (séparateur décimal : le point)."),
    ("nature", "Nature de l'aide : « aide en numéraire »."),
    ("conditionsVersement", "« échelonné » : une avance puis un solde."),
    ("datesPeriodeVersement", "Période de versement (AAAA-MM-JJ/AAAA-MM-JJ) : l'année de campagne et la suivante."),
    ("idRAE", "Sans objet (aide hors répertoire des aides aux entreprises) : vide."),
    ("notificationUE", "Aide d'État notifiée à la Commission européenne : « non »."),
    ("pourcentageSubvention", "Part du montant versée au bénéficiaire : 1.00 (bénéficiaire unique)."),
]


def _subsidy_rows():
    dotations = (
        Dotation.objects.filter(status=DotationStatus.APPROVED)
        .select_related("campaign", "structure", "convention")
        .order_by("campaign__year", "structure__name", "pk")
    )
    for dotation in dotations.iterator(chunk_size=2000):
        convention = dotation.convention
        signed = convention.cnam_signed_at or dotation.approved_at
        year = dotation.campaign.year
        yield [
            settings.OPEN_DATA_GRANTOR_NAME,
            settings.OPEN_DATA_GRANTOR_SIRET,
            signed.date().isoformat() if signed else "",
            convention.reference,
            dotation.structure.name,
            dotation.structure.siret,
            f"Dotation globale {year} de structure d'exercice coordonné participative (FINESS "
            f"{dotation.structure.finess_et})"[:256],
            dotation.total,
            "aide en numéraire",
            "échelonné",
            f"{year}-01-01/{year + 1}-12-31",
            "",
            "non",
            "1.00",
        ]


DATASETS = [
    Dataset(
        "structures-par-region",
        _("Structures par région"),
        _("Structures dont le dossier a été déposé et structures sous convention en vigueur, par région."),
        [
            ("code_region", "Code INSEE de la région."),
            ("region", "Nom de la région."),
            ("structures", "Structures dont le dossier a été déposé (vide : secret statistique, moins de 3)."),
            ("sous_convention", "Structures ayant une convention en vigueur (vide : secret statistique)."),
        ],
        _region_rows,
    ),
    Dataset(
        "structures-par-statut",
        _("Structures par statut du dossier"),
        _("Nombre national de structures par statut du dossier d'éligibilité (les brouillons ne sont pas comptés)."),
        [("statut", "Statut du dossier."), ("structures", "Nombre de structures.")],
        _status_rows,
    ),
    Dataset(
        "etp-par-categorie",
        _("Équipes par catégorie professionnelle"),
        _("Équivalents temps plein déclarés par les structures éligibles, par catégorie professionnelle."),
        [
            ("categorie", "Catégorie professionnelle."),
            ("etp", "Équivalents temps plein (total national)."),
            ("structures", "Structures comptant au moins un professionnel de cette catégorie."),
        ],
        _staff_rows,
    ),
    Dataset(
        "dotations-par-annee-et-region",
        _("Dotations approuvées et versées"),
        _("Par année de campagne : montants approuvés et versés, pour la France entière puis par région."),
        [
            ("annee", "Année de la campagne."),
            ("code_region", "Code INSEE de la région (vide : France entière)."),
            ("region", "Région, ou « France entière »."),
            ("structures_financees", "Structures dont la dotation est approuvée (vide : secret statistique)."),
            ("montant_approuve", "Montant total approuvé, en euros (vide : secret statistique)."),
            ("montant_verse", "Montant total versé à ce jour, en euros (vide : secret statistique)."),
        ],
        _funding_rows,
    ),
    Dataset(
        "activite-par-annee",
        _("Activité et participation"),
        _("Données d'activité des rapports annuels validés, France entière (années d'au moins 3 rapports)."),
        [
            ("annee", "Année d'activité."),
            ("rapports_valides", "Rapports annuels validés par les ARS."),
            ("file_active", "Patients distincts vus dans l'année (somme des files actives)."),
            ("part_c2s_ame", "Part des patients couverts par la C2S ou l'AME, en %, pondérée par la file active."),
            ("heures_interpretariat", "Heures d'interprétariat professionnel."),
            ("actes_mediation", "Actes de médiation en santé."),
            ("actions_participatives", "Actions participatives menées."),
            ("participants", "Participants aux actions participatives (personnes, comptées par action)."),
        ],
        _activity_rows,
    ),
    Dataset(
        "subventions",
        _("Dotations approuvées par structure (SCDL subventions)"),
        _(
            "Chaque dotation approuvée, publiée dès son approbation, au format du schéma national des données "
            "essentielles des conventions de subvention (SCDL « subventions » 2.0)."
        ),
        SCDL_COLUMNS,
        _subsidy_rows,
    ),
]
DATASETS_BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def _value(value) -> str:
    if value is None:
        return ""
    return str(value)


def stream(dataset: Dataset):
    writer = csv.writer(Echo(), lineterminator="\r\n")
    yield writer.writerow([name for name, _description in dataset.columns])
    for row in dataset.rows():
        yield writer.writerow([_value(value) for value in row])


def csv_response(dataset: Dataset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream(dataset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="secpa-{dataset.slug}.csv"'
    return response
