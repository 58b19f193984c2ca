"""The edge view of ``dansokh allocate`` as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from ..allocate import Edge, EdgeLine
from ..indicators import CATALOGUE
from ..numbers import vn

if TYPE_CHECKING:
    from ..split import Split


def _handed_text(line: EdgeLine) -> str:
    handed = line.handed
    if handed.total is not None:
        return vn(handed.total)
    if handed.mean is not None:
        return f"{vn(handed.mean, 2)} (bình quân gia quyền)"
    if handed.low is not None:
        return vn(handed.low) if handed.low == handed.high else f"{vn(handed.low)}–{vn(handed.high)}"
    return "—"


def _plain(value: Any) -> Any:
    return None if value is None else format(value, "f")


def _record(line: EdgeLine) -> dict[str, Any]:
    return {
        "indicator": line.indicator,
        "name": line.name,
        "unit": line.unit,
        "direction": line.direction.value,
        "assigned": _plain(line.assigned),
        "own": _plain(line.own),
        "own_from": line.own_from or None,
        "handed_sum": _plain(line.handed.total),
        "handed_min": _plain(line.handed.low),
        "handed_max": _plain(line.handed.high),
        "handed_weighted_mean": _plain(line.handed.mean),
        "children": line.handed.children,
        "margin": _plain(line.margin),
        "verdict": line.verdict,
    }


def write_table(edge: Edge, stream: IO[str], color: bool | None = None) -> None:
    console = Console(file=stream, highlight=False, force_terminal=color, no_color=color is False, width=200)
    parent, child = edge.parent.plan, edge.child.plan
    table = Table(
        "Chỉ tiêu",
        "Đơn vị",
        "Chiều",
        f"{parent.id} giao",
        f"{child.id} đặt",
        "giao xuống cấp dưới",
        "Kết luận",
        title=f"{parent.unit.name} ({parent.id}) → {child.unit.name} ({child.id}), năm {parent.year}",
        title_justify="left",
    )
    for line in edge.lines:
        style = "red" if line.short else ("green" if line.margin is not None else "")
        table.add_row(
            line.name,
            line.unit,
            line.direction.value,
            vn(line.assigned),
            vn(line.own) if line.own is not None else "—",
            _handed_text(line),
            f"[{style}]{line.verdict}[/]" if style else line.verdict,
        )
    console.print(table)


def write_json(edge: Edge, stream: IO[str]) -> None:
    document = {
        "parent": edge.parent.plan.id,
        "child": edge.child.plan.id,
        "year": edge.parent.plan.year,
        "lines": [_record(line) for line in edge.lines],
        "short": edge.short,
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_csv(edge: Edge, stream: IO[str]) -> None:
    records = [_record(line) for line in edge.lines]
    writer = csv.DictWriter(stream, fieldnames=list(records[0]) if records else ["indicator"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def report_split(split: "Split", stream: IO[str], output_format: str) -> None:
    """A proposed split: each child's weight, its current and proposed quota."""
    records = [
        {
            "unit": row.unit_id,
            "name": row.name,
            "weight": _plain(row.weight),
            "current": _plain(row.old),
            "proposed": row.new,
        }
        for row in split.rows
    ]
    if output_format == "json":
        document = {
            "plan": split.plan.plan.id,
            "indicator": split.indicator,
            "whole": split.whole,
            "method": split.method.value,
            "rows": records,
        }
        json.dump(document, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
        return
    if output_format == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return
    console = Console(file=stream, highlight=False, width=200)
    table = Table(
        "Đơn vị",
        "Trọng số",
        "Hiện tại",
        "Đề xuất",
        title=f"{split.plan.plan.unit.name}: chia {CATALOGUE[split.indicator].name} {vn(split.whole)}"
        f" ({split.method.value})",
        title_justify="left",
    )
    for row in split.rows:
        table.add_row(row.name, vn(row.weight), vn(row.old), vn(row.new))
    current = [row.old for row in split.rows]
    table.add_row(
        "Tổng", "", vn(sum(current)) if None not in current else "", vn(sum(row.new for row in split.rows)), style="bold"
    )
    console.print(table)
