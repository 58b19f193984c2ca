"""The pictures of the results pages as inline SVG, laid out here so that a template only draws.

One kind of picture, as the result report draws it (``render/report_view.py``, ``report.html.j2``):
a horizontal bar per row, its length the share of the annual target achieved (0–150 %, a black
line at 100 %), a yellow mark at the share its pace expects by the end of the period, its colour
the verdict.  Each bar carries the exact figure it draws (``data-value``: the result as the result
file gives it, dot decimal, for machines and the browser tests) and its text in the reader's
number format; every chart is described by the table of the page that holds its figures
(``table``: that table's id, the chart's ``aria-describedby``) for readers that do not see pictures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 260  # room for the label left of the bars
BAR_WIDTH = 380  # 150 % of the target
VALUE_WIDTH = 150  # room for the figure right of the bars
ROW_HEIGHT = 24
SCALE = 150  # the bar's full length, in % of the target
MAX_LABEL = 40  # characters of a label drawn (the table beside holds it whole)

VERDICT_CLASS = {"achieved": "achieved", "on track": "ontrack", "behind": "behind", "not achieved": "behind"}
FILL = {"achieved": "#2f855a", "ontrack": "#3182ce", "behind": "#c53030", "missing": "#bdbdbd"}  # as the report draws them


@dataclass(frozen=True)
class ChartBar:
    label: str  # drawn left of the bar
    value: str  # data-value: the exact figure drawn, dot decimal
    text: str  # drawn right of the bar, in the reader's number format
    title: str  # the tooltip: label and figures
    css: str  # achieved, ontrack, behind, missing
    y: int
    width: float  # the bar's length in the picture
    mark: float | None  # x of the expected pace, where there is one
    unit: str = ""  # data-unit (a chart comparing units)
    indicator: str = ""  # data-indicator (a chart comparing indicators)

    @property
    def fill(self) -> str:
        return FILL[self.css]


@dataclass(frozen=True)
class Chart:
    label: str  # aria-label
    indicator: str  # data-indicator ("" for a chart of several)
    period: str
    bars: list[ChartBar]
    axis: list[tuple[float, str, str]]  # x, anchor, text
    target_x: float
    width: int
    height: int
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH
    value_x: int = LABEL_WIDTH + BAR_WIDTH + 6
    bar_height: int = ROW_HEIGHT - 8
    track_width: int = BAR_WIDTH
    table: str = ""  # the id of the table with the same figures (the chart's text alternative)


@dataclass(frozen=True)
class Datum:
    """One bar to draw: its share of the target in % (``None``: no result), the expected share."""

    label: str
    value: Decimal | None
    share: Decimal | None
    expected: Decimal | None
    verdict: str
    text: str
    unit: str = ""
    indicator: str = ""


def _x(share: Decimal | float) -> float:
    return round(BAR_WIDTH * max(0.0, min(float(share), float(SCALE))) / SCALE, 1)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(label: str, data: list[Datum], table: str, axis_texts: tuple[str, str, str],
              indicator: str = "", period: str = "") -> Chart:
    """A chart of ``data``, one bar each, in the order given; ``axis_texts`` say 0 %, 100 % and 150 %
    in the reader's number format."""
    bars = []
    for index, datum in enumerate(data):
        y = index * ROW_HEIGHT + 4
        width = _x(datum.share) if datum.share is not None else 0.0
        mark = LABEL_WIDTH + _x(datum.expected) if datum.expected is not None else None
        bars.append(ChartBar(
            label=_short(datum.label),
            value="" if datum.value is None else format(datum.value, "f"),
            text=datum.text,
            title=f"{datum.label}: {datum.text}",
            css=VERDICT_CLASS.get(datum.verdict, "missing"),
            y=y,
            width=width,
            mark=mark,
            unit=datum.unit,
            indicator=datum.indicator,
        ))
    height = len(data) * ROW_HEIGHT + 30
    axis = [(float(LABEL_WIDTH), "start", axis_texts[0]), (LABEL_WIDTH + _x(100), "middle", axis_texts[1]),
            (float(LABEL_WIDTH + BAR_WIDTH), "end", axis_texts[2])]
    return Chart(
        label=label, indicator=indicator, period=period, bars=bars, axis=axis, target_x=LABEL_WIDTH + _x(100),
        width=LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, height=height, table=table,
    )
