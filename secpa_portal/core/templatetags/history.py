"""The one history component of every dossier (``{% load history %}{% history events %}``).

A structure, a convention, an avenant, an annual report, a dotation and a recovery order show their journal
events the same way: newest first is the caller's choice of order; each event says when (a written date and
the hour), who, what, and the reason when there is one; internal events carry an « interne » badge (the
callers only pass them to the staff)."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/history.html")
def history(events, title="Historique", anchor="historique", heading="h2", heading_class="fr-h4", empty=""):
    return {
        "events": events,
        "title": title,
        "anchor": anchor,
        "heading": heading,
        "heading_class": heading_class,
        "empty": empty or "Aucun événement pour l'instant.",
    }
