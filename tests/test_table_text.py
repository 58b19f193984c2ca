"""report/table_text.py: a table written straight as text is byte for byte what rich prints."""

from __future__ import annotations

import io

import pytest
from rich.markup import escape
from rich.table import Table

from dansokh.report.safe import Console, fit_table
from dansokh.report.table_text import cell_texts, laid_out, plain_layout, print_table


def _table(rows: list[list[str]], title: str = "Tỉnh Hà Giang, quý I năm 2025 · reported 04/04/2025") -> Table:
    table = Table("Indicator", "Unit", "Target", "Verdict", title=escape(title), title_justify="left")
    for row in rows:
        table.add_row(*row)
    return table


ROWS = [
    ["Tỷ lệ sàng lọc trước sinh (4 bệnh)", "%", "80", "[red]behind[/]"],
    ["Số người áp dụng biện pháp tránh thai mới", "người", "5,290,000", "[green]achieved[/]"],
    ["", "trẻ trai/100 trẻ gái", "—", "no result"],
    [escape("[a] name with brackets \x1b[31m"), "人口", "1", "behind"],
]


def _both(rows: list[list[str]], width: int, encoding: str = "utf-8", title: str | None = None, main: int = 0) -> tuple[str, str]:
    made = [(_table(rows) if title is None else _table(rows, title)) for _ in range(2)]
    outputs = []
    for fast, table in zip((True, False), made):
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
        console = Console(file=stream, highlight=False, width=width)
        if fast:
            print_table(console, table, main)
        else:
            console.print(fit_table(console, table, main))
        stream.flush()
        outputs.append(stream.buffer.getvalue().decode(encoding, errors="replace"))
    return outputs[0], outputs[1]


@pytest.mark.parametrize("width", [200, 90, 60, 30])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_the_same_as_rich(rows: list[list[str]], width: int) -> None:
    fast, rich = _both(rows, width)
    assert fast == rich


def test_the_same_as_rich_with_an_ascii_box_and_a_long_title() -> None:
    fast, rich = _both(ROWS, 200, encoding="ascii")
    assert fast == rich and "┏" not in fast and "+" in fast
    fast, rich = _both(ROWS, 200, title="a title longer than the table " * 4)
    assert fast == rich


def test_written_straight_only_where_it_fits_and_nothing_is_styled() -> None:
    console = Console(file=io.StringIO(), highlight=False, width=200)
    table = _table(ROWS)
    texts = cell_texts(console, table)
    fit_table(console, table, 0, texts)
    assert plain_layout(console, table)
    lines = laid_out(console, table, texts)
    assert lines is not None and lines[1].startswith("┏") and "behind" in lines[4]
    narrow = Console(file=io.StringIO(), highlight=False, width=40)
    table = _table(ROWS)
    texts = cell_texts(narrow, table)
    fit_table(narrow, table, 0, texts)
    assert laid_out(narrow, table, texts) is None  # a cell wraps: rich lays it out
    coloured = Console(file=io.StringIO(), highlight=False, width=200, force_terminal=True, color_system="standard")
    assert not plain_layout(coloured, _table(ROWS))
