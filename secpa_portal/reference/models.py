from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    ars_name = models.CharField(_("ARS"), max_length=120)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]  # the official order (INSEE codes): overseas regions, then Île-de-France…

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class QPV(models.Model):
    class Generation(models.TextChoices):
        G2015 = "2015", _("Liste 2015")
        G2024 = "2024", _("Liste 2024")

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    commune_code = models.CharField(_("code commune INSEE"), max_length=5, blank=True)
    generation = models.CharField(_("génération"), max_length=4, choices=Generation.choices)

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Commune(models.Model):
    """A commune of the official geographic code (COG), or a municipal arrondissement of Paris, Lyon, Marseille.

    Loaded from ``data/communes.csv.gz`` by a data migration; ``manage.py import_communes`` refreshes it.
    """

    code = models.CharField(_("code commune INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    departement_code = models.CharField(_("département"), max_length=3)
    region_code = models.CharField(_("région"), max_length=3)
    # Space-separated, e.g. "93200 93210 93380": looked up only when a postal code is typed instead.
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()
