"""The plan form (biểu mẫu kế hoạch) as an xlsx workbook, for an officer to fill in Excel instead of
editing the plan file.

One sheet each: ``Thông tin chung`` (the issuer, the document's number and title, the signer, the
goals), ``Chỉ tiêu`` (each target with what the parent assigned beside it and its direction:
"không thấp hơn", "không vượt quá", "giảm ít nhất"), each allocation table under its heading (a
district's ``Phụ lục 2``: one row per ward, the totals of its counts as SUM formulas) and each
schedule (``Phụ lục 1``: content, time, lead and partners of every row, and three blank rows under each
section for new tasks).  Only the white-on-yellow
cells take input; the sheets are protected without a password (against slips, not people); every
number cell has data validation.  The very hidden sheet ``dansokh`` describes the form for
``dansokh import`` (``read.plan_form``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..cascade.repository import LoadedPlan
from ..model.catalogue import CATALOGUE, UNITS, Direction, is_count  # UNITS: refilled in place, never rebound
from ..model.numbers import plain
from ..model.plan import AllocationTable, Schedule, ScheduleRow, ScheduleSection
from ..read.form import META
from ..read.plan_form import FORMAT, KIND, REQUIRED, VERSION, cell_ref, path_text
from ..read.positions import Path
from ..results.book import Book, officer_name
from .form import BORDER, _validation, protect, row_kind, sealed
from .view import number_format, vn
from .xlsx import FONT, _lines, _with_cached_values, a4_page, put_number, put_text

INPUT = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
DIRECTIONS = {
    Direction.FLOOR: "không thấp hơn",
    Direction.CEILING: "không vượt quá",
    Direction.REDUCTION: "giảm ít nhất",
    Direction.INFO: "để theo dõi",
}
GENERAL = "Thông tin chung"
TARGETS = "Chỉ tiêu"
TARGET_WIDTHS = [5, 50, 11, 16, 16, 16]
NEW_ROWS = 3  # blank rows under each section of a schedule, for new tasks
NOTE = "Chỉ nhập vào các ô màu vàng; không chèn, xóa hay di chuyển dòng, cột. Nhập lại vào kế hoạch bằng lệnh: dansokh import TỆP.xlsx"


@dataclass
class _Sheet:
    """One visible sheet being written, and what the hidden sheet says of it."""

    sheet: Any
    title: str
    width: int  # the columns of its table; the row keys go in the next one, hidden
    rows: dict[int, str] = field(default_factory=dict)
    cells: list[tuple[Any, ...]] = field(default_factory=list)
    last: int = 0
    validations: dict[tuple, DataValidation] = field(default_factory=dict)
    formulas: dict[str, Decimal] = field(default_factory=dict)  # each total's cell and the value it computes

    def text(self, row: int, column: int, text: str, *, bold: bool = False, wrap: bool = True, border: bool = True):
        cell = put_text(self.sheet, row, column, text)
        cell.font = Font(name=FONT, size=12, bold=bold)
        cell.alignment = Alignment(wrap_text=wrap, vertical="top")
        if border:
            cell.border = BORDER
        self.last = max(self.last, row)
        return cell

    def key(self, row: int, path: Path) -> None:
        self.rows[row] = path_text(path)

    def input(self, row: int, column: int, path: Path, kind: str, value: Any, unit: str | None = None, *, required: bool = False, indicator: str | None = None):
        """An input cell showing ``value`` (a Decimal or a text) that fills ``path`` of the plan."""
        cell = self.sheet.cell(row, column)
        if kind == "text":
            if value is not None:
                put_text(self.sheet, row, column, str(value))
            cell.number_format = "@"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            if value is not None:
                put_number(self.sheet, row, column, value, number_format(value))
            else:
                cell.number_format = "#,##0" if kind == "whole" else "General"
            cell.alignment = Alignment(horizontal="right", vertical="top")
            self._validate(cell, indicator, unit or "")
        cell.font = Font(name=FONT, size=12)
        cell.protection = UNLOCKED
        cell.fill = INPUT
        cell.border = BORDER
        original = "" if value is None else (plain(value) if isinstance(value, Decimal) else str(value))
        self.cells.append(("cell", cell_ref(self.title, row, column), path_text(path), kind + (REQUIRED if required else ""), original))
        self.last = max(self.last, row)

    def total(self, row: int, column: int, path: Path, rows: list[int], value: Decimal) -> None:
        """A total row's cell of a count column: the SUM of the units' rows, locked."""
        letter = get_column_letter(column)
        cell = self.sheet.cell(row, column)
        cell.value = f"=SUM({letter}{rows[0]}:{letter}{rows[-1]})"
        cell.number_format = number_format(value)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.border = BORDER
        self.cells.append(("cell", cell_ref(self.title, row, column), path_text(path), "total", f"{letter}{rows[0]}:{letter}{rows[-1]}"))

    def _validate(self, cell: Any, indicator: str | None, unit: str) -> None:
        if indicator is None or unit not in UNITS:
            rule: tuple = ("decimal", "-1000000000", "1000000000000000", "between", "Nhập một số.")
        else:
            rule = _validation(row_kind(indicator, unit), unit)
        if rule not in self.validations:
            kind, low, high, operator, message = rule
            validation = DataValidation(type=kind, operator=operator, formula1=low, formula2=high, showErrorMessage=True, errorTitle="Số không hợp lệ", error=message)
            self.sheet.add_data_validation(validation)
            self.validations[rule] = validation
        self.validations[rule].add(cell)

    def finish(self, widths: list[int], landscape: bool, header_rows: str | None = None) -> None:
        sheet = self.sheet
        key_column = self.width + 1
        for row in self.rows:  # a row grows with its longest text (spreadsheets do not grow wrapped rows)
            lines = max(
                (_lines(str(sheet.cell(row, column).value), widths[column - 1], 12)
                 for column in range(1, min(self.width, len(widths)) + 1) if isinstance(sheet.cell(row, column).value, str)),
                default=1,
            )
            sheet.row_dimensions[row].height = 16 * lines + 2
        for row, key in self.rows.items():
            put_text(sheet, row, key_column, key)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.column_dimensions[get_column_letter(key_column)].hidden = True
        if header_rows:
            sheet.print_title_rows = header_rows
        sheet.print_area = f"A1:{get_column_letter(self.width)}{self.last}"
        a4_page(sheet, landscape=landscape)
        protect(sheet)


def _heading(sheet: _Sheet, title: str, subtitle: str) -> int:
    """The title (row 1), a line under it (row 2), the note on filling (row 3); returns the next row."""
    for row, text, bold in ((1, title, True), (2, subtitle, False), (3, NOTE, False)):
        cell = put_text(sheet.sheet, row, 1, text)
        cell.font = Font(name=FONT, size=13 if row == 1 else 11, bold=bold, italic=row == 3)
        cell.alignment = Alignment(horizontal="center" if row < 3 else "left", vertical="center", wrap_text=True)
        sheet.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=sheet.width)
        sheet.sheet.row_dimensions[row].height = 20 if row < 3 else 32
    return 5


def _header(sheet: _Sheet, row: int, labels: list[str], widths: list[int] | None = None) -> None:
    """A header row, tall enough for its longest label in its column (``widths``, in characters)."""
    lines = 1
    for column, label in enumerate(labels, 1):
        cell = sheet.text(row, column, label, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if widths and column <= len(widths):
            lines = max(lines, -(-len(label) * 11 // (10 * max(widths[column - 1] - 1, 1))))
    sheet.sheet.row_dimensions[row].height = 16 * lines + 4


@dataclass(frozen=True)
class PlanFormSpec:
    loaded: LoadedPlan
    unit_title: str  # as officers name it: "phường Ngọc Thụy"
    assigned: dict[str, tuple[Decimal, str]]  # what the parent assigned, by indicator: value and unit
    parent_title: str | None


def plan_form_spec(book: Book, loaded: LoadedPlan) -> PlanFormSpec:
    plan = loaded.plan
    assigned = {key: (goal.value, goal.unit) for key, goal in book.assigned_goals(plan.unit.id, plan.year).items()}
    parent = book.parent_plan(plan.unit.id, plan.year)
    parent_title = officer_name(book, parent.plan.unit, plan.year) if parent is not None else None
    return PlanFormSpec(loaded, officer_name(book, plan.unit, plan.year), assigned, parent_title)


def render_plan_form(spec: PlanFormSpec) -> bytes:
    loaded = spec.loaded
    plan, source = loaded.plan, loaded.source
    has = source.values.__contains__
    book = Workbook()
    written: list[_Sheet] = []
    subtitle = f"Kế hoạch năm {plan.year} của {spec.unit_title}" + (f" (số {plan.document.number})" if plan.document.number else "")  # the id is the hidden sheet's

    general = _Sheet(book.active, GENERAL, 2)
    general.sheet.title = GENERAL
    row = _heading(general, "THÔNG TIN CHUNG CỦA KẾ HOẠCH", subtitle)
    _header(general, row, ["Mục", "Nội dung"])
    row += 1
    fields = [
        (("document", "issuer"), "Cơ quan ban hành", True),
        (("document", "number"), "Số văn bản", False),
        (("document", "title"), "Trích yếu (tên kế hoạch)", True),
        (("document", "signer", "name"), "Người ký", False),
    ]
    for path, label, required in fields:
        if has(path):
            general.text(row, 1, label)
            general.input(row, 2, path, "text", _value(plan, path), required=required)
            general.key(row, path)
            row += 1
    for index, goal in enumerate(plan.goals):
        general.text(row, 1, f"Mục tiêu {index + 1}")
        general.input(row, 2, ("goals", index), "text", goal, required=True)
        general.key(row, ("goals", index))
        row += 1
    written.append(general)

    targets = _Sheet(book.create_sheet(TARGETS), TARGETS, 6)
    row = _heading(targets, "CÁC CHỈ TIÊU CỦA KẾ HOẠCH", subtitle)
    given = f"{spec.parent_title[:1].upper()}{spec.parent_title[1:]} giao" if spec.parent_title else "Cấp trên giao"
    _header(targets, row, ["TT", "Chỉ tiêu", "Đơn vị tính", "Yêu cầu", given, f"Kế hoạch năm {plan.year}"], TARGET_WIDTHS)
    header = row
    row += 1
    for index, target in enumerate(plan.targets):
        entry = CATALOGUE.get(target.indicator)
        unit = target.unit or (entry.unit if entry else "")
        targets.text(row, 1, str(index + 1))
        targets.text(row, 2, entry.name if entry else target.indicator)
        targets.text(row, 3, unit)
        targets.text(row, 4, DIRECTIONS[entry.direction] if entry else "")
        assigned = spec.assigned.get(target.indicator)
        if assigned is not None and assigned[1] == unit:
            put_number(targets.sheet, row, 5, assigned[0], number_format(assigned[0])).border = BORDER
        else:
            targets.text(row, 5, f"{vn(assigned[0])} {assigned[1]}" if assigned is not None else "—")
        kind = "whole" if unit in UNITS and is_count(unit) else "number"
        targets.input(row, 6, ("targets", index, "value"), kind, target.value, unit, required=True, indicator=target.indicator if entry else None)
        targets.key(row, ("targets", index))
        row += 1
    targets.finish(TARGET_WIDTHS, landscape=False, header_rows=f"{header}:{header}")
    written.append(targets)

    titles = {GENERAL, TARGETS}
    for number, appendix in enumerate(plan.appendices):
        name = _sheet_name(appendix.heading or (f"Phụ lục {appendix.number}" if appendix.number else "Phụ lục"), titles)
        titles.add(name)
        if isinstance(appendix, AllocationTable):
            written.append(_table(book, name, appendix, ("appendices", number), subtitle))
        elif isinstance(appendix, Schedule):
            written.append(_schedule(book, name, appendix, ("appendices", number), subtitle, has, source.keys.__contains__))
    general.finish([30, 90], landscape=False)

    lines: list[tuple[Any, ...]] = [
        ("format", FORMAT), ("version", VERSION), ("kind", KIND), ("unit", plan.unit.id), ("year", plan.year), ("plan", plan.id),
    ]
    lines += [("sheet", sheet.title, sheet.last, sheet.width) for sheet in written]
    lines += [("row", sheet.title, row, key) for sheet in written for row, key in sheet.rows.items()]
    lines += [line for sheet in written for line in sheet.cells]
    data = sealed(book, lines, "Biểu mẫu kế hoạch")

    for index, sheet in enumerate(written, 1):  # the sheets in the workbook's order: sheet1.xml is the first
        if sheet.formulas:
            data = _with_cached_values(data, f"xl/worksheets/sheet{index}.xml", sheet.formulas)
    return data


def _value(plan: Any, path: Path) -> Any:
    value = plan
    for part in path:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


def _sheet_name(text: str, taken: set[str]) -> str:
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()[:28] or "Phụ lục"
    candidate, count = name, 2
    while candidate in taken or candidate == META:
        candidate, count = f"{name} ({count})", count + 1
    return candidate


def _table(book: Workbook, name: str, table: AllocationTable, path: Path, subtitle: str) -> _Sheet:
    width = 2 + len(table.columns)
    sheet = _Sheet(book.create_sheet(name), name, width)
    row = _heading(sheet, table.title, subtitle)
    units = [column.unit or CATALOGUE[column.indicator].unit if column.indicator in CATALOGUE else column.unit or "" for column in table.columns]
    groups = [column.group or "" for column in table.columns]
    if any(groups):
        _header(sheet, row, ["", ""] + groups, [5, 18] + [11 * 2] * len(groups))
        start = 0
        for index in range(1, len(groups) + 1):  # a group over its columns, as the source prints it
            if index == len(groups) or groups[index] != groups[start]:
                if groups[start] and index - start > 1:
                    sheet.sheet.merge_cells(start_row=row, start_column=start + 3, end_row=row, end_column=index + 2)
                start = index
        row += 1
    _header(sheet, row, [table.number_label, table.name_label] + [column.label for column in table.columns], [5, 18] + [11] * len(table.columns))
    header_top = row - 1 if any(groups) else row
    row += 1
    _header(sheet, row, ["", table.units_row or "Đơn vị tính"] + units)
    header = row
    row += 1
    first = row
    unit_rows = [index for index, item in enumerate(table.rows) if not item.total]
    body = {index: first + position for position, index in enumerate(range(len(table.rows)))}
    for index, item in enumerate(table.rows):
        r = body[index]
        sheet.text(r, 1, item.tt or "")
        sheet.text(r, 2, item.name, bold=item.total)
        for column_index, column in enumerate(table.columns):
            value = item.values[column_index] if column_index < len(item.values) else None
            cell_path = path + ("rows", index, "values", column_index)
            unit = units[column_index]
            count = unit in UNITS and is_count(unit)
            parts = [table.rows[u].values[column_index] if column_index < len(table.rows[u].values) else None for u in unit_rows]
            known = [part for part in parts if part is not None]
            adds_up = item.total and count and unit_rows and value is not None and len(known) == len(parts) and sum(known, Decimal(0)) == value
            if adds_up and [body[u] for u in unit_rows] == list(range(body[unit_rows[0]], body[unit_rows[-1]] + 1)):
                sheet.total(r, column_index + 3, cell_path, [body[u] for u in unit_rows], value)  # type: ignore[arg-type]
                sheet.formulas[f"{get_column_letter(column_index + 3)}{r}"] = value  # type: ignore[assignment]
                continue
            indicator = column.indicator if column.indicator in CATALOGUE else None
            sheet.input(r, column_index + 3, cell_path, "whole" if count else "number", value, unit, indicator=indicator)
        sheet.key(r, path + ("rows", index))
    sheet.sheet.freeze_panes = sheet.sheet.cell(first, 3)
    sheet.finish([5, 18] + [11] * len(table.columns), landscape=True, header_rows=f"{header_top}:{header}")
    return sheet


def _schedule(book: Workbook, name: str, schedule: Schedule, path: Path, subtitle: str, has, has_key) -> _Sheet:
    sheet = _Sheet(book.create_sheet(name), name, 5)
    row = _heading(sheet, schedule.title, subtitle)
    columns = schedule.columns
    _header(sheet, row, [columns.number, columns.content, columns.time, columns.lead, columns.partners])
    header = row
    at = [row + 1]

    def add_row(item: ScheduleRow, where: Path) -> None:
        r = at[0]
        sheet.text(r, 1, item.number)
        for column, key in enumerate(("content", "time", "lead", "partners"), 2):
            if has(where + (key,)):
                sheet.input(r, column, where + (key,), "text", getattr(item, key), required=key != "partners")
            else:
                sheet.text(r, column, "")
        sheet.key(r, where)
        at[0] += 1
        for index, inner in enumerate(item.rows):
            add_row(inner, where + ("rows", index))

    def add_section(section: ScheduleSection, where: Path) -> None:
        r = at[0]
        sheet.text(r, 1, section.number, bold=True)
        sheet.text(r, 2, section.title, bold=True)
        for column in range(3, 6):
            sheet.text(r, column, "")
        at[0] += 1
        for index, inner in enumerate(section.sections):
            add_section(inner, where + ("sections", index))
        for index, item in enumerate(section.rows):
            add_row(item, where + ("rows", index))
        if has_key(where + ("rows",)):  # blank rows for new tasks, appended to the section on import
            for blank in range(NEW_ROWS):
                r = at[0]
                sheet.text(r, 1, "(mới)")
                for column, key in enumerate(("content", "time", "lead", "partners"), 2):
                    sheet.input(r, column, where + ("rows", "new", blank, key), "text", None)
                sheet.key(r, where + ("rows", "new", blank))
                at[0] += 1

    for index, section in enumerate(schedule.sections):
        add_section(section, path + ("sections", index))
    sheet.sheet.freeze_panes = sheet.sheet.cell(header + 1, 1)
    sheet.finish([6, 60, 18, 20, 28], landscape=True, header_rows=f"{header}:{header}")
    return sheet


__all__ = ["PlanFormSpec", "plan_form_spec", "render_plan_form", "GENERAL", "TARGETS"]
