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
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import CHROMIUM, PLANS, ROOT, needs_chromium, needs_times_metrics
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.model.numbers import vn
from dansokh.render.pdf import html_to_pdf
from dansokh.render.report import render_report_bytes
from dansokh.render.report_view import VERDICTS_VI, build_report
from dansokh.render.templates import environment
from dansokh.render.xlsx import write_sheet
from dansokh.results.progress import progress

EXAMPLES = ROOT / "examples" / "results-2025"
runner = CliRunner()


@pytest.fixture(scope="module")
def book():
    _, findings = load_checked([PLANS, EXAMPLES])
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
    assert sheet.cell(row=layout["body_bottom"] + 2, column=1).value == report.completeness
    charts = workbook["Biểu đồ"]
    # progress of the floors; the third-child rate against its ceiling; the wards stacked
    assert [chart.title.tx.rich.p[0].r[0].t for chart in charts._charts] == [
        "Mức đạt so với kế hoạch năm, 6 tháng đầu năm 2025",
        "Tỷ lệ sinh con thứ 3 trở lên: kết quả so với mức trần, 6 tháng đầu năm 2025",
        "Các đơn vị: số chỉ tiêu đạt, đúng tiến độ, chậm hoặc chưa đạt",
    ]
    assert charts["A1"].value == "Chỉ tiêu" and charts["B1"].value == "% kế hoạch năm"
    floors = [charts.cell(row=r, column=1).value for r in range(2, 2 + len([b for b in report.bars if b.direction == "floor"]))]
    assert "Tỷ lệ sinh con thứ 3 trở lên" not in floors  # a ceiling is never a % of the plan


def test_docx_reads_back_cell_by_cell(book):
    import docx

    made, report = report_of(book, "ngoc-thuy", "Q1")
    document = docx.Document(io.BytesIO(render_report_bytes(report, "docx", environment())))
    section = document.sections[0]
    assert section.page_width is not None and section.left_margin is not None
    assert round(section.page_width.mm) == 297 and round(section.left_margin.mm) == 30
    assert [p.text for p in document.paragraphs][:4] == [
        "MINH HỌA — số liệu không chính thức", report.view.title, report.view.subtitle, report.view.attached]
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
    assert result.stdout.startswith(
        "**MINH HỌA — số liệu không chính thức**\n\n**KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ VÀ PHÁT TRIỂN 6 THÁNG ĐẦU NĂM 2025**")
    for fmt in ("html", "xlsx", "docx") + (("pdf",) if CHROMIUM.exists() else ()):
        result = runner.invoke(app, ["render", "report", "-p", "long-bien", "--period", "Q2", "--results", str(EXAMPLES), "-f", fmt])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"long-bien-2025-Q2-report.{fmt}"
    assert (in_tmp / "long-bien-2025-Q2-report.docx").read_bytes()[:2] == b"PK"
    if CHROMIUM.exists():
        assert (in_tmp / "long-bien-2025-Q2-report.pdf").read_bytes()[:5] == b"%PDF-"
    result = runner.invoke(app, ["render", "report", "-p", "long-bien"])
    assert result.exit_code == 2 and "give --period" in result.stderr


def printed_report(book, tmp_path: Path, unit: str, period: str):
    """The report of ``unit`` for ``period`` printed to PDF from its HTML, as Chromium prints it."""
    _, report = report_of(book, unit, period)
    html = tmp_path / "report.html"
    html.write_bytes(render_report_bytes(report, "html", environment()))
    pdf = tmp_path / "report.pdf"
    html_to_pdf(html, pdf, str(CHROMIUM))
    return report, PdfReader(pdf)


@needs_chromium
@needs_times_metrics
@pytest.mark.parametrize(("unit", "period", "pages"), [("long-bien", "Q2", 12), ("ngoc-thuy", "Q1", 2)])
def test_the_printed_report_has_the_pages_of_an_officers(book, tmp_path, unit, period, pages):
    """Pinned for Times New Roman's metrics (or Liberation Serif 2's, the same)."""
    _, reader = printed_report(book, tmp_path, unit, period)
    assert len(reader.pages) == pages


@needs_chromium
@pytest.mark.parametrize(("unit", "period"), [("long-bien", "Q2"), ("ngoc-thuy", "Q1")])
def test_html_prints_to_a4_landscape_with_page_numbers(book, tmp_path, unit, period):
    """Whatever the fonts installed: A4 landscape, the illustrative mark on every page, every page after the first numbered."""
    report, reader = printed_report(book, tmp_path, unit, period)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(width / 72 * 25.4), round(height / 72 * 25.4))) == [210, 297] and width > height
    squeeze = lambda text: re.sub(r"\s+", "", unicodedata.normalize("NFC", text))  # noqa: E731
    # no number on page 1; the illustrative mark above the title and at the foot of every page
    assert squeeze(reader.pages[0].extract_text()).replace(squeeze(report.view.mark), "").startswith(squeeze(report.view.title))
    assert all(squeeze(report.view.mark) in squeeze(page.extract_text()) for page in reader.pages)
    for number, page in enumerate(reader.pages[1:], 2):
        assert page.extract_text().lstrip().startswith(f"{number}\n"), f"page {number} is not numbered"


# --- issue 19: the verdicts, the rounding and what each format carries ---------------------------

def _goal(indicator: str, value: str, unit: str):
    from dansokh.results.book import Goal

    return Goal(indicator, Decimal(value), unit, None, Path("plan.yaml"), "target")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("indicator", "unit", "target", "result", "verdict", "vietnamese"),
    [
        ("new_users_iud", "người", "80", "80", "achieved", "Đạt"),
        ("new_users_iud", "người", "80", "40", "on track", "Đúng tiến độ"),
        ("new_users_iud", "người", "80", "37", "behind", "Chậm"),
        ("sex_ratio_at_birth", "trẻ trai/100 trẻ gái", "110", "110", "achieved", "Đạt"),
        ("sex_ratio_at_birth", "trẻ trai/100 trẻ gái", "110", "112", "not achieved", "Chưa đạt"),
        ("third_child_rate", "%", "2.21", "2.23", "not achieved", "Chưa đạt"),
        ("third_child_reduction", "‰", "0.00", "0.00", "achieved", "Đạt"),
        ("third_child_reduction", "‰", "0.00", "-0.95", "not achieved", "Chưa đạt"),
        ("average_population", "người", "1000", "900", "information", "Thông tin"),
    ],
)
def test_one_verdict_per_indicator_in_its_direction(indicator, unit, target, result, verdict, vietnamese):
    from dansokh.i18n import setup
    from dansokh.report.progress import verdict_text
    from dansokh.results.progress import line_for

    line = line_for(_goal(indicator, target, unit), Decimal(result), "reported", "Q2", "linear")
    assert line.verdict == verdict and VERDICTS_VI[line.verdict] == vietnamese
    if verdict in ("on track", "behind") or indicator == "new_users_iud":
        assert line.expected == Decimal(50) and line.pace == "linear"
    else:  # no pace: no pace words and no expected share beside the verdict
        assert (line.expected, line.pace, line.gap is None or line.gap < 0) == (None, "", True)
    assert line.behind == (verdict in ("behind", "not achieved"))  # counted as falling short either way
    setup("en", None)
    assert verdict_text(verdict) == verdict
    setup("vi", None)
    assert verdict_text(verdict) == vietnamese.lower()
    setup("en", None)


def test_percent_of_plan_rounds_half_up_as_excel_and_people_do(book):
    from dansokh.i18n import setup
    from dansokh.model.numbers import half_up
    from dansokh.report.progress import percent

    assert half_up(Decimal("46.25"), 1) == Decimal("46.3") and half_up(Decimal("-0.25"), 1) == Decimal("-0.3")
    assert half_up(Decimal("46.35"), 1) == Decimal("46.4")  # not to the even digit
    setup("vi", None)
    assert percent(Decimal(37) / Decimal(80) * 100) == "46,3%"
    setup("en", None)
    _, report = report_of(book, "long-bien", "Q2")
    markdown = render_report_bytes(report, "md", environment()).decode("utf-8")
    assert "| 9 | Phúc Đồng | người | 80 | 37 | 46,3 | 50,0 | Chậm |" in markdown


def _docx_text(data: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs]


def test_every_format_says_who_has_reported(book):
    import openpyxl

    _, report = report_of(book, "long-bien", "Q2")
    line = "Đã báo cáo: 12/13 đơn vị; đúng hạn: 12. Chưa báo cáo: Cự Khối."
    assert report.completeness == line
    env = environment()
    assert f"*{line}*" in render_report_bytes(report, "md", env).decode("utf-8")
    assert f'<p class="completeness">{line}</p>' in render_report_bytes(report, "html", env).decode("utf-8")
    assert line in _docx_text(render_report_bytes(report, "docx", env))
    sheet = openpyxl.load_workbook(io.BytesIO(render_report_bytes(report, "xlsx", env)))["Báo cáo"]
    assert line in [cell.value for row in sheet.iter_rows() for cell in row]


def test_a_total_that_is_not_its_reporting_units_sum_says_why(book):
    _, report = report_of(book, "long-bien", "Q2")
    # 12.170 new users for the district; its 12 reporting wards add up to 11.956; Cự Khối has not reported
    why = ("Toàn quận: 12.170 người theo báo cáo của quận Long Biên; tổng 12 đơn vị đã báo cáo là 11.956 người "
           "(chênh lệch 214), vì chưa có số liệu của: Cự Khối.")
    assert why in report.sums
    texts = [row.cells[0].text for row in report.view.body if row.kind == "note"]
    assert f"Ghi chú: {why}" in texts
    assert not any("Tỷ lệ" in text for text in report.sums)  # a rate's total is a weighted mean, not a sum


def test_decimals_are_consistent_in_a_column_and_chart_labels_rounded(book):
    from dansokh.model.catalogue import Direction
    from dansokh.render.report_view import bar_of
    from dansokh.results.progress import Line

    _, report = report_of(book, "long-bien", "Q2")
    blocks: dict[str, list] = {}
    current = None
    for row in report.view.body:
        if row.kind == "section" and row.depth == 1:
            current = row.cells[1].text
        elif row.kind in ("unit", "total") and current is not None:
            blocks.setdefault(current, []).append(row)
    for name, rows in blocks.items():
        for column in (3, 4, 5, 6):
            texts = [row.cells[column].text for row in rows if row.cells[column].text]
            decimals = {len(text.partition(",")[2]) for text in texts}
            assert len(decimals) <= 1, (name, column, texts)
    premarital = blocks["Tỷ lệ cặp nam, nữ được tư vấn, khám sức khỏe trước khi kết hôn (%)"]
    assert [row.cells[3].text for row in premarital][-1] == "88,0" and premarital[10].cells[4].text == "90,0"
    # a ceiling's label as the table shows its figures: a rate computed from counts is rounded
    computed = Line("third_child_rate", "Tỷ lệ sinh con thứ 3 trở lên", "%", Direction.CEILING, Decimal("3.04"),
                    Decimal(40) / Decimal(13), "children", None, None, "", "achieved", None)
    bar = bar_of(computed, (2, 2))
    assert bar is not None and bar.text == "3,08 / 3,04" and bar.result == Decimal("3.08")
    for bar in report.bars:
        for figure in re.findall(r"-?[\d.]+(?:,(\d+))?", bar.text):
            assert len(figure) <= (1 if bar.direction == "floor" else bar.places), bar.text


def test_xlsx_charts_one_to_a_page_never_overlapping_in_normal_colours(book):
    import openpyxl

    from dansokh.render.report import chart_rows

    _, report = report_of(book, "ha-noi", "Q1")  # 30 districts: the tallest chart
    sheet = openpyxl.load_workbook(io.BytesIO(render_report_bytes(report, "xlsx", environment())))["Biểu đồ"]
    charts = sheet._charts
    assert len(charts) >= 2
    tops = [chart.anchor._from.row + 1 for chart in charts]  # 1-based rows
    last_data = max(row for row in range(1, sheet.max_row + 1) if sheet.cell(row=row, column=1).value is not None)
    assert tops[0] > last_data
    for top, chart, following in zip(tops, charts, tops[1:]):
        assert top + chart_rows(chart) <= following  # the next chart starts below this one
    breaks = sorted(b.id for b in sheet.row_breaks.brk)
    assert breaks == [top - 1 for top in tops]  # each chart starts a printed page
    for chart in charts:
        assert chart.height <= 15
        assert chart.y_axis.scaling.min == 0 and chart.x_axis.delete is False and chart.y_axis.delete is False
        for series in chart.series:
            assert series.invertIfNegative is False
            assert series.graphicalProperties.solidFill is not None
            if series.dLbls is not None:  # the value alone, with the decimals of the table's column
                labels = series.dLbls
                assert (labels.showVal, labels.showSerName, labels.showCatName, labels.showLegendKey) == (True, False, False, False)
                assert labels.numFmt in ("#,##0", "#,##0.0", "#,##0.00")
    assert charts[0].series[0].dLbls.numFmt == "#,##0.0"  # a % of the plan: one decimal, as the table
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (
        "landscape", 1, 0, True)


def test_docx_has_a_picture_per_indicator_and_per_unit(book):
    import docx
    from docx.oxml.ns import qn

    _, report = report_of(book, "long-bien", "Q2")
    document = docx.Document(io.BytesIO(render_report_bytes(report, "docx", environment())))
    pictures = document.tables[1]
    assert [row.cells[0].text for row in pictures.rows] == [bar.label for bar in report.bars]
    assert [row.cells[2].text for row in pictures.rows] == [bar.text for bar in report.bars]
    grid = [int(column.get(qn("w:w"))) for column in pictures._tbl.tblGrid.findall(qn("w:gridCol"))]
    for row in pictures.rows:
        inline = row.cells[1]._tc.findall(".//" + qn("wp:inline"))
        assert len(inline) == 1
        width_twips = int(inline[0].find(qn("wp:extent")).get("cx")) / 635  # EMU -> twips
        assert width_twips < grid[1]  # the picture fits its column: nothing is cut off
    units = document.tables[2]
    assert len(units.rows) == 13 and units.rows[0].cells[2].text in ("chưa báo cáo",) + tuple(f"{n} chậm, chưa đạt" for n in range(20))
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) >= 1 and all(part.blob[:8] == b"\x89PNG\r\n\x1a\n" for part in images)


def test_an_illustrative_appendix_is_marked_on_the_page_in_every_format(in_tmp):
    import docx
    import openpyxl

    shutil.copytree(ROOT / "examples" / "january-2026" / "plans", in_tmp / "mine" / "plans")  # not under examples/
    mark = "MINH HỌA — số liệu không chính thức"
    plans = in_tmp / "mine" / "plans"
    assert "ILLUSTRATIVE" in (plans / "2026" / "long-bien-2026.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    for fmt in ("md", "html", "docx", "xlsx"):
        result = runner.invoke(app, ["render", "2", "--plans", str(plans), "--plan", "long-bien-2026", "-f", fmt,
                                     "-o", str(in_tmp / f"out.{fmt}")])
        assert result.exit_code == 0, result.output
    assert (in_tmp / "out.md").read_text(encoding="utf-8").startswith(f"**{mark}**\n")
    assert f'<p class="illustrative">{mark}</p>' in (in_tmp / "out.html").read_text(encoding="utf-8")
    document = docx.Document(str(in_tmp / "out.docx"))
    assert document.paragraphs[0].text == mark and document.sections[0].footer.paragraphs[0].text == mark
    sheet = openpyxl.load_workbook(in_tmp / "out.xlsx").active
    assert sheet["A1"].value == mark and sheet.oddFooter.center.text == mark
    # the real plans are not marked
    shutil.copytree(PLANS, in_tmp / "plans")
    result = runner.invoke(app, ["render", "2", "--plan", "long-bien", "-f", "md"])
    assert result.exit_code == 0 and mark not in result.stdout


def test_progress_names_a_ceiling_not_achieved_with_its_ceiling(book):
    from dansokh.i18n import setup
    from dansokh.report.progress import write_table

    made = progress(book, book.repo.unit("long-bien"), 2025, "Q2")
    setup("vi", None)
    try:
        stream = io.StringIO()
        write_table([made], stream, color=False)
    finally:
        setup("en", None)
    line = next(text for text in stream.getvalue().splitlines() if "Giang Biên" in text)
    assert "Tỷ lệ sinh con thứ 3 trở lên: 1,46 / 1,19" in line and "chậm" in line  # 1,46 % against a ceiling of 1,19 %
    own = next(text for text in stream.getvalue().splitlines() if text.startswith("│ Tỷ lệ sinh con thứ 3 trở lên "))
    assert "chưa đạt" in own and "chậm" not in own
