"""The inline SVG charts, computed and drawn on the server (no chart library, no JavaScript).

``StackedChart.render`` writes the SVG (templates: ``{% load chart_tags %}{% stacked_chart … %}``); every chart also
has a table of the same figures. Colours are the DSFR's illustrative palette; a segment is never told apart by colour
alone (legend text, values on bars, and the table).
"""

import html
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from secpa_portal.core.formats import euros_round

from .palette import STATUS_COLOURS, STATUS_LABELS

ZERO = Decimal("0")


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


@dataclass
class Segment:
    series: Series
    value: Decimal
    x: float
    width: float


@dataclass
class Bar:
    label: str
    y: float
    segments: list[Segment] = field(default_factory=list)
    total: Decimal = ZERO
    total_label: str = ""
    end_x: float = 0.0


@dataclass
class StackedChart:
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    bars: list[Bar]
    series: list[Series]
    marker_x: float | None = None
    marker_label: str = ""

    @property
    def marker_width(self) -> float:
        return (self.marker_x or self.label_width) - self.label_width

    def render(self, chart_id: str, title: str, desc: str = "") -> SafeString:
        """The chart as SVG, texts escaped. Written in Python: as a template, its few hundred elements were most of
        the national dashboard's time; with ``format_html`` per element, still a sixth of it. Coordinates are never
        localised (SVG reads « 1040 » and « 30.5 »); amounts are (« 3 000 000 € »)."""
        return mark_safe(
            f'<svg class="secpa-chart" viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" '
            'xmlns="http://www.w3.org/2000/svg">\n'
            f'  <title id="{_e(chart_id)}-title">{_e(title)}</title>\n'
            f'  <desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>'
            f"\n  {self._legend()}{self._plot()}{self._marker()}\n</svg>"
        )

    # The whitespace is the one of the template this replaced (each element between blank lines): same pages.
    def _legend(self) -> str:
        boxes = "".join(
            f'\n  <rect x="{index * 170}" y="4" width="12" height="12" fill="{_e(series.colour)}"/>\n  '
            for index, series in enumerate(self.series)
        )
        labels = "".join(
            f'\n  <text x="{index * 170}" dx="18" y="15" font-size="12" fill="#161616">{_e(series.label)}</text>\n  '
            for index, series in enumerate(self.series)
        )
        return f"{boxes}\n  {labels}\n  "

    def _plot(self) -> str:
        backgrounds = ""
        if self.marker_x:
            width = _fixed(self.marker_width)
            backgrounds = "\n  {}\n  ".format(
                "".join(
                    f'<rect x="{self.label_width}" y="{bar.y}" width="{width}" height="{self.bar_height}" '
                    'fill="#eeeeee"/>'
                    for bar in self.bars
                )
            )
        bars = "".join(self._bar(bar) for bar in self.bars)
        return f"{backgrounds}\n  {bars}\n  "

    def _bar(self, bar: Bar) -> str:
        label = _e(bar.label)
        segments = "".join(
            f'\n  <rect x="{_fixed(segment.x)}" y="{bar.y}" width="{_fixed(segment.width)}" '
            f'height="{self.bar_height}" fill="{_e(segment.series.colour)}" stroke="#ffffff" stroke-width="1">'
            f"<title>{label} — {_e(segment.series.label)} : {_e(euros_round(segment.value))}</title></rect>\n  "
            for segment in bar.segments
        )
        return (
            f'\n  <text x="{self.label_width}" dx="-8" y="{bar.y}" dy="16" text-anchor="end" font-size="13" '
            f'fill="#161616">{_e(Truncator(bar.label).chars(30))}</text>\n  '
            f"{segments}"
            f'\n  <text x="{_fixed(bar.end_x)}" dx="6" y="{bar.y}" dy="16" font-size="12" fill="#161616">'
            f"{_e(bar.total_label)}</text>\n  "
        )

    def _marker(self) -> str:
        if not self.marker_x:
            return ""
        x = _fixed(self.marker_x)
        return (
            f'\n  <line x1="{x}" x2="{x}" y1="24" y2="{self.height}" stroke="#161616" stroke-width="2" '
            'stroke-dasharray="4 3"/>\n'
            f'  <text x="{x}" dx="-4" y="{self.height}" dy="-4" text-anchor="end" font-size="12" fill="#161616">'
            f"{_e(self.marker_label)}</text>\n  "
        )


def _e(text) -> str:
    """As ``format_html`` writes its arguments (``conditional_escape``): safe text as it is, any other escaped."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _fixed(coordinate: float) -> str:
    return f"{coordinate:.2f}"


APPROVED = Series("approved", STATUS_LABELS["approved"], STATUS_COLOURS["approved"])
PROPOSED = Series("proposed", STATUS_LABELS["proposed"], STATUS_COLOURS["proposed"])
COMPUTED = Series("computed", STATUS_LABELS["computed"], STATUS_COLOURS["computed"])
PAID = Series("paid", STATUS_LABELS["paid"], STATUS_COLOURS["paid"])
STATUS_SERIES = [APPROVED, PROPOSED, COMPUTED]


def stacked_bars(rows, series=STATUS_SERIES, *, marker: Decimal | None = None, label_width=220, plot_width=460):
    """``rows``: (label, {series key: value}). One horizontal stacked bar per row, scaled to the largest
    total (or to ``marker``, e.g. the envelope, drawn as a vertical line, when it is larger)."""
    bar_height, gap, legend = 22, 14, 30
    totals = [sum((values.get(s.key) or ZERO for s in series), ZERO) for _, values in rows]
    scale_max = max([*totals, marker or ZERO, Decimal("1")])
    bars = []
    for index, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        bar = Bar(label=label, y=legend + index * (bar_height + gap), total=total, total_label=euros_round(total))
        x = float(label_width)
        for s in series:
            value = values.get(s.key) or ZERO
            width = float(value / scale_max) * plot_width
            if value:
                bar.segments.append(Segment(s, value, x, width))
            x += width
        bar.end_x = x
        bars.append(bar)
    height = legend + len(rows) * (bar_height + gap) + (22 if marker else 4)
    marker_x = label_width + float(marker / scale_max) * plot_width if marker else None
    return StackedChart(
        width=label_width + plot_width + 130,
        height=height,
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=bars,
        series=list(series),
        marker_x=marker_x,
        marker_label=f"Enveloppe : {euros_round(marker)}" if marker else "",
    )
