"""The real plans, mutated the way a user's mistake would: the right error at the right line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import check_tuples, line_of, run
from dansokh.cli import app

CITY = "plans/2025/city.yaml"
LONG_BIEN = "plans/2025/long-bien.yaml"
OUTSIDE = ("U004", "plans/2025/bac-cuong.yaml", 29)  # Lào Cai city is not among the sources


def mutate(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].count(old) == 1, lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def test_the_real_plans_validate_clean(real_plans, golden):
    result = CliRunner().invoke(app, ["validate", "plans/"])
    assert result.exit_code == 0, result.output
    golden("validate-real-plans.txt", result.output)


def test_a_target_lowered_below_the_city_assignment(real_plans):
    """Hà Nội assigned Long Biên 87 % prenatal screening; Long Biên's plan says 90 %."""
    plan = real_plans / "2025" / "long-bien.yaml"
    line = line_of(plan, "value: 90", after="indicator: prenatal_screening")
    mutate(plan, line, "90", "86")
    result = run(["plans"])
    assert check_tuples(result) == [OUTSIDE, ("C001", LONG_BIEN, line), ("T006", LONG_BIEN, line)]
    below = result.diagnostics[1]
    assert "Tỷ lệ sàng lọc trước sinh (4 bệnh): quận Long Biên sets 86%, below the 87% that thành phố Hà Nội assigned to it (not met, short by 1 percentage point)" == below.message
    assert [(r.span.file, r.span.line) for r in below.related] == [(CITY, line_of(real_plans / "2025" / "city.yaml", 'name: Long Biên, values: [0.00'))]


def test_one_district_condom_quota_breaks_the_city_totals(real_plans):
    """Ba Đình's condom quota 15.500 -> 15.600: the "Tổng" row and Ba Đình's own total break."""
    city = real_plans / "2025" / "city.yaml"
    row = line_of(city, "name: Ba Đình, values: [18700")
    mutate(city, row, "15500]", "15600]")
    result = run(["plans"])
    total_row = line_of(city, "name: Tổng, total: true")
    assert check_tuples(result) == [OUTSIDE, ("T001", CITY, total_row), ("T002", CITY, row)]
    assert result.diagnostics[1].message == (
        "column 'Bao cao su': the total row says 280,700, but its rows sum to 280,800 (off by 100);"
        " correct the total or the row that is wrong"
    )
    assert result.diagnostics[2].message == "Ba Đình: the total 18,700 is not the sum of its methods, 18,800 (off by 100)"


def test_a_raised_assignment_the_district_does_not_carry(real_plans):
    """Long Biên's condom quota raised to 18.600 in the city's table: Long Biên's wards carry 18.550."""
    city = real_plans / "2025" / "city.yaml"
    row = line_of(city, "name: Long Biên, values: [24971")
    mutate(city, row, "18500]", "18600]")
    result = run(["plans"])
    lb = real_plans / "2025" / "long-bien.yaml"
    ward_total = line_of(lb, "name: Toàn quận")
    total_row = line_of(city, "name: Tổng, total: true")
    assert check_tuples(result) == [
        OUTSIDE,
        ("T001", CITY, total_row),
        ("T002", CITY, row),
        ("C001", LONG_BIEN, ward_total),
        ("C003", LONG_BIEN, ward_total),
    ]
    assert result.diagnostics[3].message == (
        "Bao cao su: quận Long Biên sets 18,550 persons, below the 18,600 persons that thành phố Hà Nội"
        " assigned to it (not met, short by 50 persons)"
    )
