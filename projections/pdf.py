"""The two-page note for a ministerial answer, printed by WeasyPrint like the convention (``conventions.pdf``):
page 1 the question's answer in figures (cost per year, envelope, share of the spending, assumptions), page 2
the tables (populations, regions, territories, barème components) and the method."""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from . import report


def document(scenario):
    """The note laid out (a WeasyPrint document: ``len(document(s).pages)`` is its number of pages)."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which the web pages never need

    data = report.tables(scenario)
    html = render_to_string(
        "projections/note.html",
        {
            "scenario": scenario,
            "data": data,
            "chart": report.chart(data) if data.computed else None,
            "groups": list(scenario.groups.select_related("region")),
            "group_lines": report.group_summary(scenario.groups.all()),
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html).render(stylesheets=[CSS(filename=finders.find("css/projection-note.css"))])


def render_pdf(scenario) -> bytes:
    return document(scenario).write_pdf()


def response(scenario) -> HttpResponse:
    result = HttpResponse(render_pdf(scenario), content_type="application/pdf")
    name = f"note-scenario-{scenario.pk}-{slugify(scenario.name)[:40]}.pdf"
    result["Content-Disposition"] = f'inline; filename="{name}"'
    return result
