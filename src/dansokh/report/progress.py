"""``dansokh progress`` as a table (Vietnamese number formats), JSON or CSV.

The table is for people: numbers in the reader's language (1.900 and 87,5% in Vietnamese, 1,900
and 87.5% in English); verdicts in the current language.
JSON and CSV are for machines: numbers as plain digits, verdicts in English
(``achieved``, ``on track``, ``behind``, ``not achieved``, ``no result``), the same in every language.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from rich.markup import escape
from rich.table import Table

from ..i18n import _
from ..model.numbers import half_up, number, plain
from ..model.periods import period_label, vn_date
from ..results.progress import Line, Progress, UnitProgress, days_late, verdict_text
from .progress_json import write_records
from .safe import Console, csv_row, terminal_width
from .table_text import print_table

_STYLE = {"achieved": "green", "on track": "green", "behind": "red", "not achieved": "red", "not reported": "red"}


def percent(value: Decimal | None) -> str:
    """``87.456`` -> ``87,5%`` (``87.5%`` in English)."""
    return "—" if value is None else f"{number(value, 1)}%"


def figure(value: Decimal | None) -> str:
    """A target or result as written, with at most two decimals (a computed rate has more)."""
    if value is None:
        return "—"
    exponent = value.as_tuple().exponent
    return number(value, 2) if isinstance(exponent, int) and exponent < -2 else number(value)


_TEXTS: dict[tuple[str, str], str | None] = {}  # (how, the number's text) -> what a record writes: a country's figures recur


def _written(how: str, value: Decimal | None, write: Callable[[Decimal], str | None]) -> str | None:
    """``write(value)``, once per value as written (``str``: its digits and exponent, so that
    ``1.0`` and ``1.00`` stay apart)."""
    if value is None:
        return None
    key = (how, str(value))
    found = _TEXTS.get(key, _TEXTS)
    if found is _TEXTS:
        if len(_TEXTS) > 100_000:  # a bound, whatever runs in this process
            _TEXTS.clear()
        found = _TEXTS[key] = write(value)
    return found  # type: ignore[return-value]


def _places_now(value: Decimal, places: int = 2) -> str | None:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        value = half_up(value, places)
    return plain(value)


def _places(value: Decimal | None) -> str | None:
    return _written("places", value, _places_now)


def _percent_text(value: Decimal | None) -> str | None:
    return _written("percent", value, lambda found: plain(half_up(found, 1)))


def _plain(value: Decimal | None) -> str | None:
    return _written("plain", value, plain)


def line_record(line: Line) -> dict[str, Any]:
    return {
        "indicator": line.indicator,
        "name": line.name,
        "unit": line.unit,
        "direction": line.direction.value,
        "target": _plain(line.target),
        "result": _places(line.result),
        "result_from": line.source or None,
        "achieved_percent": _percent_text(line.achieved),
        "expected_percent": _percent_text(line.expected),
        "pace": line.pace or None,
        "verdict": line.verdict,
        "gap_points": _percent_text(line.gap),
    }


def last_record(unit: UnitProgress, indicator: str) -> dict[str, Any] | None:
    last = unit.last.get(indicator)
    if last is None:
        return None
    record: dict[str, Any] = {"year": unit.year - 1, "value": _places(last.value)}
    if last.carried is not None:
        record["carried"] = {
            "sources": last.carried.sources_text(),
            "divided": last.divided,
            "partial": last.carried.partial,
            "not_reported": list(last.missing),
            "reason": last.carried.reason,
        }
    return record


def unit_record(unit: UnitProgress) -> dict[str, Any]:
    lines = []
    for line in unit.lines:
        record = line_record(line)
        if unit.last:
            record["last_year"] = last_record(unit, line.indicator)
        lines.append(record)
    return {
        "unit": unit.unit.id,
        "name": unit.unit.name,
        "level": unit.unit.level,
        "reported": unit.reported,
        "due_before": unit.due,
        "late": unit.late,
        "file": unit.file,
        "status": unit.status,
        "behind": [line.indicator for line in unit.behind],
        "lines": lines,
    }


def progress_record(progress: Progress) -> dict[str, Any]:
    record = unit_record(progress.unit)
    record["year"] = progress.unit.year
    record["period"] = progress.unit.period
    if progress.children:
        record["completeness"] = {
            "expected": len(progress.children),
            "reported": len(progress.children) - len(progress.missing),
            "on_time": progress.on_time,
            "missing": [child.unit.id for child in progress.missing],
            "late": [child.unit.id for child in progress.late],
        }
        record["children"] = [dict(unit_record(child), rank=rank) for rank, child in enumerate(progress.children, 1)]
    return record


def write_json(progresses: list[Progress], stream: IO[str], errors: int = 0) -> None:
    """One record per unit shown; ``errors``: the errors in the results and plans the figures come
    from (not 0 only with --allow-errors), in every record, so that the figures never travel
    without it."""
    write_records(progresses, stream, lambda found: dict(progress_record(found), errors=errors))


# "errors" first: the errors in the results and plans the figures come from (as write_json)
CSV_FIELDS = ["errors", "unit", "name", "parent", "rank", "year", "period", "reported", "due_before", "late", "indicator",
              "unit_of_measure", "target", "result", "result_from", "achieved_percent", "expected_percent", "pace",
              "verdict", "gap_points"]


def write_csv(progresses: list[Progress], stream: IO[str], errors: int = 0) -> None:
    """One row per indicator of every unit shown; the cells a unit's rows share are made safe once."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for progress in progresses:
        units = [(progress.unit, None, None)] + [
            (child, progress.unit.unit.id, rank) for rank, child in enumerate(progress.children, 1)
        ]
        for unit, parent, rank in units:
            shared = csv_row([
                errors, unit.unit.id, unit.unit.name, parent or "", rank or "", unit.year, unit.period, unit.reported or "",
                unit.due or "", "yes" if unit.late else "",
            ])
            for line in unit.lines:
                record = line_record(line)
                writer.writerow(shared + csv_row([
                    line.indicator, line.unit, record["target"], record["result"] or "", record["result_from"] or "",
                    record["achieved_percent"] or "", record["expected_percent"] or "", line.pace, line.verdict,
                    record["gap_points"] or "",
                ]))


def _last_text(unit: UnitProgress, indicator: str) -> str:
    last = unit.last.get(indicator)
    if last is None or last.value is None:
        return "—"
    return figure(last.value) + ("*" if last.divided else "") + ("+" if last.partial else "")


def _last_notes(unit: UnitProgress) -> list[str]:
    """Where last year's figures of a unit made in a reform came from."""
    carried = [last for last in unit.last.values() if last.carried is not None]
    if not carried:
        return []
    notes = [
        _("{period}: the results of the old units carried into {unit}: {sources}").format(
            period=period_label(unit.period, unit.year - 1), unit=unit.title or unit.unit.name,
            sources=carried[0].carried.sources_text(),  # type: ignore[union-attr]
        )
    ]
    if any(last.divided for last in carried):
        notes.append(_("* carried (in part) through a divided unit, by the shares the crosswalk gives"))
    if any(last.partial for last in carried):
        notes.append(_("+ the unit also took territory from units the crosswalk does not cover: its figure is only part of its territory's"))
    missing = sorted({name for last in carried for name in last.missing})
    if missing:
        notes.append(_("Not reported then, so not in these figures: {names}").format(names=", ".join(missing)))
    return notes


def _verdict_cell(verdict: str) -> str:
    style = _STYLE.get(verdict)
    text = escape(verdict_text(verdict))
    return f"[{style}]{text}[/]" if style else text


def _unit_title(unit: UnitProgress) -> str:
    parts = [_("{unit}, {period}").format(unit=unit.title, period=period_label(unit.period, unit.year))]
    if unit.reported:
        parts.append(_("reported {day}").format(day=vn_date(unit.reported)))
        if unit.late:
            parts.append(_("late: due before {day}").format(day=vn_date(unit.due)))  # type: ignore[arg-type]
    else:
        parts.append(_("no report"))
    return " · ".join(parts)


def write_table(progresses: list[Progress], stream: IO[str], color: bool | None = None, warning: str | None = None) -> None:
    """The tables; ``warning`` first (the figures come from files with errors: --allow-errors)."""
    console = Console(file=stream, highlight=False, force_terminal=color, no_color=color is False, width=terminal_width(stream))
    if warning:
        console.print(warning, style="bold red", markup=False)
    for index, progress in enumerate(progresses):
        if index:
            console.print()
        draw_progress(console, progress)


def draw_progress(console: Console, progress: Progress) -> None:
    """One unit's table, then (where it has children) who reported and its children ranked."""
    own = progress.unit
    columns = [_("Indicator"), _("Unit"), _("Target"), _("Result"), _("% of target"), _("Expected by now"), _("Verdict")]
    if own.last:
        columns.append(period_label(own.period, own.year - 1))
    table = Table(*columns, title=escape(_unit_title(own)), title_justify="left")
    for line in own.lines:
        result = figure(line.result)
        if line.source == "children":
            result += " " + _("(sum of children)")
        cells = [
            escape(line.name), escape(line.unit), figure(line.target), escape(result), percent(line.achieved),
            percent(line.expected), _verdict_cell(line.verdict),
        ]
        if own.last:
            cells.append(escape(_last_text(own, line.indicator)))
        table.add_row(*cells)
    print_table(console, table)
    for note in _last_notes(own):
        console.print(escape(note), soft_wrap=True)
    if not progress.children:
        return
    count = len(progress.children)
    console.print(
        escape(_("Reported: {reported} of {count}; on time: {on_time}.").format(
            reported=count - len(progress.missing), count=count, on_time=progress.on_time
        ))
        + ("" if not progress.missing else " " + escape(_("Not reported: {names}.").format(names=", ".join(c.unit.name for c in progress.missing))))
        + ("" if not progress.late else " " + escape(_("Late: {names}.").format(names=", ".join(f"{c.unit.name} ({vn_date(c.reported)})" for c in progress.late))))  # type: ignore[arg-type]
    )
    ranking = Table(
        _("Rank"), _("Unit"), _("Reported"), _("Behind"), _("Furthest behind"), _("Verdict"),
        title=escape(_("Units of {name}, most behind first").format(name=own.title or own.unit.name)), title_justify="left",
    )
    for rank, child in enumerate(progress.children, 1):
        worst = min(child.behind, key=lambda line: line.gap if line.gap is not None else Decimal(0), default=None)
        worst_text = "—"
        if worst is not None:
            # a % of the plan against the pace; a ceiling's result against the ceiling
            worst_text = f"{worst.name}: {percent(worst.achieved) if worst.achieved is not None else figure(worst.result) + ' / ' + figure(worst.target)}"
            if worst.expected is not None:
                worst_text += " / " + percent(worst.expected)
        reported = vn_date(child.reported) if child.reported else "—"
        late = days_late(child)
        if late:
            reported += " " + _("({days} d late)").format(days=late)
        ranking.add_row(
            str(rank), escape(child.unit.name), escape(reported),
            f"{len(child.behind)}/{len([line for line in child.lines if line.verdict != 'information'])}",
            escape(worst_text), _verdict_cell(child.status),
        )
    print_table(console, ranking, main=4)
