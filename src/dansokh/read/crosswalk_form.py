"""The crosswalk form (bảng chuyển đổi: dân số của từng phần) as a workbook: where everything stands,
and reading a filled one back with the place of every cell.

``dansokh crosswalk --form OUT.xlsx`` writes it (``render.crosswalk_form``): one row for each part of
each old unit (the old unit, the new unit it went to), a cell for the part's population and one for
its share where no population is known, and the share the populations give, by formula, for the
officer to see.  ``dansokh import`` reads it here, through the same bounded, read-only opening as
the results form (``read.form.open_workbook``), and ``write.crosswalk_import`` writes the figures
into the crosswalk file.  The hidden sheet ``dansokh`` says which crosswalk the form is for
(``kind: crosswalk``) and which part each row holds, with the check of that description in C1
that the results form has (``read.form.seal``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..diagnostics import Diagnostic
from ..i18n import _
from .form import (
    FORMULA,
    MERGED,
    META,
    MOVED,
    NOT_A_FORM,
    NOT_A_NUMBER,
    Cells,
    CellSpan,
    Workbook,
    _formula,
    _number,
    _shown,
    open_workbook,
    seal,
)
from .limits import shorten

FORMAT = "dansokh-crosswalk-form"
VERSION = "1"
KIND = "crosswalk"
SHEET = "Bảng chuyển đổi"
HEADER_ROW = 4
FIRST_ROW = 6  # under the header and its row of column numbers
COLUMNS = {"tt": 1, "old": 2, "old_code": 3, "new": 4, "new_code": 5, "population": 6, "share": 7, "shown": 8, "key": 9}
INPUT_COLUMNS = ("population", "share")
NAMES = ("format", "version", "kind", "crosswalk", "from", "to")  # lines 1-6 of the hidden sheet
_OUTSIDE_SHOWN = 20


@dataclass(frozen=True)
class PartRow:
    """One part's row as the form wrote it: the old unit, the new unit, the row of the sheet."""

    old: str
    unit: str
    row: int
    line: int  # the row of the hidden sheet that describes it

    @property
    def key(self) -> str:
        return f"{self.old}>{self.unit}"


@dataclass
class CrosswalkForm:
    """What a filled crosswalk form holds: the populations and shares typed, by the sheet's row."""

    file: str
    meta: dict[str, str] = field(default_factory=dict)
    rows: list[PartRow] = field(default_factory=list)
    populations: dict[int, int] = field(default_factory=dict)
    shares: dict[int, Decimal] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def at(self, row: int, column: int | str) -> CellSpan:
        return CellSpan(self.file, SHEET, row, COLUMNS[column] if isinstance(column, str) else column)


def meta_lines(crosswalk: str, from_: str, to: str, rows: list[tuple[str, int, str]]) -> list[tuple[Any, ...]]:
    """The hidden sheet's lines, as ``render.crosswalk_form`` writes them and the check covers them."""
    head = [("format", FORMAT), ("version", VERSION), ("kind", KIND), ("crosswalk", crosswalk), ("from", from_), ("to", to)]
    return [*head, *((f"part:{old}", row, unit) for old, row, unit in rows)]


def _changed(form: CrosswalkForm, line: int, what: str, column: int = 1) -> Any:
    return NOT_A_FORM.at(
        CellSpan(form.file, META, line, column),
        _("the hidden sheet {sheet!r} was changed ({what}): write a new form with `dansokh crosswalk --form FILE.xlsx`").format(sheet=META, what=what),
    )


def read_crosswalk_form(path: Path, display: str | None = None, workbook: Workbook | None = None) -> CrosswalkForm:
    """Read a filled crosswalk form (``workbook``: already opened by ``open_workbook``); every
    problem is a diagnostic at its cell, and reading goes on."""
    form = CrosswalkForm(display or str(path))
    opened = workbook or open_workbook(path, form.file, (META, SHEET))
    form.problems.extend(opened.problems)
    if opened.problems:
        return form
    if SHEET not in opened.sheets:
        form.problems.append(NOT_A_FORM.at(CellSpan(form.file, "", 0, 0), _("no sheet {sheet!r}: this is not a form written by `dansokh crosswalk --form`").format(sheet=SHEET)))
        return form
    if not _read_meta(form, opened.sheets[META]):
        return form
    _read_sheet(form, opened.sheets[SHEET], opened.merged[SHEET])
    return form


def _read_meta(form: CrosswalkForm, cells: Cells) -> bool:
    lines: dict[int, list[Any]] = {}
    for (row, column), cell in cells.items():
        if (row, column) == (1, 3):  # the check
            continue
        if column > 3 or (row <= len(NAMES) and column > 2):
            form.problems.append(_changed(form, row, _("{cell} holds {value}, which the form did not write").format(
                cell=f"{get_column_letter(column)}{row}", value=_shown(cell.value)), column))
            return False
        lines.setdefault(row, [None, None, None])[column - 1] = cell.value
    head = {str(lines[row][0]): lines[row][1] for row in range(1, len(NAMES) + 1) if row in lines}
    if head.get("format") != FORMAT or head.get("version") != VERSION or head.get("kind") != KIND:
        form.problems.append(NOT_A_FORM.at(
            CellSpan(form.file, META, 1, 2), _("the hidden sheet does not describe a dansokh crosswalk form of version {version}").format(version=VERSION)))
        return False
    count = max(lines)
    for line in range(len(NAMES) + 1, count + 1):
        key, row, unit = lines.get(line, [None, None, None])
        if (not isinstance(key, str) or not key.startswith("part:") or not isinstance(row, int) or isinstance(row, bool)
                or not isinstance(unit, str) or row < FIRST_ROW):
            form.problems.append(_changed(form, line, _("row {row} does not describe a part of the form").format(row=line)))
            return False
        form.rows.append(PartRow(key[5:], unit, row, line))
    check = cells.get((1, 3))
    written = [tuple(lines.get(line, [None, None, None])) for line in range(1, count + 1)]
    if check is None or check.value != seal([tuple(v for v in line) for line in written]):
        form.problems.append(_changed(form, 1, _("its lines no longer match the check in C1")))
        return False
    if len({row.row for row in form.rows}) != len(form.rows):
        form.problems.append(_changed(form, len(NAMES) + 1, _("two parts in one row")))
        return False
    form.meta = {name: str(head.get(name) or "") for name in NAMES}
    return True


def _read_sheet(form: CrosswalkForm, cells: Cells, merged: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    inputs = {(row.row, COLUMNS[name]) for row in form.rows for name in INPUT_COLUMNS}
    for ref, (min_row, min_col, max_row, max_col) in merged:
        touched = sorted((r, c) for r, c in inputs if min_row <= r <= max_row and min_col <= c <= max_col)
        if touched and (min_row, min_col) != (max_row, max_col):
            form.problems.append(MERGED.at(CellSpan(form.file, SHEET, *touched[0]), _("{cells} are merged: an input cell must stay a cell of its own (unmerge them)").format(cells=ref)))
    moved = False
    parts: dict[str, int] = {}
    for part in form.rows:
        parts[part.old] = parts.get(part.old, 0) + 1
    for part in form.rows:
        key = cells.get((part.row, COLUMNS["key"]))
        if key is None or key.value != part.key:
            moved = True
            form.problems.append(MOVED.at(form.at(part.row, "old"), _("row {row} should hold the part of {old} that went to {unit}: rows must not be inserted, deleted or moved").format(row=part.row, old=part.old, unit=part.unit)))
            continue
        for name in INPUT_COLUMNS:
            cell = cells.get((part.row, COLUMNS[name]))
            if cell is None:
                continue
            span = form.at(part.row, name)
            if name == "share" and parts[part.old] == 1:
                form.problems.append(MOVED.at(span, _("this cell is not part of the form ({old} went whole: its share is 100%): leave it empty").format(old=part.old)))
                continue
            if cell.data_type == "f":
                form.problems.append(FORMULA.at(span, _("a formula ({formula}): type the figure itself, not a formula").format(formula=_formula(cell.value))))
                continue
            number = _number(cell.value) if not isinstance(cell.value, str) else None
            if number is None:
                form.problems.append(NOT_A_NUMBER.at(span, _("{value} is not a number: type the figure as a number (the cell is formatted as text, or holds words)").format(value=_shown(cell.value))))
                continue
            if name == "population":
                if cell.percent:
                    form.problems.append(NOT_A_NUMBER.at(span, _("{value} is a percentage: a population is a number of people; type the share in column G instead").format(value=_shown(cell.value))))
                elif number != number.to_integral_value() or number <= 0 or len(str(int(number))) > 15:
                    form.problems.append(NOT_A_NUMBER.at(span, _("{value}: a population is a whole number of people, more than 0 and of at most 15 digits").format(value=shorten(str(number)))))
                else:
                    form.populations[part.row] = int(number)
                continue
            share = number  # a percentage cell holds 0.25 where 25% is shown
            if not cell.percent and number > 1:
                form.problems.append(NOT_A_NUMBER.at(span, _("{value} is more than 1: type a share as a percentage (25%) or a fraction of 1 (0.25)").format(value=shorten(str(number)))))
            elif share < 0 or share > 1:
                form.problems.append(NOT_A_NUMBER.at(span, _("{value}: a share is from 0% to 100%").format(value=shorten(str(number)))))
            else:
                form.shares[part.row] = share.normalize() if share != 0 else Decimal(0)
    if not moved:
        _outside(form, cells)


def _written(form: CrosswalkForm) -> set[tuple[int, int]]:
    last = max((row.row for row in form.rows), default=FIRST_ROW - 1)
    cells = {(1, 1), (2, 1)}
    cells |= {(row, column) for row in (HEADER_ROW, HEADER_ROW + 1) for column in range(1, COLUMNS["shown"] + 1)}
    cells |= {(row, column) for row in range(FIRST_ROW, last + 1) for column in COLUMNS.values()}
    cells |= {(last + 2 + offset, 1) for offset in range(3)}  # the lines of instructions
    return cells


def _outside(form: CrosswalkForm, cells: Cells) -> None:
    """F004 for what was typed outside the form's cells: nothing there is read, so it must not pass unseen."""
    written = _written(form)
    by_row: dict[int, list[int]] = {}
    for row, column in sorted(cells):
        if (row, column) not in written:
            by_row.setdefault(row, []).append(column)
    for row in sorted(by_row)[:_OUTSIDE_SHOWN]:
        columns = by_row[row]
        listed = ", ".join(f"{get_column_letter(c)}{row} ({_shown(cells[(row, c)].value)})" for c in columns[:3])
        if len(columns) > 3:
            listed = _("{cells} and {count} more").format(cells=listed, count=len(columns) - 3)
        form.problems.append(MOVED.at(CellSpan(form.file, SHEET, row, columns[0]), _("typed outside the form's cells, so not read: {cells}; type each figure in its yellow cell, or delete these").format(cells=listed)))
    if len(by_row) > _OUTSIDE_SHOWN:
        row = sorted(by_row)[_OUTSIDE_SHOWN]
        form.problems.append(MOVED.at(CellSpan(form.file, SHEET, row, by_row[row][0]), _("and {count} more rows with cells outside the form's cells: type each figure in its yellow cell, or delete these").format(count=len(by_row) - _OUTSIDE_SHOWN)))
