"""What the convention's text shows (the page, the print view and the signed PDF read the same data)."""

from django.db.models import Prefetch

from . import amendment_changes, payment_terms
from .models import Amendment, ConventionIndicator, Objective


def with_terms(queryset):
    """Everything the convention page and the print view show, in a fixed number of queries."""
    lines = ConventionIndicator.objects.select_related("indicator").prefetch_related("targets")
    return queryset.select_related(
        "structure__region", "structure__departement", "prepared_by", "structure_signed_by", "cnam_signed_by"
    ).prefetch_related(
        "structure__memberships",
        Prefetch("objectives", queryset=Objective.objects.prefetch_related(Prefetch("indicators", queryset=lines))),
        Prefetch("indicators", queryset=lines.filter(objective__isnull=True), to_attr="activity_lines"),
        Prefetch(
            "amendments",
            queryset=Amendment.objects.select_related("prepared_by", "structure_signed_by", "cnam_signed_by"),
        ),
    )


def years_of(convention):
    return [str(year) for year in convention.years]


def objective_rows(convention):
    """Objectives with, per indicator, its targets in the convention's year order."""
    years = convention.years
    rows = []
    for objective in convention.objectives.all():
        indicators = []
        for line in objective.indicators.all():
            by_year = {t.year: t.value for t in line.targets.all()}
            indicators.append({"line": line, "targets": [by_year.get(year) for year in years]})
        rows.append({"objective": objective, "indicators": indicators})
    return rows


def amendment_rows(convention, amendments):
    labels = amendment_changes.labels_for(amendments)
    objectives = {o.pk: o.title for o in convention.objectives.all()}
    current = {
        (line.indicator.code, t.year): t.value
        for o in convention.objectives.all()
        for line in o.indicators.all()
        for t in line.targets.all()
    }
    return [
        {
            "amendment": amendment,
            "changes": amendment_changes.describe(
                amendment, convention=convention, labels=labels, objectives=objectives, current_targets=current
            ),
        }
        for amendment in amendments
    ]


def document_context(convention) -> dict:
    """The context of the convention's text (``conventions/_convention_text.html``); ``convention`` comes
    from ``with_terms``."""
    amendments = [a for a in convention.amendments.all() if a.status == "active"]
    return {
        "convention": convention,
        "years": years_of(convention),
        "objectives": objective_rows(convention),
        "amendments": amendment_rows(convention, amendments),
        "balance_rules": payment_terms.balance_rules(convention),
    }
