"""The eligibility journey in Chromium: a manager registers a structure through every step and submits it,
the ARS agent of the region takes the file and declares the structure eligible. Every page passes axe."""

import pytest
from django.urls import reverse

from secpa_portal.accounts.demo import DEMO_PASSWORD, seed_accounts
from secpa_portal.reference.identifiers import make_finess, make_siren, make_siret
from structures.demo import seed as seed_demo_structures
from structures.enums import MANDATORY_MISSIONS, StructureStatus
from structures.models import Structure
from tests.browser.journeys import (
    Choice,
    assert_alert,
    click,
    fill,
    heading,
    login_as,
    logout_from,
    next_page,
    upload,
    visit,
)
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME = "Centre de santé communautaire du Franc-Moisin"
TEAM = {
    "Médecin généraliste": ("3", "2,5"),
    "Infirmier ou infirmière": ("2", "1,8"),
    "Psychologue": ("1", "0,8"),
    "Médiateur ou médiatrice en santé": ("2", "1,5"),
}


def register_and_submit(page, tmp_path):
    visit(page, reverse("structures:create"))
    assert heading(page) == "Enregistrer une structure"
    fill(
        page,
        {
            "Nom de la structure": NAME,
            "Type de structure": Choice("Centre de santé (CDS)"),
            "Numéro FINESS de l'établissement": make_finess("93001234"),
            "Numéro FINESS de l'entité juridique": make_finess("93101234"),
            "Numéro SIRET": make_siret(make_siren("93512345"), "0001"),
            "Forme juridique": "Association loi 1901",
        },
    )
    next_page(page, "Enregistrer et continuer")
    assert "Étape 2 sur 7" in page.locator(".fr-stepper").inner_text()

    fill(
        page,
        {
            "Adresse": "5 rue Gaston-Dourdin",
            "Code postal": "93200",
            "Commune": "Saint-Denis",
            "Code commune INSEE": "93066",
            "Territoire desservi": Choice("Dans un quartier prioritaire (QPV)"),
            "Codes des quartiers prioritaires (QPV)": "QN09313M",
        },
    )
    next_page(page, "Enregistrer et continuer")

    for category, (headcount, fte) in TEAM.items():
        fill(page, {f"Effectif — {category}": headcount, f"ETP — {category}": fte})
    fill(page, {"File active": "3 200", "Part de patients bénéficiaires de la C2S ou de l'AME (%)": "42,5"})
    next_page(page, "Enregistrer et continuer")

    for mission in MANDATORY_MISSIONS:
        fill(
            page,
            {
                "Mode de réalisation": Choice("Salariés de la structure"),
                "ETP salariés consacrés": "0,5",
                "Description": f"{mission.label} : organisée par l'équipe salariée, pour tous les patients.",
            },
            scope=page.locator(f"#mission-{mission.value}"),
        )
    next_page(page, "Enregistrer et continuer")

    fill(
        page,
        {
            "Les médecins de la structure pratiquent le tiers payant": True,
            "Aucun dépassement d'honoraires n'est pratiqué": True,
            "La structure accueille toute personne qui le demande": True,
            "La médecine générale est l'activité principale de la structure": True,
        },
    )
    next_page(page, "Enregistrer et continuer")

    for kind, filename in (("Statuts", "statuts.pdf"), ("Projet de santé", "projet-de-sante.pdf")):
        path = tmp_path / filename
        path.write_bytes(PDF_BYTES)
        fill(page, {"Type de pièce": kind})
        upload(page, "Fichier", path)
        next_page(page, "Ajouter la pièce")
        assert page.get_by_role("cell", name=filename).count() or page.get_by_text(filename).count()

    click(page, "Continuer : Récapitulatif et dépôt", role="link")
    assert page.get_by_text("Le dossier est complet").is_visible()
    click(page, "Déposer le dossier", role="link")
    click(page, "Confirmer le dépôt")
    assert_alert(page, "transmis à l'ARS Île-de-France")
    structure = Structure.objects.get(name=NAME)
    assert structure.status == StructureStatus.SUBMITTED
    return structure


def take_and_declare_eligible(page, structure):
    visit(page, reverse("structures:list"))
    click(page, NAME, role="link")
    if reverse("structures:review", args=[structure.pk]) not in page.url:
        visit(page, reverse("structures:review", args=[structure.pk]))
    click(page, "Prendre en charge")
    assert_alert(page, "Vous instruisez désormais ce dossier")
    fill(page, {"Décision": Choice("Éligible")})
    click(page, "Vérifier et confirmer la décision")
    assert heading(page)
    click(page, "Confirmer : déclarer éligible")
    assert_alert(page, "est déclarée éligible")


def test_manager_registers_and_submits_then_the_ars_declares_eligible(page, tmp_path, manager, ars_idf):
    login_as(page, manager)
    structure = register_and_submit(page, tmp_path)
    logout_from(page)

    login_as(page, ars_idf)
    assert page.get_by_text(NAME).first.is_visible()  # "à prendre en charge" on the dashboard
    take_and_declare_eligible(page, structure)

    structure.refresh_from_db()
    assert structure.status == StructureStatus.ELIGIBLE
    assert structure.reviewer == ars_idf
    assert list(structure.memberships.values_list("user", flat=True)) == [manager.pk]


def test_demo_files_read_well_for_each_role(page, settings):
    """The pages of the demo data set, with many files and long timelines, pass axe for each role."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = seed_accounts()
    seed_demo_structures(users)
    in_review = Structure.objects.get(name="Maison de santé pluriprofessionnelle des Quatre-Chemins")
    reopened = Structure.objects.get(name="Centre de santé communautaire du Neuhof")

    for email, urls in (
        (
            "gestion.idf@secpa.example",
            [
                reverse("dashboard"),
                reverse("structures:list"),
                reverse("structures:detail", args=[in_review.pk]),
                # Every tab of the structure page (issue 12 §4), the last three in their empty state here.
                *(
                    reverse(name, args=[in_review.pk])
                    for name in (
                        "structures:team",
                        "structures:missions",
                        "structures:documents",
                        "structures:history",
                        "structure_convention",
                        "structure_reports",
                        "structure_funding",
                    )
                ),
            ],
        ),
        (
            "ars.idf@secpa.example",
            [reverse("dashboard"), reverse("structures:list"), reverse("structures:review", args=[in_review.pk])],
        ),
        ("ars.ge@secpa.example", [reverse("structures:review", args=[reopened.pk])]),
        (
            "cnam@secpa.example",
            [
                reverse("structures:list") + "?status=eligible&o=-status",
                reverse("structures:detail", args=[reopened.pk]),
            ],
        ),
    ):
        login_as(page, email, password=DEMO_PASSWORD)
        for url in urls:
            visit(page, url)
            assert page.locator("h1").count() == 1
        logout_from(page)
