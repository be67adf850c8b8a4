"""One colour per meaning across every chart, with the legend in the same words (issue 12 §9)."""

import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

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
    rows = [(f"Région {i}", {"approved": Decimal("1234567.89"), "proposed": Decimal("1000.5")}) for i in range(40)]
    chart = charts.stacked_bars(rows, marker=Decimal("3000000"), label_width=400, plot_width=517)
    with translation.override("fr"):
        svg = _tag(chart)
    assert f'viewBox="0 0 {chart.width} {chart.height}"' in svg and chart.width > 1000 and chart.height > 1000
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|dx|dy|width|height)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    assert "Enveloppe : 3\u202f000\u202f000\u00a0€" in svg


def _tag(chart, title="t"):
    template = Template('{% load chart_tags %}{% stacked_chart chart chart_id="c" title=title %}')
    return template.render(Context({"chart": chart, "title": title}))


def test_the_chart_escapes_its_labels_and_keeps_its_numbers_plain():
    """A label (a region, a structure, a population) is text: « & » and « < » are escaped in the bar's label, its
    segments' tooltips and the legend, while coordinates past 1 000 stay « 1150 » whatever the language."""
    label = "Santé & <Outre-mer> « très long libellé »"
    series = [charts.Series("approved", "Approuvé <net> & validé", "#18753c")]
    chart = charts.stacked_bars([(label, {"approved": Decimal("2500000")})], series, label_width=600, plot_width=420)
    with translation.override("fr"):
        svg = _tag(chart, title="Région <b> & co")
    assert "<Outre" not in svg and "<net>" not in svg and "<b>" not in svg
    assert ">Santé &amp; &lt;Outre-mer&gt; « très lo…</text>" in svg  # truncated to 30 characters, then escaped
    assert "<title>Santé &amp; &lt;Outre-mer&gt; « très long libellé » — Approuvé &lt;net&gt; &amp; validé : " in svg
    assert ">Approuvé &lt;net&gt; &amp; validé</text>" in svg and ">Région &lt;b&gt; &amp; co</title>" in svg
    assert 'viewBox="0 0 1150 ' in svg and 'width="1150"' in svg and '<text x="600" dx="-8"' in svg
    assert '<rect x="600.00" y="30" width="420.00"' in svg and '<text x="1020.00" dx="6"' in svg
    assert "2\u202f500\u202f000\u00a0€" in svg  # the amounts are French
