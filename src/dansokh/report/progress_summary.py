"""``dansokh progress`` over many units, as a summary: the table of each unit at the top (its
children ranked), then per indicator how many units achieved it, are on track, behind, not
achieved or without a result, and the furthest behind named with their figures.  Numbers in the
reader's language (1.900 and 12,5% in Vietnamese).  A handful of tables, whatever the country's
size: the per-unit tables are ``--detail``'s (``report.progress.write_table``)."""

from __future__ import annotations

from typing import IO

from rich.markup import escape
from rich.table import Table

from ..i18n import _
from ..model.numbers import number
from ..model.periods import period_label
from ..results.progress import Line, UnitProgress
from ..results.summary import COUNTED, Summary
from .progress import draw_progress, figure, percent, verdict_text
from .safe import Console, terminal_width
from .table_text import print_table


def _how_far(unit: UnitProgress, line: Line) -> str:
    """``xã Tân Hòa (p01-d02-c03): 12,5% / 25,0%`` (a ceiling: its result / the ceiling)."""
    name = unit.title or unit.unit.name
    if line.achieved is not None:
        figures = percent(line.achieved) + (" / " + percent(line.expected) if line.expected is not None else "")
    else:
        figures = figure(line.result) + " / " + figure(line.target)
    return f"{name} ({unit.unit.id}): {figures}"


def _names(units: list[UnitProgress], shown: int = 10) -> str:
    names = [unit.unit.name for unit in units[:shown]]
    if len(units) > shown:
        names.append(_("and {count} more units").format(count=number(len(units) - shown)))
    return ", ".join(names)


def write_summary(summary: Summary, stream: IO[str], color: bool | None = None, warning: str | None = None) -> None:
    """The summary; ``warning`` first (the figures come from files with errors: --allow-errors)."""
    console = Console(file=stream, highlight=False, force_terminal=color, no_color=color is False, width=terminal_width(stream))
    if warning:
        console.print(warning, style="bold red", markup=False)
    for top in summary.tops:
        draw_progress(console, top)
        console.print()
    count = len(summary.units)
    reported = count - len(summary.missing)
    line = _("{period}: {count} units with targets; reported: {reported}; on time: {on_time}.").format(
        period=period_label(summary.period, summary.year), count=number(count), reported=number(reported),
        on_time=number(summary.on_time),
    )
    if summary.missing:
        line += " " + _("Not reported: {names}.").format(names=_names(summary.missing))
    if summary.late:
        line += " " + _("Late: {names}.").format(names=_names(summary.late))
    console.print(escape(line))
    table = Table(
        _("Indicator"), _("Units with a target"), *[verdict_text(verdict) for verdict in COUNTED], _("Furthest behind"),
        title=escape(_("Every unit with targets, by indicator")), title_justify="left",
    )
    for found in summary.indicators:
        furthest = "; ".join(_how_far(unit, line) for unit, line in found.furthest) or "—"
        table.add_row(
            escape(found.name), number(found.units), *[number(found.counts[verdict]) for verdict in COUNTED], escape(furthest)
        )
    print_table(console, table, main=len(COUNTED) + 2)
    console.print(
        escape(_("Every unit's tables: --detail ({count} units); one unit's: dansokh progress UNIT.").format(count=number(count))),
        soft_wrap=True,
    )
