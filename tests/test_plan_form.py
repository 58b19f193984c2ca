"""`dansokh form --plan` and `dansokh import` of a plan form: the workbook filled through openpyxl as
a person fills it in Excel (typing a target, a percent cell, a decimal comma typed as text, a
formula, a ward's quota, a row inserted or typed below the table), imported into the plan file
in place; the whole file compared with the original, only the changed lines differing, and the
plan validated afterwards."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import PLANS, ROOT
from dansokh.cli import app
from dansokh.read.form import META

runner = CliRunner()


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A copy of the real 2025 plans, the working folder of the commands."""
    shutil.copytree(PLANS / "2025", tmp_path / "plans" / "2025")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return runner.invoke(app, ["--lang", "en", *args])


def form(plan: str, name: str = "form.xlsx") -> Path:
    result = run("form", "--plan", plan, "-o", name)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == name
    return Path(name)


def ward(repository) -> Path:
    """Ngọc Thụy's first plan, started from what quận Long Biên assigned, and its form."""
    result = run("new", "--from", "long-bien", "--unit", "Ngọc Thụy", "--form", "ngoc-thuy.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "wrote ngoc-thuy.xlsx (the plan's form: fill it in Excel, then dansokh import ngoc-thuy.xlsx)"
    return Path("plans/2025/ngoc-thuy-2025.yaml")


def rows_of(sheet) -> dict[str, int]:
    """Each row's key (the hidden column after the table) -> its row."""
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.fullmatch(r"[a-z_]+(/[a-z_0-9]+)+", cell.value):
                found[cell.value] = cell.row
    return found


def plans_file(plan: str) -> str:
    return str(next(path for path in Path("plans").rglob("*.yaml") if path.read_text(encoding="utf-8").count(f"\nid: {plan}\n")))


def fill_ward(path: Path) -> None:
    """What phường Ngọc Thụy types in its form in the README's and the guide's walk-through: its
    issuer, title and goal, its condom target raised from 1.900 to 2.000, its first task."""
    workbook = openpyxl.load_workbook(path)
    general, targets, schedule = workbook["Thông tin chung"], workbook["Chỉ tiêu"], workbook["Phụ lục 1"]
    rows = rows_of(general)
    general.cell(rows["document/issuer"], 2).value = "UBND phường Ngọc Thụy"
    general.cell(rows["document/title"], 2).value = "Triển khai thực hiện công tác Dân số và Phát triển phường Ngọc Thụy năm 2025"
    general.cell(rows["goals/0"], 2).value = "Duy trì vững chắc mức sinh thay thế; nâng cao chất lượng dân số"
    targets.cell(rows_of(targets)["targets/12"], 6).value = 2000
    row = rows_of(schedule)["appendices/0/sections/0/rows/0"]
    schedule.cell(row, 2).value = "Xây dựng kế hoạch triển khai thực hiện công tác dân số năm 2025"
    schedule.cell(row, 3).value = "Tháng 1/2025"
    schedule.cell(row, 4).value = "UBND phường"
    workbook.save(path)


def replaced(text: str, *changes: tuple[str, str]) -> str:
    """``text`` with each old line (whole, exactly once) replaced by the new one."""
    for old, new in changes:
        assert text.count(old + "\n") == 1, old
        text = text.replace(old + "\n", new + "\n")
    return text


def with_cached(path: Path, sheet_number: int, cell: str, value: str) -> None:
    """What Excel does on saving: the value of a formula beside it (openpyxl writes none)."""
    data = path.read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    name = f"xl/worksheets/sheet{sheet_number}.xml"
    xml = source.read(name).decode("utf-8")
    xml, count = re.subn(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f>(?:<v>[^<]*</v>|<v\s*/>)?(</c>)', rf"\1<f>\2</f><v>{value}</v>\3", xml)
    assert count == 1
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml.encode("utf-8") if item.filename == name else source.read(item.filename))
    path.write_bytes(output.getvalue())


@pytest.mark.parametrize("plan", ["city", "long-bien", "bac-cuong", "long-bien-srb"])
def test_an_unchanged_form_leaves_the_plan_byte_for_byte(repository, plan):
    files = {path: path.read_bytes() for path in Path("plans").rglob("*.yaml")}
    path = form(plan)
    workbook = openpyxl.load_workbook(path)  # opened and saved as a person would, nothing typed
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(": nothing changes")
    assert {path: path.read_bytes() for path in Path("plans").rglob("*.yaml")} == files


@pytest.mark.parametrize(
    ("example", "plan"),
    [("january-2026", "city-2026"), ("january-2026", "long-bien-2026"), ("reform-2026", "ha-noi-2026"), ("reform-2026", "bo-de-2026")],
)
def test_an_unchanged_form_of_an_example_plan_leaves_it_byte_for_byte(tmp_path, monkeypatch, example, plan):
    """The examples' plans too: the January drafts, the city's 2026 plan in its new units (its
    table of every ward and commune) and a new ward's."""
    shutil.copytree(ROOT / "examples" / example, tmp_path / example)
    shutil.copytree(PLANS / "2025", tmp_path / example / "plans" / "2025")
    monkeypatch.chdir(tmp_path / example)
    files = {path: path.read_bytes() for path in Path("plans").rglob("*.yaml")}
    path = form(plan)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output  # a January draft below what the city assigned too: nothing to write
    assert result.stdout.strip() == f"{plans_file(plan)}: nothing changes"
    assert {path: path.read_bytes() for path in Path("plans").rglob("*.yaml")} == files


def test_a_ward_fills_its_plan_in_excel_and_it_validates(repository):
    plan = ward(repository)
    original = plan.read_text(encoding="utf-8")
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    general, targets, schedule = workbook["Thông tin chung"], workbook["Chỉ tiêu"], workbook["Phụ lục 1"]
    rows = rows_of(general)
    general.cell(rows["document/issuer"], 2).value = "UBND phường Ngọc Thụy"
    general.cell(rows["document/title"], 2).value = "Triển khai thực hiện công tác Dân số và Phát triển phường Ngọc Thụy năm 2025"
    general.cell(rows["goals/0"], 2).value = "Duy trì vững chắc mức sinh thay thế: nâng cao chất lượng dân số"
    rows = rows_of(targets)
    targets.cell(rows["targets/12"], 6).value = 2000  # condoms: typed a number, above the 1.900 assigned
    percent = targets.cell(rows["targets/6"], 6)  # prenatal screening, typed 92% in a percent cell
    percent.value, percent.number_format = 0.92, "0%"
    targets.cell(rows["targets/1"], 6).value = "2,9"  # the third-child rate: a decimal comma, kept as text
    rows = rows_of(schedule)
    row = rows["appendices/0/sections/0/rows/0"]
    schedule.cell(row, 2).value = "Xây dựng kế hoạch triển khai thực hiện công tác dân số năm 2025"
    schedule.cell(row, 3).value = "Tháng 1/2025"
    schedule.cell(row, 4).value = "UBND phường"
    workbook.save("ngoc-thuy.xlsx")
    result = run("import", "ngoc-thuy.xlsx")
    assert result.exit_code == 0, result.output
    assert "wrote plans/2025/ngoc-thuy-2025.yaml" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Checked 1 file, 1 plan, 1 parent→child edge") and "0 errors, 0 warnings" in result.stdout
    assert plan.read_text(encoding="utf-8") == replaced(
        original,
        ("  issuer: UBND … Ngọc Thụy", "  issuer: UBND phường Ngọc Thụy"),
        ("  title: Triển khai thực hiện công tác Dân số và Phát triển … Ngọc Thụy năm 2025",
         "  title: Triển khai thực hiện công tác Dân số và Phát triển phường Ngọc Thụy năm 2025"),
        ("  - …", '  - "Duy trì vững chắc mức sinh thay thế: nâng cao chất lượng dân số"'),
        ("    value: 3.04  # quận Long Biên giao 3,04% (kế hoạch long-bien, Phụ lục 2)",
         "    value: 2.9  # quận Long Biên giao 3,04% (kế hoạch long-bien, Phụ lục 2)"),
        ("    value: 90  # quận Long Biên giao 90% (kế hoạch long-bien, Phụ lục 2)",
         "    value: 92  # quận Long Biên giao 90% (kế hoạch long-bien, Phụ lục 2)"),
        ("    value: 1900  # quận Long Biên giao 1.900 người (kế hoạch long-bien, Phụ lục 2)",
         "    value: 2000  # quận Long Biên giao 1.900 người (kế hoạch long-bien, Phụ lục 2)"),
        ("            content: …", "            content: Xây dựng kế hoạch triển khai thực hiện công tác dân số năm 2025"),
        ("            time: …", "            time: Tháng 1/2025"),
        ("            lead: …", "            lead: UBND phường"),
    )
    assert run("validate", str(plan)).exit_code == 0
    again = run("import", "ngoc-thuy.xlsx")  # the same form again: the plan already holds it
    assert again.exit_code == 0 and "nothing changes" in again.stdout


def test_new_tasks_typed_in_the_blank_rows_are_appended_to_their_sections(repository):
    plan = ward(repository)
    original = plan.read_text(encoding="utf-8")
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    schedule = workbook["Phụ lục 1"]
    rows = rows_of(schedule)
    for key, task in (
        ("appendices/0/sections/0/rows/new/0", ["Giao chỉ tiêu tới các tổ dân phố", "Tháng 2/2025", "UBND phường", None]),
        ("appendices/0/sections/1/rows/new/0", ["Tuyên truyền về dân số trên loa phường", "Hàng tháng", "UBND phường", None]),
        ("appendices/0/sections/1/rows/new/2", ["Hội thi: tuyên truyền viên giỏi", "Tháng 7/2025", "UBND phường", "Trạm Y tế"]),
    ):
        for column, value in enumerate(task, 2):
            schedule.cell(rows[key], column).value = value
    workbook.save("ngoc-thuy.xlsx")
    result = run("import", "ngoc-thuy.xlsx")
    assert result.exit_code == 0, result.output
    assert plan.read_text(encoding="utf-8") == replaced(
        original,
        ("            lead: …", "\n".join([
            "            lead: …",
            '          - number: "2"',
            "            content: Giao chỉ tiêu tới các tổ dân phố",
            "            time: Tháng 2/2025",
            "            lead: UBND phường",
        ])),
        ('        title: "Công tác truyền thông, giáo dục chuyển đổi hành vi về dân số"\n        rows: []',
         "\n".join([
            '        title: "Công tác truyền thông, giáo dục chuyển đổi hành vi về dân số"',
            "        rows:",
            '          - number: "1"',
            "            content: Tuyên truyền về dân số trên loa phường",
            "            time: Hàng tháng",
            "            lead: UBND phường",
            '          - number: "2"',
            '            content: "Hội thi: tuyên truyền viên giỏi"',
            "            time: Tháng 7/2025",
            "            lead: UBND phường",
            "            partners: Trạm Y tế",
         ])),
    )
    again = run("import", "ngoc-thuy.xlsx")  # imported twice: the tasks are not added again
    assert again.exit_code == 0 and again.stdout.strip() == "plans/2025/ngoc-thuy-2025.yaml: nothing changes"


def test_a_new_task_without_its_time_is_F011(repository):
    plan = ward(repository)
    before = plan.read_bytes()
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    schedule = workbook["Phụ lục 1"]
    row = rows_of(schedule)["appendices/0/sections/2/rows/new/0"]
    schedule.cell(row, 2).value = "Cung cấp dịch vụ kế hoạch hóa gia đình"
    schedule.cell(row, 4).value = "Trạm Y tế"
    workbook.save("ngoc-thuy.xlsx")
    result = run("import", "ngoc-thuy.xlsx")
    assert result.exit_code == 1 and plan.read_bytes() == before
    assert result.stdout.splitlines()[0] == (
        f"ngoc-thuy.xlsx:Phụ lục 1!C{row}: F011 a new task needs its content, time and lead: type this one too, or clear the row"
    )


def test_dry_run_shows_the_change_and_writes_nothing(repository):
    plan = ward(repository)
    before = plan.read_bytes()
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    targets = workbook["Chỉ tiêu"]
    targets.cell(rows_of(targets)["targets/12"], 6).value = 2000
    workbook.save("ngoc-thuy.xlsx")
    result = run("import", "ngoc-thuy.xlsx", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+    value: 2000  # quận Long Biên giao 1.900 người (kế hoạch long-bien, Phụ lục 2)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "dry run: nothing was written"
    assert plan.read_bytes() == before
    result = run("import", "ngoc-thuy.xlsx", "--into", "results")
    assert result.exit_code == 2 and "--into is for a results form" in result.output


def test_a_ward_below_what_it_was_assigned_is_refused_with_C001(repository):
    plan = ward(repository)
    original = plan.read_bytes()
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    targets = workbook["Chỉ tiêu"]
    targets.cell(rows_of(targets)["targets/12"], 6).value = 1800
    workbook.save("ngoc-thuy.xlsx")
    result = run("import", "ngoc-thuy.xlsx")
    assert result.exit_code == 1
    assert "not written: after the change the plans would not validate:" in result.stdout
    assert re.search(r"plans/2025/ngoc-thuy-2025\.yaml:\d+:\d+: C001 ", result.stdout), result.stdout
    assert plan.read_bytes() == original


def test_a_district_changes_a_wards_quota_and_its_total_follows(repository):
    plan = Path("plans/2025/long-bien.yaml")
    original = plan.read_text(encoding="utf-8")
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    table = workbook["Phụ lục 2"]
    rows = rows_of(table)
    table.cell(rows["appendices/1/rows/1"], 11).value = 90  # Ngọc Lâm's IUD quota: 85 -> 90 (column K)
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert plan.read_text(encoding="utf-8") == replaced(
        original,
        ('      - {tt: "2", name: Ngọc Lâm, values: [0.00, 0.82, 20, 100, 86.0, 88.0, 90, 95, 85, 1, 1, 535, 1700, 74.0]}',
         '      - {tt: "2", name: Ngọc Lâm, values: [0.00, 0.82, 20, 100, 86.0, 88.0, 90, 95, 90, 1, 1, 535, 1700, 74.0]}'),
        ("      - {name: Toàn quận, total: true, values: [0.00, 2.21, 258, 100, 86.0, 88.0, 90, 95, 1100, 13, 13, 5440, 18550, 74.0]}",
         "      - {name: Toàn quận, total: true, values: [0.00, 2.21, 258, 100, 86.0, 88.0, 90, 95, 1105, 13, 13, 5440, 18550, 74.0]}"),
    )
    assert "0 errors" in result.stdout.splitlines()[-1]


def test_a_formula_in_a_quota_cell_is_read_by_the_value_excel_computed(repository):
    plan = Path("plans/2025/long-bien.yaml")
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    table = workbook["Phụ lục 2"]
    row = rows_of(table)["appendices/1/rows/1"]
    table.cell(row, 11).value = "=80+10"
    workbook.save(path)
    before = plan.read_bytes()
    result = run("import", str(path))  # saved by openpyxl: no value computed yet
    assert result.exit_code == 1 and plan.read_bytes() == before
    assert result.stdout.splitlines()[0] == (
        f"form.xlsx:Phụ lục 2!K{row}: F006 a formula (=80+10) whose value Excel has not computed: open the workbook in Excel"
        " and save it, or type the figure itself"
    )
    with_cached(path, 4, f"K{row}", "90")  # as Excel saves it
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "values: [0.00, 0.82, 20, 100, 86.0, 88.0, 90, 95, 90, 1, 1, 535, 1700, 74.0]" in plan.read_text(encoding="utf-8")


def test_a_total_typed_over_its_formula_that_does_not_add_up_is_F010(repository):
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    table = workbook["Phụ lục 2"]
    total = rows_of(table)["appendices/1/rows/13"]
    result = run("import", str(path))  # as written: the total's value beside its formula
    assert result.exit_code == 0 and "nothing changes" in result.stdout
    workbook = openpyxl.load_workbook(path)
    workbook["Phụ lục 2"].cell(rows_of(workbook["Phụ lục 2"])["appendices/1/rows/0"], 11).value = 120
    workbook.save(path)
    with_cached(path, 4, f"K{total}", "1100")  # a stale total: not the rows' sum
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"form.xlsx:Phụ lục 2!K{total}: F010 the total 1,100 is not the sum of its rows (1,120): the total is a formula, put"
        " it back (=SUM) rather than typing over it"
    )


def test_a_district_raising_a_wards_quota_above_its_plan_is_refused_with_C001(repository):
    ward(repository)
    path = form("long-bien")
    before = Path("plans/2025/long-bien.yaml").read_bytes()
    workbook = openpyxl.load_workbook(path)
    table = workbook["Phụ lục 2"]
    table.cell(rows_of(table)["appendices/1/rows/0"], 15).value = 2000  # Ngọc Thụy's condoms (column O), its plan says 1.900
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert re.search(r"plans/2025/ngoc-thuy-2025\.yaml:\d+:\d+: C001 ", result.stdout), result.stdout
    assert Path("plans/2025/long-bien.yaml").read_bytes() == before


def test_an_inserted_row_is_reported_at_its_cell_and_nothing_is_written(repository):
    path = form("long-bien")
    before = Path("plans/2025/long-bien.yaml").read_bytes()
    workbook = openpyxl.load_workbook(path)
    table = workbook["Phụ lục 2"]
    row = rows_of(table)["appendices/1/rows/2"]
    table.insert_rows(row)
    table.cell(row, 2).value = "Phường mới"
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"form.xlsx:Phụ lục 2!B{row}: F004 row {row} should hold appendices/1/rows/2; it is now in row {row + 1}: rows must not be"
        " inserted, deleted or moved (write the form again with `dansokh form --plan PLAN` if the plan needs another row)"
    )
    assert lines[-1].startswith("Nothing written:")
    assert Path("plans/2025/long-bien.yaml").read_bytes() == before


def test_a_row_typed_below_the_table_is_reported_at_its_cell(repository):
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    table = workbook["Phụ lục 2"]
    below = max(rows_of(table).values()) + 1
    table.cell(below, 2).value = "Phường mới"
    table.cell(below, 11).value = 50
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"form.xlsx:Phụ lục 2!B{below}: F004 typed outside the form's cells, so not read: B{below} ('Phường mới'); type each figure in its yellow cell, or delete this",
        f"form.xlsx:Phụ lục 2!K{below}: F004 typed outside the form's cells, so not read: K{below} (50); type each figure in its yellow cell, or delete this",
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.900", "F007 '1.900' is typed as text: a dot is a thousands separator; type the figure without it (1900), as a number"),
        ("hai nghìn", "F007 'hai nghìn' is not a number: type the figure as a number (the cell is formatted as text, or holds words)"),
        (None, "F011 the cell is empty, but the plan needs a value here: type it (the form showed 1,900)"),
        (1e20, "F007 100000000000000000000 is not a figure dansokh takes: at most 15 digits before the decimal point and 6 after it"),
        (True, "F007 TRUE is not a number: type the figure as a number"),
        ("50%", "F007 50% is typed as a percentage, but this is a count: format the cell as a number and type the count"),
    ],
)
def test_a_target_that_is_not_a_figure_is_reported_at_its_cell(repository, typed, message):
    plan = ward(repository)
    before = plan.read_bytes()
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    targets = workbook["Chỉ tiêu"]
    row = rows_of(targets)["targets/12"]
    targets.cell(row, 6).value = typed
    workbook.save("ngoc-thuy.xlsx")
    result = run("import", "ngoc-thuy.xlsx")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"ngoc-thuy.xlsx:Chỉ tiêu!F{row}: {message}"
    assert plan.read_bytes() == before


def test_a_plan_changed_after_its_form_was_written_is_not_overwritten(repository):
    plan = ward(repository)
    workbook = openpyxl.load_workbook("ngoc-thuy.xlsx")
    targets = workbook["Chỉ tiêu"]
    row = rows_of(targets)["targets/12"]
    targets.cell(row, 6).value = 2000
    workbook.save("ngoc-thuy.xlsx")
    plan.write_text(plan.read_text(encoding="utf-8").replace("value: 1900 ", "value: 1950 "), encoding="utf-8")
    before = plan.read_bytes()
    result = run("import", "ngoc-thuy.xlsx")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"ngoc-thuy.xlsx:Chỉ tiêu!F{row}: F003 the plan no longer holds what the form showed here (1,900; it now holds 1950): it"
        " was changed after the form was written; write a new form with `dansokh form --plan ngoc-thuy-2025` and fill that"
    )
    assert plan.read_bytes() == before


def test_an_edited_hidden_sheet_is_F002(repository):
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    meta = workbook[META]
    meta["B6"] = "city"
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "form.xlsx:dansokh!C1: F002 the hidden sheet 'dansokh' was changed (its lines no longer match the check in C1): write a"
        " new form with `dansokh form --plan PLAN`"
    )


def test_a_macro_enabled_plan_form_is_refused_unopened(repository):
    path = form("long-bien")
    macro = Path("form.xlsm")
    path.rename(macro)
    result = run("import", str(macro))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("form.xlsm: F001 a macro-enabled workbook (.xlsm) is not accepted")


def test_the_form_is_protected_and_its_number_cells_validated(repository):
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Thông tin chung", "Chỉ tiêu", "Phụ lục 1", "Phụ lục 2", META]
    assert workbook[META].sheet_state == "veryHidden"
    table = workbook["Phụ lục 2"]
    rows = rows_of(table)
    assert all(workbook[name].protection.sheet for name in workbook.sheetnames)
    quota = table.cell(rows["appendices/1/rows/0"], 11)
    assert not quota.protection.locked and table.cell(rows["appendices/1/rows/0"], 2).protection.locked
    assert table.cell(rows["appendices/1/rows/13"], 11).value == f"=SUM(K{rows['appendices/1/rows/0']}:K{rows['appendices/1/rows/12']})"
    validated = {str(ref) for validation in table.data_validations.dataValidation for ref in validation.sqref.ranges}
    assert any(f"K{rows['appendices/1/rows/0']}" in ref for ref in validated)
    assert str(table.page_setup.paperSize) == table.PAPERSIZE_A4 and table.page_setup.orientation == "landscape"
    targets = workbook["Chỉ tiêu"]
    header = [cell.value for cell in targets[5]][:6]
    assert header == ["TT", "Chỉ tiêu", "Đơn vị tính", "Yêu cầu", "Thành phố Hà Nội giao", "Kế hoạch năm 2025"]
    screening = rows_of(targets)["targets/1"]
    assert [cell.value for cell in targets[screening]][1:6] == ["Tỷ lệ sàng lọc trước sinh (4 bệnh)", "%", "không thấp hơn", 87, 90]
    assert targets.cell(rows_of(targets)["targets/3"], 4).value == "không vượt quá"  # the sex ratio at birth


def test_form_takes_unit_and_period_or_plan_not_both(repository):
    result = run("form", "long-bien", "--period", "Q1", "--plan", "long-bien")
    assert result.exit_code == 2
    result = run("form", "long-bien")
    assert result.exit_code == 2 and "--plan PLAN" in result.output


def _walk_through(document: Path, folder: str, tmp_path: Path, **env: str) -> Path:
    """A document's "plan-form" walk-through: its first block in one shell from the repository's
    folder, the workbook filled by ``fill_ward`` where the officer fills it, then its second block."""
    from test_docs import _console_blocks, _environment, _region, assert_shows, run_script

    first, second = _console_blocks(_region(document.read_text(encoding="utf-8"), "plan-form"))
    home = tmp_path / "home"
    home.mkdir()
    for (command, shown), (output, status) in zip(first, run_script(first, ROOT, _environment(home, **env))):
        assert status == 0, (command, output)
        assert_shows(shown, output)
    fill_ward(home / folder / "ngoc-thuy.xlsx")
    for (command, shown), (output, status) in zip(second, run_script(second, home / folder, _environment(home, **env))):
        assert status == 0, (command, output)
        assert_shows(shown, output)
    return home / folder / "plans" / "2025" / "ngoc-thuy-2025.yaml"


@pytest.mark.slow
def test_the_officers_guide_plan_in_excel_walk_through_runs_as_written(tmp_path):
    from test_docs import GUIDE

    plan = _walk_through(GUIDE, "ke-hoach-excel", tmp_path, DANSOKH_LANG="vi")
    assert "    value: 2000  # quận Long Biên giao 1.900 người (kế hoạch long-bien, Phụ lục 2)\n" in plan.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_readme_plan_in_excel_walk_through_runs_as_written(tmp_path):
    from test_docs import README

    plan = _walk_through(README, "excel", tmp_path)
    assert "  issuer: UBND phường Ngọc Thụy\n" in plan.read_text(encoding="utf-8")


def test_a_hidden_sheet_naming_a_place_the_form_never_fills_is_refused(repository):
    """The check in C1 is a digest anyone can recompute: a description sealed again that points a
    cell at the plan's id is refused all the same, and the plan is untouched."""
    from dansokh.read.form import seal

    plan = Path("plans/2025/long-bien.yaml")
    before = plan.read_bytes()
    path = form("long-bien")
    workbook = openpyxl.load_workbook(path)
    meta = workbook[META]
    line = next(row for row in range(1, meta.max_row + 1) if meta.cell(row, 3).value == "targets/0/value")
    meta.cell(line, 3).value = "id"
    meta.cell(line, 4).value = "text"
    lines = [tuple(meta.cell(row, column).value for column in range(1, 6) if (row, column) != (1, 3)) for row in range(1, meta.max_row + 1)]
    lines[0] = (meta["A1"].value, meta["B1"].value)
    meta["C1"] = seal(lines)
    workbook["Chỉ tiêu"].cell(rows_of(workbook["Chỉ tiêu"])["targets/0"], 6).value = "city"
    workbook.save(path)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"form.xlsx:dansokh!A{line}: F002 the hidden sheet 'dansokh' was changed (row {line} does not describe a cell of the"
        " form): write a new form with `dansokh form --plan PLAN`"
    )
    assert plan.read_bytes() == before


def test_whatever_a_person_types_in_a_plan_form_is_a_diagnostic_never_a_traceback(repository):
    """Seeded: text, dates, huge and tiny numbers, formulas, control characters and TRUE typed
    into random cells of Long Biên's form (inputs, labels, below the tables); import answers with
    exit 0 or 1 and the plan is either untouched or still a plan that validates."""
    import datetime as dt
    import random

    rng = random.Random(2025)
    path = form("long-bien")
    pristine = path.read_bytes()
    plan = Path("plans/2025/long-bien.yaml")
    original = plan.read_bytes()
    values = ["", " ", "3,5", "1.900", "85%", "=1/0", "=SUM(A1:A3)", "tab\there", "‮", 1e300, -5, 0.1, 10**20,
              dt.date(2025, 1, 15), True, "hai mươi", "…", "null", "- [x]", "{a: b}", "#", 12345678901234567890]
    for case in range(12):
        path.write_bytes(pristine)
        workbook = openpyxl.load_workbook(path)
        for _ in range(rng.randrange(1, 6)):
            sheet = workbook[rng.choice(workbook.sheetnames[:-1])]
            cell = sheet.cell(rng.randrange(1, sheet.max_row + 3), rng.randrange(1, sheet.max_column + 2))
            if not isinstance(cell, openpyxl.cell.cell.MergedCell):  # Excel does not type into a merged cell's hidden part either
                cell.value = rng.choice(values)
        workbook.save(path)
        result = run("import", str(path))
        assert result.exit_code in (0, 1), (case, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (case, result.output)
        if plan.read_bytes() != original:
            assert run("validate", str(plan)).exit_code == 0, case
            plan.write_bytes(original)
