"""`dansokh form` and `dansokh import`: the Excel results form rendered, filled with openpyxl and
imported gives back every example result byte for byte; bad workbooks are reported at their cells."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import PLANS, ROOT
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.read.form import COLUMNS, FIELDS, FIRST_ROW, SHEET, read_form
from dansokh.render.form import form_spec, render_form
from dansokh.write.form_import import result_from_form
from dansokh.write.results import result_text, split_header

EXAMPLES = ROOT / "examples" / "results-2025"
runner = CliRunner()


def figures_of(path: Path) -> bytes:
    """An example result file without the comment lines it starts with (its ILLUSTRATIVE label):
    what `dansokh import` writes into a new file."""
    header, body = split_header(path.read_text(encoding="utf-8"))
    assert "ILLUSTRATIVE" in header
    return body.encode("utf-8")


@pytest.fixture(scope="module")
def book():
    _, findings = load_checked([PLANS, EXAMPLES])
    return findings.book


def fill(data: bytes, result, **cells) -> openpyxl.Workbook:
    """Fill a rendered form as an officer would, with the figures of ``result``."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET]
    rows = {sheet.cell(r, COLUMNS["key"]).value: r for r in range(FIRST_ROW, sheet.max_row + 1)}
    sheet.cell(FIELDS["reported"], 3).value = dt.date.fromisoformat(result.reported)
    if result.document is not None:
        sheet.cell(FIELDS["number"], 3).value = result.document.number
        sheet.cell(FIELDS["issuer"], 3).value = result.document.issuer
    sheet.cell(FIELDS["note"], 3).value = result.note
    for figure in result.figures:
        for name in ("value", "numerator", "denominator"):
            number = getattr(figure, name)
            if number is not None:
                whole = number == number.to_integral_value()
                sheet.cell(rows[figure.indicator], COLUMNS[name]).value = int(number) if whole else float(number)
    for ref, value in cells.items():
        sheet[ref] = value
    return workbook


def saved(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def _round_trip(book, loaded, tmp_path):
    result = loaded.result
    spec = form_spec(book, book.repo.unit(result.unit), result.year, result.period)
    path = saved(fill(render_form(spec), result), tmp_path / "form.xlsx")
    imported = result_from_form(read_form(path), book)
    assert imported.problems == [] and imported.result is not None, loaded.file
    assert result_text(imported.result).encode("utf-8") == figures_of(EXAMPLES / result.period / f"{result.unit}.yaml")


@pytest.mark.parametrize(("unit", "period"), [("ngoc-thuy", "Q1"), ("long-bien", "Q2"), ("ha-noi", "Q1"), ("bac-cuong", "Q1")])
def test_a_form_filled_with_openpyxl_comes_back_byte_for_byte(book, tmp_path, unit, period):
    """Render the form, fill it with openpyxl, save, import it: the same bytes as the example file
    (a ward, a district with a ‰ column, the city with the sex ratio at birth, a ward with its own plan)."""
    _round_trip(book, book.result(unit, 2025, period), tmp_path)


@pytest.mark.slow
def test_every_example_result_comes_back_byte_for_byte(book, tmp_path):
    assert len(book.results) == 58
    for loaded in book.results:
        _round_trip(book, loaded, tmp_path)


def test_the_form_holds_the_targets_and_protects_all_but_the_inputs(book):
    spec = form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1")
    workbook = openpyxl.load_workbook(io.BytesIO(render_form(spec)))
    sheet = workbook[SHEET]
    assert sheet.protection.sheet and workbook["dansokh"].sheet_state == "veryHidden"
    assert sheet["C4"].value == "phường Ngọc Thụy (ngoc-thuy)" and sheet["C5"].value == "Q1: quý I năm 2025"
    rows = {sheet.cell(r, COLUMNS["key"]).value: r for r in range(FIRST_ROW, sheet.max_row + 1)}
    iud = rows["new_users_iud"]
    assert sheet.cell(iud, 2).value == "Dụng cụ tử cung (đặt vòng)" and sheet.cell(iud, 4).value == 100
    assert sheet.cell(iud, 3).value == "người"
    assert not sheet.cell(iud, COLUMNS["value"]).protection.locked  # input
    assert sheet.cell(iud, COLUMNS["target"]).protection.locked  # the target cannot be typed over
    assert sheet.cell(iud, COLUMNS["numerator"]).protection.locked  # a count has no numerator
    screening = rows["prenatal_screening"]
    assert not sheet.cell(screening, COLUMNS["numerator"]).protection.locked
    validations = {str(v.sqref): (v.type, v.operator, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    by_cell = {cell: rule for ref, rule in validations.items() for cell in ref.split()}
    assert by_cell[f"E{iud}"] == ("whole", "greaterThanOrEqual", "0", None)
    assert by_cell[f"E{screening}"] == ("decimal", "between", "0", "100")
    assert by_cell[f"F{screening}"] == ("whole", "greaterThanOrEqual", "0", None)
    assert by_cell["C6"][0] == "date"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9


# --- bad workbooks, each at its cell ------------------------------------------------------------


@pytest.fixture
def filled(book, tmp_path):
    """A form of Ngọc Thụy for Q1 filled with its example figures, and a way to spoil it."""
    loaded = book.result("ngoc-thuy", 2025, "Q1")
    spec = form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1")
    rows = {line.indicator: FIRST_ROW + index for index, line in enumerate(spec.lines)}

    def make(**cells):
        return fill(render_form(spec), loaded.result, **cells)

    return make, rows


def problems_of(path: Path, book, **expected) -> list[str]:
    imported = result_from_form(read_form(path, path.name), book, **expected)
    return [f"{p.span}: {p.code} {p.message}" for p in imported.problems]


def test_text_in_a_number_cell(filled, book, tmp_path):
    make, rows = filled
    row = rows["new_users_iud"]
    path = saved(make(**{f"E{row}": "hai mươi bốn"}), tmp_path / "f.xlsx")
    assert problems_of(path, book) == [
        f"f.xlsx:Biểu mẫu!E{row}: F007 'hai mươi bốn' is not a number: type the figure as a number"
        " (the cell is formatted as text, or holds words)"
    ]


def test_a_formula(filled, book, tmp_path):
    make, rows = filled
    row = rows["new_users_pill"]
    path = saved(make(**{f"E{row}": "=100+39"}), tmp_path / "f.xlsx")
    assert problems_of(path, book) == [
        f"f.xlsx:Biểu mẫu!E{row}: F006 a formula (=100+39): type the figure itself, not a formula"
    ]


def test_a_merged_input_cell(filled, book, tmp_path):
    make, rows = filled
    row = rows["prenatal_screening"]
    workbook = make()
    workbook[SHEET].merge_cells(f"F{row}:G{row}")
    path = saved(workbook, tmp_path / "f.xlsx")
    found = problems_of(path, book)
    assert found[0] == f"f.xlsx:Biểu mẫu!F{row}: F005 F{row}:G{row} are merged: an input cell must stay a cell of its own (unmerge them)"


def test_a_moved_row(filled, book, tmp_path):
    make, rows = filled
    workbook = make()
    workbook[SHEET].insert_rows(rows["new_users_iud"])
    path = saved(workbook, tmp_path / "f.xlsx")
    found = problems_of(path, book)
    row = rows["new_users_iud"]
    assert found[0] == (
        f"f.xlsx:Biểu mẫu!B{row}: F004 row {row} should hold new_users_iud; it is now in row {row + 1}:"
        " rows must not be inserted, deleted or moved"
    )
    assert all(" F004 " in p for p in found)  # every row below it is reported, none is read into the wrong indicator


def test_a_unit_or_period_that_does_not_match(filled, book, tmp_path):
    make, _ = filled
    path = saved(make(C4="phường Ngọc Lâm (ngoc-lam)"), tmp_path / "f.xlsx")
    assert problems_of(path, book) == [
        "f.xlsx:Biểu mẫu!C4: F003 the unit cell reads 'phường Ngọc Lâm (ngoc-lam)', but the form was written for"
        " ngoc-thuy: write a new form for the other unit"
    ]
    path = saved(make(), tmp_path / "g.xlsx")
    assert problems_of(path, book, unit="ngoc-lam", period="Q2") == [
        "g.xlsx:Biểu mẫu!C4: F003 this form is for ngoc-thuy, not ngoc-lam",
        "g.xlsx:Biểu mẫu!C5: F003 this form is for Q1 2025, not 6 months of 2025 (Q2)",
    ]


def test_impossible_figures_are_reported_at_their_cells(filled, book, tmp_path):
    make, rows = filled
    row = rows["prenatal_screening"]
    path = saved(make(**{f"E{row}": 95, f"F{row}": 160, f"E{rows['new_users_iud']}": -2}), tmp_path / "f.xlsx")
    assert problems_of(path, book) == [
        f"f.xlsx:Biểu mẫu!F{row}: K001 Tỷ lệ sàng lọc trước sinh (4 bệnh): the numerator 160 is larger than the denominator 150",
        f"f.xlsx:Biểu mẫu!E{rows['new_users_iud']}: K001 Dụng cụ tử cung (đặt vòng): -2 người is not a whole number of zero or more",
    ]
    path = saved(make(**{f"E{row}": 95}), tmp_path / "g.xlsx")
    assert problems_of(path, book) == [
        f"g.xlsx:Biểu mẫu!E{row}: K002 Tỷ lệ sàng lọc trước sinh (4 bệnh): 95 % disagrees with 138/150 = 92.0 %"
    ]


def test_a_missing_or_wrong_date(filled, book, tmp_path):
    make, _ = filled
    assert problems_of(saved(make(C6=None), tmp_path / "f.xlsx"), book) == [
        "f.xlsx:Biểu mẫu!C6: F008 the day the report is sent is missing: type it as dd/mm/yyyy"
    ]
    assert problems_of(saved(make(C6="mùng 4"), tmp_path / "g.xlsx"), book) == [
        "g.xlsx:Biểu mẫu!C6: F008 'mùng 4' is not a date: type the day as dd/mm/yyyy"
    ]
    path = saved(make(C6="04/04/2025"), tmp_path / "h.xlsx")  # a date typed as text is read as dd/mm/yyyy
    dated = result_from_form(read_form(path), book).result
    assert dated is not None and dated.reported == "2025-04-04"


def test_an_xlsm_and_other_workbooks_are_refused(filled, book, tmp_path):
    make, _ = filled
    path = saved(make(), tmp_path / "f.xlsm")
    assert problems_of(path, book) == [
        "f.xlsm: F001 a macro-enabled workbook (.xlsm) is not accepted: save the form as .xlsx (Excel Workbook) and import that"
    ]
    original = saved(make(), tmp_path / "g.xlsx")
    hidden = tmp_path / "h.xlsx"  # macros inside a file named .xlsx
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(hidden, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00")
    assert [p.split(": ", 1)[1][:4] for p in problems_of(hidden, book)] == ["F001"]
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    assert problems_of(plain, book) == [
        "plain.xlsx: F002 no sheet 'dansokh': this is not a form written by `dansokh form`"
        " (write one with `dansokh form UNIT --period P`)"
    ]
    text = tmp_path / "t.xlsx"
    text.write_text("TT;Chỉ tiêu\n", encoding="utf-8")
    assert problems_of(text, book)[0].startswith("t.xlsx: F001 cannot read the workbook")


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def repository(in_tmp: Path) -> Path:
    shutil.copytree(PLANS, in_tmp / "plans")
    return in_tmp


def test_form_then_import_writes_the_result_atomically_and_refuses_to_clobber(repository, book):
    result = runner.invoke(app, ["form", "Ngọc Thụy", "--period", "Q1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ngoc-thuy-2025-Q1.xlsx"
    loaded = book.result("ngoc-thuy", 2025, "Q1")
    original = figures_of(EXAMPLES / "Q1" / "ngoc-thuy.yaml")
    data = (repository / "ngoc-thuy-2025-Q1.xlsx").read_bytes()
    saved(fill(data, loaded.result), repository / "filled.xlsx")
    result = runner.invoke(app, ["import", "filled.xlsx"])
    assert result.exit_code == 0, result.output
    written = repository / "results" / "2025" / "Q1" / "ngoc-thuy.yaml"
    assert result.stdout.strip() == "wrote results/2025/Q1/ngoc-thuy.yaml"
    assert written.read_bytes() == original
    assert runner.invoke(app, ["import", "filled.xlsx"]).stdout.strip() == (
        "results/2025/Q1/ngoc-thuy.yaml already holds these figures; nothing to write"
    )
    row = FIRST_ROW + [line.indicator for line in form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1").lines].index("direct_communication_sessions")
    saved(fill(data, loaded.result, **{f"E{row}": 30}), repository / "changed.xlsx")
    result = runner.invoke(app, ["import", "changed.xlsx"])
    assert result.exit_code == 1
    assert "already holds a different result; nothing was written (--force replaces it)" in result.stderr
    assert written.read_bytes() == original
    result = runner.invoke(app, ["import", "changed.xlsx", "--force"])
    assert result.exit_code == 0 and result.stdout.strip() == "replaced results/2025/Q1/ngoc-thuy.yaml"
    assert "direct_communication_sessions, value: 30}" in written.read_text(encoding="utf-8")
    assert sorted(p.name for p in written.parent.iterdir()) == ["ngoc-thuy.yaml"]  # no temporary file left
    # the comment lines a result file starts with survive a replacement
    written.write_text("# sửa theo điện thoại ngày 12/04\n" + written.read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(app, ["import", "changed.xlsx"]).stdout.strip().endswith("nothing to write")
    assert runner.invoke(app, ["import", "filled.xlsx", "--force"]).exit_code == 0
    assert written.read_bytes() == "# sửa theo điện thoại ngày 12/04\n".encode() + original
    validated = runner.invoke(app, ["validate", "plans", "results"])
    assert validated.exit_code == 0, validated.output


def test_import_with_problems_writes_nothing_and_exits_1(repository, book):
    runner.invoke(app, ["form", "ngoc-thuy", "--period", "Q1", "-o", "form.xlsx"])
    loaded = book.result("ngoc-thuy", 2025, "Q1")
    saved(fill((repository / "form.xlsx").read_bytes(), loaded.result, C6="hôm qua"), repository / "bad.xlsx")
    result = runner.invoke(app, ["import", "bad.xlsx", "--into", "out"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "bad.xlsx:Biểu mẫu!C6: F008 'hôm qua' is not a date: type the day as dd/mm/yyyy",
        "Nothing written: 1 problem(s) in bad.xlsx; fix them in the workbook and import it again.",
    ]
    assert not (repository / "out").exists()


def test_a_unit_without_targets_has_no_form(repository):
    result = runner.invoke(app, ["form", "long-bien", "--period", "Q1", "--year", "2030"])
    assert result.exit_code == 2 and "has no targets for 2030" in result.stderr
    result = runner.invoke(app, ["form", "long-bien", "--period", "Q1", "-o", "form.csv"])
    assert result.exit_code == 2 and "is an .xlsx workbook" in result.stderr
    assert not os.path.exists(repository / "form.csv")


def _readme_block(heading: str, fence: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(heading, 1)[1].split(f"```{fence}\n", 1)[1].split("```", 1)[0]


def test_the_readme_quarterly_walk_through_runs(repository, book):
    """Every command of README's "A quarter in Long Biên", in order, on the real plans and the
    illustrative results of the other wards; the workbook is filled with openpyxl in between."""
    commands = [line.split() for line in _readme_block("### A quarter in Long Biên", "sh").strip().splitlines()]
    assert [c[:2] for c in commands] == [["dansokh", "form"], ["dansokh", "import"], ["dansokh", "validate"],
                                         ["dansokh", "progress"], ["dansokh", "render"]]
    for path in EXAMPLES.rglob("*.yaml"):
        if path.relative_to(EXAMPLES).as_posix() != "Q2/ngoc-thuy.yaml":
            target = repository / "results" / "2025" / path.relative_to(EXAMPLES)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    import shlex

    form = shlex.split(_readme_block("### A quarter in Long Biên", "sh").strip().splitlines()[0])[1:]
    assert runner.invoke(app, form).exit_code == 0
    loaded = book.result("ngoc-thuy", 2025, "Q2")
    data = (repository / "ngoc-thuy-Q2.xlsx").read_bytes()
    # first the workbook as README shows it coming back: two mistakes, each at its cell
    saved(fill(data, loaded.result, E23="hai mươi bốn", F15=300), repository / "ngoc-thuy-Q2.xlsx")
    console = _readme_block("2. **It comes back and is imported.**", "console").strip().splitlines()
    assert console[0].strip() == "$ " + " ".join(commands[1])
    result = runner.invoke(app, commands[1][1:])
    assert result.exit_code == 1 and result.stdout.splitlines() == [line.strip() for line in console[1:]]
    # then corrected, and every command in turn
    saved(fill(data, loaded.result), repository / "ngoc-thuy-Q2.xlsx")
    for command in commands[1:]:
        result = runner.invoke(app, shlex.split(" ".join(command))[1:])
        assert result.exit_code == 0, (command, result.output)
    assert (repository / "results/2025/Q2/ngoc-thuy.yaml").read_bytes() == figures_of(EXAMPLES / "Q2/ngoc-thuy.yaml")
    assert (repository / "bao-cao-6-thang.docx").read_bytes()[:2] == b"PK"


def test_a_reduction_that_disagrees_with_its_rates_is_K012_at_its_cell(book, tmp_path):
    """Long Biên's Q2: 2,21 % last year (its targets) and 2,23 % now are a reduction of −0,2 ‰,
    as the example reports; typed 1,11 ‰ in the form, it is K012 at that cell, with validate's words."""
    loaded = book.result("long-bien", 2025, "Q2")
    spec = form_spec(book, book.repo.unit("long-bien"), 2025, "Q2")
    rows = {line.indicator: FIRST_ROW + index for index, line in enumerate(spec.lines)}
    row = rows["third_child_reduction"]
    path = saved(fill(render_form(spec), loaded.result), tmp_path / "f.xlsx")
    assert problems_of(path, book) == []  # the example agrees with its rates
    path = saved(fill(render_form(spec), loaded.result, **{f"E{row}": 1.11}), tmp_path / "f.xlsx")
    assert problems_of(path, book) == [
        f"f.xlsx:Biểu mẫu!E{row}: K012 Mức giảm tỷ lệ sinh con thứ 3 trở lên so với năm trước: 1.11‰ disagrees with the"
        " rates it compares: 2.21% last year and 2.23% for 6 months of 2025 (Q2) make a reduction of -0.20‰ (a rise is"
        " negative); correct the reduction or the rate"
    ]
    result = runner.invoke(app, ["--lang", "en", "import", str(path), "--plans", str(PLANS), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and not (tmp_path / "out.yaml").exists()
    assert f"Biểu mẫu!E{row}: K012 Mức giảm tỷ lệ sinh con thứ 3 trở lên" in result.stdout
