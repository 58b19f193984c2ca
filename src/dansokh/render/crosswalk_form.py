"""The crosswalk form as an xlsx workbook: the population of each part of each old unit, to fill in Excel.

One sheet, ``Bảng chuyển đổi``: a row for each part (the old unit and its code, the new unit and its
code), the part's population to type (column F), its share where no population is known (G,
formatted as a percentage), and the share the populations give (H, a formula the officer sees
change as they type: the part's population over its old unit's).  A unit that went whole has
one part: its share is 100 %, its population may still be typed (rates are weighed by it).  What
the crosswalk already says is filled in.  Only the yellow cells take input; the sheet is
protected without a password, the hidden sheet ``dansokh`` says which crosswalk and which part
each row holds (``read.crosswalk_form``).
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..model.crosswalk import Crosswalk, as_fraction
from ..read.crosswalk_form import COLUMNS, FIRST_ROW, HEADER_ROW, SHEET, meta_lines
from .form import BORDER, INPUT, UNLOCKED, finish_table, numbered_header, sealed
from .xlsx import FONT, put_text

WIDTHS = {"tt": 5, "old": 24, "old_code": 9, "new": 24, "new_code": 9, "population": 16, "share": 14, "shown": 14, "key": 4}
GREY = PatternFill("solid", fgColor="D9D9D9")


def render_crosswalk_form(crosswalk: Crosswalk, label: str, names: dict[str, str], from_title: str, to_title: str) -> bytes:
    """The form of ``crosswalk`` (named ``label``: its id or file); ``names`` gives each unit's
    name where the crosswalk does not write it."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    width = COLUMNS["shown"]
    walk_from, walk_to = crosswalk.from_, crosswalk.to
    for row, text, bold in (
        (1, "BẢNG CHUYỂN ĐỔI ĐƠN VỊ HÀNH CHÍNH: DÂN SỐ CỦA TỪNG PHẦN", True),
        (2, f"Các đơn vị {from_title} giao chỉ tiêu năm {walk_from.year} → các đơn vị của {to_title} năm {walk_to.year}"
            f" (bảng chuyển đổi {label})", False),
    ):
        cell = put_text(sheet, row, 1, text)
        cell.font = Font(name=FONT, size=13, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.row_dimensions[row].height = 20
    headers = {
        "tt": "TT", "old": f"Đơn vị năm {walk_from.year}", "old_code": "Mã", "new": f"Đơn vị năm {walk_to.year}",
        "new_code": "Mã", "population": "Dân số của phần (người)", "share": "Tỷ lệ (nếu không có dân số)",
        "shown": "Tỷ lệ của phần",
    }
    numbered_header(sheet, HEADER_ROW, {COLUMNS[key]: text for key, text in headers.items()})
    people = DataValidation(type="whole", operator="greaterThan", formula1="0", showErrorMessage=True,
                            errorTitle="Số không hợp lệ", error="Nhập số người: số nguyên lớn hơn 0.")
    share = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", showErrorMessage=True,
                           errorTitle="Tỷ lệ không hợp lệ", error="Nhập tỷ lệ từ 0% đến 100%.")
    sheet.add_data_validation(people)
    sheet.add_data_validation(share)
    rows: list[tuple[str, int, str]] = []
    row = FIRST_ROW
    letter = {key: get_column_letter(column) for key, column in COLUMNS.items()}
    for number, entry in enumerate(crosswalk.units, 1):
        first, last = row, row + len(entry.parts) - 1
        for part in entry.parts:
            if row == first:
                put_text(sheet, row, COLUMNS["tt"], str(number)).alignment = Alignment(horizontal="center", vertical="top")
                put_text(sheet, row, COLUMNS["old"], entry.name or names.get(entry.old, entry.old))
                if entry.code:
                    put_text(sheet, row, COLUMNS["old_code"], entry.code)
            put_text(sheet, row, COLUMNS["new"], part.name or names.get(part.unit, part.unit))
            if part.code:
                put_text(sheet, row, COLUMNS["new_code"], part.code)
            put_text(sheet, row, COLUMNS["key"], f"{entry.old}>{part.unit}")
            population = sheet.cell(row, COLUMNS["population"])
            population.protection, population.fill, population.number_format = UNLOCKED, INPUT, "#,##0"
            if part.population is not None:
                population.value = part.population
            people.add(population)
            given = sheet.cell(row, COLUMNS["share"])
            shown = sheet.cell(row, COLUMNS["shown"])
            shown.number_format = "0.0%"
            if entry.divided:
                given.protection, given.fill, given.number_format = UNLOCKED, INPUT, "0.0%"
                if part.share is not None:
                    given.value = float(Decimal(as_fraction(part.share).numerator) / Decimal(as_fraction(part.share).denominator))
                share.add(given)
                f, g = letter["population"], letter["share"]
                block = f"${f}${first}:${f}${last}"
                shown.value = f'=IF(COUNT({block})=ROWS({block}),{f}{row}/SUM({block}),IF({g}{row}="","",{g}{row}))'
            else:
                given.fill = GREY
                shown.value = 1
            for column in range(1, width + 1):
                cell = sheet.cell(row, column)
                cell.border = BORDER
                if cell.font is None or cell.font.name != FONT:
                    cell.font = Font(name=FONT, size=12)
            rows.append((entry.old, row, part.unit))
            row += 1
    last = row - 1
    notes = [
        "Hướng dẫn: nhập dân số của từng phần vào cột (6); cột (8) cho thấy tỷ lệ tính từ dân số. Một đơn vị cũ chỉ dùng"
        " dân số khi mọi phần của nó đều có dân số.",
        "Không có dân số: nhập tỷ lệ của từng phần vào cột (7) (ví dụ 25%), các phần cộng lại đúng 100%. Để trống"
        " đơn vị chưa quyết định.",
        "Không chèn, xóa, di chuyển dòng; không nhập công thức. Nhập lại bảng bằng lệnh: dansokh import TỆP.xlsx",
    ]
    finish_table(sheet, notes, header_row=HEADER_ROW, last=last, width=width,
                 widths={COLUMNS[key]: chars for key, chars in WIDTHS.items()}, key_column=COLUMNS["key"], landscape=False)

    lines = meta_lines(label, f"{walk_from.unit} {walk_from.year}", f"{walk_to.unit} {walk_to.year}", rows)
    return sealed(book, lines, "Bảng chuyển đổi: dân số của từng phần")
