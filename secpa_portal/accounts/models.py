from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.CNAM_AGENT)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in with an e-mail address and holds one role.

    ARS agents carry the region they work for; managers reach structures through memberships.
    """

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="ars_agent") | Q(region__isnull=False),
                name="ars_agent_has_region",
                violation_error_message=_("Un agent ARS doit être rattaché à une région."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        if self.role == Role.ARS_AGENT and not self.region_id:
            raise ValidationError({"region": _("Un agent ARS doit être rattaché à une région.")})

    @property
    def is_manager(self):
        return self.role == Role.MANAGER and not self.is_superuser

    @property
    def is_ars_agent(self):
        return self.role == Role.ARS_AGENT and not self.is_superuser

    @property
    def is_cnam_agent(self):
        return self.role == Role.CNAM_AGENT or self.is_superuser

    @property
    def scope_label(self):
        """What the header shows beside the name: "Agent ARS · Île-de-France"."""
        if self.is_superuser:
            return _("Administrateur · national")
        if self.role == Role.ARS_AGENT and self.region_id:
            return f"{self.get_role_display()} · {self.region.name}"
        if self.role == Role.CNAM_AGENT:
            return f"{self.get_role_display()} · national"
        return self.get_role_display()
