"""`dansokh render`: golden Markdown and HTML of every real appendix, XLSX and DOCX read back
cell by cell, text that stays text, escaping, templates, the command line, and the HTML
printed to PDF by headless Chromium."""

from __future__ import annotations

import functools
import io
import re
import tomllib
import unicodedata
import zipfile
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject
from typer.testing import CliRunner

from conftest import PLANS, ROOT, needs_chromium, needs_times_metrics, times_metrics_serif, write_files
from dansokh import config
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.model.numbers import vn
from dansokh.model.plan import AllocationTable, Plan, ScheduleRow, ScheduleSection
from dansokh.model.result import decimals
from dansokh.render.docx import render_docx
from dansokh.render.pdf import render_pdf
from dansokh.render.templates import environment, render_text
from dansokh.render.view import appendix_keys, attached_line, build_view
from dansokh.render.xlsx import render_xlsx, write_sheet

if TYPE_CHECKING:
    from docx.shared import Length

runner = CliRunner()


def _real() -> dict[str, Plan]:
    repo, _ = load_checked([PLANS])
    return {loaded.plan.id: loaded.plan for loaded in repo.by_id.values()}


REAL = _real()
APPENDICES = [(plan_id, key) for plan_id, plan in sorted(REAL.items()) for key, _ in appendix_keys(plan)]
IDS = [f"{plan_id}-appendix{key}" for plan_id, key in APPENDICES]


def mm(length: Length | None) -> int:
    """A length of a Word document in whole millimetres (one the document lacks fails the test)."""
    assert length is not None
    return round(length.mm)


def view_of(plan: Plan, key: str):
    appendix = dict(appendix_keys(plan))[key]
    return build_view(plan, key, appendix)


def test_every_appendix_of_the_real_plans_is_covered():
    assert IDS == [
        "city-appendix1",
        "city-appendix2",
        "long-bien-appendix1",
        "long-bien-appendix2",
        "long-bien-srb-appendix1",  # unnumbered in the source: addressed by its position
    ]


# --- golden Markdown and HTML -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize(("plan_id", "key"), APPENDICES, ids=IDS)
def test_golden(plan_id, key, fmt, golden):
    text = render_text(environment(), fmt, view_of(REAL[plan_id], key))
    golden(f"render/{plan_id}-appendix{key}.{fmt}", text)


def test_cli_md_goes_to_stdout_and_equals_the_golden_file(real_plans):
    result = runner.invoke(app, ["render", "appendix1", "--plan", "Long Biên"])
    assert result.exit_code == 0, result.output
    golden = (ROOT / "tests/golden/render/long-bien-appendix1.md").read_text(encoding="utf-8")
    assert result.stdout == golden


# --- the official texts -------------------------------------------------------------------


def test_official_texts_come_from_the_plans_identity():
    city = view_of(REAL["city"], "1")
    assert city.heading == "Phụ lục 1"  # the source prints no heading above its first table; the number is its own
    assert city.title == "GIAO CHỈ TIÊU DÂN SỐ NĂM 2025"
    # the number and date as issued: Long Biên's plan cites "Kế hoạch số 02/KH-UBND ngày 03/01/2025"
    assert city.attached == "(Kèm theo Kế hoạch số 02/KH-UBND ngày 03/01/2025 của UBND thành phố Hà Nội)"
    assert view_of(REAL["long-bien"], "1").attached == (
        "(Kèm theo Kế hoạch số ………/KH-UBND ngày …./…./2025 của UBND quận Long Biên)"
    )
    srb = view_of(REAL["long-bien-srb"], "1")
    assert srb.heading is None and srb.title == "TIẾN ĐỘ CÁC HOẠT ĐỘNG"
    document = REAL["long-bien"].document.model_copy(update={"number": "15", "date": "2025-01-20"})
    assert attached_line(document) == "(Kèm theo Kế hoạch số 15/KH-UBND ngày 20/01/2025 của UBND quận Long Biên)"
    document = document.model_copy(update={"number": None, "date": "2025-03"})
    # the month as the draft writes it ("ngày /3/2025"), the day left to be written by hand
    assert attached_line(document) == "(Kèm theo Kế hoạch số ………/KH-UBND ngày …./3/2025 của UBND quận Long Biên)"
    assert view_of(REAL["long-bien-srb"], "1").attached == (
        "(Kèm theo Kế hoạch số ………/KH-UBND ngày …./3/2025 của UBND quận Long Biên)"
    )


def test_numbers_are_written_the_vietnamese_way_in_documents():
    md = render_text(environment(), "md", view_of(REAL["city"], "2"))
    assert "| **416.950** | **35.600** | **300** | **1.100** | **99.250** | **280.700** |" in md
    md = render_text(environment(), "md", view_of(REAL["city"], "1"))
    assert "| **0,15** |" in md and "| 0,00 |" in md


def test_schedules_keep_their_sections_and_sub_rows():
    view = view_of(REAL["long-bien"], "1")
    sections = [(row.number, row.depth, row.cells[1].text) for row in view.body if row.kind == "section"]
    assert sections[:3] == [("A", 0, "Công tác chỉ đạo, điều hành"), ("I", 1, "Cấp quận"), ("II", 1, "Cấp phường")]
    numbers = [row.number for row in view.body if row.kind == "task"]
    assert numbers.count("1.1") == 1 and "3.4" in numbers and "4.3" in numbers
    assert numbers[numbers.index("1.1") - 1] == "1" and numbers[numbers.index("1.1") + 1] == "1.2"


def test_month_grid_marks_the_months_a_task_covers():
    grid = {(g.number, g.content[:20]): g for g in view_of(REAL["long-bien"], "1").gantt if not g.section}
    task = next(g for (n, _), g in grid.items() if g.time == "Tháng 7; Tháng 10 - 12/2025")
    assert [i + 1 for i, mark in enumerate(task.marks) if mark == "month"] == [7, 10, 11, 12]
    monthly = next(g for g in grid.values() if g.time == "Hàng tháng")
    assert set(monthly.marks) == {"cadence"}
    html = render_text(environment(), "html", view_of(REAL["long-bien"], "1"))
    assert 'class="grid screen-only"' in html and "<th>T12</th>" in html


# --- escaping, sandbox, templates ---------------------------------------------------------

HOSTILE = """\
id: a
year: 2025
scope: annual
document: {issuer: "UBND <b>A</b>", symbol: KH-UBND, date: "2025", title: Kế hoạch A, signer: {}}
unit: {id: a, name: A, level: cấp huyện}
units:
  - {id: b, name: "=1+2", level: cấp xã}
  - {id: c, name: "+SUM(A1:A2)", level: cấp xã}
  - {id: d, name: "-3", level: cấp xã}
  - {id: e, name: "@cmd", level: cấp xã}
appendices:
  - kind: schedule
    number: "1"
    title: "Tiến độ <script>alert(1)</script>"
    sections:
      - number: A
        title: "Chỉ đạo"
        rows:
          - {number: "1", content: "<script>alert('x')</script> & co", time: "Tháng 3/2025", lead: "=HYPERLINK(\\"http://x\\")", partners: "| pipe"}
  - kind: allocation
    number: "2"
    title: Giao chỉ tiêu
    columns:
      - {indicator: prenatal_screening, label: "=A1 sàng lọc"}
    rows:
      - {tt: "=1", name: "=1+2", values: [90]}
      - {tt: "2", name: "+SUM(A1:A2)", values: [91]}
      - {tt: "3", name: "-3", values: [92]}
      - {tt: "4", name: "@cmd", values: [93]}
      - {name: A, total: true, values: [91.5]}
"""


def _hostile(root: Path) -> Plan:
    write_files(root, {"plans/a.yaml": HOSTILE})
    repo, result = load_checked([root / "plans"])
    assert "a" in repo.by_id, [d.message for d in result.diagnostics]
    return repo.by_id["a"].plan


def test_script_in_a_plan_is_escaped_in_html(in_tmp):
    plan = _hostile(in_tmp)
    html = render_text(environment(), "html", view_of(plan, "1"))
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html
    assert "UBND &lt;b&gt;A&lt;/b&gt;" in html
    md = render_text(environment(), "md", view_of(plan, "1"))
    assert "\\| pipe" in md  # a pipe cannot break the Markdown table


def test_text_beginning_with_formula_characters_stays_text_in_xlsx(in_tmp):
    import openpyxl

    plan = _hostile(in_tmp)
    data = render_xlsx(view_of(plan, "2"))
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(data)).active
    texts = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in ("=1", "=1+2", "+SUM(A1:A2)", "-3", "@cmd", "=A1 sàng lọc"):
        assert texts[text] == "s", text
    data = render_xlsx(view_of(plan, "1"))
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(data)).active
    lead = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")']
    assert lead and lead[0].data_type == "s"


def test_a_repositorys_templates_override_the_packaged_ones(real_plans):
    write_files(real_plans.parent, {"templates/appendix.md.j2": "{{ view.title }} / {{ view.body|length }} rows\n"})
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "GIAO CHỈ TIÊU BIỆN PHÁP TRÁNH THAI NĂM 2025 / 31 rows\n"


def test_an_undefined_name_in_a_template_is_an_error(real_plans):
    write_files(real_plans.parent, {"templates/appendix.md.j2": "{{ view.titel }}\n"})
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city"])
    assert result.exit_code == 1
    assert "template error" in result.stderr and "titel" in result.stderr


def test_a_template_cannot_reach_python_internals(real_plans):
    write_files(
        real_plans.parent,
        {"templates/appendix.md.j2": "{{ view.__class__.__init__.__globals__ }}{{ ''.__class__.__mro__ }}\n"},
    )
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city"])
    assert result.exit_code == 1
    assert "__globals__" not in result.stdout and "object" not in result.stdout


@pytest.mark.parametrize(
    ("template", "line", "reason"),
    [
        ("{{ view.title }}\n{{ 1 / 0 }}\n", 2, "division by zero"),
        ("{{ view.title }}\n\n{% for row in view.body %}\n", 3, "Unexpected end of template"),
        ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n", 1, "the template calls itself too deeply"),
        ("{{ 10 ** 100000000 }}\n", 1, "a number too large for a template"),
        ("x\n{{ 'x' * 10 ** 9 }}\n", 2, "a text too long for a template"),
        ("{% for i in range(10**9) %}{% endfor %}\n", 1, "Range too big"),
        ("x\n{{ '\\udcff' }}\n", None, "surrogates not allowed"),  # found in the text written: no line
        ("{{ {}['x' * 100000] }}\n", 1, "x" * 250 + "…"),
    ],
    ids=["raises", "syntax", "recursion", "power", "repeat", "range", "surrogate", "long-reason"],
)
def test_a_template_that_fails_names_its_file_and_line(real_plans, template, line, reason):
    write_files(real_plans.parent, {"templates/appendix.md.j2": template})
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert result.stdout == ""
    where = f"templates/appendix.md.j2:{line}" if line else "templates/appendix.md.j2"
    assert result.stderr.startswith(f"{where}: template error: "), result.stderr
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and len(result.stderr) < 500


def test_a_template_that_runs_too_long_is_stopped(real_plans, monkeypatch):
    from dansokh.render import templates

    monkeypatch.setattr(templates, "SECONDS", 2)
    write_files(
        real_plans.parent,
        {"templates/appendix.md.j2": "{{ view.title }}\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"},
    )
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city"])
    assert result.exit_code == 1
    assert result.stderr == "templates/appendix.md.j2: template error: still running after 2 s; it was stopped\n"


def test_a_template_that_writes_too_much_is_stopped(real_plans, monkeypatch):
    from dansokh.render import templates

    monkeypatch.setattr(templates, "OUTPUT_LIMIT", 1_000_000)
    write_files(
        real_plans.parent,
        {"templates/appendix.md.j2": "{% for i in range(100000) %}{{ view.title }}{% endfor %}\n"},
    )
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city", "-o", "out.md"])
    assert result.exit_code == 1
    assert result.stderr == "templates/appendix.md.j2: template error: more than 1.000.000 characters written; it was stopped\n"
    assert not (real_plans.parent / "out.md").exists()


def test_an_interrupted_render_leaves_no_child_behind(monkeypatch):
    import os

    from dansokh.render import templates

    children = []
    fork = os.fork

    def forked():
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(templates.os, "fork", forked)
    monkeypatch.setattr(templates.select, "select", interrupted)
    env = environment()
    assert isinstance(env.loader, jinja2.ChoiceLoader)
    endless = jinja2.DictLoader({"x.md.j2": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"})
    env.loader = jinja2.ChoiceLoader([endless, *env.loader.loaders])
    with pytest.raises(KeyboardInterrupt):
        templates.render_template(env, "x.md.j2")
    assert children and not Path(f"/proc/{children[0]}").exists()


def test_a_report_template_that_fails_names_its_file_and_line(in_tmp):
    import shutil

    shutil.copytree(ROOT / "examples" / "results-2025", in_tmp / "results")
    shutil.copytree(PLANS, in_tmp / "plans")
    write_files(in_tmp, {"templates/report.md.j2": "{{ report.nope }}\n"})
    result = runner.invoke(app, ["render", "report", "--plan", "long-bien", "--period", "Q1", "--results", "results"])
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/report.md.j2:1: template error: "), result.stderr
    assert "nope" in result.stderr


# --- XLSX read back cell by cell ----------------------------------------------------------


def _schedule_rows(sections: list[ScheduleSection]):
    for section in sections:
        yield ("section", section.number, section.title)
        yield from _schedule_rows(section.sections)

        def walk(rows: list[ScheduleRow]):
            for row in rows:
                yield ("task", row.number, row.content, row.time, row.lead, row.partners or "")
                yield from walk(row.rows)

        yield from walk(section.rows)


def _xlsx(plan: Plan, key: str):
    import openpyxl

    view = view_of(plan, key)
    # the values as a reader that does not calculate sees them: totals are formulas whose
    # computed values the workbook carries
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(render_xlsx(view)), data_only=True).active
    layout = write_sheet(openpyxl.Workbook().active, view)
    return view, sheet, layout


@pytest.mark.parametrize(("plan_id", "key"), APPENDICES, ids=IDS)
def test_xlsx_reads_back_as_the_plan(plan_id, key):
    plan = REAL[plan_id]
    appendix = dict(appendix_keys(plan))[key]
    view, sheet, layout = _xlsx(plan, key)
    body = list(sheet.iter_rows(min_row=layout["body_top"], max_row=layout["body_bottom"], values_only=True))
    if appendix.kind == "allocation":
        assert len(body) == len(appendix.rows)
        for row, cells in zip(appendix.rows, body):
            assert cells[0] == row.tt and cells[1] == row.name
            for value, cell in zip(row.values, cells[2:]):
                assert isinstance(cell, (int, float)) and Decimal(str(cell)) == value
        first = layout["body_top"]
        for index, value in enumerate(appendix.rows[0].values):
            assert value is not None, index
            places = decimals(value)
            assert sheet.cell(first, 3 + index).number_format == "#,##0" + ("." + "0" * places if places else "")
    else:
        expected = list(_schedule_rows(appendix.sections))
        assert len(body) == len(expected)
        for want, cells in zip(expected, body):
            if want[0] == "section":
                assert cells[:2] == want[1:]
            else:
                assert cells == want[1:]
    header = [h.text for cells in view.header for h in cells]
    found = [c for row in sheet.iter_rows(min_row=layout["header_top"], max_row=layout["header_bottom"],
                                          values_only=True) for c in row if c is not None]
    assert sorted(found) == sorted(header)
    assert sheet.freeze_panes == f"A{layout['body_top']}"
    assert sheet.print_title_rows == f"${layout['header_top']}:${layout['header_bottom']}"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == ("landscape" if view.landscape else "portrait")
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.HeaderFooter.differentFirst and sheet.oddHeader.center.text == "&P"


def test_xlsx_merges_header_cells_as_the_source_does():
    view, sheet, layout = _xlsx(REAL["long-bien"], "2")
    top = layout["header_top"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A{top}:A{top + 1}" in merged and f"B{top}:B{top + 1}" in merged  # TT, Đơn vị over two rows
    assert f"C{top}:D{top}" in merged  # Tỷ lệ sinh con thứ 3 trở lên over two columns
    assert sheet[f"C{top}"].value == "Tỷ lệ sinh con thứ 3 trở lên"
    assert sheet[f"A{top + 2}"].value == "Đơn vị tính" and sheet[f"C{top + 2}"].value == "‰"
    view, sheet, layout = _xlsx(REAL["city"], "1")
    top = layout["header_top"]
    assert f"C{top}:G{top}" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet[f"C{top}"].value == "Kế hoạch năm 2025"


# --- DOCX read back -----------------------------------------------------------------------


@pytest.mark.parametrize(("plan_id", "key"), APPENDICES, ids=IDS)
def test_docx_reads_back_as_the_plan(plan_id, key):
    import io

    import docx
    from docx.oxml.ns import qn

    plan = REAL[plan_id]
    appendix = dict(appendix_keys(plan))[key]
    view = view_of(plan, key)
    document = docx.Document(io.BytesIO(render_docx(view)))
    section = document.sections[0]
    assert mm(section.page_width) == (297 if view.landscape else 210)
    assert mm(section.left_margin) == 30 and mm(section.right_margin) == 15
    assert mm(section.top_margin) == 20 and mm(section.bottom_margin) == 20
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and not section.first_page_header.paragraphs[0].text
    texts = [p.text for p in document.paragraphs]
    assert texts == [t for t in (view.heading, view.title, view.subtitle, view.attached) if t]
    assert document.styles["Normal"].font.name == "Times New Roman"
    table = document.tables[0]
    levels = len(view.header)
    for header_row in table.rows[:levels]:
        properties = header_row._tr.trPr
        assert properties is not None and properties.find(qn("w:tblHeader")) is not None
    body = [[c.text for c in row.cells] for row in table.rows[levels:]]
    if appendix.kind == "allocation":
        assert len(body) == len(appendix.rows)
        for row, cells in zip(appendix.rows, body):
            assert cells[:2] == [row.tt or "", row.name]
            assert cells[2:] == [vn(v) for v in row.values]
    else:
        expected = list(_schedule_rows(appendix.sections))
        assert len(body) == len(expected)
        for want, cells in zip(expected, body):
            if want[0] == "section":
                assert cells == [want[1]] + [want[2]] * 4  # the title is merged across the row
            else:
                assert cells == list(want[1:])


# --- the command line ---------------------------------------------------------------------


def test_an_appendix_the_plan_lacks_is_an_error_listing_the_ones_it_has(real_plans):
    result = runner.invoke(app, ["render", "appendix3", "--plan", "city"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "city has no appendix3; it has: appendix1 (GIAO CHỈ TIÊU DÂN SỐ NĂM 2025), "
        "appendix2 (GIAO CHỈ TIÊU BIỆN PHÁP TRÁNH THAI NĂM 2025)"
    )
    result = runner.invoke(app, ["render", "appendix1", "--plan", "long-bien-directive-11"])
    assert result.exit_code == 2 and "it has no appendices" in result.stderr


def test_without_plan_or_default_every_plan_with_the_appendix_gets_its_own_file(real_plans):
    result = runner.invoke(app, ["render", "appendix2", "-f", "html", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["out/city-appendix2.html", "out/long-bien-appendix2.html"]
    assert (real_plans.parent / "out/city-appendix2.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_all_without_o_writes_into_the_current_folder(real_plans):
    result = runner.invoke(app, ["render", "all", "--plan", "long-bien", "-f", "xlsx"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["long-bien-appendix1.xlsx", "long-bien-appendix2.xlsx"]
    assert (real_plans.parent / "long-bien-appendix2.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("setting", [
    ("dansokh.toml", 'default_plan = "city"\n'),
    ("pyproject.toml", '[project]\nname = "plans"\n\n[tool.dansokh]\ndefault_plan = "Hà Nội"\n'),
])
def test_the_default_plan_comes_from_configuration(real_plans, setting):
    write_files(real_plans.parent, {setting[0]: setting[1]})
    assert config.load(real_plans.parent).default_plan in ("city", "Hà Nội")
    result = runner.invoke(app, ["render", "appendix2"])
    assert result.exit_code == 0, result.output
    assert "GIAO CHỈ TIÊU BIỆN PHÁP TRÁNH THAI" in result.stdout and "CÁC PHƯỜNG" not in result.stdout


def test_no_configuration_means_no_default_plan(tmp_path):
    (tmp_path / ".git").mkdir()  # the search for a configuration stops at the repository's root
    assert config.load(tmp_path).default_plan is None
    write_files(tmp_path, {"pyproject.toml": "[tool.other]\nx = 1\n"})
    assert config.load(tmp_path).default_plan is None


def test_format_follows_the_output_suffix_and_one_file_cannot_hold_several(real_plans):
    result = runner.invoke(app, ["render", "appendix1", "--plan", "city", "-o", "city.docx"])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(real_plans.parent / "city.docx").read("word/document.xml")
    result = runner.invoke(app, ["render", "all", "--plan", "city", "-o", "city.html"])
    assert result.exit_code == 2 and "give -o a folder" in result.stderr


def test_an_unknown_plan_is_an_error(real_plans):
    result = runner.invoke(app, ["render", "appendix1", "--plan", "Atlantis"])
    assert result.exit_code == 2 and "matches no plan" in result.stderr


# --- packaging ----------------------------------------------------------------------------


def test_templates_ship_inside_the_package():
    names = {p.name for p in resources.files("dansokh.templates").iterdir()}
    assert {"appendix.md.j2", "appendix.html.j2", "appendix.css.j2"} <= names
    assert names >= {p.name for p in (ROOT / "templates").glob("*.j2")}
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {
        ".".join(p.relative_to(ROOT / "src").parent.parts)
        for p in (ROOT / "src").rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == packages | {"dansokh.templates"}, "list every package in pyproject.toml"
    assert setuptools["package-dir"]["dansokh.templates"] == "templates"
    assert "*.j2" in setuptools["package-data"]["dansokh.templates"]


def test_ci_installs_chromium_before_the_test_line():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line and "chromium" in line)
    assert install < len(lines) - 1


# --- the HTML printed to PDF --------------------------------------------------------------

PAGES = {  # the city's tables fit one portrait page; Long Biên's wide table one landscape page
    "city-appendix1": 1,
    "city-appendix2": 1,
    "long-bien-appendix1": 7,
    "long-bien-appendix2": 1,
    "long-bien-srb-appendix1": 2,
}


@functools.cache
def printed(plan_id: str, key: str) -> bytes:
    """The appendix as render prints it to PDF: the page alone, its policy first."""
    return render_pdf(render_text(environment(), "html", view_of(REAL[plan_id], key)).encode("utf-8"))


def pdf_fonts(page: PageObject) -> set[str]:
    """The fonts a page of a PDF is set in, without their subset's tag (``ABCDEF+``)."""
    resources = page["/Resources"]
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"]
    assert isinstance(fonts, DictionaryObject)
    names = set()
    for reference in fonts.values():
        font = reference.get_object()
        assert isinstance(font, DictionaryObject)
        names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


@needs_chromium
@pytest.mark.parametrize(("plan_id", "key"), APPENDICES, ids=IDS)
def test_html_prints_to_a4_pdf(plan_id, key):
    """Whatever the fonts installed: A4 in the view's orientation, the title first, every page after the first numbered."""
    view = view_of(REAL[plan_id], key)
    reader = PdfReader(io.BytesIO(printed(plan_id, key)))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        size = sorted((round(width / 72 * 25.4), round(height / 72 * 25.4)))
        assert size == [210, 297]
        assert (width > height) == view.landscape
    first = reader.pages[0].extract_text()
    squeeze = lambda text: re.sub(r"\s+", "", unicodedata.normalize("NFC", text))  # noqa: E731
    assert squeeze(first).startswith(squeeze(view.heading or "") + squeeze(view.title))  # no number on page 1
    for number, page in enumerate(reader.pages[1:], 2):
        assert page.extract_text().lstrip().startswith(f"{number}\n"), f"page {number} is not numbered"


@needs_chromium
@needs_times_metrics
@pytest.mark.parametrize(("plan_id", "key"), APPENDICES, ids=IDS)
def test_a_pdf_is_set_in_times_metrics_and_its_pages_fall_as_an_officers(plan_id, key):
    """The pages an officer prints (Times New Roman, or Liberation Serif 2 with its metrics), every
    letter of them in that font: no Vietnamese letter from a fallback font."""
    reader = PdfReader(io.BytesIO(printed(plan_id, key)))
    assert len(reader.pages) == PAGES[view_of(REAL[plan_id], key).name]
    family = times_metrics_serif()
    assert family is not None
    for page in reader.pages:
        fonts = pdf_fonts(page)
        assert fonts and all(name.startswith(family.replace(" ", "")) for name in fonts), fonts


# --- the command line an officer types ----------------------------------------------------


@pytest.mark.parametrize("which", ["phuluc2", "phụlục2", "Phụ lục 2", "pl2", "appendix2"])
def test_appendices_are_named_in_vietnamese_too(real_plans, which):
    result = runner.invoke(app, ["render", which, "--plan", "long-bien"])
    assert result.exit_code == 0, result.output
    assert "BIỂU GIAO CHỈ TIÊU CÁC PHƯỜNG" in result.output


def test_render_all_of_a_plan_without_appendices_renders_nothing_and_succeeds(real_plans):
    result = runner.invoke(app, ["render", "all", "--plan", "bac-cuong", "-f", "html"])
    assert result.exit_code == 0, result.output
    assert "nothing to render: bac-cuong has no appendices" in result.output
    assert not list(real_plans.parent.glob("*.html"))


def test_the_warning_about_errors_names_the_plan_rendered(real_plans):
    city = real_plans / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("name: Ba Đình, values: [18700", "name: Ba Đình, values: [18701"), encoding="utf-8")
    broken = runner.invoke(app, ["render", "appendix2", "--plan", "city"])
    assert broken.exit_code == 0
    assert "warning: plans/2025/city.yaml has 2 errors; `dansokh validate plans` lists them" in " ".join(broken.output.split())
    clean = runner.invoke(app, ["render", "appendix1", "--plan", "long-bien"])
    assert "warning" not in clean.output  # another plan's errors are not this appendix's


# --- pages an officer signs ----------------------------------------------------------------


def test_orientation_follows_the_fit():
    assert not view_of(REAL["city"], "1").landscape and not view_of(REAL["city"], "2").landscape
    assert view_of(REAL["long-bien"], "2").landscape  # 16 columns do not fit a portrait page
    assert view_of(REAL["long-bien"], "1").landscape  # schedules: the source's landscape


def test_no_header_word_is_narrower_than_its_column():
    """Long Biên's Phụ lục 2 broke "Truyề / n" and "(SLTS / )": every column is at least as wide
    as its widest header word, in bold, with the cell's padding."""
    from dansokh.render.view import USABLE_MM, text_mm

    for plan_id, key in APPENDICES:
        view = view_of(REAL[plan_id], key)
        usable = USABLE_MM[view.landscape]
        for cells in view.header:
            for cell in cells:
                if cell.colspan == 1:
                    width = usable * view.columns[cell.column].width / 100
                    widest = max(text_mm(word, view.font_size, bold=True) for word in cell.text.split())
                    assert widest + 3 <= width, (view.name, cell.text, widest, width)


def test_section_rows_keep_with_the_row_after_them():
    view = view_of(REAL["long-bien"], "1")
    groups = view.body_groups
    assert sum(len(g) for g in groups) == len(view.body)
    for group in groups:
        assert [row.kind for row in group[:-1]] == ["section"] * (len(group) - 1)
        assert group[-1].kind != "section"
    assert [row.cells[1].text for row in groups[0]][:2] == ["Công tác chỉ đạo, điều hành", "Cấp quận"]
    html = render_text(environment(), "html", view)
    assert html.count('<tbody class="keep">') == sum(1 for g in groups if len(g) > 1)
    assert "tbody.keep { break-inside: avoid" in html


def _docx_xml(plan_id: str, key: str) -> tuple[str, str, str]:
    data = render_docx(view_of(REAL[plan_id], key))
    archive = zipfile.ZipFile(__import__("io").BytesIO(data))
    return (
        archive.read("word/document.xml").decode(),
        archive.read("word/styles.xml").decode(),
        archive.read("docProps/core.xml").decode(),
    )


@pytest.mark.parametrize(("plan_id", "key"), APPENDICES, ids=IDS)
def test_docx_table_properties_are_valid_word(plan_id, key):
    document, styles, core = _docx_xml(plan_id, key)
    found = re.search(r"<w:tblPr>(.*?)</w:tblPr>", document)
    assert found is not None
    properties = found.group(1)
    tags = re.findall(r"<w:(\w+)[ />]", properties)
    top = [t for t in tags if t in ("tblStyle", "tblW", "jc", "tblLayout", "tblCellMar", "tblLook")]
    assert top == ["tblStyle", "tblW", "jc", "tblLayout", "tblCellMar", "tblLook"]  # once each, schema order
    assert document.count("<w:tblLayout ") == 1
    assert re.search(r'<w:tblCellMar><w:top w:w="\d+" w:type="dxa"/><w:bottom', properties)
    assert '<w:lang w:val="vi-VN"' in styles and "en-US" not in styles
    assert "<dc:creator>UBND " in core and "dansokh" not in core
    view = view_of(REAL[plan_id], key)
    assert document.count("<w:tblHeader ") == len(view.header)
    if view.kind == "schedule":
        sections = sum(1 for row in view.body if row.kind == "section")
        rows = re.findall(r"<w:tr[ >].*?</w:tr>", document)[len(view.header):]
        kept = [row for row in rows if "<w:keepNext/>" in row]
        assert len(kept) == sections > 0


@pytest.mark.slow
def test_docx_is_landscape_only_where_the_table_needs_it():
    for plan_id, key in APPENDICES:
        document, _, _ = _docx_xml(plan_id, key)
        assert ('w:orient="landscape"' in document) == view_of(REAL[plan_id], key).landscape


@pytest.mark.parametrize(("plan_id", "key"), [("city", "2"), ("long-bien", "2")])
def test_xlsx_totals_are_formulas_with_their_values(plan_id, key):
    import io

    import openpyxl

    view = view_of(REAL[plan_id], key)
    data = render_xlsx(view)
    formulas = openpyxl.load_workbook(io.BytesIO(data)).active
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    layout = write_sheet(openpyxl.Workbook().active, view)
    top, bottom = layout["body_top"], layout["body_bottom"]
    total_row = next(r for r in range(top, bottom + 1) if view.body[r - top].kind == "total")
    units = [r for r in range(top, bottom + 1) if view.body[r - top].kind == "unit"]
    checked = 0
    for index, column in enumerate(view.columns):
        letter = openpyxl.utils.get_column_letter(index + 1)
        cell = formulas.cell(total_row, index + 1).value
        if column.adds_up:
            assert cell == f"=SUM({letter}{units[0]}:{letter}{units[-1]})"
            total = sum(Decimal(str(values.cell(r, index + 1).value)) for r in units)
            assert Decimal(str(values.cell(total_row, index + 1).value)) == total
            checked += 1
        elif column.numeric:
            assert not str(cell).startswith("=")  # a rate's total is a weighted mean: its written figure
    assert checked >= 5
    if plan_id == "city":  # Tổng số = the sum of the five methods, in every row
        assert formulas.cell(units[0], 3).value == f"=SUM(D{units[0]}:H{units[0]})"
        assert values.cell(units[0], 3).value == 18700  # Ba Đình


def test_xlsx_keeps_written_figures_where_the_table_does_not_add_up():
    """A table that does not add up keeps the figures it writes (validate reports it): a
    formula would silently print a total that nobody wrote."""
    import io

    import openpyxl

    plan = REAL["city"].model_copy(deep=True)
    table = dict(appendix_keys(plan))["2"]
    assert isinstance(table, AllocationTable)
    assert table.rows[1].name == "Ba Đình" and table.rows[1].values[1] == 750
    table.rows[1].values[1] = Decimal(751)  # Ba Đình's IUD quota, no longer the sum's part
    view = build_view(plan, "2", table)
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(view))).active
    top = write_sheet(openpyxl.Workbook().active, view)["body_top"]
    assert sheet.cell(top, 4).value == 35600  # the total row's IUD: as written
    assert sheet.cell(top + 1, 3).value == 18700  # Ba Đình's total: as written
    assert sheet.cell(top, 8).value == f"=SUM(H{top + 1}:H{top + 30})"  # the condoms still add up


@pytest.mark.slow
@needs_chromium
def test_render_pdf_writes_a_pdf_without_browser_header_or_footer(real_plans):
    """Whatever the fonts installed: no header or footer of the browser's, and what dansokh says of
    the font here (``font_note``, asserted for each case of the fonts on its own) on standard
    error and in the PDF's properties alike."""
    from dansokh.render import pdf

    result = runner.invoke(app, ["render", "appendix2", "--plan", "long-bien", "-f", "pdf", "-o", "bieu.pdf"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(real_plans.parent / "bieu.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "file://" not in text and ".html" not in text and "BIỂU GIAO CHỈ TIÊU" in unicodedata.normalize("NFC", text)
    note = pdf.font_note()
    assert result.stderr == ("" if note is None else note + "\n")
    assert reader.metadata is not None and reader.metadata.subject == note  # the PDF says it too, under its properties
    assert runner.invoke(app, ["render", "appendix1", "--plan", "city", "-o", "pl1.pdf"]).exit_code == 0
    assert (real_plans.parent / "pl1.pdf").read_bytes().startswith(b"%PDF")


def test_render_pdf_without_chromium_says_how_to_get_it(real_plans, monkeypatch):
    from dansokh.render import pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    result = runner.invoke(app, ["render", "appendix2", "--plan", "long-bien", "-f", "pdf"])
    assert result.exit_code == 2
    assert "apt-get install chromium" in result.output


# --- a repository's template printed to PDF -----------------------------------------------

HOSTILE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ view.title }}</title></head><body>
<p>{{ view.title }}</p>
<iframe src="file:///etc/passwd" width="600" height="300"></iframe>
<object data="file:///etc/passwd" type="text/plain" width="600" height="200"></object>
<embed src="file:///etc/passwd" type="text/plain" width="600" height="200">
<img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">
<iframe srcdoc="<iframe src='file:///etc/passwd'></iframe>"></iframe>
<p id="x">NO SCRIPT RAN</p>
<script>document.write("A SCRIPT RAN"); document.getElementById("x").textContent = "A SCRIPT RAN"</script>
<img src="x" onerror="document.body.textContent = 'A HANDLER RAN'">
</body></html>
"""


@needs_chromium
def test_a_repository_template_cannot_read_files_or_run_scripts_in_the_pdf(real_plans):
    write_files(real_plans.parent, {"templates/appendix.html.j2": HOSTILE_PAGE})
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city", "-f", "pdf", "-o", "bieu.pdf"])
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(real_plans.parent / "bieu.pdf").pages)
    assert "NO SCRIPT RAN" in text
    assert "root:" not in text and "SCRIPT RAN" not in text.replace("NO SCRIPT RAN", "") and "HANDLER" not in text


@needs_chromium
def test_a_template_that_redirects_to_a_file_prints_nothing_of_it(real_plans):
    page = '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url=file:///etc/passwd"></head><body>x</body></html>'
    write_files(real_plans.parent, {"templates/appendix.html.j2": page})
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city", "-f", "pdf", "-o", "bieu.pdf"])
    assert "root:" not in result.output
    if result.exit_code == 0:
        assert "root:" not in "".join(p.extract_text() for p in PdfReader(real_plans.parent / "bieu.pdf").pages)
    else:
        assert result.exit_code == 1 and result.stderr.startswith("printing to PDF failed: ")


def test_the_policy_comes_before_anything_of_the_page():
    from dansokh.render.pdf import META, with_policy

    assert with_policy(b"<!DOCTYPE html>\n<html><iframe>") == b"<!DOCTYPE html>" + META + b"\n<html><iframe>"
    assert with_policy(b"\xef\xbb\xbf <!doctype HTML><p>") == b"\xef\xbb\xbf <!doctype HTML>" + META + b"<p>"
    assert with_policy(b"<iframe src=x></iframe><!DOCTYPE html>") == META + b"<iframe src=x></iframe><!DOCTYPE html>"
    assert with_policy(b"<!-- x --><!DOCTYPE html>") == META + b"<!-- x --><!DOCTYPE html>"
    assert b"default-src 'none'; style-src 'unsafe-inline'; img-src data:" in META


def test_chromium_runs_without_its_sandbox_only_as_root(monkeypatch, tmp_path):
    from dansokh.render import pdf

    seen = []

    def run(command, seconds, folder):
        seen.append(command)
        return 0, ""

    monkeypatch.setattr(pdf, "_run", run)
    for uid, sandboxed in ((1000, True), (0, False)):
        monkeypatch.setattr(pdf.os, "geteuid", lambda uid=uid: uid)
        seen.clear()
        (tmp_path / "a.pdf").write_bytes(b"%PDF")
        pdf.html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf", "chromium")
        assert ("--no-sandbox" not in seen[0]) == sandboxed
        assert not any("allow-file-access" in switch for switch in seen[0])


def test_a_print_that_does_not_end_is_stopped_with_all_it_started(tmp_path):
    import time

    from dansokh.render.pdf import html_to_pdf

    browser = tmp_path / "browser"
    browser.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {tmp_path}/child\nsleep 300\n", encoding="utf-8")
    browser.chmod(0o755)
    (tmp_path / "a.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"^Chromium was still printing after 1 s; it was stopped$"):
        html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf", str(browser), timeout=1)
    child = int((tmp_path / "child").read_text())
    for _ in range(50):  # the kill is sent; the child is gone once the system has reaped it
        if not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the browser's child outlived the print")


@pytest.mark.parametrize(
    ("installed", "note"),
    [
        ({":family=Times New Roman", ":family=Times New Roman:lang=vi"}, None),
        (
            {":family=Liberation Serif", ":family=Liberation Serif:lang=vi"},
            "the PDF is set in Liberation Serif: Times New Roman is not installed here (Liberation Serif has its"
            " metrics: lines and pages fall as with Times New Roman)",
        ),
        (
            {":family=Liberation Serif"},
            "the PDF is set in Liberation Serif, which has no Vietnamese letters: their marks come from another"
            " font (Debian/Ubuntu: apt-get install fonts-liberation2)",
        ),
        (
            set(),
            "the PDF is set in another serif font: neither Times New Roman nor Liberation Serif is installed here,"
            " so lines and pages may fall differently (Debian/Ubuntu: apt-get install fonts-liberation2)",
        ),
    ],
    ids=["times", "liberation", "liberation-1", "none"],
)
def test_the_font_a_pdf_is_set_in_is_told_when_it_is_not_times(monkeypatch, installed, note):
    from dansokh.render import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(pdf, "_families", lambda pattern: pattern in installed)
    assert pdf.font_note() == note


def test_render_pdf_says_which_font_on_standard_error(real_plans, monkeypatch):
    from dansokh.render import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda html: b"%PDF-1.4 a pdf")
    monkeypatch.setattr(pdf, "font_note", lambda: "the PDF is set in X")
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city", "-f", "pdf", "-o", "bieu.pdf"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "the PDF is set in X\n"
    assert result.stdout == "bieu.pdf\n"
    result = runner.invoke(app, ["render", "report", "--plan", "long-bien", "--period", "Q1", "-f", "pdf", "-o", "r.pdf"])
    assert result.stderr.endswith("the PDF is set in X\n"), result.output


def test_ci_installs_the_fonts_the_pdfs_need():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line and "fonts-liberation2" in line)
    assert install < len(lines) - 1


@needs_chromium
def test_the_font_note_goes_into_the_pdfs_properties_whatever_its_title(real_plans, monkeypatch):
    from dansokh.render import pdf

    title = "Biểu ) >> endobj trailer <</Size 1>> startxref 0 %%EOF ( \\ ("
    monkeypatch.setattr(pdf, "font_note", lambda: "Phông: Liberation Serif")
    write_files(real_plans.parent, {"templates/appendix.html.j2": f"<!DOCTYPE html><html><head><title>{title}</title></head><body>x</body></html>"})
    result = runner.invoke(app, ["render", "appendix2", "--plan", "city", "-f", "pdf", "-o", "bieu.pdf"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(real_plans.parent / "bieu.pdf", strict=True)
    assert reader.metadata is not None
    assert reader.metadata.subject == "Phông: Liberation Serif"
    assert reader.metadata.title == title
    assert len(reader.pages) == 1 and reader.pages[0].extract_text().strip() == "x"


def test_a_pdf_not_as_chromium_writes_it_is_left_as_it_is():
    from dansokh.render.pdf import with_subject

    for data in (b"", b"%PDF-1.4\n", b"%PDF-1.4\ntrailer\n<</Size 3>>\nstartxref\n9\n%%EOF\n",
                 b"%PDF-1.4\n1 0 obj\n<</Title (a\ntrailer\n<</Size 3 /Root 2 0 R /Info 1 0 R>>\nstartxref\n9\n%%EOF\n"):
        assert with_subject(data, "x") == data
