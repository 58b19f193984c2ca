"""The results form (biểu mẫu báo cáo kết quả) as a workbook: where everything stands, and reading
a filled one back with the place of every cell.

``dansokh form`` writes the form (``render.form``); an officer fills the unlocked cells in Excel;
``dansokh import`` reads it here.  The form carries what it is for in a very hidden sheet
(``dansokh``): the unit, the year, the period, and for each indicator its row, so that a row
moved, inserted or deleted is noticed rather than read into the wrong indicator.  Reading
never trusts the workbook: a macro-enabled file, a formula, text in a number cell, a merged
input cell are problems reported at their cell (``form.xlsx:Biểu mẫu!E12``), and reading goes on.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from ..diagnostics import Rule
from ..i18n import N_, _
from .files import read_bounded
from .limits import MAX_WORKBOOK_BYTES, MAX_WORKBOOK_UNPACKED, shorten
from .loader import CONTROL

FORMAT = "dansokh-results-form"
VERSION = "1"
SHEET = "Biểu mẫu"
META = "dansokh"
# the header block: label in A, value in C
FIELDS = {"unit": 4, "period": 5, "reported": 6, "number": 7, "issuer": 8, "note": 9}
HEADER_ROW = 11
FIRST_ROW = 13  # the row under the header and its row of column numbers
COLUMNS = {"tt": 1, "name": 2, "unit": 3, "target": 4, "value": 5, "numerator": 6, "denominator": 7, "note": 8, "key": 9}
INPUT_COLUMNS = ("value", "numerator", "denominator", "note")

BAD_WORKBOOK = Rule("F001", "unreadable-workbook", N_("The file is not an .xlsx workbook dansokh can read (a macro-enabled .xlsm is refused)."), "import")
NOT_A_FORM = Rule("F002", "not-a-results-form", N_("The workbook is not a results form written by `dansokh form`."), "import")
FORM_MISMATCH = Rule("F003", "form-mismatch", N_("The form's unit, year or period is not the one expected, or was changed."), "import")
MOVED = Rule("F004", "moved-cell", N_("A row or cell of the form is not where the form put it."), "import")
MERGED = Rule("F005", "merged-cell", N_("An input cell of the form has been merged with others."), "import")
FORMULA = Rule("F006", "formula", N_("A formula where a figure is to be typed."), "import")
NOT_A_NUMBER = Rule("F007", "not-a-number", N_("Text or another value where a number is to be typed."), "import")
BAD_DATE = Rule("F008", "not-a-date", N_("The day of the report is missing or is not a date."), "import")
CONTROL_CHARACTER = Rule("F009", "control-character", N_("A text cell holds a control character (pasted from another program)."), "import")
FORM_RULES = (BAD_WORKBOOK, NOT_A_FORM, FORM_MISMATCH, MOVED, MERGED, FORMULA, NOT_A_NUMBER, BAD_DATE, CONTROL_CHARACTER)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KINDS = ("count", "rate", "change")
_LAST_ROW = 1_048_576  # the last row of an Excel sheet


class CellSpan(NamedTuple):
    """A place in a workbook, shown as ``form.xlsx:Biểu mẫu!E12``; ``line`` is the row, so that
    sorting and tests treat it like a place in a text file."""

    file: str
    sheet: str
    row: int
    column: int

    @property
    def line(self) -> int:
        return self.row

    @property
    def col(self) -> int:
        return self.column

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}" if self.row else ""

    def __str__(self) -> str:
        if not self.sheet:
            return self.file
        return f"{self.file}:{self.sheet}!{self.cell}" if self.row else f"{self.file}:{self.sheet}"


@dataclass(frozen=True)
class FormRow:
    """One indicator's row as the form wrote it (from the hidden sheet)."""

    indicator: str
    row: int
    kind: str  # "count", "rate" (with numerator and denominator) or "change" (value only)
    unit: str
    line: int = 0  # the row of the hidden sheet that describes it


@dataclass
class FilledForm:
    """What a filled form holds, cell by cell: ``values[(row, column)]`` is the typed value,
    already checked to be of the right kind (a number, a date, text)."""

    file: str
    meta: dict[str, str] = field(default_factory=dict)
    rows: list[FormRow] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)  # shown unit and period, reported, number, issuer, note
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    problems: list[Any] = field(default_factory=list)  # Diagnostics at CellSpans

    def at(self, row: int, column: int, sheet: str = SHEET) -> CellSpan:
        return CellSpan(self.file, sheet, row, column)


def _number(value: Any) -> Decimal | None:
    """A cell's number as the officer typed it: Excel stores 87.5 as a float; its shortest
    repr gives back the digits typed (87.5, not 87.4999…)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _shown(value: Any) -> str:
    """A cell's value as a message quotes it: short, whatever the cell holds."""
    return shorten(repr(value))


def read_form(path: Path, display: str | None = None) -> FilledForm:
    """Read a filled form; every problem is a diagnostic at its cell, and reading goes on."""
    import openpyxl

    name = display or str(path)
    form = FilledForm(name)
    whole = CellSpan(name, "", 0, 0)
    if path.suffix.lower() in (".xlsm", ".xltm"):
        form.problems.append(BAD_WORKBOOK.at(whole, _("a macro-enabled workbook (.xlsm) is not accepted: save the form as .xlsx (Excel Workbook) and import that")))  # type: ignore[arg-type]
        return form
    raw = b""
    try:  # only a regular file (never a FIFO or a device), never more than the limit + 1 byte
        raw = read_bounded(path, MAX_WORKBOOK_BYTES)
        if len(raw) > MAX_WORKBOOK_BYTES:
            raise ValueError(_("it is larger than {limit} bytes, far larger than a results form").format(limit=MAX_WORKBOOK_BYTES))
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
        names = {part.filename for part in parts}
        unpacked = sum(part.file_size for part in parts)  # as the parts' headers say
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        if len(raw) > MAX_WORKBOOK_BYTES:
            reason = str(error)
        else:
            reason = getattr(error, "strerror", None) or _("not an .xlsx workbook (is it an old .xls? save it as .xlsx)")
        form.problems.append(BAD_WORKBOOK.at(whole, _("cannot read the workbook: {reason}").format(reason=reason)))  # type: ignore[arg-type]
        return form
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        form.problems.append(BAD_WORKBOOK.at(whole, _("the workbook contains macros: save the form as .xlsx (Excel Workbook), without macros, and import that")))  # type: ignore[arg-type]
        return form
    if unpacked > MAX_WORKBOOK_UNPACKED:
        form.problems.append(BAD_WORKBOOK.at(whole, _("cannot read the workbook: unpacked it would take more than {limit} bytes, far more than a results form").format(limit=MAX_WORKBOOK_UNPACKED)))  # type: ignore[arg-type]
        return form
    try:
        with warnings.catch_warnings():  # openpyxl warns on stderr about what the cells below report
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        form.problems.append(BAD_WORKBOOK.at(whole, _("cannot read the workbook: {reason}").format(reason=shorten(str(error), 200))))  # type: ignore[arg-type]
        return form
    if META not in book.sheetnames or SHEET not in book.sheetnames:
        missing = META if META not in book.sheetnames else SHEET
        form.problems.append(NOT_A_FORM.at(whole, _("no sheet {sheet!r}: this is not a form written by `dansokh form` (write one with `dansokh form UNIT --period P`)").format(sheet=shorten(missing))))  # type: ignore[arg-type]
        return form
    _read_meta(form, book[META])
    if form.problems:
        return form
    _read_sheet(form, book[SHEET])
    return form


def _read_meta(form: FilledForm, sheet: Any) -> None:
    rows = list(sheet.iter_rows(values_only=True))
    meta = {str(r[0]): str(r[1]) for r in rows if len(r) > 1 and r[0] is not None and r[1] is not None and not str(r[0]).startswith("row:")}
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        form.problems.append(NOT_A_FORM.at(CellSpan(form.file, META, 1, 2), _("the hidden sheet does not describe a dansokh results form of version {version}").format(version=VERSION)))  # type: ignore[arg-type]
        return
    for line, r in enumerate(rows, start=1):
        if r and isinstance(r[0], str) and r[0].startswith("row:"):
            row = _form_row(r, line)
            if row is None:
                form.problems.append(changed(form, line, _("row {row} does not describe a row of the form").format(row=line)))
                return
            form.rows.append(row)
    problem = _meta_problem(meta, form.rows)
    if problem is not None:
        where, message = problem
        form.problems.append(changed(form, where, message))
        return
    form.meta = meta


def changed(form: FilledForm, row: int, what: str) -> Any:
    """F002 at a line of the hidden sheet: the form's description was edited."""
    return NOT_A_FORM.at(  # type: ignore[arg-type]
        CellSpan(form.file, META, row, 1),
        _("the hidden sheet {sheet!r} was changed ({what}): write a new form with `dansokh form UNIT --period P`").format(sheet=shorten(META), what=what),
    )


def _form_row(cells: tuple[Any, ...], line: int) -> FormRow | None:
    """One ``row:`` line of the hidden sheet, or None where it is not one dansokh wrote: an
    indicator key, a row of the sheet below the header, a kind and a unit (whether the catalogue
    knows the key and the unit is asked where the figures are made, ``write.form_import``)."""
    if len(cells) < 4:
        return None
    key, row, kind, unit = cells[0][4:], cells[1], cells[2], cells[3]
    if not key or not isinstance(row, int) or isinstance(row, bool) or not FIRST_ROW <= row <= _LAST_ROW:
        return None
    if kind not in _KINDS or not isinstance(unit, str):
        return None
    return FormRow(key, row, kind, unit, line)


def _meta_problem(meta: dict[str, str], rows: list[FormRow]) -> tuple[int, str] | None:
    """What makes the hidden sheet's description unusable (its line and what), or None."""
    for line, name in ((3, "unit"), (4, "year"), (5, "period")):
        if not meta.get(name):
            return line, _("no {name!r} line").format(name=shorten(name))
    if not _SLUG.match(meta["unit"]):
        return 3, _("the unit {unit!r} is not an id").format(unit=shorten(meta["unit"]))
    year = meta["year"]
    if not (len(year) == 4 and year.isascii() and year.isdigit() and year[0] != "0"):
        return 4, _("the year {year!r} is not a year").format(year=shorten(year))
    if meta.get("plan") and not _SLUG.match(meta["plan"]):
        return 6, _("the plan {plan!r} is not an id").format(plan=shorten(meta["plan"]))
    if len({row.row for row in rows}) != len(rows) or len({row.indicator for row in rows}) != len(rows):
        return 7, _("two indicators in one row, or one indicator in two rows")
    return None


def _read_sheet(form: FilledForm, sheet: Any) -> None:
    file = form.file
    input_columns = {COLUMNS[c] for c in INPUT_COLUMNS}
    input_rows = {row.row for row in form.rows}
    header_cells = {(FIELDS[k], 3) for k in ("reported", "number", "issuer", "note")}
    for merged in sheet.merged_cells.ranges:
        cells = {(r, c) for r in range(merged.min_row, merged.max_row + 1) for c in range(merged.min_col, merged.max_col + 1)}
        touched = {(r, c) for r, c in cells if r in input_rows and c in input_columns} | (cells & header_cells)
        if touched and len(cells) > 1:
            r, c = min(touched)
            form.problems.append(MERGED.at(CellSpan(file, SHEET, r, c), _("{cells} are merged: an input cell must stay a cell of its own (unmerge them)").format(cells=str(merged))))  # type: ignore[arg-type]
    shown_unit = sheet.cell(FIELDS["unit"], 3).value
    shown_period = sheet.cell(FIELDS["period"], 3).value
    form.header["unit"] = shown_unit
    form.header["period"] = shown_period
    for key in ("number", "issuer", "note"):
        cell = sheet.cell(FIELDS[key], 3)
        if cell.data_type == "f":
            form.problems.append(FORMULA.at(CellSpan(file, SHEET, cell.row, cell.column), _("a formula ({formula}): type the text itself").format(formula=cell.value)))  # type: ignore[arg-type]
            continue
        value = cell.value
        text = None if value is None or str(value).strip() == "" else str(value).strip()
        if text is not None and _control(form, text, CellSpan(file, SHEET, cell.row, cell.column)):
            continue
        form.header[key] = text
    cell = sheet.cell(FIELDS["reported"], 3)
    span = CellSpan(file, SHEET, cell.row, cell.column)
    if cell.data_type == "f":
        form.problems.append(FORMULA.at(span, _("a formula ({formula}): type the day the report is sent").format(formula=cell.value)))  # type: ignore[arg-type]
    elif isinstance(cell.value, dt.datetime):
        form.header["reported"] = cell.value.date().isoformat()
    elif isinstance(cell.value, dt.date):
        form.header["reported"] = cell.value.isoformat()
    elif isinstance(cell.value, str) and _text_date(cell.value):
        form.header["reported"] = _text_date(cell.value)
    elif cell.value is None:
        form.problems.append(BAD_DATE.at(span, _("the day the report is sent is missing: type it as dd/mm/yyyy")))  # type: ignore[arg-type]
    else:
        form.problems.append(BAD_DATE.at(span, _("{value} is not a date: type the day as dd/mm/yyyy").format(value=_shown(cell.value))))  # type: ignore[arg-type]
    for row in form.rows:
        key_cell = sheet.cell(row.row, COLUMNS["key"])
        if key_cell.value != row.indicator:
            found = _row_of(sheet, row.indicator)
            where = _("it is now in row {row}").format(row=found) if found else _("it is no longer in the sheet")
            form.problems.append(MOVED.at(CellSpan(file, SHEET, row.row, COLUMNS["name"]), _("row {row} should hold {indicator}; {where}: rows must not be inserted, deleted or moved").format(row=row.row, indicator=row.indicator, where=where)))  # type: ignore[arg-type]
            continue
        columns = ["value", "note"] if row.kind != "rate" else ["value", "numerator", "denominator", "note"]
        for name in ("numerator", "denominator"):
            if name not in columns and sheet.cell(row.row, COLUMNS[name]).value not in (None, ""):
                form.problems.append(MOVED.at(CellSpan(file, SHEET, row.row, COLUMNS[name]), _("this cell is not part of the form (this indicator has no {part}): leave it empty").format(part=_("numerator") if name == "numerator" else _("denominator"))))  # type: ignore[arg-type]
        for name in columns:
            cell = sheet.cell(row.row, COLUMNS[name])
            span = CellSpan(file, SHEET, row.row, COLUMNS[name])
            if cell.data_type == "f":
                form.problems.append(FORMULA.at(span, _("a formula ({formula}): type the figure itself, not a formula").format(formula=cell.value)))  # type: ignore[arg-type]
                continue
            if cell.value is None or (isinstance(cell.value, str) and cell.value.strip() == ""):
                continue
            if name == "note":
                text = str(cell.value).strip()
                if not _control(form, text, span):
                    form.values[(row.row, COLUMNS[name])] = text
                continue
            number = _number(cell.value)
            if number is None:
                form.problems.append(NOT_A_NUMBER.at(span, _("{value} is not a number: type the figure as a number (the cell is formatted as text, or holds words)").format(value=_shown(cell.value))))  # type: ignore[arg-type]
                continue
            form.values[(row.row, COLUMNS[name])] = number


def _control(form: FilledForm, text: str, span: CellSpan) -> bool:
    """Report a control character in a text cell (F009); whether there was one."""
    found = CONTROL.search(text)  # what a plan file refuses (read.loader)
    if found is None:
        return False
    form.problems.append(CONTROL_CHARACTER.at(span, _("the text holds the control character {code} (pasted from another program?); delete it and type the text again").format(code=f"U+{ord(found.group()):04X}")))  # type: ignore[arg-type]
    return True


def _row_of(sheet: Any, indicator: str) -> int | None:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, COLUMNS["key"]).value == indicator:
            return row
    return None


def _text_date(text: str) -> str | None:
    """``08/04/2025`` or ``2025-04-08`` typed as text -> ``2025-04-08``."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None
