"""`dansokh allocate`: the edge view on the real plans, starting a child's plan, splitting a quota."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import new_year, run
from dansokh.cli import app

runner = CliRunner()


def allocate(*args: str, lang: str = "en"):
    return runner.invoke(app, ["--lang", lang, "allocate", *args])


def lines_by_indicator(output: str) -> dict[str, dict]:
    return {line["indicator"]: line for line in json.loads(output)["lines"]}


def test_the_edge_city_to_long_bien_shows_the_sources_figures(real_plans):
    result = allocate("--from", "city", "--to", "long-bien", "--format", "json")
    assert result.exit_code == 0, result.output
    lines = lines_by_indicator(result.output)
    prenatal = lines["prenatal_screening"]
    assert (prenatal["assigned"], prenatal["own"], prenatal["verdict"]) == ("87", "90", "met")
    iud = lines["new_users_iud"]
    assert (iud["assigned"], iud["handed_sum"], iud["children"], iud["verdict"]) == ("1050", "1100", 13, "met")
    total = lines["new_users_total"]
    assert (total["assigned"], total["handed_sum"], total["margin"]) == ("24971", "25116", "145")
    elderly = lines["elderly_checkup"]
    assert (elderly["assigned"], elderly["own"], elderly["verdict"]) == ("86", "86", "met")
    assert list(lines) == [
        "third_child_reduction", "prenatal_screening", "newborn_screening", "premarital_checkup", "elderly_checkup",
        "new_users_iud", "new_users_implant", "new_users_injectable", "new_users_pill", "new_users_condom",
        "new_users_total",
    ]


@pytest.mark.parametrize("child", ["long-bien", "Long Biên", "long bien", "LONG BIÊN"])
def test_the_child_is_named_by_plan_id_unit_id_or_name(real_plans, child):
    result = allocate("--from", "Hà Nội", "--to", child, "--format", "csv")
    assert result.exit_code == 0, result.output
    header, first, *_ = result.stdout.splitlines()
    assert header.startswith("indicator,name,unit,direction,assigned,own")
    assert first.startswith("third_child_reduction,")
    # a name is resolved to a plan, and standard error says which
    assert "--from 'Hà Nội': plan city of thành phố Hà Nội, 2025" in result.stderr


def test_an_unknown_child_is_a_usage_error_naming_candidates(real_plans):
    result = allocate("--from", "city", "--to", "gia")
    assert result.exit_code == 2
    assert "did you mean Cầu Giấy, Gia Lâm?" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--from 'ngoc-thuy': Ngọc Thụy (ngoc-thuy) has no plan in this repository"),
        (("--year", "2025"), "--from 'ngoc-thuy': Ngọc Thụy (ngoc-thuy) has no 2025 plan"),
    ],
)
def test_splitting_for_a_unit_without_a_plan_says_so_once(real_plans, args, message):
    result = allocate("--from", "ngoc-thuy", "--split", "new_users_iud", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_the_table_writes_numbers_in_the_readers_language(real_plans):
    result = allocate("--from", "city", "--to", "long-bien", lang="vi")
    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if "Bao cao su" in line)
    assert [cell.strip() for cell in row.split("│")[2:-1]] == ["người", "tối thiểu", "18.500", "18.550", "18.550", "đạt, vượt 50 người"]
    screening = next(line for line in result.output.splitlines() if "sàng lọc trước sinh" in line)
    assert screening.split("│")[-2].strip() == "đạt, vượt 3 điểm %"
    english = allocate("--from", "city", "--to", "long-bien")
    row = next(line for line in english.output.splitlines() if "Bao cao su" in line)
    assert [cell.strip() for cell in row.split("│")[2:-1]] == ["persons", "floor", "18,500", "18,550", "18,550", "met, exceeded by 50 persons"]
    header = " ".join(english.output.split())
    assert "thành phố Hà Nội assigned" in header and "quận Long Biên sets" in header


def test_a_short_child_fails_the_run(real_plans):
    city = real_plans / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("Long Biên, values: [0.00, 87,", "Long Biên, values: [0.00, 92,"), encoding="utf-8")
    result = allocate("--from", "city", "--to", "long-bien", "--format", "json")
    assert result.exit_code == 1
    assert lines_by_indicator(result.output)["prenatal_screening"]["verdict"] == "not met"


@pytest.fixture
def january(real_plans: Path) -> Path:
    """A new year: the city's 2026 plan (its 2025 figures) has landed; Long Biên has a draft."""
    return new_year(real_plans)


def test_write_starts_the_childs_plan_from_the_assignment(january, golden):
    before = january.read_text(encoding="utf-8")
    assert [d.code for d in run(["plans"]).diagnostics if d.severity.value == "error"] == ["C001"]
    result = allocate("--from", "city-2026", "--to", "long-bien", "--write")
    assert result.exit_code == 0, result.output
    after = january.read_text(encoding="utf-8")
    golden("allocate/long-bien-2026-written.yaml", after)
    diff = result.output[result.output.index("--- a/"):]
    golden("allocate/long-bien-2026-written.diff", diff)
    # Every line of the draft is still there, unchanged but the one raised value.
    assert [line for line in before.splitlines() if line not in after.splitlines()] == ["    value: 80         # năm trước: 90"]
    assert "    value: 87         # năm trước: 90" in after.splitlines()
    assert not run(["plans"]).failed


def test_dry_run_shows_the_diff_and_writes_nothing(january):
    before = january.read_bytes()
    result = allocate("--from", "city-2026", "--to", "long-bien", "--write", "--dry-run")
    assert result.exit_code == 0
    assert "+    value: 87         # năm trước: 90" in result.output
    assert "dry run: nothing was written" in result.output
    assert january.read_bytes() == before


def test_write_never_lowers_a_target_that_meets_the_assignment(january):
    allocate("--from", "city-2026", "--to", "long-bien", "--write")
    after = january.read_text(encoding="utf-8")
    assert "  - indicator: newborn_screening\n    value: 95\n" in after  # 95 > the 91 assigned


def test_a_plan_with_other_errors_is_not_written(january):
    text = january.read_text(encoding="utf-8").replace("value: 95", "value: 195")  # T007: a rate over 100 %
    january.write_text(text, encoding="utf-8")
    result = allocate("--from", "city-2026", "--to", "long-bien", "--write")
    assert result.exit_code == 1
    assert "not written: plans/2026/long-bien-2026.yaml has 1 error(s) already" in result.output
    assert january.read_text(encoding="utf-8") == text


def test_split_a_quota_exactly_and_write_it_into_the_table(real_plans, golden):
    plan = real_plans / "2025" / "long-bien.yaml"
    before = plan.read_text(encoding="utf-8")
    result = allocate("--from", "long-bien", "--split", "new_users_iud", "--whole", "1200", "--format", "json", "--write")
    assert result.exit_code == 0, result.output
    proposal = json.loads(result.output[: result.output.index("\n}\n") + 3])
    parts = {row["name"]: row["proposed"] for row in proposal["rows"]}
    assert sum(parts.values()) == 1200
    assert parts["Ngọc Thuỵ"] == 109 and parts["Cự Khối"] == 71
    after = plan.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 14  # the 13 wards' rows and the district's row, nothing else
    assert len(before.splitlines()) == len(after.splitlines())
    golden("allocate/long-bien-split-iud.diff", result.output[result.output.index("--- a/"):])
    assert not run(["plans"]).failed


def test_minimums_above_the_whole_are_a_clear_error(real_plans):
    result = allocate("--from", "long-bien", "--split", "new_users_iud", "--whole", "100", "--min", "ngoc-thuy=80", "--min", "Bồ Đề=30")
    assert result.exit_code == 1
    assert "minimums (110) add up to 110, more than the whole 100" in " ".join(result.output.split())
