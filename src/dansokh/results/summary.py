"""Progress over many units at once, as an officer at the top reads it first: per indicator, how
many units achieved it, are on track, behind, not achieved or without a result, and the units
furthest behind with their figures; who has reported.  Made of what ``progress`` computed for
each unit (its own targets), so that the summary and the tables never disagree.  Pure computation.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from decimal import Decimal

from ..model.catalogue import CATALOGUE, Direction
from .progress import Line, Progress, Reporting, UnitProgress

MANY = 50  # more units than this with targets, and none named: the summary, not every unit's tables
FURTHEST = 3  # units named per indicator, the furthest behind first
COUNTED = ("achieved", "on track", "behind", "not achieved", "no result")


@dataclass
class IndicatorSummary:
    """One indicator over the units with a target for it."""

    indicator: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    furthest: list[tuple[UnitProgress, Line]] = field(default_factory=list)  # the furthest behind first

    @property
    def units(self) -> int:
        return sum(self.counts.values())


@dataclass
class Summary(Reporting):
    year: int
    period: str
    units: list[UnitProgress]  # every unit shown, parents before their children
    tops: list[Progress]  # the units at the top (no parent among those shown), with their children ranked
    indicators: list[IndicatorSummary]

    @property
    def reporters(self) -> list[UnitProgress]:
        return self.units


def _how_far(line: Line) -> tuple[Decimal, str]:
    """A line's place among the furthest behind: its gap (percentage points behind its pace, or
    past its ceiling); a reduction not achieved, without a gap, after those with one."""
    return (line.gap if line.gap is not None else Decimal(0), line.indicator)


def summarise(shown: list[Progress]) -> Summary:
    """The summary of ``shown`` (``progress`` of every unit, parents first)."""
    units = [found.unit for found in shown]
    ids = {unit.unit.id for unit in units}
    tops = [found for found in shown if found.unit.unit.parent not in ids]
    by_indicator: dict[str, IndicatorSummary] = {}
    behind: dict[str, list[tuple[tuple[Decimal, str], int, UnitProgress, Line]]] = {}
    for position, unit in enumerate(units):
        for line in unit.lines:
            if line.direction is Direction.INFO:
                continue
            found = by_indicator.get(line.indicator)
            if found is None:
                found = by_indicator[line.indicator] = IndicatorSummary(line.indicator, line.name)
            found.counts[line.verdict] += 1
            if line.behind:
                behind.setdefault(line.indicator, []).append((_how_far(line), position, unit, line))
    order = {key: index for index, key in enumerate(CATALOGUE)}
    indicators = sorted(by_indicator.values(), key=lambda found: order.get(found.indicator, len(order)))
    for found in indicators:
        ranked = heapq.nsmallest(FURTHEST, behind.get(found.indicator, []), key=lambda item: (item[0], item[1]))
        found.furthest = [(unit, line) for _key, _position, unit, line in ranked]
    year = units[0].year if units else 0
    period = units[0].period if units else ""
    return Summary(year, period, units, tops, indicators)
