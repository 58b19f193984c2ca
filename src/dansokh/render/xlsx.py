"""An appendix as an XLSX workbook (openpyxl).

Numbers stay numbers, with a number format that keeps the digits the source writes
(0,00 / 86,0 / 416.950 in a Vietnamese Excel); text from plans always stays text: a
cell is typed as a string after assignment, so "=SUM(A1)" can never become a formula.
Merged header cells as in the source, a frozen header, column widths, and A4 print setup
(fit to width, header rows repeated on every page, page numbers from the second page).
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from .view import AppendixView

FONT = "Times New Roman"
MM = 1 / 25.4  # inches per millimetre
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# total width in character units that a landscape / portrait A4 page holds at the table's font
PAGE_CHARS = {True: 150, False: 100}


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put_text(sheet: Worksheet, row: int, column: int, text: str):
    """Write plan text as a string cell, whatever its first character."""
    cell = sheet.cell(row=row, column=column)
    cell.value = _text(text)
    cell.data_type = "s"  # never "f": a leading =, +, - or @ stays text
    return cell


def put_number(sheet: Worksheet, row: int, column: int, value: Decimal, number_format: str):
    cell = sheet.cell(row=row, column=column)
    cell.value = int(value) if value == value.to_integral_value() and number_format == "#,##0" else float(value)
    cell.number_format = number_format
    return cell


def _title_row(sheet: Worksheet, row: int, width: int, text: str, *, bold=False, italic=False, size=13) -> None:
    cell = put_text(sheet, row, 1, text)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    # merged cells do not grow with their text: give long lines room
    lines = max(1, -(-len(text) // PAGE_CHARS[True]))
    sheet.row_dimensions[row].height = 18 * lines


def write_sheet(sheet: Worksheet, view: AppendixView) -> dict[str, int]:
    """Fill ``sheet``; returns where things went (first header row, first body row)."""
    width = len(view.columns)
    size = view.font_size
    row = 1
    if view.heading:
        _title_row(sheet, row, width, view.heading, bold=True)
        row += 1
    _title_row(sheet, row, width, view.title, bold=True)
    row += 1
    if view.subtitle:
        _title_row(sheet, row, width, view.subtitle, bold=True)
        row += 1
    _title_row(sheet, row, width, view.attached, italic=True)
    row += 2
    header_top = row
    for level, cells in enumerate(view.header):
        for cell in cells:
            target = put_text(sheet, row + level, cell.column + 1, cell.text)
            target.font = Font(name=FONT, size=size, bold=not (view.units_row and level == len(view.header) - 1),
                               italic=bool(view.units_row and level == len(view.header) - 1))
            if cell.colspan > 1 or cell.rowspan > 1:
                sheet.merge_cells(
                    start_row=row + level,
                    start_column=cell.column + 1,
                    end_row=row + level + cell.rowspan - 1,
                    end_column=cell.column + cell.colspan,
                )
    header_bottom = row + len(view.header) - 1
    for r in range(header_top, header_bottom + 1):
        for c in range(1, width + 1):
            target = sheet.cell(row=r, column=c)
            target.border = BORDER
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if target.font is None or target.font.name != FONT:
                target.font = Font(name=FONT, size=size, bold=True)
    row = header_bottom + 1
    body_top = row
    for body_row in view.body:
        column = 1
        for index, cell in enumerate(body_row.cells):
            if isinstance(cell.raw, Decimal):
                target = put_number(sheet, row, column, cell.raw, cell.number_format)
                horizontal = "right"
            else:
                target = put_text(sheet, row, column, cell.raw or "")
                horizontal = "center" if index == 0 else "left"
            target.font = Font(name=FONT, size=size, bold=body_row.bold, italic=body_row.italic)
            target.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)
            if cell.colspan > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + cell.colspan - 1)
            column += cell.colspan
        for c in range(1, width + 1):
            sheet.cell(row=row, column=c).border = BORDER
        row += 1
    total = sum(c.width for c in view.columns)
    widths = [max(5, round(PAGE_CHARS[view.landscape] * column.width / total)) for column in view.columns]
    for index, width_chars in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width_chars
    _row_heights(sheet, view, widths, header_top, body_top)
    sheet.freeze_panes = sheet.cell(row=body_top, column=1)
    sheet.print_title_rows = f"{header_top}:{header_bottom}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if view.landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(
        left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM, header=10 * MM, footer=10 * MM
    )
    sheet.HeaderFooter.differentFirst = True
    sheet.oddHeader.center.text = "&P"
    sheet.oddHeader.center.font = FONT
    sheet.evenHeader.center.text = "&P"
    sheet.evenHeader.center.font = FONT
    return {"header_top": header_top, "header_bottom": header_bottom, "body_top": body_top, "body_bottom": row - 1}


def _lines(text: str, width_chars: float, size: float) -> int:
    """How many lines ``text`` wraps to in a column ``width_chars`` wide (an estimate: spreadsheets
    do not grow rows with merged or wrapped cells on their own)."""
    per_line = max(1.0, width_chars * 1.15 * 11 / size)
    words, lines, current = text.split(), 1, 0.0
    for word in words:
        length = len(word)
        if current and current + 1 + length > per_line:
            lines += 1
            current = 0.0
        while length > per_line:
            lines += 1
            length -= per_line
        current += (1 if current else 0) + length
    return lines


def _row_heights(sheet: Worksheet, view: AppendixView, widths: list[int], header_top: int, body_top: int) -> None:
    size = view.font_size
    line = size * 1.3
    needed: dict[int, float] = {}
    for level, cells in enumerate(view.header):
        for cell in cells:
            span = sum(widths[cell.column:cell.column + cell.colspan])
            height = _lines(cell.text, span, size) * line + 4
            # a cell over several rows shares its height among them
            for r in range(header_top + level, header_top + level + cell.rowspan):
                needed[r] = max(needed.get(r, 0), height / cell.rowspan)
    for offset, row in enumerate(view.body):
        column, height = 0, line
        for cell in row.cells:
            span = sum(widths[column:column + cell.colspan])
            height = max(height, _lines(cell.text, span, size) * line + 4)
            column += cell.colspan
        needed[body_top + offset] = height
    for r, height in needed.items():
        sheet.row_dimensions[r].height = round(height, 1)


def sheet_title(view: AppendixView) -> str:
    title = f"Phụ lục {view.key}"
    return "".join(ch for ch in title if ch not in '[]:*?/\\')[:31]


def render_xlsx(view: AppendixView) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(view)
    write_sheet(sheet, view)
    workbook.properties.title = view.title
    workbook.properties.creator = "dansokh"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
