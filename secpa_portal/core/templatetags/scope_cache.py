"""``{% scope_cached "name" value… %}…{% endscope_cached %}``: a dashboard fragment rendered once per reader's scope
and kept with the aggregates it shows (``core.aggregates``: refreshed by the next journaled write, 60 s at most).

The national dashboard's tables per region and their chart are the same for every CNAM agent and drawn from cached
figures; rendering them was a quarter of the page (issue 14). What the fragment shows must depend only on the
scope and on the values named after the fragment's name (a campaign, a role): nothing of the reader's own, no
form. A manager's dashboard (no scope) renders the fragment every time.
"""

from django import template
from django.utils.safestring import mark_safe

from secpa_portal.core import aggregates

register = template.Library()


class ScopeCachedNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        key = ":".join(["html", str(self.name.resolve(context)), *(str(v.resolve(context)) for v in self.vary_on)])
        scope = aggregates.scope(context["user"])
        return mark_safe(aggregates.cached(key, scope, lambda: str(self.nodelist.render(context))))


@register.tag
def scope_cached(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"« {bits[0]} » prend un nom de fragment.")
    nodelist = parser.parse(("endscope_cached",))
    parser.delete_first_token()
    return ScopeCachedNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]])
