from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import Role
from .identity import normalize_email


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """Every stored address in one spelling (``identity.normalize_email``); ``clean()`` calls this too."""
        return normalize_email(email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
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
        """The account whose stored address is exactly the normalised one typed (no ``__iexact``)."""
        return self.get(email=normalize_email(username))


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
    # Messages of the dossier threads not read yet (secpa_portal.messaging keeps it equal to its Unread rows):
    # the header shows it without a query, the user being loaded on every request anyway.
    unread_messages = models.PositiveIntegerField(_("messages non lus"), default=0, editable=False)

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

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

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
    def is_has_agent(self):
        """An invited national account of the HAS: gives its opinion on draft barèmes, sees nothing else."""
        return self.role == Role.HAS_AGENT and not self.is_superuser

    @property
    def is_pilotage(self):
        """The ministry's read-only national role: sees the national pages, acts on nothing."""
        return self.role == Role.PILOTAGE and not self.is_superuser

    @property
    def sees_national(self):
        """Reads every region's figures: CNAM agents (who act) and the national steering (who only read)."""
        return self.is_cnam_agent or self.is_pilotage

    @property
    def scope_label(self):
        """What the header shows beside the name: "Agent ARS · Île-de-France"."""
        if self.is_superuser:
            return _("Administrateur · national")
        if self.role == Role.ARS_AGENT and self.region_id:
            return f"{self.get_role_display()} · {self.region.name}"
        if self.role in (Role.CNAM_AGENT, Role.PILOTAGE):
            return f"{self.get_role_display()} · national"
        if self.role == Role.HAS_AGENT:
            return _("Haute Autorité de santé · invitée")
        return self.get_role_display()


class PasswordResetRequest(models.Model):
    """One « mot de passe oublié » request, kept an hour to throttle them (``throttle.py``).

    The address is kept only as a keyed digest: the table tells nothing about who asked.
    """

    address_digest = models.CharField(max_length=64, db_index=True)
    client = models.CharField(max_length=45, db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("demande de réinitialisation")
        verbose_name_plural = _("demandes de réinitialisation")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.client}"
