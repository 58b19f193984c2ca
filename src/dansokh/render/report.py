"""A result report to the bytes of one format: Markdown and HTML from templates (the HTML with its
SVG pictures), PDF printed from that HTML, XLSX with the table and a sheet of native charts, DOCX
with the table."""

from __future__ import annotations

import io

from jinja2.sandbox import SandboxedEnvironment
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList

from .formats import Format
from .report_view import ResultReport
from .templates import render_template
from .xlsx import FONT, put_number, put_text, write_sheet

TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}
CHARTS = "Biểu đồ"


def render_report_bytes(report: ResultReport, fmt: Format | str, env: SandboxedEnvironment) -> bytes:
    fmt = Format(fmt)
    if fmt in (Format.md, Format.html):
        return render_template(env, TEMPLATES[fmt.value], view=report.view, report=report, months=list(range(1, 13))).encode("utf-8")
    if fmt is Format.pdf:
        from .pdf import render_pdf

        return render_pdf(render_report_bytes(report, Format.html, env))
    if fmt is Format.xlsx:
        return report_xlsx(report)
    from .docx import render_docx

    return render_docx(report.view)


def report_xlsx(report: ResultReport) -> bytes:
    """The table as the appendices draw it, then a sheet ``Biểu đồ`` with the figures of the
    pictures and Excel's own bar charts of them (they stay live if a figure is corrected)."""
    from decimal import Decimal

    from openpyxl.styles import Font

    book = Workbook()
    book.active.title = "Báo cáo"
    write_sheet(book.active, report.view)
    book.properties.title = report.view.title
    book.properties.creator = "dansokh"
    sheet = book.create_sheet(CHARTS)
    bold = Font(name=FONT, size=11, bold=True)
    for column, text in enumerate(("Chỉ tiêu", "% kế hoạch năm", "Tiến độ dự kiến (%)"), 1):
        put_text(sheet, 1, column, text).font = bold
    for row, bar in enumerate(report.bars, 2):
        put_text(sheet, row, 1, bar.label)
        put_number(sheet, row, 2, Decimal(str(round(bar.share, 1))), "0.0")
        if bar.expected is not None:
            put_number(sheet, row, 3, Decimal(str(round(bar.expected, 1))), "0.0")
    sheet.column_dimensions["A"].width = 60
    if report.bars:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"Mức đạt so với kế hoạch năm, {report.period_text}"
        chart.y_axis.title = "% kế hoạch năm"
        last = len(report.bars) + 1
        chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
        chart.series[0].dLbls = DataLabelList()
        chart.series[0].dLbls.showVal = True
        chart.height, chart.width = max(8, 0.7 * len(report.bars)), 24
        sheet.add_chart(chart, "E2")
    if report.children:
        top = len(report.bars) + 4
        for column, text in enumerate(("Đơn vị", "Đạt", "Đúng tiến độ", "Chậm", "Chưa có số liệu"), 1):
            put_text(sheet, top, column, text).font = bold
        for row, child in enumerate(report.children, top + 1):
            put_text(sheet, row, 1, child.name)
            for column, count in enumerate((child.achieved, child.on_track, child.behind, child.missing), 2):
                put_number(sheet, row, column, Decimal(count), "#,##0")
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Các đơn vị: số chỉ tiêu đạt, đúng tiến độ, chậm"
        last = top + len(report.children)
        chart.add_data(Reference(sheet, min_col=2, max_col=5, min_row=top, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
        chart.height, chart.width = max(8, 0.7 * len(report.children)), 24
        sheet.add_chart(chart, f"E{top}")
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
