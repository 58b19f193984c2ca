"""Results that contradict themselves are reported, never shown as if they were right (issue 19):
a total against its methods (K010), a report's date (K011), a reduction against its rates (K012),
a crosswalk's negative figure (W008), flows and stocks (K003), and `progress` / `render report`,
which refuse figures with errors unless --allow-errors, and then say so on the page."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, ROOT, write_files
from dansokh.check.examples import file_text
from dansokh.check.run import load_checked, validate
from dansokh.cli import app
from dansokh.model.catalogue import SHIPPED

EXAMPLES = ROOT / "examples" / "results-2025"
runner = CliRunner()


def district(tmp: Path, **changes: list[tuple[str, str]]) -> None:
    """The small district Đông of the rules' examples (check/examples.yaml), its wards An and Bình
    reporting Q1 (and An Q2); ``changes`` replace text in a base: ``an_q1=[(old, new)]``."""
    for base in ("district", "an-q1", "an-q2", "binh-q1", "d-q1"):
        spec = {"base": base, "replace": [list(c) for c in changes.get(base.replace("-", "_"), [])]}
        write_files(tmp, {f"{base}.yaml": file_text(spec)})


def found(code: str) -> list[tuple[str, int, int, str]]:
    return [(d.file, d.span.line, d.span.col, d.message) for d in validate([Path(".")]).diagnostics if d.code == code]


# --- K010: a total is the sum of its methods ---------------------------------------------------


def test_methods_adding_up_to_14000_against_a_total_of_1500_is_K010_at_the_total(in_tmp):
    district(in_tmp, an_q1=[("figures:\n", "figures:\n  - {indicator: new_users_total, value: 1500}\n  - {indicator: new_users_pill, value: 13988}\n")])
    assert found("K010") == [
        ("an-q1.yaml", 7, 41,
         "Số người áp dụng biện pháp tránh thai mới: the total 1,500 is not the sum of its methods, 14,000 (off by 12,500);"
         " correct the total or the method that is wrong"),
    ]


def test_a_total_of_600_against_methods_of_640_is_K010_and_an_exact_sum_is_not(in_tmp):
    district(in_tmp, an_q1=[("figures:\n", "figures:\n  - {indicator: new_users_total, value: 600}\n  - {indicator: new_users_pill, value: 628}\n")])
    assert [(f, line) for f, line, _c, _m in found("K010")] == [("an-q1.yaml", 7)]
    assert "the total 600 is not the sum of its methods, 640 (off by 40)" in found("K010")[0][3]
    district(in_tmp, an_q1=[("figures:\n", "figures:\n  - {indicator: new_users_total, value: 640}\n  - {indicator: new_users_pill, value: 628}\n")])
    assert found("K010") == []


def test_a_total_of_fifteen_digits_off_by_one_is_reported_off_by_one(in_tmp):
    district(
        in_tmp,
        an_q1=[("figures:\n", "figures:\n  - {indicator: new_users_total, value: 999999999999999}\n  - {indicator: new_users_pill, value: 999999999999975}\n")],
    )
    assert "(off by 12)" in found("K010")[0][3]  # 12 (IUD) + 999999999999975 = 999999999999987


# --- K011: the day a report is dated -----------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "message"),
    [
        ("2025-03-20", "Q1 2025 is reported on 20/03/2025, before 31/03/2025: a report is dated once its figures are complete"),
        ("2099-04-05", "Q1 2025 is reported on 05/04/2099, more than a year after the period ended: write the day the report was sent (by 31/03/2026)"),
        ("2026-04-01", "Q1 2025 is reported on 01/04/2026, more than a year after the period ended: write the day the report was sent (by 31/03/2026)"),
    ],
)
def test_a_report_dated_before_its_period_ends_or_in_2099_is_K011_at_the_date(in_tmp, reported, message):
    district(in_tmp, an_q1=[("2025-04-05", reported)])
    assert found("K011") == [("an-q1.yaml", 5, 11, message)]


def test_report_dates_on_the_periods_last_day_and_a_year_end_review_in_december_pass(in_tmp):
    district(in_tmp, an_q1=[("2025-04-05", "2025-03-31")], an_q2=[("period: Q2", "period: Y"), ("2025-07-03", "2025-12-10")])
    assert found("K011") == []


# --- K012: a reduction agrees with the rates it compares ---------------------------------------


def test_long_bien_q2_reporting_a_reduction_of_1_11_permille_while_the_rate_rose_is_K012(in_tmp):
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    path = in_tmp / "results" / "Q2" / "long-bien.yaml"
    text = path.read_text(encoding="utf-8")
    assert "{indicator: third_child_reduction, value: -0.2, unit: \"‰\"}" in text  # the example, made consistent
    path.write_text(text.replace("value: -0.2, unit", "value: 1.11, unit"), encoding="utf-8")
    diagnostics = [d for d in validate([Path("plans"), Path("results")]).diagnostics if d.code == "K012"]
    assert [(d.file, d.span.line, d.span.col, d.message) for d in diagnostics] == [
        ("results/Q2/long-bien.yaml", 10, 47,
         "Mức giảm tỷ lệ sinh con thứ 3 trở lên so với năm trước: 1.11‰ disagrees with the rates it compares: 2.21% last year"
         " and 2.23% for 6 months of 2025 (Q2) make a reduction of -0.20‰ (a rise is negative); correct the reduction or the rate"),
    ]
    assert [(str(r.span), r.message) for r in diagnostics[0].related] == [
        ("results/Q2/long-bien.yaml:11:42", "this year's rate"),
        ("plans/2025/long-bien.yaml:48:12", "the target that gives last year's rate (2024)")  # its own: 2.21 % with 0.00 ‰,
    ]


def test_a_reduction_within_the_rounding_of_its_rates_passes_and_one_beyond_it_does_not(in_tmp):
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    path = in_tmp / "results" / "Q2" / "long-bien.yaml"
    text = path.read_text(encoding="utf-8")
    # 2.21% - 2.23% = -0.2‰; each rate may be 0.005% (0.05‰) off, the reduction's target (0.00‰) and the reduction
    # 0.005‰ each: -0.31 … -0.09 agree
    for value, codes in (("-0.31", []), ("-0.09", []), ("-0.32", ["K012"]), ("-0.08", ["K012"])):
        path.write_text(text.replace("value: -0.2, unit", f"value: {value}, unit"), encoding="utf-8")
        assert [d.code for d in validate([Path("plans"), Path("results")]).diagnostics if d.code == "K012"] == codes, value


def test_last_years_year_end_result_is_the_rate_a_reduction_is_measured_against(in_tmp):
    reduction = "  - {indicator: third_child_reduction, value: 0.5}\n  - {indicator: third_child_rate, value: 2.0}\n"
    district(in_tmp, an_q1=[("figures:\n", "figures:\n" + reduction)])
    assert found("K012") == []  # no last year's rate: nothing to compare with
    last_year = file_text({"base": "an-q1", "replace": [["year: 2025", "year: 2024"], ["period: Q1", "period: Q4"], ["2025-04-05", "2025-01-05"],
                                                        ["figures:\n", "figures:\n  - {indicator: third_child_rate, value: 2.7}\n"]]})
    write_files(in_tmp, {"an-2024-q4.yaml": last_year, "d-2024.yaml": file_text({"base": "district", "replace": [["year: 2025", "year: 2024"], ["id: d\n", "id: d-2024\n"], ["2025-04-10", "2024-04-10"], ["2025-07-10", "2024-07-10"]]})})
    assert [(f, line, m) for f, line, _c, m in found("K012")] == [
        ("an-q1.yaml", 7,
         "Mức giảm tỷ lệ sinh con thứ 3 trở lên so với năm trước: 0.5% disagrees with the rates it compares: 2.7% last year"
         " and 2.0% for Q1 2025 make a reduction of 0.70% (a rise is negative); correct the reduction or the rate"),
    ]


def test_every_example_reduction_agrees_with_its_rates():
    _repo, findings = load_checked([PLANS, EXAMPLES])
    assert [d for d in findings.diagnostics if d.code == "K012"] == []
    checked = [loaded for loaded in findings.book.results if loaded.result.figure("third_child_reduction") and loaded.result.figure("third_child_rate")]
    assert len(checked) == 27  # Long Biên and its wards, Q1 and Q2: each one compared


# --- W008: a crosswalk's figures ---------------------------------------------------------------


def test_a_negative_by_figure_count_in_a_crosswalk_is_W008_at_the_cell(in_tmp):
    crosswalk = file_text({"base": "crosswalk", "replace": [["by: share", "by: figure"],
                                                            ["{unit: a, share: 0.25}", "{unit: a, figures: {new_users_iud: -5}}"],
                                                            ["{unit: b, share: 0.75}", "{unit: b, figures: {new_users_iud: 25}}"]]})
    write_files(in_tmp, {"p25.yaml": file_text({"base": "p2025"}), "p26.yaml": file_text({"base": "p2026"}), "crosswalks/p.yaml": crosswalk})
    assert found("W008") == [
        ("crosswalks/p.yaml", 10, 44, "Yên: the part that went to An gives Dụng cụ tử cung (đặt vòng) (new_users_iud) -5; a count carried is a whole number of zero or more"),
    ]
    write_files(in_tmp, {"crosswalks/p.yaml": crosswalk.replace("-5", "0").replace("25}", "20}")})
    assert found("W008") == []


def _split_by_figures(root: Path, part_a: str, part_b: str) -> None:
    crosswalk = file_text({"base": "crosswalk", "replace": [["by: share", "by: figure"],
                                                            ["{unit: a, share: 0.25}", "{unit: a, figures: {new_users_iud: " + str(part_a) + "}}"],
                                                            ["{unit: b, share: 0.75}", "{unit: b, figures: {new_users_iud: " + str(part_b) + "}}"]]})
    write_files(root, {"plans/p25.yaml": file_text({"base": "p2025"}), "plans/crosswalks/p.yaml": crosswalk})


@pytest.mark.parametrize(("part_a", "part_b"), [("2.5", "17.5"), ("-5", "25")], ids=["not whole", "negative"])
@pytest.mark.parametrize(
    ("command", "refused"),
    [(["crosswalk", "--carry", "p25"], "crosswalk --carry"), (["new", "--next", "p25", "--year", "2025"], "new --next")],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_no_figure_is_carried_through_a_crosswalk_with_errors(in_tmp, part_a, part_b, command, refused):
    _split_by_figures(in_tmp, part_a, part_b)
    result = runner.invoke(app, ["--lang", "en", *command])
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and not (in_tmp / "plans" / "p25-2026.yaml").exists()
    lines = result.stderr.splitlines()
    w008 = [line for line in lines if " W008 " in line]
    assert w008 and w008[0].startswith("plans/crosswalks/p.yaml:10:44: W008 Yên: the part that went to a gives Dụng cụ tử cung (đặt vòng) (new_users_iud) ")
    assert lines[-1] == (
        f"Nothing carried: plans/crosswalks/p.yaml has {len(w008)} error{'s' if len(w008) > 1 else ''};"
        f" correct {'them' if len(w008) > 1 else 'it'} (dansokh validate plans/crosswalks/p.yaml), or name another crosswalk with --crosswalk"
    )
    _split_by_figures(in_tmp, "5", "15")  # whole and not negative: carried
    result = runner.invoke(app, ["--lang", "en", *command])
    assert result.exit_code == 0, result.output
    assert "W008" not in result.stderr and (in_tmp / "plans" / "p25-2026.yaml").exists() == (refused == "new --next")


# --- K003: flows and stocks --------------------------------------------------------------------


def test_the_catalogue_says_which_figures_are_flows_and_which_are_stocks():
    stocks = {key for key, spec in SHIPPED.indicators.items() if not spec.is_flow("numerator")}
    assert stocks == {"cpr", "cpr_modern", "elderly_health_records", "average_population"}
    assert not SHIPPED.indicators["elderly_checkup"].is_flow("denominator")  # check-ups done, of the elderly population
    assert SHIPPED.indicators["elderly_checkup"].is_flow("numerator")
    assert SHIPPED.indicators["prenatal_screening"].is_flow("denominator")


STOCK_AND_FLOW = (
    "  - {indicator: cpr_modern, value: 70.0, numerator: 70, denominator: 100}\n"
    "  - {indicator: elderly_checkup, value: 20.0, numerator: 20, denominator: 100}\n"
)


def test_a_stock_that_falls_is_not_K003_and_a_flow_that_falls_still_is(in_tmp):
    fallen = (
        "  - {indicator: cpr_modern, value: 68.0, numerator: 68, denominator: 100}\n"  # fewer couples using a method: a stock
        "  - {indicator: elderly_checkup, value: 37.5, numerator: 36, denominator: 96}\n"  # fewer elderly: a stock
    )
    district(in_tmp, an_q1=[("figures:\n", "figures:\n" + STOCK_AND_FLOW)], an_q2=[("figures:\n", "figures:\n" + fallen)])
    assert found("K003") == []
    fewer_checkups = fallen.replace("value: 37.5, numerator: 36", "value: 18.8, numerator: 18")
    district(in_tmp, an_q1=[("figures:\n", "figures:\n" + STOCK_AND_FLOW)], an_q2=[("figures:\n", "figures:\n" + fewer_checkups)])
    assert [(f, line, m) for f, line, _c, m in found("K003")] == [
        ("an-q2.yaml", 8,
         "Tỷ lệ người cao tuổi được khám sức khỏe định kỳ: 18 for 6 months of 2025 (Q2) is less than the 20 reported for Q1 2025;"
         " cumulative figures never go down"),
    ]


def test_a_repositorys_catalogue_can_make_an_indicator_a_stock(in_tmp):
    district(in_tmp, an_q2=[("value: 20}", "value: 10}")])
    assert [(f, line) for f, line, _c, _m in found("K003")] == [("an-q2.yaml", 7)]
    write_files(in_tmp, {"dansokh.toml": 'catalogue = "catalogue.yaml"\n', "catalogue.yaml": "indicators:\n  - {key: new_users_iud, measure: stock}\n"})
    assert found("K003") == []
    write_files(in_tmp, {"catalogue.yaml": "indicators:\n  - {key: new_users_iud, measure: sometimes}\n"})
    assert [(d.code, d.file, d.span.line) for d in validate([Path(".")]).diagnostics if d.code.startswith("S")] == [("S003", "catalogue.yaml", 2)]


# --- progress and render report refuse figures with errors -------------------------------------


@pytest.fixture
def spoiled(in_tmp: Path) -> Path:
    """The plans and example results, with a ward's Q2 reporting -500 new condom users."""
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    path = in_tmp / "results" / "Q2" / "ngoc-thuy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("new_users_condom, value: 1082}", "new_users_condom, value: -500}"), encoding="utf-8")
    assert "value: -500}" in path.read_text(encoding="utf-8")
    return in_tmp


def test_progress_over_figures_with_errors_prints_them_and_exits_1(spoiled):
    result = runner.invoke(app, ["--lang", "en", "progress", "long-bien", "--period", "Q2", "--results", "results"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "results/Q2/ngoc-thuy.yaml:24:" in result.stderr and "K001" in result.stderr
    assert "Nothing shown: " in result.stderr and "give --allow-errors to show them marked as wrong" in result.stderr


def test_progress_with_allow_errors_shows_them_and_says_so_first(spoiled):
    result = runner.invoke(app, ["--lang", "en", "progress", "long-bien", "--period", "Q2", "--results", "results", "--allow-errors"])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("Warning: ") and "errors in the results or plans these figures come from (--allow-errors)" in first
    json = runner.invoke(app, ["--lang", "en", "progress", "long-bien", "--period", "Q2", "--results", "results", "--allow-errors", "-f", "json"])
    assert json.exit_code == 0 and json.stdout.startswith("[") and "Warning: " in json.stderr


def test_progress_json_and_csv_with_allow_errors_say_so_in_the_output_itself(spoiled):
    args = ["--lang", "en", "progress", "long-bien", "--period", "Q2", "--results", "results", "--allow-errors"]
    table = runner.invoke(app, args)
    warning = re.search(r"Warning: ([0-9]+) errors? ", table.stdout)
    assert warning is not None
    count = int(warning.group(1))
    assert count >= 1
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 0
    (document,) = json.loads(result.stdout)  # one valid document
    assert document["errors"] == count
    result = runner.invoke(app, [*args, "-f", "csv"])
    assert result.exit_code == 0
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert header[0] == "errors" and rows and {row[0] for row in rows} == {str(count)}
    assert all(len(row) == len(header) for row in rows)  # every row as wide as the header


def test_progress_json_and_csv_without_errors_say_zero(spoiled):
    args = ["--lang", "en", "progress", "gia-lam", "--period", "Q1", "--results", "results"]
    (document,) = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert document["errors"] == 0
    header, *rows = list(csv.reader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    assert header[0] == "errors" and rows and {row[0] for row in rows} == {"0"}


def test_errors_elsewhere_do_not_stop_a_units_progress(spoiled):
    result = runner.invoke(app, ["--lang", "en", "progress", "gia-lam", "--period", "Q1", "--results", "results"])
    assert result.exit_code == 0 and "Warning" not in result.stdout


def test_render_report_over_figures_with_errors_writes_nothing_and_exits_1(spoiled):
    result = runner.invoke(app, ["--lang", "en", "render", "report", "--plan", "long-bien", "--period", "Q2", "--results", "results", "-o", "out.md"])
    assert result.exit_code == 1
    assert not (spoiled / "out.md").exists()
    assert "K001" in result.stderr and "Nothing written: " in result.stderr and "render the report marked as wrong" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "html", "xlsx", "docx"])
def test_render_report_with_allow_errors_says_so_on_the_page(spoiled, fmt):
    out = f"out.{fmt}"
    result = runner.invoke(
        app, ["--lang", "en", "render", "report", "--plan", "long-bien", "--period", "Q2", "--results", "results", "-o", out, "--allow-errors"]
    )
    assert result.exit_code == 0, result.output
    line = "CẢNH BÁO: báo cáo này có số liệu sai: kiểm tra (dansokh validate) thấy"
    data = (spoiled / out).read_bytes()
    if fmt in ("md", "html"):
        assert line in data.decode("utf-8")
    elif fmt == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(spoiled / out)["Báo cáo"]
        assert any(line in str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    else:
        import docx

        document = docx.Document(str(spoiled / out))
        assert any(line in cell.text for table in document.tables for row in table.rows for cell in row.cells)


# --- the same rules when a form is imported --------------------------------------------------


def test_import_reports_a_bad_total_and_an_impossible_date_at_their_cells(tmp_path):
    import datetime as dt

    from dansokh.read.form import COLUMNS, FIELDS, FIRST_ROW
    from dansokh.render.form import form_spec, render_form
    from test_forms import fill, problems_of, saved

    _repo, findings = load_checked([PLANS, EXAMPLES])
    book = findings.book
    spec = form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1")
    rows = {line.indicator: FIRST_ROW + index for index, line in enumerate(spec.lines)}
    loaded = book.result("ngoc-thuy", 2025, "Q1")
    total, value = rows["new_users_total"], COLUMNS["value"]
    letter = "ABCDEFGHIJ"[value - 1]
    workbook = fill(render_form(spec), loaded.result, **{f"{letter}{total}": 1500, f"C{FIELDS['reported']}": dt.date(2099, 4, 5)})
    assert problems_of(saved(workbook, tmp_path / "f.xlsx"), book) == [
        "f.xlsx:Biểu mẫu!C6: K011 Q1 2025 is reported on 05/04/2099, more than a year after the period ended:"
        " write the day the report was sent (by 31/03/2026)",
        # the form's own code for the total (F010, the same check as K010, said in the form's rows)
        f"f.xlsx:Biểu mẫu!{letter}{total}: F010 the total 1,500 is not the sum of its rows 23–27 (614): correct the total or the rows",
    ]


def test_a_result_that_cannot_be_read_stops_progress_too(in_tmp):
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    assert runner.invoke(app, ["progress", "long-bien", "--period", "Q2", "--results", "results"]).exit_code == 0
    path = in_tmp / "results" / "Q2" / "ngoc-lam.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('period: "Q2"', 'period: "Q7"'), encoding="utf-8")
    result = runner.invoke(app, ["--lang", "en", "progress", "long-bien", "--period", "Q2", "--results", "results"])
    assert result.exit_code == 1 and "results/Q2/ngoc-lam.yaml:5:" in result.stderr


def test_progress_never_says_achieved_beside_behind_for_the_third_child_rate():
    from dansokh.results.progress import progress

    _repo, findings = load_checked([PLANS, EXAMPLES])
    book = findings.book
    pairs = []
    for period in ("Q1", "Q2"):
        shown = progress(book, book.repo.unit("long-bien"), 2025, period)
        for unit in [shown.unit, *shown.children]:
            verdicts = {line.indicator: line.verdict for line in unit.lines}
            if unit.reported and "third_child_reduction" in verdicts:
                pairs.append((unit.unit.id, period, verdicts["third_child_reduction"], verdicts["third_child_rate"]))
    assert len(pairs) == 27
    assert [p for p in pairs if (p[2] == "achieved") != (p[3] == "achieved")] == []
