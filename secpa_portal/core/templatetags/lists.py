"""Template helpers of the list mechanism (``secpa_portal.core.lists``)."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from secpa_portal.core import lists

register = template.Library()


@register.simple_tag(takes_context=True)
def list_url(context, url):
    """A crumb's URL, with its list's querystring when it leads back to a list the user filtered."""
    return lists.back_url(context.get("request"), url)


register.filter("fill", lists.fill)
register.filter("label", lists.label)


@register.simple_tag
def filter_fields(filters):
    """The filter form's fields (``includes/lists/filter_fields.html``), rendered once per distinct form state
    per process (``lists.render_filter_fields``)."""
    return lists.render_filter_fields(filters["form"], filters["sort_param"])


@register.simple_tag(takes_context=True)
def rows(context, template_name):
    """The Jinja2 template ``template_name`` (``templates/jinja2/``) rendered with this template's context: the
    rows of a long list (``core/jinja.py``)."""
    return mark_safe(engines["rows"].env.get_template(template_name).render(context.flatten()))
