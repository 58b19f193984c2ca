"""The plan form (biểu mẫu kế hoạch) as a workbook: where everything stands, and reading a filled
one back with the place of every cell.

``dansokh form --plan PLAN`` writes it (``render.plan_form``): the plan's general fields, its
targets, each of its allocation tables (a district's Phụ lục 2: one row per ward) and its
schedule, one sheet each; ``dansokh import`` reads it here and ``write.plan_form`` writes what
changed into the plan file.  The very hidden sheet ``dansokh`` describes the form: its kind, the
plan, the unit and the year (lines 1–6), each visible sheet and how far it reaches (``sheet``
lines), the key of each row that holds input (``row`` lines, also written in a hidden column of
its sheet, so that a row inserted, deleted or moved is noticed), and each input cell with the
plan's path it fills, its type and the value the form showed (``cell`` lines), with a check of
that description in C1.  The workbook is opened as the results form is (``read.form``: bounded,
no macros, only the cells that exist), and every problem is a diagnostic at its cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from ..diagnostics import Diagnostic
from ..i18n import _
from .form import (
    _EMPTY,
    CONTROL_CHARACTER,
    FORMULA,
    MERGED,
    META,
    MOVED,
    NOT_A_FORM,
    NOT_A_NUMBER,
    CellSpan,
    Workbook,
    _formula,
    _number,
    _shown,
    seal,
)
from .limits import shorten
from .loader import CONTROL
from .positions import Path

FORMAT = "dansokh-plan-form"
VERSION = "1"
KIND = "plan"
HEAD = ("format", "version", "kind", "unit", "year", "plan")  # lines 1–6 of the hidden sheet
TYPES = ("number", "whole", "text", "total")  # a figure, a count, a text, a total's formula (the sum of the cells it names)
REQUIRED = "!"  # after a type: the plan needs a value there (a target, a schedule row's content)


@dataclass(frozen=True)
class PlanCell:
    """One input cell of the plan form, as its hidden sheet describes it."""

    sheet: str
    row: int
    column: int
    path: Path  # where its value goes in the plan: ("targets", 3, "value")
    type: str  # "number", "text" or "total"
    required: bool
    original: str  # the value the form showed, as YAML writes it ("" for none)
    line: int  # the hidden sheet's line that describes it
    parts: tuple[tuple[int, int], ...] = ()  # a total's cells (row, column), on its own sheet


@dataclass
class FilledPlanForm:
    file: str
    meta: dict[str, str] = field(default_factory=dict)
    cells: list[PlanCell] = field(default_factory=list)
    values: dict[tuple[str, int, int], Any] = field(default_factory=dict)  # Decimal, str or None, by (sheet, row, column)
    cached: dict[tuple[str, int, int], Decimal] = field(default_factory=dict)  # a total's value as Excel computed it
    problems: list[Diagnostic] = field(default_factory=list)

    def at(self, sheet: str, row: int, column: int) -> CellSpan:
        return CellSpan(self.file, sheet, row, column)


def path_text(path: Path) -> str:
    return "/".join(str(part) for part in path)


def _path(text: str) -> Path | None:
    parts: list[str | int] = []
    for part in text.split("/"):
        if part.isascii() and part.isdigit():
            parts.append(int(part))
        elif re.fullmatch(r"[a-z_]+", part):
            parts.append(part)
        else:
            return None
    return tuple(parts) if parts else None


# the places of a plan a form may fill, and the type of each: a hidden sheet naming any other (its
# check is a digest anyone can recompute) is refused, so that no workbook rewrites a plan's id or unit
_TEXT_PATHS = re.compile(
    r"document/(?:issuer|number|title|signer/name)|goals/\d+"
    r"|appendices/\d+(?:/sections/\d+)+(?:/rows/\d+)+/(?:content|time|lead|partners)"
    r"|appendices/\d+(?:/sections/\d+)+/rows/new/\d+/(?:content|time|lead|partners)"
)
_NUMBER_PATHS = re.compile(r"targets/\d+/value|appendices/\d+/rows/\d+/values/\d+")


def _allowed(path: str, kind: str) -> bool:
    return bool((_TEXT_PATHS if kind == "text" else _NUMBER_PATHS).fullmatch(path))


def cell_ref(sheet: str, row: int, column: int) -> str:
    return f"{sheet}!{get_column_letter(column)}{row}"


def _ref(text: Any) -> tuple[str, int, int] | None:
    if not isinstance(text, str) or "!" not in text:
        return None
    sheet, _sep, coordinate = text.rpartition("!")
    try:
        letters, row = coordinate_from_string(coordinate)
        return sheet, row, column_index_from_string(letters)
    except ValueError:
        return None


def read_plan_form(workbook: Workbook) -> FilledPlanForm:
    """A plan form opened by ``read.form.open_workbook(..., sheets=None, cached=True)``, read cell by cell."""
    form = FilledPlanForm(workbook.file, problems=list(workbook.problems))
    if form.problems:
        return form
    sheets = _read_meta(form, workbook)
    if form.problems:
        return form
    for title in sheets:
        if title not in workbook.sheets:
            form.problems.append(_changed(form, 1, _("the form's sheet {sheet!r} is missing").format(sheet=shorten(title))))
            return form
    for title, (last_row, last_column, keys) in sheets.items():
        _read_sheet(form, workbook, title, last_row, last_column, keys)
    return form


def _changed(form: FilledPlanForm, row: int, what: str, column: int = 1) -> Any:
    return NOT_A_FORM.at(
        CellSpan(form.file, META, row, column),
        _("the hidden sheet {sheet!r} was changed ({what}): write a new form with `dansokh form --plan PLAN`").format(sheet=META, what=what),
    )


def _read_meta(form: FilledPlanForm, workbook: Workbook) -> dict[str, tuple[int, int, dict[int, str]]]:
    cells = workbook.sheets[META]
    lines: dict[int, list[Any]] = {}
    for (row, column), cell in cells.items():
        if (row, column) == (1, 3):
            continue
        if column > 5:
            form.problems.append(_changed(form, row, _("{cell} holds {value}, which the form did not write").format(cell=f"{get_column_letter(column)}{row}", value=_shown(cell.value)), column))
            return {}
        lines.setdefault(row, [None] * 5)[column - 1] = cell.value
    count = max(lines, default=0)
    if count > len(lines):  # the form writes no empty line: a value far below is not its own
        gap = next(row for row in range(1, count + 1) if row not in lines)
        form.problems.append(_changed(form, gap, _("row {row} does not describe a row of the form").format(row=gap)))
        return {}
    described = [tuple(lines.get(row, [None] * 5)) for row in range(1, count + 1)]
    for index, name in enumerate(HEAD, 1):
        line = lines.get(index, [None] * 5)
        if line[0] != name or line[1] is None:
            form.problems.append(_changed(form, index, _("no {name!r} line").format(name=name)))
            return {}
        form.meta[name] = str(line[1])
    if form.meta["format"] != FORMAT or form.meta["version"] != VERSION or form.meta["kind"] != KIND:
        form.problems.append(NOT_A_FORM.at(CellSpan(form.file, META, 1, 2), _("the hidden sheet does not describe a dansokh plan form of version {version}").format(version=VERSION)))
        return {}
    if cells.get((1, 3), _EMPTY).value != seal(described):
        form.problems.append(_changed(form, 1, _("its lines no longer match the check in C1"), 3))
        return {}
    sheets: dict[str, tuple[int, int, dict[int, str]]] = {}
    for row in range(len(HEAD) + 1, count + 1):
        line = lines.get(row, [None] * 5)
        what = line[0]
        if what == "sheet" and isinstance(line[1], str) and isinstance(line[2], int) and isinstance(line[3], int):
            sheets[line[1]] = (line[2], line[3], {})
        elif what == "row" and line[1] in sheets and isinstance(line[2], int) and isinstance(line[3], str):
            sheets[line[1]][2][line[2]] = line[3]
        elif what == "cell" and (where := _ref(line[1])) is not None and where[0] in sheets and isinstance(line[2], str):
            path = _path(line[2])
            kind = str(line[3] or "")
            required = kind.endswith(REQUIRED)
            kind = kind.rstrip(REQUIRED)
            if path is None or kind not in TYPES or not _allowed(line[2], kind):
                form.problems.append(_changed(form, row, _("row {row} does not describe a cell of the form").format(row=row)))
                return {}
            original = "" if line[4] is None else str(line[4])
            parts: tuple[tuple[int, int], ...] = ()
            if kind == "total":  # its original holds the cells it adds up: "C7:C19"
                parts = _parts(original)
                original = ""
            form.cells.append(PlanCell(where[0], where[1], where[2], path, kind, required, original, row, parts))
        else:
            form.problems.append(_changed(form, row, _("row {row} does not describe a row of the form").format(row=row)))
            return {}
    return sheets


def _parts(text: str) -> tuple[tuple[int, int], ...]:
    """``C7:C19`` -> the cells of that column, rows 7 to 19."""
    match = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", text)
    if match is None or match.group(1) != match.group(3):
        return ()
    column = column_index_from_string(match.group(1))
    return tuple((row, column) for row in range(int(match.group(2)), int(match.group(4)) + 1))


_OUTSIDE_SHOWN = 20


def _read_sheet(form: FilledPlanForm, workbook: Workbook, title: str, last_row: int, last_column: int, keys: dict[int, str]) -> None:
    cells = workbook.sheets[title]
    cached = workbook.cached.get(title, {})
    key_column = last_column + 1
    inputs = [cell for cell in form.cells if cell.sheet == title]
    places = {(cell.row, cell.column) for cell in inputs}
    for ref, (min_row, min_col, max_row, max_col) in workbook.merged.get(title, []):
        touched = sorted((r, c) for r, c in places if min_row <= r <= max_row and min_col <= c <= max_col)
        if touched and (min_row, min_col) != (max_row, max_col):
            r, c = touched[0]
            form.problems.append(MERGED.at(form.at(title, r, c), _("{cells} are merged: an input cell must stay a cell of its own (unmerge them)").format(cells=ref)))
    where = {cell.value: row for (row, column), cell in sorted(cells.items(), reverse=True) if column == key_column and isinstance(cell.value, str)}
    moved = False
    for row, key in sorted(keys.items()):
        if cells.get((row, key_column), _EMPTY).value != key:
            moved = True
            found = where.get(key)
            now = _("it is now in row {row}").format(row=found) if found else _("it is no longer in the sheet")
            form.problems.append(MOVED.at(form.at(title, row, 2), _("row {row} should hold {key}; {where}: rows must not be inserted, deleted or moved (write the form again with `dansokh form --plan PLAN` if the plan needs another row)").format(row=row, key=shorten(key), where=now)))
    if moved:
        return
    outside = sorted((row, column) for row, column in cells if (row > last_row or column > key_column) and (row, column) not in places)
    for row, column in outside[:_OUTSIDE_SHOWN]:
        form.problems.append(MOVED.at(form.at(title, row, column), _("typed outside the form's cells, so not read: {cell} ({value}); type each figure in its yellow cell, or delete this").format(cell=f"{get_column_letter(column)}{row}", value=_shown(cells[(row, column)].value))))
    if len(outside) > _OUTSIDE_SHOWN:
        row, column = outside[_OUTSIDE_SHOWN]
        form.problems.append(MOVED.at(form.at(title, row, column), _("and {count} more cells outside the form's cells: type each figure in its yellow cell, or delete these").format(count=len(outside) - _OUTSIDE_SHOWN)))
    for spec in inputs:
        cell = cells.get((spec.row, spec.column), _EMPTY)
        span = form.at(title, spec.row, spec.column)
        place = (title, spec.row, spec.column)
        if spec.type == "total":
            value = cached.get((spec.row, spec.column), _EMPTY).value
            number = _number(value) if cell.data_type == "f" else None
            if number is not None:
                form.cached[place] = number
            continue
        if cell.data_type == "f":  # a formula: what Excel computed, else nothing to read
            value = cached.get((spec.row, spec.column), _EMPTY).value
            if value is None:
                form.problems.append(FORMULA.at(span, _("a formula ({formula}) whose value Excel has not computed: open the workbook in Excel and save it, or type the figure itself").format(formula=_formula(cell.value))))
                continue
            cell = cell._replace(value=value, data_type="s" if isinstance(value, str) else "n")
        if spec.type == "text":
            form.values[place] = _text(form, cell, span)
        else:
            form.values[place] = _figure(form, spec, cell, span)


def _text(form: FilledPlanForm, cell: Any, span: CellSpan) -> str | None:
    value = cell.value
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else _shown(value)
    found = CONTROL.search(text)
    if found is not None:
        form.problems.append(CONTROL_CHARACTER.at(span, _("the text holds the control character {code} (pasted from another program?); delete it and type the text again").format(code=f"U+{ord(found.group()):04X}")))
        return None
    return text or None


_COMMA = re.compile(r"^-?\d+,\d+$")
_DOT = re.compile(r"^-?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _figure(form: FilledPlanForm, spec: PlanCell, cell: Any, span: CellSpan) -> Decimal | None:
    """The number in a figure cell: a number typed (a percentage cell's 0.85 read as 85, the number
    shown), or text Excel kept as typed: "3,5" (a decimal comma) is 3.5, "1.900" in a count is
    refused with the reason; anything else is F007 at the cell."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        form.problems.append(NOT_A_NUMBER.at(span, _("{value} is not a number: type the figure as a number").format(value=_shown(value))))
        return None
    number = _number(value)
    if number is not None and cell.percent:  # Excel stores 85 % as 0.85: read as shown
        typed = (number * 100).normalize()
        number = typed.quantize(Decimal(1)) if typed == typed.to_integral_value() else typed
        if spec.type == "whole":
            form.problems.append(NOT_A_NUMBER.at(span, _("{value} is typed as a percentage, but this is a count: format the cell as a number and type the count").format(value=f"{number}%")))
            return None
    if number is None and isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if spec.type == "whole" and _THOUSANDS.match(text) and "," not in text:
            form.problems.append(NOT_A_NUMBER.at(span, _("{value} is typed as text: a dot is a thousands separator; type the figure without it ({plain}), as a number").format(value=_shown(value), plain=text.replace(".", ""))))
            return None
        if text.endswith("%") and spec.type == "whole":
            form.problems.append(NOT_A_NUMBER.at(span, _("{value} is typed as a percentage, but this is a count: format the cell as a number and type the count").format(value=text)))
            return None
        text = text[:-1] if text.endswith("%") else text  # "85%" typed as text: 85, as shown
        if _COMMA.match(text):  # a decimal comma, as a Vietnamese Excel shows it
            text = text.replace(",", ".")
        if _DOT.match(text):
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
    if number is None:
        form.problems.append(NOT_A_NUMBER.at(span, _("{value} is not a number: type the figure as a number (the cell is formatted as text, or holds words)").format(value=_shown(value))))
        return None
    return number  # whether a plan may hold it is asked where it is written (write.plan_form)


__all__ = ["FORMAT", "FilledPlanForm", "PlanCell", "cell_ref", "path_text", "read_plan_form"]
