"""``{% load chart_tags %}{% stacked_chart chart chart_id="…" title="…" desc="…" %}``: a ``dotations.charts``
StackedChart as inline SVG (drawn by ``StackedChart.render``)."""

from django import template

register = template.Library()


@register.simple_tag
def stacked_chart(chart, *, chart_id, title, desc=""):
    return chart.render(chart_id, title, desc)
