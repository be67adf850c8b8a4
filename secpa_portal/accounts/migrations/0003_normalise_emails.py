"""Store every existing address in the one normalised spelling the login now matches exactly.

Two accounts whose addresses differ only by case or Unicode compatibility (« Gestion@… », « geſtion@… »)
cannot both keep theirs: the migration stops and names them, for an administrator to merge or rename.
"""

from collections import defaultdict

from django.db import migrations

from secpa_portal.accounts.identity import normalize_email


def normalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    by_key = defaultdict(list)
    for pk, email in User.objects.values_list("pk", "email"):
        by_key[normalize_email(email)].append((pk, email))
    clashes = {key: rows for key, rows in by_key.items() if len(rows) > 1}
    if clashes:
        raise RuntimeError(
            "Comptes dont les adresses ne diffèrent que par la casse ou l'écriture Unicode, à fusionner ou "
            "renommer avant cette migration : " + "; ".join(str([email for _, email in rows]) for rows in clashes.values())
        )
    for key, [(pk, email)] in by_key.items():
        if key != email:
            User.objects.filter(pk=pk).update(email=key)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_password_reset_request")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
