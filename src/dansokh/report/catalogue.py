"""The catalogue in force as ``dansokh indicators`` shows it: a table, JSON or CSV.

The keys are what a user types into a plan, so they are never cut: the table keeps each key
whole on its line (the names wrap instead), its remarks become notes below it when their column
does not fit, and where the terminal is too narrow even for that, each indicator is a short
block, its key on a line of its own.  No column is ever dropped.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from rich.cells import cell_len
from rich.padding import Padding
from rich.table import Table

from ..i18n import _
from ..model.catalogue import Catalogue, Indicator
from ..model.numbers import plain
from .allocation import direction_text
from .safe import Console, csv_record, json_dump, plain_text, terminal_width


def _kind(indicator: Indicator) -> str:
    return _("count") if indicator.kind == "count" else _("rate")


def _remarks(indicator: Indicator) -> str:
    parts = []
    if indicator.aliases:
        parts.append(_("formerly {keys}").format(keys=", ".join(indicator.aliases)))
    if indicator.retired is not None:
        parts.append(_("retired from {year}").format(year=indicator.retired))
    if indicator.measure == "stock":
        parts.append(_("a stock: may fall from one report to the next"))
    elif not indicator.is_flow("denominator"):
        parts.append(_("its denominator a stock: may fall from one report to the next"))
    return "; ".join(parts)


def record(indicator: Indicator) -> dict[str, Any]:
    return {
        "key": indicator.key,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction.value,
        "kind": indicator.kind,
        "parts": list(indicator.parts),
        "denominator": indicator.denominator,
        "aliases": list(indicator.aliases),
        "retired": indicator.retired,
        "measure": indicator.measure,
        "denominator_measure": indicator.denominator_measure,
        "rate": indicator.rate,
    }


def write_json(catalogue: Catalogue, stream: IO[str]) -> None:
    document = {
        "sources": list(catalogue.sources),
        "indicators": [record(indicator) for indicator in catalogue.indicators.values()],
        "units": [
            {"code": u.code, "name": u.name, "dimension": u.dimension, "factor": plain(u.factor), "kind": u.kind}
            for u in catalogue.units.values()
        ],
    }
    json_dump(document, stream)


def write_csv(catalogue: Catalogue, stream: IO[str]) -> None:
    fields = ["key", "name", "unit", "direction", "kind", "parts", "denominator", "aliases", "retired", "measure", "denominator_measure", "rate"]
    writer = csv.DictWriter(stream, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for indicator in catalogue.indicators.values():
        row = record(indicator)
        row["parts"] = " ".join(row["parts"])
        row["aliases"] = " ".join(row["aliases"])
        writer.writerow(csv_record(row))


NAME_AT_LEAST = 20  # the name column is never narrower: below that, the remarks or the table give way


def write_table(catalogue: Catalogue, stream: IO[str], width: int | None = None) -> None:
    """The table at the terminal's width, never wider and no column dropped: the remarks move
    under the table as numbered notes when their column does not fit, and where even the table
    without them does not fit, each indicator is a short block, its key on a line of its own."""
    console = Console(file=stream, highlight=False, width=width or terminal_width(stream), soft_wrap=False)
    indicators = list(catalogue.indicators.values())
    remarks = [_remarks(i) for i in indicators]
    notes: list[str] = []
    table = _table(indicators, remarks, console.width) if any(remarks) else _table(indicators, None, console.width)
    if table is None and any(remarks):
        notes = list(dict.fromkeys(r for r in remarks if r))
        marks = [f" [{notes.index(r) + 1}]" if r else "" for r in remarks]
        table = _table(indicators, None, console.width, marks)
    if table is None:  # too narrow for a table: one block per indicator
        for indicator, remark in zip(indicators, remarks):
            console.print(indicator.key, style="bold", markup=False, soft_wrap=True, overflow="ignore", crop=False)
            details = f"{indicator.name} · {indicator.unit} · {direction_text(indicator.direction)} · {_kind(indicator)}"
            console.print(Padding(plain_text(details + (f" · {remark}" if remark else "")), (0, 0, 0, 2)))
        return
    console.print(table)
    for number_, note in enumerate(notes, 1):
        console.print(plain_text(f"[{number_}] {note}"), soft_wrap=False)


def _longest_word(texts: list[str]) -> int:
    return max((cell_len(word) for text in texts for word in text.split()), default=1)


def _table(indicators: list[Indicator], remarks: list[str] | None, width: int, marks: list[str] | None = None) -> Table | None:
    """The table with every column's width decided here, so that it is ``width`` wide at most
    and nothing is cut (rich would crop a column that does not fit); None when it cannot fit."""
    keys = [i.key for i in indicators] + [_("key")]
    names = [i.name + (marks[n] if marks else "") for n, i in enumerate(indicators)]
    units = [i.unit for i in indicators] + [_("unit")]
    directions = [direction_text(i.direction) for i in indicators] + [_("direction")]
    kinds = [_kind(i) for i in indicators] + [_("kind")]
    fixed = {
        "key": max(cell_len(t) for t in keys),
        "unit": max(_longest_word(units), min(max(cell_len(t) for t in units), 11)),
        "direction": max(cell_len(t) for t in directions),
        "kind": max(cell_len(t) for t in kinds),
    }
    count = 6 if remarks is not None else 5
    widest_name = max(max(cell_len(t) for t in names), cell_len(_("name")))
    widest_unit = max(cell_len(t) for t in units)
    widest_remark = max(max(cell_len(t) for t in remarks), cell_len(_("remarks"))) if remarks is not None else 0
    whole = fixed["key"] + widest_name + widest_unit + fixed["direction"] + fixed["kind"] + widest_remark + 2 * (count - 1)
    if whole <= width:  # wide enough for every cell on one line
        fixed["unit"] = widest_unit
    left = width - sum(fixed.values()) - 2 * (count - 1)  # what the name (and the remarks) can have
    if remarks is not None and widest_name + widest_remark <= left:
        name, remark = widest_name, widest_remark
    elif remarks is not None:
        if left < NAME_AT_LEAST + NAME_AT_LEAST:
            return None
        name = min(widest_name, max(NAME_AT_LEAST, left * widest_name // (widest_name + widest_remark)))
        remark = min(widest_remark, left - name)
    else:
        if left < NAME_AT_LEAST:
            return None
        name, remark = min(widest_name, left), 0
    table = Table(box=None, pad_edge=False)
    table.add_column(_("key"), no_wrap=True, width=fixed["key"])
    table.add_column(_("name"), width=name)
    table.add_column(_("unit"), width=fixed["unit"])
    table.add_column(_("direction"), no_wrap=True, width=fixed["direction"])
    table.add_column(_("kind"), no_wrap=True, width=fixed["kind"])
    if remarks is not None:
        table.add_column(_("remarks"), width=remark)
    for index, indicator in enumerate(indicators):
        cells = [indicator.key, names[index], indicator.unit, directions[index], kinds[index]]
        table.add_row(*[plain_text(cell) for cell in cells], *([plain_text(remarks[index])] if remarks is not None else []))
    return table
