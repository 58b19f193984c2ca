"""The catalogue in force as ``dansokh indicators`` shows it: a table, JSON or CSV.

The keys are what a user types into a plan, so they are never cut: the table keeps each key
whole on its line (the names wrap instead), and where the terminal is too narrow even for that,
each indicator is a short block, its key on a line of its own.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from rich.padding import Padding
from rich.table import Table

from ..i18n import _
from ..model.catalogue import Catalogue, Indicator
from ..model.numbers import plain
from .allocation import direction_text
from .safe import Console, csv_record, json_dump, plain_text

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


def write_table(catalogue: Catalogue, stream: IO[str], width: int | None = None) -> None:
    console = Console(file=stream, highlight=False, width=width, soft_wrap=False)
    widest = max((len(key) for key in catalogue.indicators), default=10)
    if console.width < widest + 30:  # too narrow for a table: one block per indicator, the key alone on its line
        for indicator in catalogue.indicators.values():
            console.print(indicator.key, style="bold", markup=False, soft_wrap=True, overflow="ignore", crop=False)
            details = f"{indicator.name} · {indicator.unit} · {direction_text(indicator.direction)} · {_kind(indicator)}"
            remarks = _remarks(indicator)
            console.print(Padding(plain_text(details + (f" · {remarks}" if remarks else "")), (0, 0, 0, 2)))
        return
    table = Table(box=None, pad_edge=False)
    table.add_column(_("key"), no_wrap=True, min_width=widest)
    table.add_column(_("name"), ratio=3, min_width=20)
    table.add_column(_("unit"))
    table.add_column(_("direction"), no_wrap=True)
    table.add_column(_("kind"), no_wrap=True)
    remarks = [_remarks(i) for i in catalogue.indicators.values()]
    if any(remarks):
        table.add_column(_("remarks"), ratio=1, min_width=12)
    for indicator, remark in zip(catalogue.indicators.values(), remarks):
        cells = [indicator.key, indicator.name, indicator.unit, direction_text(indicator.direction), _kind(indicator)]
        table.add_row(*[plain_text(cell) for cell in cells], *([plain_text(remark)] if any(remarks) else []))
    console.print(table)
