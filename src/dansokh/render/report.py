"""A result report to the bytes of one format: Markdown and HTML from templates (the HTML with its
SVG pictures), PDF printed from that HTML, XLSX with the table and a sheet of native charts, DOCX
with the table and its pictures as PNG bars (``png``: the standard library, no imaging package).
Every format prints the line of who has reported (``ResultReport.completeness``)."""

from __future__ import annotations

import io
from decimal import Decimal

from jinja2.sandbox import SandboxedEnvironment
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from .formats import Format
from .report_view import ResultReport
from .templates import render_template
from .xlsx import FONT, a4_page, put_number, put_text, write_sheet

TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}
CHARTS = "Biểu đồ"
ROW_CM = 15 / 72 * 2.54  # the height of a row of the chart sheet (15 points), in cm
CHART_WIDTH_CM = 24.0
CHART_MAX_CM = 15.0  # a chart fits the height of a landscape A4 page inside its margins
CHART_COLOURS = {  # as the HTML report draws them (templates/report.css.j2)
    "% kế hoạch năm": "3182CE", "Tiến độ dự kiến (%)": "D69E2E", "Kết quả": "3182CE", "Mức trần": "000000",
    "Đạt": "2F855A", "Đúng tiến độ": "3182CE", "Chậm, chưa đạt": "C53030", "Chưa có số liệu": "BDBDBD",
}
PICTURE_COLUMNS_MM = (90, 110, 45)  # label, picture, figure: within a landscape page's 252 mm
PICTURE_MM = 100  # the picture's printed width, inside its column and the cell's margins
CHILD_COLUMNS = ("Đạt", "Đúng tiến độ", "Chậm, chưa đạt", "Chưa có số liệu")


def render_report_bytes(report: ResultReport, fmt: Format | str, env: SandboxedEnvironment) -> bytes:
    fmt = Format(fmt)
    if fmt in (Format.md, Format.html):
        return render_template(env, TEMPLATES[fmt.value], view=report.view, report=report, months=list(range(1, 13))).encode("utf-8")
    if fmt is Format.pdf:
        from .pdf import render_pdf

        return render_pdf(render_report_bytes(report, Format.html, env))
    if fmt is Format.xlsx:
        return report_xlsx(report)
    return report_docx(report)


def chart_rows(chart: BarChart) -> int:
    """The rows of the chart sheet a chart covers, and one more to keep the next clear of it."""
    return int(-(-chart.height // ROW_CM)) + 1


def _series_style(chart: BarChart, titles: tuple[str, ...]) -> None:
    """Normal colours: never Excel's inverted fill for a value below zero, each series its colour."""
    for series, title in zip(chart.series, titles):
        series.invertIfNegative = False
        series.graphicalProperties.solidFill = CHART_COLOURS[title]
        series.graphicalProperties.line.solidFill = CHART_COLOURS[title]


def _labels(series, places: int) -> None:
    """The value alone beside each bar, with the table's decimals (an absent flag is "on" to some
    spreadsheets, which then print the series' and the category's names on every bar)."""
    series.dLbls = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False)
    series.dLbls.numFmt = "#,##0" + ("." + "0" * places if places else "")


def _bar_chart(title: str, axis: str | None, count: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    if axis:
        chart.y_axis.title = axis
    chart.height = min(CHART_MAX_CM, max(8.0, 0.7 * count + 3))
    chart.width = CHART_WIDTH_CM
    chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top, as in the table
    chart.y_axis.scaling.min = 0  # bars from zero: a ceiling's 2,23 beside 2,21 is not drawn as ten times it
    chart.x_axis.delete = chart.y_axis.delete = False  # both axes shown (Excel hides an axis without the flag)
    return chart


def _header(sheet: Worksheet, row: int, texts: tuple[str, ...]) -> None:
    bold = Font(name=FONT, size=11, bold=True)
    for column, text in enumerate(texts, 1):
        put_text(sheet, row, column, text).font = bold


def report_xlsx(report: ResultReport) -> bytes:
    """The table as the appendices draw it, the line of who has reported under it, then a sheet
    ``Biểu đồ`` with the figures of the pictures and Excel's own bar charts of them (they stay
    live if a figure is corrected), each chart on its own printed page."""
    book = Workbook()
    book.active.title = "Báo cáo"
    places = write_sheet(book.active, report.view)
    if report.completeness:
        row = places["body_bottom"] + 2
        cell = put_text(book.active, row, 1, report.completeness)
        cell.font = Font(name=FONT, size=report.view.font_size, italic=True)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        book.active.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(report.view.columns))
    book.properties.title = report.view.title
    book.properties.creator = "dansokh"
    _chart_sheet(book.create_sheet(CHARTS), report)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _chart_sheet(sheet: Worksheet, report: ResultReport) -> None:
    """The figures first (a block per chart), then the charts one under the other, each starting
    a printed page: A4 landscape, fitted to the page's width."""
    floors = [bar for bar in report.bars if bar.direction != "ceiling"]
    ceilings = [bar for bar in report.bars if bar.direction == "ceiling"]
    charts: list[BarChart] = []
    row = 1
    if floors:
        _header(sheet, row, ("Chỉ tiêu", "% kế hoạch năm", "Tiến độ dự kiến (%)"))
        for offset, bar in enumerate(floors, 1):
            put_text(sheet, row + offset, 1, bar.label)
            put_number(sheet, row + offset, 2, bar.percent, "0.0")  # type: ignore[arg-type]
            if bar.expected is not None:
                put_number(sheet, row + offset, 3, Decimal(str(bar.expected)), "0.0")
        chart = _bar_chart(f"Mức đạt so với kế hoạch năm, {report.period_text}", "% kế hoạch năm", len(floors))
        last = row + len(floors)
        chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=row, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=row + 1, max_row=last))
        _series_style(chart, ("% kế hoạch năm", "Tiến độ dự kiến (%)"))
        _labels(chart.series[0], 1)
        charts.append(chart)
        row = last + 2
    for bar in ceilings:  # a ceiling: its result against the ceiling, in its own unit
        _header(sheet, row, (f"{bar.label} ({bar.unit})", "Kết quả", "Mức trần"))
        put_text(sheet, row + 1, 1, bar.label)
        number_format = "#,##0" + ("." + "0" * bar.places if bar.places else "")
        put_number(sheet, row + 1, 2, bar.result, number_format)  # type: ignore[arg-type]
        put_number(sheet, row + 1, 3, bar.target, number_format)  # type: ignore[arg-type]
        chart = _bar_chart(f"{bar.label}: kết quả so với mức trần, {report.period_text}", bar.unit, 2)
        chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=row, max_row=row + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=row + 1, max_row=row + 1))
        _series_style(chart, ("Kết quả", "Mức trần"))
        for series in chart.series:
            _labels(series, bar.places)
        charts.append(chart)
        row += 3
    if report.children:
        _header(sheet, row, ("Đơn vị",) + CHILD_COLUMNS)
        for offset, child in enumerate(report.children, 1):
            put_text(sheet, row + offset, 1, child.name)
            for column, count in enumerate((child.achieved, child.on_track, child.behind, child.missing), 2):
                put_number(sheet, row + offset, column, Decimal(count), "#,##0")
        chart = _bar_chart("Các đơn vị: số chỉ tiêu đạt, đúng tiến độ, chậm hoặc chưa đạt", None, len(report.children))
        chart.grouping = "stacked"
        chart.overlap = 100
        last = row + len(report.children)
        chart.add_data(Reference(sheet, min_col=2, max_col=5, min_row=row, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=row + 1, max_row=last))
        _series_style(chart, CHILD_COLUMNS)
        charts.append(chart)
        row = last + 2
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 16
    for chart in charts:  # each chart on a page of its own, below the one before
        sheet.row_breaks.append(Break(id=row - 1))
        sheet.add_chart(chart, f"A{row}")
        row += chart_rows(chart)
    a4_page(sheet, landscape=True)
    if report.view.mark:
        sheet.oddFooter.center.text = report.view.mark


def report_docx(report: ResultReport) -> bytes:
    """The table as the appendices draw it, then the line of who has reported and the pictures:
    a bar per indicator and, for a parent, a stacked bar per unit, each a PNG beside its label and
    its figure (text, in the document's font)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from . import png
    from .docx import build_docx

    document = build_docx(report.view)

    def paragraph(text: str, *, bold: bool = False, italic: bool = False, before: float = 0):
        made = document.add_paragraph()
        made.paragraph_format.space_before = Pt(before)
        made.paragraph_format.space_after = Pt(3)
        run = made.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(12)
        return made

    def picture_table(rows: list[tuple[str, bytes, str]]) -> None:
        table = document.add_table(rows=len(rows), cols=3)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Mm(mm) for mm in PICTURE_COLUMNS_MM]
        for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
            column.set(qn("w:w"), str(width.twips))  # LibreOffice sizes columns by the grid: the picture fits its column
        for (label, picture, text), cells in zip(rows, (row.cells for row in table.rows)):
            for cell, width in zip(cells, widths):
                cell.width = width
            cells[0].paragraphs[0].add_run(label).font.size = Pt(11)
            cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            cells[1].paragraphs[0].add_run().add_picture(
                io.BytesIO(picture), width=Mm(PICTURE_MM), height=Mm(PICTURE_MM * png.HEIGHT / png.WIDTH))
            cells[2].paragraphs[0].add_run(text).font.size = Pt(11)

    if report.completeness:
        paragraph(report.completeness, italic=True, before=6)
    if report.bars:
        paragraph("Mức đạt so với kế hoạch năm và tiến độ dự kiến", bold=True, before=12)
        paragraph("Thanh: % kế hoạch năm (mức trần với chỉ tiêu không vượt quá); vạch đen: kế hoạch năm (100 %); "
                  "vạch vàng: tiến độ dự kiến. Xanh lá: đạt; xanh dương: đúng tiến độ; đỏ: chậm hoặc chưa đạt.", italic=True)
        picture_table([(bar.label, png.bar(bar.share, bar.verdict, bar.expected), bar.text) for bar in report.bars])
    if report.children:
        paragraph("Các đơn vị: số chỉ tiêu đạt, đúng tiến độ, chậm hoặc chưa đạt", bold=True, before=12)
        paragraph("Xanh lá: đạt; xanh dương: đúng tiến độ; đỏ: chậm hoặc chưa đạt; xám: chưa có số liệu.", italic=True)
        picture_table([
            (f"{index}. {child.name}",
             png.stacked([("achieved", child.achieved), ("on track", child.on_track), ("behind", child.behind), ("missing", child.missing)]),
             "chưa báo cáo" if child.status == "not reported" else f"{child.behind} chậm, chưa đạt")
            for index, child in enumerate(report.children, 1)
        ])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


