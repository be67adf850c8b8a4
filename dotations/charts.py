"""The inline SVG charts, computed and drawn on the server (no chart library, no JavaScript).

``StackedChart.render`` writes the SVG (templates: ``{% load chart_tags %}{% stacked_chart … %}``); every chart also
has a table of the same figures. Colours are the DSFR's illustrative palette; a segment is never told apart by colour
alone (legend text, values on bars, and the table).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
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
        the national dashboard's time. Coordinates are never localised (SVG reads « 1040 » and « 30.5 »); amounts
        are (« 3 000 000 € »)."""
        return format_html(
            '<svg class="secpa-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">\n'
            '  <title id="{id}-title">{title}</title>\n  <desc id="{id}-desc">{desc}</desc>\n  '
            "{legend}{plot}{marker}\n</svg>",
            width=self.width,
            height=self.height,
            id=chart_id,
            title=title,
            desc=desc,
            legend=self._legend(),
            plot=self._plot(),
            marker=self._marker(),
        )

    # The whitespace is the one of the template this replaced (each element between blank lines): same pages.
    def _legend(self) -> SafeString:
        boxes = format_html_join(
            "",
            '\n  <rect x="{}" y="4" width="12" height="12" fill="{}"/>\n  ',
            ((index * 170, series.colour) for index, series in enumerate(self.series)),
        )
        labels = format_html_join(
            "",
            '\n  <text x="{}" dx="18" y="15" font-size="12" fill="#161616">{}</text>\n  ',
            ((index * 170, series.label) for index, series in enumerate(self.series)),
        )
        return format_html("{}\n  {}\n  ", boxes, labels)

    def _plot(self) -> SafeString:
        backgrounds = ""
        if self.marker_x:
            backgrounds = format_html(
                "\n  {}\n  ",
                format_html_join(
                    "",
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#eeeeee"/>',
                    ((self.label_width, bar.y, _fixed(self.marker_width), self.bar_height) for bar in self.bars),
                ),
            )
        bars = format_html_join("", "{}", ((self._bar(bar),) for bar in self.bars))
        return format_html("{}\n  {}\n  ", backgrounds, bars)

    def _bar(self, bar: Bar) -> SafeString:
        segments = format_html_join(
            "",
            '\n  <rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" stroke-width="1">'
            "<title>{} — {} : {}</title></rect>\n  ",
            (
                (
                    _fixed(segment.x),
                    bar.y,
                    _fixed(segment.width),
                    self.bar_height,
                    segment.series.colour,
                    bar.label,
                    segment.series.label,
                    euros_round(segment.value),
                )
                for segment in bar.segments
            ),
        )
        return format_html(
            '\n  <text x="{}" dx="-8" y="{}" dy="16" text-anchor="end" font-size="13" fill="#161616">{}</text>\n  '
            "{}"
            '\n  <text x="{}" dx="6" y="{}" dy="16" font-size="12" fill="#161616">{}</text>\n  ',
            self.label_width,
            bar.y,
            Truncator(bar.label).chars(30),
            segments,
            _fixed(bar.end_x),
            bar.y,
            bar.total_label,
        )

    def _marker(self) -> SafeString | str:
        if not self.marker_x:
            return ""
        return format_html(
            '\n  <line x1="{x}" x2="{x}" y1="24" y2="{height}" stroke="#161616" stroke-width="2" '
            'stroke-dasharray="4 3"/>\n'
            '  <text x="{x}" dx="-4" y="{height}" dy="-4" text-anchor="end" font-size="12" fill="#161616">'
            "{label}</text>\n  ",
            x=_fixed(self.marker_x),
            height=self.height,
            label=self.marker_label,
        )


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
