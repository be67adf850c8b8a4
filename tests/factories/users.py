"""Users per role. ``UserFactory()`` is a structure manager; ``UserFactory(ars=True, region_id="84")`` an ARS agent
of Auvergne-Rhône-Alpes; ``UserFactory(cnam=True)`` a CNAM agent. An e-mail already taken returns that user."""

import factory
from factory.django import DjangoModelFactory

from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User

PASSWORD = "secpa-test-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    class Params:
        ars = factory.Trait(role=Role.ARS_AGENT, region_id="11")
        cnam = factory.Trait(role=Role.CNAM_AGENT)

    email = factory.Sequence(lambda n: f"utilisateur-{n}@test.example")
    role = Role.MANAGER
    region_id = None

    @classmethod
    def _create(cls, model_class, *args, email, password=PASSWORD, **fields):
        existing = model_class.objects.filter(email=email).first()
        return existing or model_class.objects.create_user(email=email, password=password, **fields)
