"""The results form (biểu mẫu báo cáo kết quả) as a workbook: where everything stands, and reading
a filled one back with the place of every cell.

``dansokh form`` writes the form (``render.form``); an officer fills the unlocked cells in Excel;
``dansokh import`` reads it here.  The form carries what it is for in a very hidden sheet
(``dansokh``): the unit, the year, the period, and for each indicator its row, so that a row
moved, inserted or deleted is noticed rather than read into the wrong indicator, with a check of
that description (C1) so that an edited one is noticed too.  Reading never trusts the workbook:
it is bounded before it is opened, only the cells that exist in its XML are visited (never the
grid a sheet declares), and a macro, a formula, text in a number cell, a merged input cell, a
value outside the form are problems reported at their cell (``form.xlsx:Biểu mẫu!E12``), and
reading goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter, range_boundaries

from ..diagnostics import Diagnostic
from ..i18n import _, current
from .files import read_bounded
from .form_codes import (  # the F codes: read here, and imported from here by the importers
    BAD_DATE as BAD_DATE,
    BAD_WORKBOOK as BAD_WORKBOOK,
    CONTROL_CHARACTER as CONTROL_CHARACTER,
    EMPTY as EMPTY,
    FORM_MISMATCH as FORM_MISMATCH,
    FORM_RULES as FORM_RULES,
    FORMULA as FORMULA,
    MERGED as MERGED,
    MOVED as MOVED,
    NOT_A_FORM as NOT_A_FORM,
    NOT_A_NUMBER as NOT_A_NUMBER,
    TOTAL_DIFFERS as TOTAL_DIFFERS,
)
from .limits import MAX_WORKBOOK_BYTES, MAX_WORKBOOK_ELEMENTS, MAX_WORKBOOK_PARTS, MAX_WORKBOOK_UNPACKED, shorten
from .loader import CONTROL

FORMAT = "dansokh-results-form"
VERSION = "2"  # 2: the hidden sheet carries a check of its description (C1)
SHEET = "Biểu mẫu"
META = "dansokh"
# the header block: label in A, value in C
FIELDS = {"unit": 4, "period": 5, "reported": 6, "number": 7, "issuer": 8, "note": 9}
HEADER_ROW = 11
FIRST_ROW = 13  # the row under the header and its row of column numbers
COLUMNS = {"tt": 1, "name": 2, "unit": 3, "target": 4, "value": 5, "numerator": 6, "denominator": 7, "note": 8, "key": 9}
INPUT_COLUMNS = ("value", "numerator", "denominator", "note")
NOTES = (  # the instructions under the table, in column A: the form's own text wherever a row inserted above moves them
    "Hướng dẫn: nhập số liệu lũy kế từ 01/01 đến hết kỳ báo cáo vào các ô màu vàng.",
    "Tỷ lệ: nhập tử số và mẫu số (ví dụ số thai phụ được sàng lọc / số thai phụ), có thể nhập thêm tỷ lệ; để trống chỉ tiêu chưa có số liệu.",
    "Không chèn, xóa, di chuyển hay gộp dòng, cột; không nhập công thức. Nhập lại biểu bằng lệnh: dansokh import TỆP.xlsx",
)


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KINDS = ("count", "rate", "change")
_LAST_ROW = 1_048_576  # the last row of an Excel sheet
_LAST_COLUMN = 16_384  # its last column, XFD


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
    problems: list[Diagnostic] = field(default_factory=list)  # Diagnostics at CellSpans
    percents: set[tuple[int, int]] = field(default_factory=set)  # cells formatted as a percentage (read as shown: 85, not 0.85)
    edited: tuple[int, str] | None = None  # the hidden sheet's line that no longer matches its check, and what
    names: dict[str, str] = field(default_factory=dict)  # the indicators' names by key, for messages

    def at(self, row: int, column: int, sheet: str = SHEET) -> CellSpan:
        return CellSpan(self.file, sheet, row, column)


class _Cell(NamedTuple):
    """A cell that exists in the sheet's XML: its value as openpyxl reads it, its type (``f`` for
    a formula, ``n`` a number, ``d`` a date, ``b`` TRUE/FALSE, ``s`` text, ``e`` an error) and, for
    a number, whether it is formatted as a percentage (Excel stores 85 % as 0.85)."""

    value: Any
    data_type: str = "n"
    percent: bool = False


_EMPTY = _Cell(None)
Cells = dict[tuple[int, int], _Cell]

# what only a macro-enabled workbook holds, in a part's name, its content type or a relationship
_MACRO_MARKS = (b"vbaproject", b"macroenabled", b"macrosheet", b"activex", b"vnd.ms-office.vba")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: what vbaProject.bin is, whatever its name
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, zlib.error, EOFError, OSError, ValueError)


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


def _formula(value: Any) -> str:
    """A formula cell's text (``=SUM(E13:E15)``), whatever kind openpyxl made of it."""
    text = value if isinstance(value, str) else getattr(value, "text", None)
    return shorten(text) if isinstance(text, str) and text else _("a data table")


def _shown(value: Any) -> str:
    """A cell's value as a person reads it: text in quotes, a date as 2025-01-15, TRUE or FALSE,
    a number in digits; short, whatever the cell holds, and never a Python repr of an object."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        number = _number(value)
        return str(number) if number is not None else _("a number Excel cannot hold")
    if isinstance(value, str):
        return shorten(repr(value))
    return _formula(value)


def _is_percent(code: str) -> bool:
    """Whether an Excel number format shows a percentage (``0%``, ``0.0%``, ``#,##0.00%``): a %
    outside quoted text, escapes and [colour/condition] brackets."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)
    return "%" in plain


def seal(lines: list[tuple[Any, ...]]) -> str:
    """The check of the hidden sheet's description (its lines, A to D), written in C1 by
    ``dansokh form``: a line edited afterwards (the unit, the year, a row) no longer matches it."""
    text = "\n".join("\t".join("" if v is None else str(v) for v in line).rstrip("\t") for line in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Workbook:
    """A workbook opened within the limits: the cells of each sheet that exist in its XML, their
    merged ranges, and the problems met opening it (F001, F002).  Every form dansokh writes (the
    results form, the plan form) is opened here; what it is for is asked of its hidden sheet
    (``format``), so that ``dansokh import`` reads each kind with its own reader."""

    file: str
    problems: list[Diagnostic] = field(default_factory=list)
    sheets: dict[str, Cells] = field(default_factory=dict)
    merged: dict[str, list[tuple[str, tuple[int, int, int, int]]]] = field(default_factory=dict)
    cached: dict[str, Cells] = field(default_factory=dict)  # a formula's value as Excel last computed it

    @property
    def format(self) -> str | None:
        """What the hidden sheet says the workbook is (``dansokh-results-form``, ``dansokh-plan-form``)."""
        meta = self.sheets.get(META, {})
        value = meta.get((1, 2), _EMPTY).value
        return value if meta.get((1, 1), _EMPTY).value == "format" and isinstance(value, str) else None


def open_workbook(path: Path, display: str | None = None, sheets: tuple[str, ...] | None = (META, SHEET), cached: bool = False) -> Workbook:
    """Open a workbook within the limits and read the cells of ``sheets`` (every one must be there;
    None: every sheet, whatever it is for, the hidden sheet first);
    with ``cached``, also the values Excel computed for their formulas.

    The workbook is bounded before openpyxl opens it (its size, unpacked size, number of parts,
    XML elements per part, and no macros by name, content type or content), then read in
    read-only mode cell by cell: only the cells that exist in the XML are visited, whatever the
    sheet's ``dimension`` declares, so a cell at XFD1048576 costs what any other cell costs."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    name = display or str(path)
    form = Workbook(name)
    whole = CellSpan(name, "", 0, 0)
    if path.suffix.lower() in (".xlsm", ".xltm"):
        form.problems.append(BAD_WORKBOOK.at(whole, _("a macro-enabled workbook (.xlsm) is not accepted: save the form as .xlsx (Excel Workbook) and import that")))
        return form
    raw = b""
    try:  # only a regular file (never a FIFO or a device), never more than the limit + 1 byte
        raw = read_bounded(path, MAX_WORKBOOK_BYTES)
        if len(raw) > MAX_WORKBOOK_BYTES:
            raise ValueError(_("it is larger than {limit} bytes, far larger than a results form").format(limit=MAX_WORKBOOK_BYTES))
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
            problem = _archive_problem(archive, parts)
    except _ZIP_ERRORS as error:
        if len(raw) > MAX_WORKBOOK_BYTES:
            reason = str(error)
        else:
            reason = getattr(error, "strerror", None) or _("not an .xlsx workbook (is it an old .xls? save it as .xlsx)")
        form.problems.append(BAD_WORKBOOK.at(whole, _("cannot read the workbook: {reason}").format(reason=reason)))
        return form
    if problem is not None:
        form.problems.append(BAD_WORKBOOK.at(whole, problem))
        return form
    book = None
    try:
        with warnings.catch_warnings():  # openpyxl warns on stderr about what the cells below report
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
            names = book.sheetnames
            if sheets is None:  # every sheet of cells (a chart sheet an officer added is not read)
                sheets = (META, *(title for title in names if title != META and isinstance(book[title], ReadOnlyWorksheet)))
            if META not in names:  # which kind of form is told by its hidden sheet: without it, none
                sheets = (META,)
            missing = [title for title in sheets if title not in names]
            if missing:
                form.problems.append(NOT_A_FORM.at(whole, _("no sheet {sheet!r}: this is not a form written by `dansokh form` (write one with `dansokh form UNIT --period P`)").format(sheet=shorten(missing[0]))))
                return form
            found = {title: book[title] for title in sheets}
            if not all(isinstance(sheet, ReadOnlyWorksheet) for sheet in found.values()):
                form.problems.append(NOT_A_FORM.at(whole, _("the sheets {meta!r} and {sheet!r} are not sheets of cells: this is not a form written by `dansokh form`").format(meta=META, sheet=sheets[-1])))
                return form
            for title, sheet in found.items():
                form.sheets[title], form.merged[title] = _scan(form, book, sheet, title)
                if cached and title != META:
                    form.cached[title], _merged = _scan(form, book, sheet, title, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file, in its own words
        detail = shorten(" ".join(str(error).split()) or type(error).__name__, 60)
        form.problems.append(BAD_WORKBOOK.at(whole, _(
            "the workbook is damaged and cannot be read: open it in Excel, save it again as an .xlsx workbook"
            " (File, Save As, Excel Workbook) and import that (technical detail: {detail})"
        ).format(detail=detail)))
        return form
    finally:
        if book is not None:
            book.close()
    return form


def read_form(path: Path, display: str | None = None, workbook: Workbook | None = None, names: Mapping[str, str] | None = None) -> FilledForm:
    """Read a filled results form (``workbook``: already opened by ``open_workbook``); every
    problem is a diagnostic at its cell, and reading goes on.  ``names``: the indicators' names
    by key (the catalogue's), which messages use instead of keys."""
    opened = workbook or open_workbook(path, display)
    form = FilledForm(opened.file, problems=list(opened.problems), names=dict(names or {}))
    if form.problems:
        return form
    if SHEET not in opened.sheets:
        form.problems.append(NOT_A_FORM.at(CellSpan(opened.file, "", 0, 0), _("no sheet {sheet!r}: this is not a form written by `dansokh form` (write one with `dansokh form UNIT --period P`)").format(sheet=SHEET)))
        return form
    meta_cells, cells, merged = opened.sheets[META], opened.sheets[SHEET], opened.merged[SHEET]
    _read_meta(form, meta_cells, cells)
    if form.problems:
        return form
    _read_sheet(form, cells, merged)
    return form


def _archive_problem(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> str | None:
    """Why the workbook is not opened (too many parts, a part too large or too many elements,
    a DOCTYPE, macros under any name), or None.  Every part is read once, within its declared size."""
    if len(parts) > MAX_WORKBOOK_PARTS:
        return _("cannot read the workbook: it holds more than {limit} parts, far more than a results form").format(limit=MAX_WORKBOOK_PARTS)
    if sum(part.file_size for part in parts) > MAX_WORKBOOK_UNPACKED:  # as the parts' headers say
        return _("cannot read the workbook: unpacked it would take more than {limit} bytes, far more than a results form").format(limit=MAX_WORKBOOK_UNPACKED)
    macros = _("the workbook contains macros: save the form as .xlsx (Excel Workbook), without macros, and import that")
    for part in parts:
        lowered = part.filename.lower().encode("utf-8", "replace")
        if any(mark in lowered for mark in _MACRO_MARKS):
            return macros
        data = archive.read(part)  # never more than its declared size (zipfile stops there)
        if data.startswith(_OLE_MAGIC):
            return macros
        if lowered.endswith(b".rels") or lowered == b"[content_types].xml":  # not a sheet: a note may say "ActiveX"
            if any(mark in data.lower() for mark in _MACRO_MARKS):  # a content type or a relationship naming macros
                return macros
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            return _("cannot read the workbook: the part {part} declares a DOCTYPE, which no workbook holds").format(part=shorten(part.filename))
        if data.count(b"<") > MAX_WORKBOOK_ELEMENTS:
            return _("cannot read the workbook: the part {part} holds more than {limit} elements (cells, styles, texts), far more than a results form").format(
                part=shorten(part.filename), limit=MAX_WORKBOOK_ELEMENTS
            )
    return None


def _scan(form: Any, book: Any, sheet: Any, title: str, data_only: bool = False) -> tuple[Cells, list[tuple[str, tuple[int, int, int, int]]]]:
    """The cells of ``sheet`` that exist in its XML and hold something, and its merged ranges
    (``A1:B2`` and their bounds); with ``data_only``, a formula's cached value instead of its text.
    Never the sheet's declared ``dimension``, never a cell that is not there."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.worksheet._reader import WorkSheetParser

    def percent(style: int) -> bool:
        try:
            code = book._cell_styles[style].numFmtId
            text = BUILTIN_FORMATS.get(code, "General") if code < 164 else book._number_formats[code - 164]
        except (IndexError, TypeError, KeyError):
            return False
        return isinstance(text, str) and _is_percent(text)

    cells: Cells = {}
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source, sheet._shared_strings, data_only=data_only, epoch=book.epoch,
            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,
        )
        for _row, found in parser.parse():
            for item in found:
                value = item["value"]
                if value is None or (isinstance(value, str) and value.strip() == "" and item["data_type"] != "f"):
                    continue
                where = (item["row"], item["column"])
                if where in cells:
                    if data_only:  # reported on the first pass
                        continue
                    span = CellSpan(form.file, title, *where)
                    form.problems.append(BAD_WORKBOOK.at(span, _("the cell {cell} is written twice in the workbook: it was not saved by Excel; open it in Excel, check the cell and save it again").format(cell=span.cell)))
                    continue
                number = item["data_type"] == "n" and isinstance(value, (int, float)) and not isinstance(value, bool)
                cells[where] = _Cell(value, item["data_type"], number and percent(item["style_id"]))
        merged = []
        for rule in getattr(parser.merged_cells, "mergeCell", None) or ():
            min_col, min_row, max_col, max_row = range_boundaries(rule.ref)  # "C:C" and "3:3" leave two of them None
            merged.append((rule.ref, (min_row or 1, min_col or 1, max_row or _LAST_ROW, max_col or _LAST_COLUMN)))
    return cells, merged


def _read_meta(form: FilledForm, cells: Cells, shown: Cells) -> None:
    """The hidden sheet: lines 1–6 ``name, value`` (and the check in C1), then one ``row:`` line
    per indicator; a value anywhere else, or a description its check does not match, is F002."""
    lines: dict[int, tuple[Any, ...]] = {}
    for (row, column), cell in cells.items():
        lines.setdefault(row, (None, None, None, None))
        if column <= 4 and (row, column) != (1, 3):  # C1 holds the check
            line = list(lines[row])
            line[column - 1] = cell.value
            lines[row] = tuple(line)
    count = 6
    while count + 1 in lines and isinstance(lines[count + 1][0], str) and lines[count + 1][0].startswith("row:"):
        count += 1
    stray = sorted(
        (row, column) for row, column in cells
        if row > count or column > 4 or (row <= 6 and column > 2 and (row, column) != (1, 3))
    )
    if stray:
        row, column = stray[0]
        stray_cell = CellSpan(form.file, META, row, column).cell
        form.problems.append(changed(form, row, _("{cell} holds {value}, which the form did not write").format(cell=stray_cell, value=_shown(cells[(row, column)].value)), column))
        return
    meta = {str(r[0]): str(r[1]) for number, r in lines.items() if number <= 6 and r[0] is not None and r[1] is not None}
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        form.problems.append(NOT_A_FORM.at(CellSpan(form.file, META, 1, 2), _("the hidden sheet does not describe a dansokh results form of version {version}").format(version=VERSION)))
        return
    for number in range(7, count + 1):
        form_row = _form_row(lines[number], number)
        if form_row is None:
            form.problems.append(changed(form, number, _("row {row} does not describe a row of the form").format(row=number)))
            return
        form.rows.append(form_row)
    problem = _meta_problem(meta, form.rows)
    if problem is not None:
        where, message = problem
        form.problems.append(changed(form, where, message))
        return
    check = cells.get((1, 3), _EMPTY).value
    if check != seal([lines.get(number, (None, None, None, None)) for number in range(1, count + 1)]):
        form.edited = _edited(meta, shown)  # reported after what the catalogue says of its lines (write.form_import)
    form.meta = meta


def _edited(meta: dict[str, str], shown: Cells) -> tuple[int, str]:
    """Which line of a hidden sheet whose check fails was edited, as far as the cells the officer
    sees tell (the unit in C4, the period and year in C5), and what."""
    unit_text = shown.get((FIELDS["unit"], 3), _EMPTY).value
    period_text = shown.get((FIELDS["period"], 3), _EMPTY).value
    unit = re.search(r"\(([^()]*)\)\s*$", unit_text) if isinstance(unit_text, str) else None
    if unit is not None and unit.group(1) != meta["unit"]:
        return 3, _("it says the form is for {unit}, but the form shows {shown} in C4").format(unit=meta["unit"], shown=shorten(unit.group(1)))
    year = re.search(r"(\d{4})\s*$", period_text) if isinstance(period_text, str) else None
    if year is not None and year.group(1) != meta["year"]:
        return 4, _("it says the form is for {year}, but the form shows {shown} in C5").format(year=meta["year"], shown=year.group(1))
    period = period_text.split(":", 1)[0] if isinstance(period_text, str) and ":" in period_text else None
    if period is not None and period != meta["period"]:
        return 5, _("it says the form is for {period}, but the form shows {shown} in C5").format(period=meta["period"], shown=shorten(period))
    return 1, _("its lines no longer match the check in C1")


def changed(form: FilledForm, row: int, what: str, column: int = 1) -> Diagnostic:
    """F002 at a line of the hidden sheet: the form's description was edited."""
    return NOT_A_FORM.at(
        CellSpan(form.file, META, row, column),
        _("the hidden sheet {sheet!r} was changed ({what}): write a new form with `dansokh form UNIT --period P`").format(sheet=META, what=what),
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


def _written(form: FilledForm) -> set[tuple[int, int]]:
    """The cells ``dansokh form`` writes or leaves for input: anything typed elsewhere is not read."""
    last = max((row.row for row in form.rows), default=FIRST_ROW - 1)
    cells = {(1, 1), (2, 1)} | {(row, column) for row in FIELDS.values() for column in (1, 3)}
    cells |= {(row, column) for row in (HEADER_ROW, HEADER_ROW + 1) for column in range(1, COLUMNS["note"] + 1)}
    cells |= {(row.row, column) for row in form.rows for column in COLUMNS.values()}
    cells |= {(last + 2 + offset, 1) for offset in range(3)}  # the three lines of instructions
    return cells


_OUTSIDE_SHOWN = 20  # rows outside the form reported one by one; the rest in one line


def _outside(form: FilledForm, cells: Cells) -> None:
    """F004 for what was typed outside the form's cells (a row added below the table, a column
    to the right), one diagnostic per row: nothing typed there is read, so it must not pass unseen."""
    written = _written(form)
    last = max((row.row for row in form.rows), default=FIRST_ROW - 1)
    by_row: dict[int, list[int]] = {}
    for row, column in sorted(cells):
        if row > last and column == 1 and cells[(row, column)].value in NOTES:
            continue  # an instruction moved down by a row inserted above it (reported itself)
        if (row, column) not in written:
            by_row.setdefault(row, []).append(column)
    rows = sorted(by_row)
    for row in rows[:_OUTSIDE_SHOWN]:
        columns = by_row[row]
        listed = ", ".join(f"{get_column_letter(c)}{row} ({_shown(cells[(row, c)].value)})" for c in columns[:3])
        if len(columns) > 3:
            listed = _("{cells} and {count} more").format(cells=listed, count=len(columns) - 3)
        form.problems.append(MOVED.at(CellSpan(form.file, SHEET, row, columns[0]), _("typed outside the form's cells, so not read: {cells}; type each figure in its yellow cell, or delete these").format(cells=listed)))
    rest = [(row, column) for row in rows[_OUTSIDE_SHOWN:] for column in by_row[row]]
    if rest:
        row, column = rest[0]
        form.problems.append(MOVED.at(CellSpan(form.file, SHEET, row, column), _("and {count} more cells outside the form's cells, the last at {cell}: type each figure in its yellow cell, or delete these").format(count=len(rest), cell=f"{get_column_letter(rest[-1][1])}{rest[-1][0]}")))


def _read_sheet(form: FilledForm, cells: Cells, merged: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    file = form.file

    def get(row: int, column: int) -> _Cell:
        return cells.get((row, column), _EMPTY)

    inputs = {(row.row, COLUMNS[c]) for row in form.rows for c in INPUT_COLUMNS}
    inputs |= {(FIELDS[k], 3) for k in ("reported", "number", "issuer", "note")}
    for ref, (min_row, min_col, max_row, max_col) in merged:  # arithmetic on the bounds: a range may be A1:XFD1048576
        touched = sorted((r, c) for r, c in inputs if min_row <= r <= max_row and min_col <= c <= max_col)
        if touched and (min_row, min_col) != (max_row, max_col):
            r, c = touched[0]
            form.problems.append(MERGED.at(CellSpan(file, SHEET, r, c), _("{cells} are merged: an input cell must stay a cell of its own (unmerge them)").format(cells=ref)))
    form.header["unit"] = get(FIELDS["unit"], 3).value
    form.header["period"] = get(FIELDS["period"], 3).value
    for key in ("number", "issuer", "note"):
        cell = get(FIELDS[key], 3)
        span = CellSpan(file, SHEET, FIELDS[key], 3)
        if cell.data_type == "f":
            form.problems.append(FORMULA.at(span, _("a formula ({formula}): type the text itself").format(formula=_formula(cell.value))))
            continue
        value = cell.value
        text = value.strip() if isinstance(value, str) else (None if value is None else _shown(value))
        text = text or None
        if text is not None and _control(form, text, span):
            continue
        form.header[key] = text
    cell = get(FIELDS["reported"], 3)
    span = CellSpan(file, SHEET, FIELDS["reported"], 3)
    if cell.data_type == "f":
        form.problems.append(FORMULA.at(span, _("a formula ({formula}): type the day the report is sent").format(formula=_formula(cell.value))))
    elif isinstance(cell.value, dt.datetime):
        form.header["reported"] = cell.value.date().isoformat()
    elif isinstance(cell.value, dt.date):
        form.header["reported"] = cell.value.isoformat()
    elif isinstance(cell.value, str) and _text_date(cell.value):
        form.header["reported"] = _text_date(cell.value)
    elif cell.value is None:
        form.problems.append(BAD_DATE.at(span, _("the day the report is sent is missing: type it as dd/mm/yyyy")))
    else:
        form.problems.append(BAD_DATE.at(span, _("{value} is not a date: type the day as dd/mm/yyyy").format(value=_shown(cell.value))))
    where = {cell.value: row for (row, column), cell in sorted(cells.items(), reverse=True) if column == COLUMNS["key"] and isinstance(cell.value, str)}
    moved = False
    for row in form.rows:
        if get(row.row, COLUMNS["key"]).value != row.indicator:
            moved = True
            found = where.get(row.indicator)
            now = _("it is now in row {row}").format(row=found) if found else _("it is no longer in the sheet")
            form.problems.append(MOVED.at(CellSpan(file, SHEET, row.row, COLUMNS["name"]), _("row {row} should hold {indicator}; {where}: rows must not be inserted, deleted or moved").format(row=row.row, indicator=form.names.get(row.indicator, row.indicator), where=now)))
            continue
        columns = ["value", "note"] if row.kind != "rate" else ["value", "numerator", "denominator", "note"]
        for name in ("numerator", "denominator"):
            if name not in columns and get(row.row, COLUMNS[name]).value is not None:
                form.problems.append(MOVED.at(CellSpan(file, SHEET, row.row, COLUMNS[name]), _("this cell is not part of the form (this indicator has no {part}): leave it empty").format(part=_("numerator") if name == "numerator" else _("denominator"))))
        for name in columns:
            cell = get(row.row, COLUMNS[name])
            span = CellSpan(file, SHEET, row.row, COLUMNS[name])
            if cell.data_type == "f":
                form.problems.append(FORMULA.at(span, _("a formula ({formula}): type the figure itself, not a formula").format(formula=_formula(cell.value))))
                continue
            if cell.value is None:
                continue
            if name == "note":
                text = cell.value.strip() if isinstance(cell.value, str) else _shown(cell.value)
                if not _control(form, text, span):
                    form.values[(row.row, COLUMNS[name])] = text
                continue
            number = _figure(form, row, name, cell, span)
            if number is not None:
                form.values[(row.row, COLUMNS[name])] = number
    if not moved:  # rows moved: every one is reported above, and what lies outside follows from it
        _outside(form, cells)


def _figure(form: FilledForm, row: FormRow, name: str, cell: _Cell, span: CellSpan) -> Decimal | None:
    """The number of a figure cell, or None with F007 at it.  A cell formatted as a percentage
    holds 0.85 where the officer typed 85 %: it is read as 85, the number shown, and noted in
    ``percents``."""
    value = cell.value
    if isinstance(value, bool):
        form.problems.append(NOT_A_NUMBER.at(span, _("{value} is a TRUE/FALSE value, not a number: type the figure as a number").format(value=_shown(value))))
        return None
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        form.problems.append(NOT_A_NUMBER.at(span, _("{value} is a date or a time, not a number: format the cell as a number and type the figure").format(value=_shown(value))))
        return None
    number = _number(value)
    if number is None:
        whole = row.kind == "count" or name != "value"  # a count, a numerator or a denominator
        meant = _text_number(value, whole, row.unit == "%") if isinstance(value, str) else None
        if meant is not None and whole:
            message = _("{value} is text, not a number: type {figure}, digits only, without a dot, a comma or a space between the thousands (if Excel keeps it as text, format the cell as Number)")
        elif meant is not None:
            message = _("{value} is text, not a number: type {figure} as a number, with the decimal separator of your Excel (if Excel keeps it as text, format the cell as Number)")
        else:
            message = _("{value} is not a number: type the figure as a number (the cell is formatted as text, or holds words)")
        figure = "" if meant is None else format(meant, "f") if whole or current() != "vi" else format(meant, "f").replace(".", ",")
        form.problems.append(NOT_A_NUMBER.at(span, message.format(value=_shown(value), figure=figure)))
        return None
    if cell.percent:  # whether the row takes a percentage is asked where the figures are made (write.form_import)
        form.percents.add((row.row, COLUMNS[name]))
        typed = (number * 100).normalize()
        return typed.quantize(Decimal(1)) if typed == typed.to_integral_value() else typed
    return number


_GROUPED = re.compile(r"\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*")  # 1.900, 1,900, 1 900, 12.500.000
_DECIMAL = re.compile(r"-?\d+(?:[.,]\d+)?")


def _text_number(text: str, whole: bool, percent: bool) -> Decimal | None:
    """The figure a person meant by a number typed as text, where it is not in doubt: in a cell of
    whole numbers, ``1.900``, ``1,900`` or ``1 900`` are 1900 (separators between thousands); in a
    cell of decimals, ``3,5`` or ``3.5`` are 3.5, and ``85%`` in a row in % (``percent``) is 85
    (``1.900`` there may be 1.9 or 1900: not guessed).  ``None`` for words, for what is in doubt
    and for what is longer than a figure of the number domain."""
    text = text.strip().replace("\u00a0", " ")
    if len(text) > 20:
        return None
    if whole:
        if re.fullmatch(r"\d+", text) or _GROUPED.fullmatch(text):
            return Decimal(re.sub(r"\D", "", text))
        return None
    if percent:
        text = text.removesuffix("%").strip()
    if not _DECIMAL.fullmatch(text) or _GROUPED.fullmatch(text.lstrip("-")):
        return None
    return Decimal(text.replace(",", "."))


def _control(form: FilledForm, text: str, span: CellSpan) -> bool:
    """Report a control character in a text cell (F009); whether there was one."""
    found = CONTROL.search(text)  # what a plan file refuses (read.loader)
    if found is None:
        return False
    form.problems.append(CONTROL_CHARACTER.at(span, _("the text holds the control character {code} (pasted from another program?); delete it and type the text again").format(code=f"U+{ord(found.group()):04X}")))
    return True


def _text_date(text: str) -> str | None:
    """``08/04/2025`` or ``2025-04-08`` typed as text -> ``2025-04-08``."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None
