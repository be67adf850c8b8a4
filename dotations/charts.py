"""Geometry of the inline SVG charts, computed on the server (no chart library, no JavaScript).

Templates draw what these functions return; every chart also has a table of the same figures.
Colours are the DSFR's illustrative palette; a segment is never told apart by colour alone (legend text,
values on bars, and the table).
"""

from dataclasses import dataclass, field
from decimal import Decimal

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
