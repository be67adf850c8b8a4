"""The funding chart as plain geometry for an inline SVG (ux.md: no chart library, labels on the bars)."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext_lazy as _

from secpa_portal.core.formats import format_number

from .palette import STATUS_COLOURS

WIDTH = 720
HEIGHT = 320
LEFT = 72
RIGHT = 16
TOP = 28
BOTTOM = 48
SERIES = [
    ("approved", _("Approuvé"), "secpa-bar--approved"),
    ("paid", _("Versé"), "secpa-bar--paid"),
    ("scheduled", _("Programmé"), "secpa-bar--scheduled"),
]
COLOURS = {css: STATUS_COLOURS[attr] for attr, _label, css in SERIES}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    colour: str
    label: str
    value_label: str


def compact_euros(value) -> str:
    """« 400 k€ », « 1,2 M€ »: short labels on bars; the table gives exact amounts."""
    value = Decimal(value)
    if value >= 1_000_000:
        return f"{format_number(value / 1_000_000, 1)}\u00a0M€"
    if value >= 1_000:
        return f"{format_number(value / 1_000, 0)}\u00a0k€"
    return f"{format_number(value, 0)}\u00a0€"


def _nice_ceiling(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal(1000)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        ceiling = (Decimal(str(step)) * magnitude).quantize(Decimal(1), rounding=ROUND_CEILING)
        if ceiling >= value:
            return ceiling
    return 10 * magnitude  # pragma: no cover


def funding_chart(rows) -> dict:
    """Grouped bars (approved, paid, scheduled) for each year of ``rows`` (FundingYear items)."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    top_value = _nice_ceiling(max([max(r.approved, r.paid, r.scheduled) for r in rows] or [Decimal(0)]))
    group = plot_width / max(len(rows), 1)
    bar_width = min(44.0, group * 0.8 / len(SERIES))
    bars, years = [], []
    for index, row in enumerate(rows):
        start = LEFT + index * group + (group - bar_width * len(SERIES)) / 2
        years.append({"x": LEFT + index * group + group / 2, "label": str(row.year)})
        for offset, (attr, label, css) in enumerate(SERIES):
            value = getattr(row, attr)
            height = float(value / top_value) * plot_height
            bars.append(
                Bar(
                    x=round(start + offset * bar_width, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width - 4, 1),
                    height=round(height, 1),
                    css=css,
                    colour=COLOURS[css],
                    label=f"{label} {row.year}",
                    value_label=compact_euros(value),
                )
            )
    ticks = [
        {"y": round(TOP + plot_height - plot_height * i / 4, 1), "label": compact_euros(top_value * i / 4)}
        for i in range(5)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "year_y": TOP + plot_height + 22,
        "bars": bars,
        "years": years,
        "ticks": ticks,
        "series": [{"label": label, "css": css, "colour": COLOURS[css]} for _attr, label, css in SERIES],
    }
