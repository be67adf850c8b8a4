import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("reference", "Region")
    Departement = apps.get_model("reference", "Departement")
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Region.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "ars_name": row["ars"]})
    with open(DATA_DIR / "departements.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Departement.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "region_id": row["region"]}
            )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
