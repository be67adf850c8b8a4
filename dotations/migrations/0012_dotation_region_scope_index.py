"""An ARS agent's scope read from an index (issue 14): payments and recovery orders are scoped as « dotation in the
région's dotations »; ``(region, id)`` gives those ids without reading 500 wide dotation rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dotations", "0011_payment_structure_name")]

    operations = [
        migrations.AddIndex(
            model_name="dotation",
            index=models.Index(fields=["region", "id"], name="dotation_region_scope"),
        ),
    ]
