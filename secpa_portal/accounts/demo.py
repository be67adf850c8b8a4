"""Demo accounts (password ``secpa-demo-2026``), listed in the README."""

from .enums import Role
from .models import User

DEMO_PASSWORD = "secpa-demo-2026"

DEMO_ACCOUNTS = [
    # email, role, region, first name, last name, superuser
    ("admin@secpa.example", Role.CNAM_AGENT, None, "Alice", "Administratrice", True),
    ("cnam@secpa.example", Role.CNAM_AGENT, None, "Nadia", "Petit", False),
    ("cnam.validation@secpa.example", Role.CNAM_AGENT, None, "Louis", "Garnier", False),
    ("pilotage@secpa.example", Role.PILOTAGE, None, "Claire", "Lambert", False),
    ("ars.idf@secpa.example", Role.ARS_AGENT, "11", "Inès", "Bernard", False),
    ("ars.ara@secpa.example", Role.ARS_AGENT, "84", "Paul", "Roux", False),
    ("gestion.idf@secpa.example", Role.MANAGER, None, "Camille", "Martin", False),
    ("gestion.ara@secpa.example", Role.MANAGER, None, "Julien", "Morel", False),
    ("has@secpa.example", Role.HAS_AGENT, None, "Claire", "Fontaine", False),
]


def seed_accounts() -> dict[str, User]:
    users = {}
    for email, role, region, first, last, superuser in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "role": role,
                "region_id": region,
                "first_name": first,
                "last_name": last,
                "is_superuser": superuser,
                "is_staff": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[email] = user
    return users
