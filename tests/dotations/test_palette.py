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
