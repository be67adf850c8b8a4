"""Inline SVG charts of indicator values against their targets over the years (drawn on the server).

Pure geometry: the template draws what ``indicator_chart`` returns. Each chart has a table alternative in the
page (RGAA); labels carry the figures so that no information depends on colour.
"""

from dataclasses import dataclass
from decimal import Decimal

from secpa_portal.core.formats import format_number

from .enums import IndicatorUnit

WIDTH = 800
HEIGHT = 230
LEFT = 16
RIGHT = 16
TOP = 28
BOTTOM = 50
MAX_BAR = 72


@dataclass
class Point:
    year: int
    value: Decimal | None
    target: Decimal | None
    status: str = ""


@dataclass
class Bar:
    year: int
    x: float
    width: float
    center: float
    y: float
    height: float
    label: str
    target_y: float | None
    target_label: str
    label_y: float
    label_inside: bool


def display(value, unit) -> str:
    """A figure the French way, in the indicator's unit."""
    if value is None:
        return "—"
    if unit == IndicatorUnit.YES_NO:
        return "oui" if value >= 1 else "non"
    places = next(p for p in (0, 1, 2) if value == value.quantize(Decimal(1).scaleb(-p)) or p == 2)
    text = format_number(value, places)
    return {
        IndicatorUnit.PERCENT: f"{text}\u00a0%",
        IndicatorUnit.HOURS: f"{text}\u00a0h",
        IndicatorUnit.EUROS: f"{text}\u00a0€",
        IndicatorUnit.DAYS: f"{text}\u00a0j",
    }.get(unit, text)


def indicator_chart(points: list[Point], unit: str) -> dict:
    """Bars for the declared values, a dashed tick for each year's target, both labelled."""
    figures = [p.value for p in points if p.value is not None] + [p.target for p in points if p.target is not None]
    top = max([Decimal("1")] + [abs(f) for f in figures])
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(points))
    width = min(MAX_BAR, slot * 0.6)
    baseline = TOP + plot_height

    def y_of(value):
        return baseline - float(max(Decimal("0"), value) / top) * plot_height

    bars = []
    for index, point in enumerate(points):
        center = LEFT + slot * index + slot / 2
        y = y_of(point.value) if point.value is not None else baseline
        bars.append(
            Bar(
                year=point.year,
                x=round(center - width / 2, 1),
                width=round(width, 1),
                center=round(center, 1),
                y=round(y, 1),
                height=round(baseline - y, 1),
                label=display(point.value, unit) if point.value is not None else "non déclaré",
                target_y=round(y_of(point.target), 1) if point.target is not None else None,
                target_label=display(point.target, unit) if point.target is not None else "",
                # Inside the bar (light text) when it is tall enough, so that it never sits on the target line.
                label_inside=baseline - y >= 26,
                label_y=round(y + 18 if baseline - y >= 26 else y - 6, 1),
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": baseline,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bars": bars,
    }


@dataclass
class HorizontalBar:
    label: str
    y: float
    width: float
    text: str
    text_x: float


def attainment_bars(summaries) -> dict:
    """One horizontal bar per indicator: its mean attainment (0 – 100 %), labelled."""
    row = 30
    label_width = 0  # labels sit above each bar, so long indicator names never overflow
    plot = WIDTH - LEFT - RIGHT - 70
    bars = []
    for index, summary in enumerate(summaries):
        share = summary.mean_attainment or Decimal("0")
        bars.append(
            HorizontalBar(
                label=summary.label,
                y=TOP + index * (row + 18),
                width=round(float(share) * plot, 1),
                text=format_number(share * 100, 1) + "\u00a0%",
                text_x=round(LEFT + float(share) * plot + 6, 1),
            )
        )
    return {
        "width": WIDTH,
        "height": TOP + len(bars) * (row + 18) + 8,
        "left": LEFT + label_width,
        "bar_height": row - 10,
        "bars": bars,
    }
