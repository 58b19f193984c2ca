"""The results form (biểu mẫu báo cáo kết quả) as an xlsx workbook, for an officer to fill in Excel.

One sheet, ``Biểu mẫu``: the title and the period, the unit, the day of the report and its
document, then one row per indicator the unit has a target for, in the catalogue's order, with
the target filled in.  Only the white-on-yellow cells take input; everything else is locked
(the sheet is protected without a password: protection guards against slips, not people).
Every input cell has data validation (whole numbers of zero or more for counts and for a
rate's numerator and denominator, 0–100 for a rate in %, a date for the day of the report),
so Excel refuses most mistakes as they are typed; ``dansokh import`` checks everything again.
A very hidden sheet, ``dansokh``, says which unit, year and period the form is for and which
indicator each row holds, with a check of that description in C1 (``read.form``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from ..model.catalogue import CATALOGUE, Direction, is_count
from ..model.periods import period_label
from ..model.plan import UnitDecl
from ..read.form import COLUMNS, FIELDS, FIRST_ROW, FORMAT, HEADER_ROW, META, NOTES, SHEET, VERSION, seal
from ..results.book import Book, officer_name
from .view import number_format
from .xlsx import FONT, a4_page, put_number, put_text

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
WIDTHS = {"tt": 5, "name": 46, "unit": 11, "target": 13, "value": 14, "numerator": 12, "denominator": 12, "note": 22, "key": 4}


@dataclass(frozen=True)
class FormLine:
    indicator: str
    name: str
    unit: str
    target: Decimal


@dataclass(frozen=True)
class FormSpec:
    unit_id: str
    unit_title: str  # as officers name it: "quận Long Biên"
    year: int
    period: str
    plan_id: str | None
    lines: list[FormLine]


def form_spec(book: Book, unit: UnitDecl, year: int, period: str) -> FormSpec:
    """The form of ``unit`` for ``period``: one line per indicator it has a target for, in the
    catalogue's order (average population, which is information, is not reported)."""
    order = {key: index for index, key in enumerate(CATALOGUE)}
    lines = [
        FormLine(goal.indicator, CATALOGUE[goal.indicator].name, goal.unit, goal.value)
        for goal in sorted(book.goals(unit.id, year).values(), key=lambda g: order[g.indicator])
        if CATALOGUE[goal.indicator].direction is not Direction.INFO
    ]
    return FormSpec(unit.id, officer_name(book, unit, year), year, period, None, lines)


def row_kind(indicator: str, unit: str) -> str:
    if is_count(unit):
        return "count"
    if CATALOGUE[indicator].direction is Direction.REDUCTION:
        return "change"
    return "rate"


def _validation(kind: str, unit: str) -> tuple[str, str | None, str | None, str, str]:
    """(type, formula1, formula2, operator, message) for the value cell of a row."""
    if kind == "count":
        return "whole", "0", None, "greaterThanOrEqual", "Nhập số nguyên từ 0 trở lên."
    limit = "1000" if unit == "‰" else "100"
    if kind == "change":
        return "decimal", f"-{limit}", limit, "between", f"Nhập mức thay đổi từ -{limit} đến {limit} ({unit})."
    if unit in ("%", "‰"):
        return "decimal", "0", limit, "between", f"Nhập tỷ lệ từ 0 đến {limit} ({unit}), hoặc nhập tử số và mẫu số."
    return "decimal", "0", None, "greaterThanOrEqual", "Nhập một số từ 0 trở lên."


def _label(sheet, row: int, text: str) -> None:
    cell = put_text(sheet, row, 1, text)
    cell.font = Font(name=FONT, size=12, bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)


def render_form(spec: FormSpec) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    width = COLUMNS["note"]
    for row, text, bold, italic in (
        (1, "BIỂU MẪU BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ VÀ PHÁT TRIỂN", True, False),
        (2, f"{period_label(spec.period, spec.year)[:1].upper()}{period_label(spec.period, spec.year)[1:]}"
            f" (số liệu lũy kế từ 01/01/{spec.year})", False, True),
    ):
        cell = put_text(sheet, row, 1, text)
        cell.font = Font(name=FONT, size=13, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.row_dimensions[row].height = 20
    labels = {
        "unit": "Đơn vị báo cáo:",
        "period": "Kỳ báo cáo:",
        "reported": "Ngày gửi báo cáo (dd/mm/yyyy):",
        "number": "Số văn bản báo cáo:",
        "issuer": "Cơ quan, đơn vị báo cáo:",
        "note": "Ghi chú:",
    }
    for key, row in FIELDS.items():
        _label(sheet, row, labels[key])
    shown = {"unit": f"{spec.unit_title} ({spec.unit_id})", "period": f"{spec.period}: {period_label(spec.period, spec.year)}"}
    for key, text in shown.items():
        cell = put_text(sheet, FIELDS[key], 3, text)
        cell.font = Font(name=FONT, size=12)
    for key in ("reported", "number", "issuer", "note"):
        cell = sheet.cell(FIELDS[key], 3)
        cell.protection = UNLOCKED
        cell.fill = INPUT
        cell.border = BORDER
        cell.font = Font(name=FONT, size=12)
        cell.number_format = "dd/mm/yyyy" if key == "reported" else "@"
    day = DataValidation(
        type="date", operator="between", formula1=f"DATE({spec.year},1,1)", formula2=f"DATE({spec.year + 1},12,31)",
        showErrorMessage=True, errorTitle="Ngày không hợp lệ", error=f"Nhập ngày gửi báo cáo dạng dd/mm/yyyy, trong năm {spec.year} hoặc {spec.year + 1}.",
    )
    sheet.add_data_validation(day)
    day.add(sheet.cell(FIELDS["reported"], 3))

    headers = {
        "tt": "TT", "name": "Chỉ tiêu", "unit": "Đơn vị tính", "target": f"Kế hoạch năm {spec.year}",
        "value": "Kết quả thực hiện (lũy kế)", "numerator": "Tử số", "denominator": "Mẫu số", "note": "Ghi chú",
    }
    numbered_header(sheet, HEADER_ROW, {COLUMNS[key]: text for key, text in headers.items()})
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", showErrorMessage=True,
                           errorTitle="Số không hợp lệ", error="Nhập số nguyên từ 0 trở lên.")
    sheet.add_data_validation(whole)
    validations: dict[tuple, DataValidation] = {}
    meta_rows = []
    for index, line in enumerate(spec.lines):
        row = FIRST_ROW + index
        kind = row_kind(line.indicator, line.unit)
        put_text(sheet, row, COLUMNS["tt"], str(index + 1)).alignment = Alignment(horizontal="center", vertical="top")
        put_text(sheet, row, COLUMNS["name"], line.name).alignment = Alignment(wrap_text=True, vertical="top")
        put_text(sheet, row, COLUMNS["unit"], line.unit).alignment = Alignment(horizontal="center", vertical="top")
        put_number(sheet, row, COLUMNS["target"], line.target, number_format(line.target)).alignment = Alignment(horizontal="right", vertical="top")
        put_text(sheet, row, COLUMNS["key"], line.indicator)
        inputs = ["value", "note"] + (["numerator", "denominator"] if kind == "rate" else [])
        for key in inputs:
            cell = sheet.cell(row, COLUMNS[key])
            cell.protection = UNLOCKED
            cell.fill = INPUT
            cell.number_format = "@" if key == "note" else ("#,##0" if kind == "count" or key != "value" else "General")
        for key in ("numerator", "denominator"):
            if kind == "rate":
                whole.add(sheet.cell(row, COLUMNS[key]))
            else:
                sheet.cell(row, COLUMNS[key]).fill = PatternFill("solid", fgColor="D9D9D9")
        rule = _validation(kind, line.unit)
        if rule not in validations:
            kind_, low, high, operator, message = rule
            validation = DataValidation(type=kind_, operator=operator, formula1=low, formula2=high,
                                        showErrorMessage=True, errorTitle="Số không hợp lệ", error=message)
            sheet.add_data_validation(validation)
            validations[rule] = validation
        validations[rule].add(sheet.cell(row, COLUMNS["value"]))
        for column in range(1, width + 1):
            target = sheet.cell(row, column)
            target.border = BORDER
            if target.font is None or target.font.name != FONT:
                target.font = Font(name=FONT, size=12)
        meta_rows.append((f"row:{line.indicator}", row, kind, line.unit))
    last = FIRST_ROW + len(spec.lines) - 1
    notes = NOTES
    finish_table(sheet, notes, header_row=HEADER_ROW, last=last, width=width,
                 widths={COLUMNS[key]: chars for key, chars in WIDTHS.items()}, key_column=COLUMNS["key"], landscape=True)

    lines = [("format", FORMAT), ("version", VERSION), ("unit", spec.unit_id), ("year", str(spec.year)),
             ("period", spec.period), ("plan", spec.plan_id or None), *meta_rows]
    return sealed(book, lines, "Biểu mẫu báo cáo kết quả thực hiện")



def protect(sheet: Any) -> None:
    """Lock every cell but those a form leaves to fill, and keep the cursor on those (no password:
    protection guards against slips, not people)."""
    sheet.protection.sheet = True
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


def finish_table(sheet: Any, notes: tuple[str, ...] | list[str], *, header_row: int, last: int, width: int,
                 widths: dict[int, float], key_column: int, landscape: bool) -> None:
    """How every form's table ends: its notes in italics two rows below, the column widths, the
    hidden key column, the two header rows frozen and printed on each A4 page, the sheet protected."""
    for offset, text in enumerate(notes):
        cell = put_text(sheet, last + 2 + offset, 1, text)
        cell.font = Font(name=FONT, size=11, italic=True)
    for column, chars in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = chars
    sheet.column_dimensions[get_column_letter(key_column)].hidden = True
    sheet.freeze_panes = sheet.cell(header_row + 2, 1)
    sheet.print_title_rows = f"{header_row}:{header_row + 1}"
    sheet.print_area = f"A1:{get_column_letter(width)}{last + 2 + len(notes)}"
    a4_page(sheet, landscape=landscape)
    protect(sheet)

def numbered_header(sheet: Any, row: int, headers: dict[int, str]) -> None:
    """A table's header in ``row`` (``headers``: column -> label) and the columns' numbers, (1),
    (2), …, in the row under it, as official forms have them."""
    for number, (column, text) in enumerate(headers.items(), 1):
        for at, value in ((row, text), (row + 1, f"({number})")):
            cell = put_text(sheet, at, column, value)
            cell.font = Font(name=FONT, size=12, bold=at == row, italic=at != row)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER
    sheet.row_dimensions[row].height = 32


def sealed(book: Workbook, lines: list[tuple[Any, ...]], title: str) -> bytes:
    """The workbook of a form, saved: its description in the very hidden sheet, sealed by the
    check in C1 (an edited line no longer matches it), the sheets' order locked."""
    meta = book.create_sheet(META)
    for row in lines:
        meta.append(list(row))
    meta["C1"] = seal(lines)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = title
    book.properties.creator = "dansokh"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
