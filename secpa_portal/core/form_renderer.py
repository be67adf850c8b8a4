"""The project's form renderer: Django's templates (``TemplatesSetting``), except ``<select>``, written in Python.

A select's options went through the template engine one by one; the lists' filter forms (101 départements,
18 regions, statuses, kinds) spent half of a national list page there (issue 14). The markup is Django's:
the same attributes (``flatatt`` drops ``False``, writes ``True`` bare), the same escaping, the same options
and groups, so every select of the portal (filters, wizard, back office) renders as before, only faster.
"""

from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class Renderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        return super().render(template_name, context, request)


def render_select(widget: dict) -> str:
    parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        parts.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"]
            )
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))
