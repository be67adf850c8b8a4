"""``{% structure_conventions structure %}``: the Convention tab of a structure's page (references, statuses, links).

Loaded by the structures templates, so that the structures app never imports conventions.
"""

from django import template

from ..models import Convention
from ..perms import conventions as perms
from ..services.conventions import LIVE_STATUSES

register = template.Library()


@register.inclusion_tag("conventions/_structure_conventions.html", takes_context=True)
def structure_conventions(context, structure):
    user = context["request"].user
    conventions = list(Convention.objects.visible_to(user).filter(structure=structure).order_by("-start_date", "-pk"))
    live = any(c.status in (*LIVE_STATUSES, "active") for c in conventions)
    return {
        "structure": structure,
        "conventions": conventions,
        "can_prepare": perms.can_prepare(user, structure) and not live,
    }
