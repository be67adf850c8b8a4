import csv
from pathlib import Path

from django.db import migrations

from secpa_portal.reference.communes import read_csv, replace_all

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    # Saint-Barthélemy (977) and Saint-Martin (978): their ARS is the ARS of Guadeloupe.
    Departement = apps.get_model("reference", "Departement")
    with open(DATA_DIR / "departements.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Departement.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "region_id": row["region"]}
            )
    replace_all(apps.get_model("reference", "Commune"), read_csv())


def unload(apps, schema_editor):
    apps.get_model("reference", "Commune").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_commune")]
    operations = [migrations.RunPython(load, unload)]
