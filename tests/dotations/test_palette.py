"""One colour per meaning across every chart, with the legend in the same words (issue 12 §9)."""

from dotations import charts, funding_chart
from dotations.palette import STATUS_COLOURS, STATUS_LABELS
from secpa_portal.site import public_views


def test_each_meaning_has_its_own_colour():
    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS)


def test_every_chart_draws_a_status_in_its_colour_and_names_it_alike():
    series = [*charts.STATUS_SERIES, charts.PAID]
    for s in series:
        assert (s.colour, s.label) == (STATUS_COLOURS[s.key], STATUS_LABELS[s.key])
    for key, label, css in funding_chart.SERIES:
        assert funding_chart.COLOURS[css] == STATUS_COLOURS[key]
        assert str(label) == STATUS_LABELS[key]
    # The public page's « approuvé, restant à verser » is approved money: the approved colour.
    assert public_views.TO_PAY.colour == STATUS_COLOURS["approved"]


def test_chart_coordinates_are_never_written_the_french_way():
    """SVG reads « 1040 » and « 30.5 », not « 1 040 » nor « 30,5 »: the chart's numbers are not localised, while
    the amounts it writes are (« 3 000 000 € »)."""
    import re
    from decimal import Decimal

    from django.template.loader import render_to_string
    from django.utils import translation

    rows = [(f"Région {i}", {"approved": Decimal("1234567.89"), "proposed": Decimal("1000.5")}) for i in range(40)]
    chart = charts.stacked_bars(rows, marker=Decimal("3000000"), label_width=400, plot_width=517)
    with translation.override("fr"):
        svg = render_to_string("dotations/_stacked_chart.html", {"chart": chart, "chart_id": "c", "chart_title": "t"})
    assert f'viewBox="0 0 {chart.width} {chart.height}"' in svg and chart.width > 1000 and chart.height > 1000
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|dx|dy|width|height)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    assert "Enveloppe : 3\u202f000\u202f000\u00a0€" in svg
