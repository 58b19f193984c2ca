"""Writing a split (``allocate --split --write``) into the plan's allocation table, by surgical edits."""

from __future__ import annotations

from decimal import Decimal

from ..cascade.split import Split
from ..model.catalogue import CATALOGUE
from ..model.numbers import all_given, plain
from ..read.loader import load_text
from .edits import TextEdit, apply, replace_value


def write_split(file: str, text: str, split: Split) -> str:
    """The plan's file with the split written into its table: the column's cells, its total
    row, and any column that totals this one's methods (Hà Nội's "Tổng số")."""
    loaded = load_text(file, text.encode("utf-8"))
    source = loaded.source
    table = split.table
    base = ("appendices", split.table_index, "rows")
    new_values = {r.row_index: r.new for r in split.rows}
    total = table.total_row
    if total is not None:
        new_values[total[0]] = split.whole
    edits: list[TextEdit] = []
    totals = [
        (c, [table.column_index(p) for p in CATALOGUE[col.indicator].parts])
        for c, col in enumerate(table.columns)
        if split.indicator in CATALOGUE[col.indicator].parts
    ]
    for row_index, value in new_values.items():
        row = table.rows[row_index]
        edits.append(replace_value(source, base + (row_index, "values", split.column_index), plain(value)))
        for c, parts in totals:
            values = all_given([
                Decimal(value) if p == split.column_index else row.values[p]
                for p in parts
                if p is not None and p < len(row.values)
            ])
            if c < len(row.values) and row.values[c] is not None and values is not None:
                edits.append(replace_value(source, base + (row_index, "values", c), plain(sum(values, Decimal(0)))))
    return apply(text, edits)
