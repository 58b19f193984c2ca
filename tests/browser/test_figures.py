"""What the pages say about the results is what the result files say: the charts' values, and the
answer to "which wards are behind on IUD in Q2, and by how much?" two clicks from home."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .chromium import ROOT, dansokh
from .conftest import Tab
from .results import figures, reporting, unit_id


@pytest.mark.parametrize(("path", "page_unit", "periods"), [
    ("2025/long-bien.html", "long-bien", {"Q1", "Q2"}),  # a unit's results against its targets
    ("2025/city.html", "ha-noi", {"Q1"}),
    ("2025/indicators/new_users_iud.html", None, {"Q1", "Q2"}),  # one indicator across the units
])
def test_the_charts_values_are_the_results(tab: Tab, path: str, page_unit: str | None, periods: set[str]):
    """Every bar a chart draws carries the figure it draws (data-value), which is the figure of the
    result file of its unit, period and indicator, read here from the YAML; a bar without a
    figure is a unit or an indicator the file has no figure for."""
    page = tab.open(path)
    charts = page.locator("svg.chart")
    assert charts.count() > 0, "no chart"
    seen_periods, compared, units, indicators = set(), 0, set(), set()
    for index in range(charts.count()):
        chart = charts.nth(index)
        period = chart.get_attribute("data-period")
        assert period and chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
        seen_periods.add(period)
        drawn = chart.locator("[data-value]").evaluate_all(
            "marks => marks.map(m => [m.getAttribute('data-value'), m.getAttribute('data-unit'),"
            " m.getAttribute('data-indicator')])"
        )
        assert drawn, f"chart {index} of {period} draws no value"
        for value, unit, indicator in drawn:
            unit = unit_id(unit) if unit else page_unit
            indicator = indicator or chart.get_attribute("data-indicator")
            assert unit and indicator, (period, value)
            reported = figures(period, unit) if unit in reporting(period) else {}
            if value == "":
                assert indicator not in reported, (indicator, period, unit)
                continue
            assert re.fullmatch(r"-?\d+(\.\d+)?", value), value  # dot-decimal, for machines
            assert Decimal(value) == reported.get(indicator), (indicator, period, unit, value)
            compared += 1
            units.add(unit)
            indicators.add(indicator)
    assert seen_periods >= periods
    assert compared >= 10
    if page_unit is None:
        assert len(units) >= 10 and indicators == {"new_users_iud"}  # the wards, side by side
    else:
        assert units == {page_unit} and len(indicators) >= 10  # the unit's indicators


def progress_json(period: str) -> list[dict]:
    """`dansokh progress` of every unit for the period, as JSON: the command line's own answer."""
    done = dansokh("progress", "--year", "2025", "--period", period, "--results", "examples/results-2025",
                   "--format", "json", "--detail", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_which_wards_are_behind_on_iud_in_q2_and_by_how_much_in_two_clicks(tab: Tab):
    """home → the IUD indicator (click 1) → its 6 months (click 2): the units behind are those
    `dansokh progress` says are behind, each with how far: the persons short of the share of the
    year's target due by the end of Q2 (the expected pace), in Vietnamese numbers."""
    page = tab.open("index.html")
    page.locator("main").get_by_role("link", name=re.compile("Dụng cụ tử cung")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("2025/indicators/new_users_iud.html")
    page.locator("nav.periods").get_by_role("link", name=re.compile(r"^6 tháng đầu năm 2025 \(Q2\)$")).click()
    assert page.evaluate("location.hash") == "#period-Q2"
    section = page.locator("section.period[data-period=Q2]")
    expect(section.locator("h2")).to_be_in_viewport()
    expected = {}
    for unit in progress_json("Q2"):
        line = next((x for x in unit["lines"] if x["indicator"] == "new_users_iud"), None)
        if line and line["verdict"] == "behind":
            expected[unit["unit"]] = Decimal(line["target"]) * Decimal(line["expected_percent"]) / 100 - Decimal(line["result"])
    assert set(expected) == {"long-bien", "ngoc-thuy", "bo-de", "thuong-thanh", "viet-hung", "giang-bien", "phuc-dong", "thach-ban"}
    listed = section.locator("ol.behind li[data-unit]").evaluate_all(
        "items => items.map(i => [i.dataset.unit, i.dataset.value, i.querySelector('.gap').textContent])"
    )
    assert {unit: Decimal(value) for unit, value, _ in listed} == expected
    shown = {unit: text for unit, _, text in listed}
    assert shown["thuong-thanh"].startswith("7,5") and shown["ngoc-thuy"].startswith("2")  # 47,5 due, 40 done
    table = section.locator("table.cascade.sortable[data-indicator=new_users_iud][data-period=Q2]")
    rows = table.locator("tbody tr.behind").evaluate_all(
        "rows => rows.map(r => [r.dataset.unit, r.querySelector('td.gap').dataset.value])"
    )
    assert {unit: Decimal(value) for unit, value in rows} == expected


@pytest.mark.parametrize(("path", "period", "late", "missing"), [
    ("2025/city.html", "Q1", {"gia-lam"}, set()),  # Gia Lâm's report dated 14/04/2025, due before the 10th
    ("2025/long-bien.html", "Q2", set(), {"cu-khoi"}),  # Cự Khối has not reported for Q2
])
def test_who_reported_late_or_not_at_all(tab: Tab, path: str, period: str, late: set[str], missing: set[str]):
    """The reporting list of a period names each unit below once: late, missing or on time, as the
    result files say (examples/results-2025/README.md)."""
    page = tab.open(path)
    section = page.locator(f"section.results section.period[data-period={period}]")
    items = section.locator("ul.reporting li[data-status]").evaluate_all(
        "items => items.map(i => [i.dataset.unit, i.dataset.status])"
    )
    status: dict[str, set[str]] = {}
    for unit, state in items:
        status.setdefault(state, set()).add(unit)
    assert len(items) == len({unit for unit, _ in items})
    assert status.get("late", set()) == late
    reported = reporting(period)
    assert status.get("missing", set()) == missing == {unit for unit, _ in items if unit not in reported}
    assert status.get("on-time", set()) == {unit for unit, _ in items if unit in reported} - late
    assert len(items) >= 13
