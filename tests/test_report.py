"""`dansokh render report`: the result report of a unit and period, read back cell by cell (XLSX,
DOCX), the Markdown against a golden file, the HTML's pictures, and the HTML printed to PDF."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PLANS, ROOT
from typer.testing import CliRunner

from dansokh.cascade.progress import progress
from dansokh.check.run import load_repository
from dansokh.cli import app
from dansokh.model.numbers import vn
from dansokh.render.pdf import html_to_pdf
from dansokh.render.report import render_report_bytes
from dansokh.render.report_view import VERDICTS_VI, build_report
from dansokh.render.templates import environment
from dansokh.render.xlsx import write_sheet

EXAMPLES = ROOT / "examples" / "results-2025"
CHROMIUM = Path("/usr/bin/chromium")
runner = CliRunner()


@pytest.fixture(scope="module")
def book():
    _, findings = load_repository([PLANS, EXAMPLES])
    return findings.book


def report_of(book, unit: str, period: str):
    made = progress(book, book.repo.unit(unit), 2025, period)
    return made, build_report(book, made)


def test_the_official_texts(book):
    _, report = report_of(book, "long-bien", "Q2")
    view = report.view
    assert view.title == "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ VÀ PHÁT TRIỂN 6 THÁNG ĐẦU NĂM 2025"
    assert view.subtitle == "Quận Long Biên, số liệu lũy kế từ 01/01/2025 đến hết tháng 6/2025"
    assert view.attached == "(Kèm theo Báo cáo số ……… ngày 08/07/2025 của Trung tâm Y tế quận Long Biên)"
    assert report.completeness == "Đã báo cáo: 12/13 đơn vị; đúng hạn: 12. Chưa báo cáo: Cự Khối."
    _, report = report_of(book, "ha-noi", "Q1")
    assert report.completeness == "Đã báo cáo: 30/30 đơn vị; đúng hạn: 29. Báo cáo muộn: Gia Lâm."


@pytest.mark.parametrize(("unit", "period"), [("long-bien", "Q2"), ("ngoc-thuy", "Q1")])
def test_golden_markdown(book, golden, unit, period):
    _, report = report_of(book, unit, period)
    golden(f"report/{unit}-{period}.md", render_report_bytes(report, "md", environment()).decode("utf-8"))


def test_xlsx_reads_back_cell_by_cell_with_native_charts(book):
    import openpyxl

    made, report = report_of(book, "long-bien", "Q2")
    workbook = openpyxl.load_workbook(io.BytesIO(render_report_bytes(report, "xlsx", environment())))
    assert workbook.sheetnames == ["Báo cáo", "Biểu đồ"]
    sheet = workbook["Báo cáo"]
    layout = write_sheet(openpyxl.Workbook().active, report.view)
    body = list(sheet.iter_rows(min_row=layout["body_top"], max_row=layout["body_bottom"], values_only=True))
    assert len(body) == len(report.view.body)
    own = {row[1]: row for row in body[1:1 + len(made.unit.lines)]}
    for line in made.unit.lines:
        cells = own[line.name]
        assert cells[2] == line.unit and Decimal(str(cells[3])) == line.target
        if line.result is None:
            assert cells[4] is None and cells[7] == "Chưa có số liệu"
        else:
            assert Decimal(str(cells[4])) == line.result
            assert cells[7] == VERDICTS_VI[line.verdict]
        if line.achieved is not None:
            assert Decimal(str(cells[5])) == line.achieved.quantize(Decimal("0.1"))
    iud = own["Dụng cụ tử cung (đặt vòng)"]
    assert iud[3:8] == (1100, 521, 47.4, 50, "Chậm")
    # section II: the IUD block has a row per ward in the plan's order and the district's total row
    start = next(i for i, row in enumerate(body) if row[1] == "Dụng cụ tử cung (đặt vòng) (người)")
    wards = body[start + 1:start + 14]
    assert [row[1] for row in wards][:3] == ["Ngọc Thụy", "Ngọc Lâm", "Bồ Đề"]
    assert wards[0][3:5] == (100, 48) and wards[12][1] == "Cự Khối" and wards[12][7] == "Chưa báo cáo"
    assert body[start + 14][1] == "Toàn quận" and body[start + 14][4] == 521
    assert body[-1][0].startswith("Ghi chú: Số liệu minh họa")
    charts = workbook["Biểu đồ"]
    assert len(charts._charts) == 2  # progress by indicator; the wards stacked
    assert charts["A1"].value == "Chỉ tiêu" and charts["B1"].value == "% kế hoạch năm"


def test_docx_reads_back_cell_by_cell(book):
    import docx

    made, report = report_of(book, "ngoc-thuy", "Q1")
    document = docx.Document(io.BytesIO(render_report_bytes(report, "docx", environment())))
    section = document.sections[0]
    assert round(section.page_width.mm) == 297 and round(section.left_margin.mm) == 30
    assert [p.text for p in document.paragraphs] == [report.view.title, report.view.subtitle, report.view.attached]
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0][:5] == ["TT", "Chỉ tiêu / Đơn vị", "Đơn vị tính", "Kế hoạch năm 2025", "Kết quả thực hiện"]
    assert rows[1] == [f"({k})" for k in range(1, 9)]
    body = rows[2:2 + len(made.unit.lines)]
    for line, cells in zip(made.unit.lines, body):
        assert cells[1:5] == [line.name, line.unit, vn(line.target), vn(line.result) if line.result is not None else ""]
    iud = next(cells for cells in body if cells[1] == "Dụng cụ tử cung (đặt vòng)")
    assert iud[3:] == ["100", "24", "24,0", "25,0", "Chậm"]


def test_html_draws_progress_as_svg_without_scripts(book):
    _, report = report_of(book, "long-bien", "Q2")
    html = render_report_bytes(report, "html", environment()).decode("utf-8")
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert html.count("<svg") == 2
    assert 'class="behind"' in html and 'class="pace"' in html and 'class="target"' in html
    assert "<title>Dụng cụ tử cung (đặt vòng): 47,4 %</title>" in html
    assert "<title>Cự Khối: 15</title>" in html  # not reported: every indicator without a result


def test_cli_renders_the_report_in_each_format(in_tmp):
    shutil.copytree(PLANS, in_tmp / "plans")
    result = runner.invoke(app, ["render", "report", "--plan", "Long Biên", "--period", "6m", "--results", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("**KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ VÀ PHÁT TRIỂN 6 THÁNG ĐẦU NĂM 2025**")
    for fmt in ("html", "xlsx", "docx") + (("pdf",) if CHROMIUM.exists() else ()):
        result = runner.invoke(app, ["render", "report", "-p", "long-bien", "--period", "Q2", "--results", str(EXAMPLES), "-f", fmt])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"long-bien-2025-Q2-report.{fmt}"
    assert (in_tmp / "long-bien-2025-Q2-report.docx").read_bytes()[:2] == b"PK"
    if CHROMIUM.exists():
        assert (in_tmp / "long-bien-2025-Q2-report.pdf").read_bytes()[:5] == b"%PDF-"
    result = runner.invoke(app, ["render", "report", "-p", "long-bien"])
    assert result.exit_code == 2 and "give --period" in result.stderr


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize(("unit", "period", "pages"), [("long-bien", "Q2", 12), ("ngoc-thuy", "Q1", 2)])
def test_html_prints_to_a4_landscape_with_page_numbers(book, tmp_path, unit, period, pages):
    from pypdf import PdfReader

    _, report = report_of(book, unit, period)
    html = tmp_path / "report.html"
    html.write_bytes(render_report_bytes(report, "html", environment()))
    pdf = tmp_path / "report.pdf"
    html_to_pdf(html, pdf, str(CHROMIUM))
    reader = PdfReader(pdf)
    assert len(reader.pages) == pages
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(width / 72 * 25.4), round(height / 72 * 25.4))) == [210, 297] and width > height
    squeeze = lambda text: re.sub(r"\s+", "", unicodedata.normalize("NFC", text))  # noqa: E731
    assert squeeze(reader.pages[0].extract_text()).startswith(squeeze(report.view.title))  # no number on page 1
    for number, page in enumerate(reader.pages[1:], 2):
        assert page.extract_text().lstrip().startswith(f"{number}\n"), f"page {number} is not numbered"
