"""Results against targets on the example repository (plans/ and examples/results-2025/):
loading and validating result files, roll-up sums, deadlines, completeness, progress figures
checked by hand, and `dansokh progress` in its three formats."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, ROOT, write_files
from dansokh.check.rules.results import impossible_figure, rate_parts_disagree
from dansokh.check.run import load_checked, validate
from dansokh.cli import app
from dansokh.model.catalogue import METHODS
from dansokh.model.periods import parse_period
from dansokh.model.result import Fault, Figure, figure_problems
from dansokh.results.progress import PaceError, progress, read_pace

EXAMPLES = ROOT / "examples" / "results-2025"
runner = CliRunner()


@pytest.fixture(scope="module")
def book():
    _, findings = load_checked([PLANS, EXAMPLES])
    return findings.book


@pytest.fixture
def example(in_tmp: Path) -> Path:
    """Copies of the plans and the example results, to change."""
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    return in_tmp


def test_the_example_repository_validates_with_exactly_its_two_warnings(in_tmp):
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "examples" / "results-2025")
    findings = validate([Path("plans"), Path("examples/results-2025")])
    assert [(d.code, d.file, d.span.line, d.message) for d in findings.diagnostics] == [
        ("K006", "examples/results-2025/Q1/gia-lam.yaml", 6,
         "Gia Lâm reported Q1 2025 on 14/04/2025, 5 days late: thành phố Hà Nội asks for it before 10/04/2025"),
        ("K005", "examples/results-2025/Q2/long-bien.yaml", 5,
         "Cự Khối (cu-khoi) has not reported for 6 months of 2025 (Q2); Long Biên's figures cannot be checked against its children"),
        ("U004", "plans/2025/bac-cuong.yaml", 29,
         "no 2025 plan of thành phố Lào Cai in this repository; what it assigned to phường Bắc Cường cannot be checked"),
    ]
    assert str(findings.diagnostics[0].related[0].span) == "plans/2025/city.yaml:283:28"
    assert str(findings.diagnostics[1].related[0].span) == "plans/2025/long-bien.yaml:43:5"
    summary = findings.summary
    assert (summary.files, summary.plans, summary.results, summary.errors) == (63, 5, 58, 0)


def test_every_example_result_is_labelled_illustrative():
    files = sorted(EXAMPLES.rglob("*.yaml"))
    assert len(files) == 58
    for path in files:
        assert 'note: "Số liệu minh họa: không văn bản nguồn nào công bố kết quả này' in path.read_text(encoding="utf-8"), path
    assert not [p for p in PLANS.rglob("*.yaml") if "kind: result" in p.read_text(encoding="utf-8")]
    assert "illustrative" in (EXAMPLES / "README.md").read_text(encoding="utf-8")


# --- roll-up sums ---------------------------------------------------------------------------


def _figures(book, unit, period):
    return {f.indicator: f for f in book.result(unit, 2025, period).result.figures}


def test_long_bien_counts_are_the_sums_of_its_thirteen_wards(book):
    wards = [u.id for u in book.children("long-bien")]
    assert len(wards) == 13
    district = _figures(book, "long-bien", "Q1")
    for indicator in ("new_users_iud", "new_users_pill", "new_users_condom", "direct_communication_sessions", "new_users_total"):
        assert district[indicator].value == sum(_figures(book, w, "Q1")[indicator].value for w in wards), indicator
    for indicator in ("prenatal_screening", "elderly_checkup", "cpr_modern"):
        assert district[indicator].numerator == sum(_figures(book, w, "Q1")[indicator].numerator for w in wards)
        assert district[indicator].denominator == sum(_figures(book, w, "Q1")[indicator].denominator for w in wards)
    assert district["new_users_iud"].value == 256 and district["prenatal_screening"].numerator == 1515


def test_the_citys_new_users_are_the_sums_of_its_thirty_districts(book):
    districts = [u.id for u in book.children("ha-noi")]
    assert len(districts) == 30
    city = _figures(book, "ha-noi", "Q1")
    for method in ("new_users_total",) + METHODS[:5]:
        assert city[method].value == sum(_figures(book, d, "Q1")[method].value for d in districts), method
    total = city["new_users_total"].value
    assert total == sum(city[m].value for m in METHODS[:5])


def test_a_sum_that_does_not_add_up_is_K004_at_the_parents_figure(example):
    path = example / "results" / "Q1" / "long-bien.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("new_users_iud, value: 256}", "new_users_iud, value: 260}"), encoding="utf-8")
    findings = validate([Path("plans"), Path("results")])
    k004 = [d for d in findings.diagnostics if d.code == "K004"]
    # the district no longer adds up to its wards, and the city (whose districts include Long Biên) to its districts
    assert [(d.file, d.span.line, d.message) for d in k004] == [
        ("results/Q1/ha-noi.yaml", 17,
         "Dụng cụ tử cung (đặt vòng): Hà Nội reports 8,918 for Q1 2025, but its 30 children's reports add up to 8,922"),
        ("results/Q1/long-bien.yaml", 20,
         "Dụng cụ tử cung (đặt vòng): Long Biên reports 260 for Q1 2025, but its 13 children's reports add up to 256"),
    ]


# --- deadlines and completeness ---------------------------------------------------------------


def test_deadlines_come_from_the_plan_that_asks_for_the_report(book):
    due, plan = book.due("gia-lam", 2025, "Q1")
    assert (due.before, plan.plan.id) == ("2025-04-10", "city")
    assert book.due("long-bien", 2025, "Y")[0].before == "2025-12-15"
    assert book.due("long-bien", 2025, "Q4")[0].before == "2026-01-10"
    assert book.due("ngoc-thuy", 2025, "Q1") is None  # Long Biên asks for periodic reports, without dates
    assert book.due("ha-noi", 2025, "Q1") is None  # no parent in the repository
    assert book.due("bac-cuong", 2025, "Q1") is None  # its parent's plan is not in the repository


def test_completeness_and_timeliness_of_the_citys_first_quarter(book):
    city = progress(book, book.repo.unit("ha-noi"), 2025, "Q1")
    assert len(city.children) == 30 and city.missing == []
    assert [c.unit.id for c in city.late] == ["gia-lam"] and city.on_time == 29


def test_completeness_of_long_biens_six_months(book):
    district = progress(book, book.repo.unit("long-bien"), 2025, "Q2")
    assert [c.unit.id for c in district.missing] == ["cu-khoi"]
    assert district.children[0].unit.id == "cu-khoi" and district.children[0].status == "not reported"
    assert district.on_time == 12 and district.late == []  # the wards have no due date to be late for


def test_a_missing_ward_is_named_and_a_late_district_counted(example):
    (example / "results" / "Q1" / "thach-ban.yaml").unlink()
    findings = validate([Path("plans"), Path("results")])
    assert [(d.code, d.file, d.span.line) for d in findings.diagnostics if d.code in ("K004", "K005")] == [
        ("K005", "results/Q1/long-bien.yaml", 5),
        ("K005", "results/Q2/long-bien.yaml", 5),
    ]
    assert "Thạch Bàn (thach-ban) has not reported for Q1 2025" in findings.diagnostics[0].message or any(
        "Thạch Bàn (thach-ban) has not reported for Q1 2025" in d.message for d in findings.diagnostics
    )


# --- progress, checked by hand ----------------------------------------------------------------


def _line(unit_progress, indicator):
    return next(line for line in unit_progress.lines if line.indicator == indicator)


def test_progress_of_the_ward_ngoc_thuy_in_the_first_quarter_by_hand(book):
    ward = progress(book, book.repo.unit("ngoc-thuy"), 2025, "Q1").unit
    # Long Biên assigned Ngọc Thụy 100 IUD users for the year; 24 by the end of March:
    # 24 / 100 = 24 % of the target, a linear pace expects 3/12 = 25 %: behind by 1 point.
    iud = _line(ward, "new_users_iud")
    assert (iud.target, iud.result, iud.achieved, iud.expected, iud.verdict) == (
        Decimal(100), Decimal(24), Decimal(24), Decimal(25), "behind")
    assert iud.gap == Decimal(-1)
    # prenatal screening 92 % (138 of 150 women) against 90 %: a rate is held to its level all year
    screening = _line(ward, "prenatal_screening")
    assert (screening.result, screening.expected, screening.verdict) == (Decimal(92), Decimal(100), "achieved")
    assert screening.achieved.quantize(Decimal("0.01")) == Decimal("102.22")  # 92 / 90
    # the pill: 139 of 545 = 25,50 % against 25 %: on track
    pill = _line(ward, "new_users_pill")
    assert (pill.result, pill.verdict) == (Decimal(139), "on track")
    assert pill.achieved.quantize(Decimal("0.01")) == Decimal("25.50")
    # all new users: the sum of the methods assigned, 100 + 1 + 1 + 545 + 1.900 = 2.547
    assert _line(ward, "new_users_total").target == Decimal(2547)
    # the third-child rate is a ceiling: 3 % (3 of 100 births) under 3,04 % is achieved
    third = _line(ward, "third_child_rate")
    assert (third.target, third.result, third.verdict, third.achieved) == (Decimal("3.04"), Decimal(3), "achieved", None)


def test_progress_of_the_district_long_bien_at_six_months_by_hand(book):
    district = progress(book, book.repo.unit("long-bien"), 2025, "Q2").unit
    assert district.reported == "2025-07-08" and district.due == "2025-07-10" and not district.late
    # 521 IUD users of the 1.100 in Long Biên's table: 47,36 %, expected 6/12 = 50 %
    iud = _line(district, "new_users_iud")
    assert (iud.target, iud.result, iud.expected, iud.verdict) == (Decimal(1100), Decimal(521), Decimal(50), "behind")
    assert iud.achieved.quantize(Decimal("0.01")) == Decimal("47.36")
    # elderly check-ups accumulate through the year: 43,7 % of the elderly against 86 % is 50,81 % of it, on track
    elderly = _line(district, "elderly_checkup")
    assert elderly.verdict == "on track" and elderly.achieved.quantize(Decimal("0.01")) == Decimal("50.81")
    # the sex ratio at birth has a target (110) but no result in the report
    assert _line(district, "sex_ratio_at_birth").verdict == "no result"


def test_a_configured_pace_changes_what_is_expected():
    paces = read_pace({"new_users_iud": [10, 45, 80, 100], "prenatal_screening": "linear"})
    _, findings = load_checked([PLANS, EXAMPLES])
    district = progress(findings.book, findings.book.repo.unit("long-bien"), 2025, "Q2", paces).unit
    iud = _line(district, "new_users_iud")
    assert (iud.expected, iud.verdict, iud.pace) == (Decimal(45), "on track", "10/45/80/100")
    assert _line(district, "prenatal_screening").expected == Decimal(50)
    for wrong in ({"new_users_iud": [50, 40, 80, 100]}, {"new_users_iud": "fast"}, {"nothing": "linear"}):
        with pytest.raises(PaceError):
            read_pace(wrong)


def test_a_parent_without_its_own_report_is_its_childrens_sum(example):
    (example / "results" / "Q1" / "long-bien.yaml").unlink()
    _, findings = load_checked([Path("plans"), Path("results")])
    district = progress(findings.book, findings.book.repo.unit("long-bien"), 2025, "Q1").unit
    iud = _line(district, "new_users_iud")
    assert (iud.result, iud.source) == (Decimal(256), "children")


def test_periods_are_read_as_officers_write_them():
    assert [parse_period(t) for t in ("q1", "Quý II", "6m", "6 tháng", "9T", "year", "Y", "q5")] == [
        "Q1", "Q2", "Q2", "Q2", "Q3", "Y", "Y", None]


CODE_OF = {Fault.IMPOSSIBLE: impossible_figure.code, Fault.PARTS_DISAGREE: rate_parts_disagree.code}


@pytest.mark.parametrize(("figure", "expected"), [
    (Figure(indicator="new_users_iud", value=Decimal("2.5")), ["K001 value"]),
    (Figure(indicator="new_users_iud", value=Decimal(3), numerator=Decimal(1)), ["K001 numerator"]),
    (Figure(indicator="prenatal_screening", value=Decimal(101)), ["K001 value"]),
    (Figure(indicator="prenatal_screening", numerator=Decimal(5)), ["K001 indicator"]),
    (Figure(indicator="prenatal_screening", value=Decimal(90), numerator=Decimal(5)), ["K001 numerator"]),
    (Figure(indicator="prenatal_screening", numerator=Decimal(1), denominator=Decimal(0)), ["K001 denominator"]),
    (Figure(indicator="prenatal_screening", value=Decimal("88.5"), numerator=Decimal(23), denominator=Decimal(26)), []),
    (Figure(indicator="prenatal_screening", value=Decimal(88), numerator=Decimal(23), denominator=Decimal(26)), []),
    (Figure(indicator="prenatal_screening", value=Decimal("88.4"), numerator=Decimal(23), denominator=Decimal(26)), ["K002 value"]),
    (Figure(indicator="third_child_reduction", value=Decimal(-120)), ["K001 value"]),
    (Figure(indicator="third_child_reduction", value=Decimal("-0.2")), []),
    (Figure(indicator="sex_ratio_at_birth", value=Decimal("110.9"), numerator=Decimal(14870), denominator=Decimal(13409)), []),
    (Figure(indicator="cpr"), ["K001 indicator"]),
])
def test_what_is_possible_for_one_figure(figure, expected):
    assert [f"{CODE_OF[p.fault]} {p.field}" for p in figure_problems(figure)] == expected


# --- dansokh progress ------------------------------------------------------------------------


def test_progress_table_speaks_vietnamese_numbers(example):
    result = runner.invoke(app, ["--lang", "vi", "progress", "long-bien", "--period", "6m", "--results", "results"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "6 tháng đầu năm 2025" in out and "1.100" in out and "47,4%" in out and "chậm" in out
    assert "Đã báo cáo: 12/13; đúng hạn: 12. Chưa báo cáo: Cự Khối." in out


def test_progress_json_and_csv_keep_english_verdicts_and_plain_numbers(example):
    result = runner.invoke(app, ["--lang", "vi", "progress", "Long Biên", "--period", "Q2", "--results", "results", "-f", "json"])
    assert result.exit_code == 0, result.output
    (document,) = json.loads(result.stdout)
    assert document["completeness"] == {"expected": 13, "reported": 12, "on_time": 12, "missing": ["cu-khoi"], "late": []}
    iud = next(line for line in document["lines"] if line["indicator"] == "new_users_iud")
    assert iud == {
        "indicator": "new_users_iud", "name": "Dụng cụ tử cung (đặt vòng)", "unit": "người", "direction": "floor",
        "target": "1100", "result": "521", "result_from": "reported", "achieved_percent": "47.4",
        "expected_percent": "50.0", "pace": "linear", "verdict": "behind", "gap_points": "-2.6",
    }
    assert [c["unit"] for c in document["children"]][0] == "cu-khoi"
    result = runner.invoke(app, ["progress", "ngoc-thuy", "--period", "Q1", "--results", "results", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    iud = next(row for row in rows if row["indicator"] == "new_users_iud")
    assert (iud["target"], iud["result"], iud["achieved_percent"], iud["verdict"]) == ("100", "24", "24.0", "behind")


def test_fail_behind_makes_progress_exit_1_for_ci(example):
    assert runner.invoke(app, ["progress", "long-bien", "--period", "Q2", "--results", "results"]).exit_code == 0
    assert runner.invoke(app, ["progress", "long-bien", "--period", "Q2", "--results", "results", "--fail-behind"]).exit_code == 1


def test_progress_of_every_unit_by_default(example):
    result = runner.invoke(app, ["progress", "--period", "Q1", "--results", "results", "-f", "json"])
    assert result.exit_code == 0, result.output
    units = [p["unit"] for p in json.loads(result.stdout)]
    assert units[0] == "ha-noi" and "long-bien" in units and "ngoc-thuy" in units and "bac-cuong" in units
    assert len(units) == 1 + 30 + 13 + 1


def test_progress_usage_errors(example):
    result = runner.invoke(app, ["progress", "Atlantis", "--period", "Q1"])
    assert result.exit_code == 2 and "matches no plan" in result.stderr
    result = runner.invoke(app, ["progress", "long-bien", "--period", "Q7"])
    assert result.exit_code == 2 and "--period 'Q7'" in result.stderr
    write_files(example, {"dansokh.toml": '[pace]\nnew_users_iud = "fast"\n'})
    result = runner.invoke(app, ["progress", "long-bien", "--period", "Q1", "--results", "results"])
    assert result.exit_code == 2 and "pace of new_users_iud" in result.stderr


def test_the_result_schema_accepts_every_example_and_names_the_periods():
    import jsonschema
    from ruamel.yaml import YAML

    result = runner.invoke(app, ["schema", "--results"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "dansokh result"
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        data = json.loads(json.dumps(YAML(typ="safe").load(path.read_text(encoding="utf-8")), default=float))
        assert list(validator.iter_errors(data)) == [], path
    assert not validator.is_valid({"kind": "result", "unit": "an", "year": 2025, "period": "Q5", "reported": "2025-04-01"})
