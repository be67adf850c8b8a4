"""The avenant form: its object, a new end date, the targets grid, indicators to remove and to add."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.forms import VersionedFormMixin

from ..payment_terms import terms_for
from .conventions import HUNDRED, DayMonthField, _decimal, check_value, indicator_choices, plain

ADD_ROWS = 2


class AmendmentForm(VersionedFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Objet de l'avenant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Ce que l'avenant change et pourquoi ; il figurera en tête de l'avenant signé."),
        error_messages={"required": _("Indiquez l'objet de l'avenant.")},
    )
    new_end_date = forms.DateField(
        label=_("Nouvelle date de fin"),
        required=False,
        help_text=_("Facultative. Format JJ/MM/AAAA. Durée totale : 5 ans au plus."),
        error_messages={"invalid": _("Saisissez une date au format JJ/MM/AAAA, par exemple 31/12/2029.")},
    )

    terms_from_year = forms.ChoiceField(
        label=_("Nouvelles conditions de versement à partir de l'année"),
        required=False,
        help_text=_("Facultatif. Les années précédentes gardent leurs conditions."),
    )
    terms_advance_share = _decimal(
        _("Part de la dotation versée en avance (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Entre 0 et 100, par exemple 50."),
    )
    terms_advance_due = DayMonthField(
        label=_("Échéance de l'avance (année N)"), required=False, help_text=_("JJ/MM, par exemple 31/01.")
    )
    terms_balance_due = DayMonthField(
        label=_("Échéance du solde (année N + 1)"), required=False, help_text=_("JJ/MM, par exemple 30/04.")
    )

    def __init__(self, *args, convention, lines, amendment=None, locked=None, **kwargs):
        """``lines``: the convention's indicators followed by an objective (prefetched targets); ``locked``:
        {year: why its payment terms can no longer change} (conventions/payment_terms.py)."""
        super().__init__(*args, **kwargs)
        self.add_version(amendment)
        self.convention = convention
        self.years = convention.years
        self.fields["terms_from_year"].choices = [("", _("— Conditions inchangées —"))] + [
            (str(year), str(year)) for year in self.years
        ]
        if locked:
            self.fields["terms_from_year"].help_text = _(
                "Facultatif. Les années précédentes gardent leurs conditions. Ne peuvent plus changer : %(years)s."
            ) % {"years": " ; ".join(f"{year} ({why})" for year, why in sorted(locked.items()))}
        # Prefilled with the terms in force for the last year, the ones an avenant would usually replace.
        latest = terms_for(convention, self.years[-1])
        self.fields["terms_advance_share"].initial = plain(latest.advance_share * HUNDRED)
        self.fields["terms_advance_due"].initial = latest.advance_due
        self.fields["terms_balance_due"].initial = latest.balance_due
        self.lines = lines
        choices, self.indicators = indicator_choices()
        objective_choices = [("", _("— Choisir un objectif —"))] + [
            (str(o.pk), o.title) for o in convention.objectives.all()
        ]
        self.objectives = {str(o.pk): o for o in convention.objectives.all()}
        self.grid = []
        for line in lines:
            current = {t.year: t.value for t in line.targets.all()}
            cells = []
            for year in self.years:
                name = f"target_{line.pk}_{year}"
                # The fieldset's legend names the indicator.
                self.fields[name] = _decimal(_("Cible %(year)s") % {"year": year}, initial=plain(current.get(year)))
                cells.append(name)
            self.fields[f"remove_{line.pk}"] = forms.BooleanField(
                label=_("Retirer « %(label)s »") % {"label": line.indicator.label}, required=False
            )
            self.grid.append({"line": line, "cells": cells, "remove": f"remove_{line.pk}"})
        self.add_rows = []
        for n in range(ADD_ROWS):
            prefix = f"add_{n}"
            self.fields[f"{prefix}_indicator"] = forms.ChoiceField(
                label=_("Indicateur à ajouter"), choices=choices, required=False
            )
            self.fields[f"{prefix}_objective"] = forms.ChoiceField(
                label=_("Objectif"), choices=objective_choices, required=False
            )
            self.fields[f"{prefix}_baseline"] = _decimal(_("Valeur de référence"))
            self.fields[f"{prefix}_points"] = _decimal(_("Points"), min_value=0)
            for year in self.years:
                self.fields[f"{prefix}_target_{year}"] = _decimal(_("Cible %(year)s") % {"year": year})
            self.add_rows.append(
                {
                    "indicator": f"{prefix}_indicator",
                    "objective": f"{prefix}_objective",
                    "baseline": f"{prefix}_baseline",
                    "points": f"{prefix}_points",
                    "targets": [f"{prefix}_target_{year}" for year in self.years],
                }
            )

    def bound_grid(self):
        return [
            {"line": row["line"], "cells": [self[name] for name in row["cells"]], "remove": self[row["remove"]]}
            for row in self.grid
        ]

    def bound_add_rows(self):
        return [
            {key: ([self[n] for n in value] if key == "targets" else self[value]) for key, value in row.items()}
            for row in self.add_rows
        ]

    def clean(self):
        cleaned = super().clean()
        targets, remove, add = [], [], []
        for row in self.grid:
            line = row["line"]
            if cleaned.get(row["remove"]):
                remove.append(line.indicator)
                continue
            for year, name in zip(self.years, row["cells"], strict=True):
                value = cleaned.get(name)
                if name in self.errors:
                    continue
                if value is None:
                    self.add_error(name, _("Indiquez la cible de l'année %(year)s.") % {"year": year})
                elif problem := check_value(line.indicator, value):
                    self.add_error(name, problem)
                else:
                    targets.append({"indicator": line.indicator, "year": year, "value": value})
        for row in self.add_rows:
            indicator = self.indicators.get(cleaned.get(row["indicator"]) or "")
            objective = self.objectives.get(cleaned.get(row["objective"]) or "")
            if indicator is None:
                continue
            if objective is None:
                self.add_error(row["objective"], _("Choisissez l'objectif auquel rattacher cet indicateur."))
                continue
            values = {}
            for year, name in zip(self.years, row["targets"], strict=True):
                value = cleaned.get(name)
                if value is None and name not in self.errors:
                    self.add_error(name, _("Indiquez la cible de l'année %(year)s.") % {"year": year})
                elif problem := check_value(indicator, value):
                    self.add_error(name, problem)
                values[year] = value
            add.append(
                {
                    "indicator": indicator,
                    "objective": objective,
                    "baseline": cleaned.get(row["baseline"]),
                    "points": cleaned.get(row["points"]),
                    "targets": values,
                }
            )
        cleaned["requested"] = {
            "new_end_date": cleaned.get("new_end_date"),
            "targets": targets,
            "add": add,
            "remove": remove,
            "terms": self._terms(cleaned),
        }
        return cleaned

    def _terms(self, cleaned):
        if not cleaned.get("terms_from_year"):
            return None
        missing = {
            "terms_advance_share": _("Indiquez la part de l'avance."),
            "terms_advance_due": _("Indiquez l'échéance de l'avance."),
            "terms_balance_due": _("Indiquez l'échéance du solde."),
        }
        for name, message in missing.items():
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if any(name in self.errors for name in missing):
            return None
        return {
            "from_year": int(cleaned["terms_from_year"]),
            "advance_share": (cleaned["terms_advance_share"] / HUNDRED).quantize(Decimal("0.01")),
            "advance_due": cleaned["terms_advance_due"],
            "balance_due": cleaned["terms_balance_due"],
        }


def initial_from(amendment) -> dict:
    """The form's initial values for an avenant in preparation (its planned targets and end date)."""
    initial = {"summary": amendment.summary, "new_end_date": amendment.new_end_date}
    return initial
