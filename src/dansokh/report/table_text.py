"""A table fitted to the console and printed, written straight as text where rich would only lay out
plain lines.

``dansokh progress --detail`` prints a table for every unit of the country and a ranking of the
children of every unit above the communes (some 11,000 tables for the nation), and rich lays each
cell out through its general machinery (padding, wrapping, cropping, segments): most of the
command's time.  When nothing is styled (no colour: a file, a pipe, a CI
log) and every cell fits its column on one line, rich's output is the cells padded to their
columns between the box's lines; that is written here, byte for byte the same.  Any other table
(a cell that wraps, a colour terminal, a caption, options these tables do not use) is rich's."""

from __future__ import annotations

from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console as RichConsole, ConsoleOptions
from rich.segment import Segment
from rich.table import Table

from .safe import Console, cell_texts, fit_table, plain_text_of


class _Lines:
    """Lines already laid out, each no wider than the console: one segment each."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __rich_console__(self, console: RichConsole, options: ConsoleOptions) -> Iterator[Segment]:
        line_break = Segment.line()
        for line in self.lines:
            yield Segment(line)
            yield line_break


def plain_layout(console: Console, table: Table) -> bool:
    """Whether ``table`` uses only what ``laid_out`` lays out as rich does."""
    return (
        console.color_system is None
        and table.box is not None
        and table.show_header and table.show_edge and not table.show_footer and not table.show_lines
        and not table.leading and not table.expand and not table.collapse_padding and table.pad_edge
        and table.padding == (0, 1, 0, 1)
        and table.width is None and table.min_width is None
        and not table.caption and not table.row_styles
        and table.title_justify == "left"
        and all(row.style is None and not row.end_section for row in table.rows)
        and all(column.justify == "left" and column.width for column in table.columns)
        and all(isinstance(cell, str) for column in table.columns for cell in (column.header, *column._cells))
    )


def laid_out(console: Console, table: Table, texts: list[list[str]]) -> list[str] | None:
    """The lines rich prints for ``table`` (``texts``: each column's header and cells, as shown),
    or None where it would wrap a cell or the title, or the table is wider than the console."""
    widths = [column.width or 0 for column in table.columns]
    table_width = sum(widths) + 2 * len(widths) + len(widths) + 1  # the padding and the borders
    if table_width > console.width:
        return None
    padded: list[list[str]] = []
    for width, column in zip(widths, texts):
        cells = []
        for text in column:
            length = cell_len(text)
            if length > width or "\n" in text:
                return None
            cells.append(" " + text + " " * (width - length + 1))
        padded.append(cells)
    lines = []
    if table.title:
        title = plain_text_of(console, str(table.title))
        length = cell_len(title)
        if length > table_width or "\n" in title:
            return None
        lines.append(title + " " * (table_width - length))
    safe = table.safe_box if table.safe_box is not None else console.safe_box
    box = table.box.substitute(console.options, safe=safe)  # type: ignore[union-attr]  # plain_layout: a box
    widths = [width + 2 for width in widths]
    rows = list(zip(*padded))
    lines.append(box.get_top(widths))
    for index, row in enumerate(rows):
        if index == 0:
            left, divider, right = box.head_left, box.head_vertical, box.head_right
        elif index == len(rows) - 1:
            left, divider, right = box.foot_left, box.foot_vertical, box.foot_right
        else:
            left, divider, right = box.mid_left, box.mid_vertical, box.mid_right
        lines.append(left + divider.join(row) + right)
        if index == 0:
            lines.append(box.get_row(widths, "head", edge=True))
    lines.append(box.get_bottom(widths))
    return lines


def print_table(console: Console, table: Table, main: int = 0) -> None:
    """``table`` fitted to ``console`` (``fit_table``) and printed: as rich prints it."""
    texts = cell_texts(console, table)
    fit_table(console, table, main, texts)
    lines = laid_out(console, table, texts) if plain_layout(console, table) else None
    if lines is None:
        console.print(table)
    else:  # every line fits the console: nothing for rich to crop
        console.print(_Lines(lines), crop=False)
