"""An appendix as an XLSX workbook (openpyxl).

Numbers stay numbers, with a number format that keeps the digits the source writes
(0,00 / 86,0 / 416.950 in a Vietnamese Excel); text from plans always stays text: a
cell is typed as a string after assignment, so "=SUM(A1)" can never become a formula.
Merged header cells as in the source, a frozen header, column widths, and A4 print setup
(fit to width, header rows repeated on every page, page numbers from the second page).
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import TypedDict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from ..model.numbers import bounded, in_domain
from .view import PROPERTY_LIMIT, AppendixView, xml_text

FONT = "Times New Roman"
MM = 1 / 25.4  # inches per millimetre
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# total width in character units that a landscape / portrait A4 page holds at the table's font
PAGE_CHARS = {True: 150, False: 100}
MARK_COLOUR = "C53030"  # the illustrative mark, as the HTML draws it


def put_text(sheet: Worksheet, row: int, column: int, text: str):
    """Write plan text as a string cell, whatever its first character."""
    cell = sheet.cell(row=row, column=column)
    cell.value = xml_text(text)
    cell.data_type = "s"  # never "f": a leading =, +, - or @ stays text
    return cell


def put_number(sheet: Worksheet, row: int, column: int, value: Decimal, number_format: str):
    """A number cell; a number no spreadsheet can hold (the model refuses them; a safety net) is text."""
    cell = sheet.cell(row=row, column=column)
    if not in_domain(value):
        return put_text(sheet, row, column, bounded(value))
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



def a4_page(sheet: Worksheet, landscape: bool) -> None:
    """An A4 page fitted to its width, with the margins of Nghị định 30/2020/NĐ-CP (left 30 mm,
    right 15 mm, top and bottom 20 mm): every sheet dansokh prints, appendix, report or form."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM, header=10 * MM, footer=10 * MM)

class SheetPlaces(TypedDict):
    """Where ``write_sheet`` put things: the first and last rows of the header and of the body,
    and the value of each formula it wrote, by its cell (``H12``)."""

    header_top: int
    header_bottom: int
    body_top: int
    body_bottom: int
    formulas: dict[str, Decimal]


def write_sheet(sheet: Worksheet, view: AppendixView) -> SheetPlaces:
    """Fill ``sheet``; returns where things went (first header row, first body row)."""
    width = len(view.columns)
    size = view.font_size
    row = 1
    if view.mark:  # illustrative figures: said above the table and at the foot of every printed page
        _title_row(sheet, row, width, view.mark, bold=True)
        sheet.cell(row=row, column=1).font = Font(name=FONT, size=13, bold=True, color=MARK_COLOUR)
        sheet.oddFooter.center.text = sheet.evenFooter.center.text = sheet.firstFooter.center.text = view.mark
        sheet.oddFooter.center.color = sheet.evenFooter.center.color = sheet.firstFooter.center.color = MARK_COLOUR
        row += 1
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
        for head in cells:
            target = put_text(sheet, row + level, head.column + 1, head.text)
            target.font = Font(name=FONT, size=size, bold=not (view.units_row and level == len(view.header) - 1),
                               italic=bool(view.units_row and level == len(view.header) - 1))
            if head.colspan > 1 or head.rowspan > 1:
                sheet.merge_cells(
                    start_row=row + level,
                    start_column=head.column + 1,
                    end_row=row + level + head.rowspan - 1,
                    end_column=head.column + head.colspan,
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
    formulas = _totals_as_formulas(sheet, view, body_top)
    total = sum(c.width for c in view.columns)
    widths = [max(5, round(PAGE_CHARS[view.landscape] * column.width / total)) for column in view.columns]
    for index, width_chars in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width_chars
    _row_heights(sheet, view, widths, header_top, body_top)
    sheet.freeze_panes = sheet.cell(row=body_top, column=1)
    sheet.print_title_rows = f"{header_top}:{header_bottom}"
    a4_page(sheet, landscape=view.landscape)
    sheet.print_options.horizontalCentered = True
    sheet.HeaderFooter.differentFirst = True
    sheet.oddHeader.center.text = "&P"
    sheet.oddHeader.center.font = FONT
    sheet.evenHeader.center.text = "&P"
    sheet.evenHeader.center.font = FONT
    return {
        "header_top": header_top,
        "header_bottom": header_bottom,
        "body_top": body_top,
        "body_bottom": row - 1,
        "formulas": formulas,
    }


def _ranges(letter: str, rows: list[int]) -> str:
    """``C6:C35`` for consecutive rows, else ``C6,C8,C9``."""
    if rows and rows == list(range(rows[0], rows[-1] + 1)):
        return f"{letter}{rows[0]}:{letter}{rows[-1]}"
    return ",".join(f"{letter}{r}" for r in rows)


def _totals_as_formulas(sheet: Worksheet, view: AppendixView, body_top: int) -> dict[str, Decimal]:
    """Totals as formulas, so that a figure corrected in Excel carries into its totals: the
    total row of a quota column is the SUM of the units' rows, and a row's total of new
    users the SUM of its methods.  Only where the plan's own figures agree (a table that
    does not add up keeps its written figures, for validate to report); returns each
    formula cell with the value it computes, which is written as its cached value."""
    units = [body_top + i for i, row in enumerate(view.body) if row.kind == "unit"]
    formulas: dict[str, Decimal] = {}

    def value(row: int, column: int) -> Decimal | None:
        raw = view.body[row - body_top].cells[column].raw
        return raw if isinstance(raw, Decimal) else None

    for index, column in enumerate(view.columns):
        letter = get_column_letter(index + 1)
        if column.parts:
            for r in range(body_top, body_top + len(view.body)):
                parts = [value(r, p) for p in column.parts]
                own = value(r, index)
                if own is None or _total(parts) != own:
                    continue
                first, last = column.parts[0], column.parts[-1]
                if list(column.parts) == list(range(first, last + 1)):
                    cells = f"{get_column_letter(first + 1)}{r}:{get_column_letter(last + 1)}{r}"
                else:
                    cells = ",".join(f"{get_column_letter(p + 1)}{r}" for p in column.parts)
                sheet.cell(row=r, column=index + 1).value = f"=SUM({cells})"
                formulas[f"{letter}{r}"] = own
        if not column.adds_up or not units:
            continue
        for r, row in enumerate(view.body, body_top):
            if row.kind != "total":
                continue
            own = value(r, index)
            if own is None or _total([value(u, index) for u in units]) != own:
                continue
            sheet.cell(row=r, column=index + 1).value = f"=SUM({_ranges(letter, units)})"
            formulas[f"{letter}{r}"] = own
    return formulas


def _total(values: list[Decimal | None]) -> Decimal | None:
    """The sum of ``values``, or None where one of them is not a number."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if len(known) == len(values) else None


def _with_cached_values(data: bytes, sheet_path: str, formulas: dict[str, Decimal]) -> bytes:
    """Write each formula's computed value into the workbook (openpyxl leaves it empty), so that
    a reader that does not calculate (a viewer, a script, a preview) sees the total, not a blank."""
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read(sheet_path).decode("utf-8")

    def cached(match: re.Match[str]) -> str:
        value = formulas.get(match.group(1))
        if value is None:
            return match.group(0)
        return f'<c r="{match.group(1)}"{match.group(2)}><f>{match.group(3)}</f><v>{format(value, "f")}</v></c>'

    xml = re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>', cached, xml)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml.encode("utf-8") if item.filename == sheet_path else source.read(item.filename))
    return output.getvalue()


def _lines(text: str, width_chars: float, size: float) -> int:
    """How many lines ``text`` wraps to in a column ``width_chars`` wide (an estimate: spreadsheets
    do not grow rows with merged or wrapped cells on their own)."""
    per_line = max(1.0, width_chars * 1.15 * 11 / size)
    words, lines, current = text.split(), 1, 0.0
    for word in words:
        length: float = len(word)
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
        for head in cells:
            span = sum(widths[head.column:head.column + head.colspan])
            height = _lines(head.text, span, size) * line + 4
            # a cell over several rows shares its height among them
            for r in range(header_top + level, header_top + level + head.rowspan):
                needed[r] = max(needed.get(r, 0), height / head.rowspan)
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
    places = write_sheet(sheet, view)
    workbook.properties.title = xml_text(view.title)[:PROPERTY_LIMIT]
    workbook.properties.creator = xml_text(view.issuer)[:PROPERTY_LIMIT]
    workbook.properties.lastModifiedBy = xml_text(view.issuer)[:PROPERTY_LIMIT]
    workbook.calculation.fullCalcOnLoad = True  # Excel and LibreOffice recompute on opening
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_cached_values(buffer.getvalue(), "xl/worksheets/sheet1.xml", places["formulas"])
