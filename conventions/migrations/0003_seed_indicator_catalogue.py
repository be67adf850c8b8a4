from django.db import migrations

from conventions.catalogue import seed_catalogue


def seed(apps, schema_editor):
    seed_catalogue(apps.get_model("conventions", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("conventions", "0002_reference_sequence")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
