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
from .results import figures


@pytest.mark.parametrize(("page_unit", "periods"), [("long-bien", {"Q1", "Q2"}), ("city", {"Q1"})])
def test_the_charts_values_are_the_results(tab: Tab, page_unit: str, periods: set[str]):
    """Every value a chart draws (its data-value) is the figure of the result file of its unit,
    period and indicator, read here from the YAML."""
    page = tab.open(f"2025/{page_unit}.html")
    unit_id = {"city": "ha-noi"}.get(page_unit, page_unit)
    charts = page.locator("svg.chart")
    assert charts.count() > 0, "no chart"
    seen_periods, compared, compared_units = set(), 0, set()
    for index in range(charts.count()):
        chart = charts.nth(index)
        indicator, period = chart.get_attribute("data-indicator"), chart.get_attribute("data-period")
        assert indicator and period, chart.evaluate("c => c.outerHTML.slice(0, 200)")
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
        seen_periods.add(period)
        drawn = chart.locator("[data-value]").evaluate_all(
            "marks => marks.map(m => [m.getAttribute('data-value'), m.getAttribute('data-unit')])"
        )
        assert drawn, f"chart {indicator} {period} draws no value"
        for value, unit in drawn:
            unit = unit or unit_id
            expected = figures(period, unit).get(indicator)
            assert expected is not None, (indicator, period, unit, value)
            assert re.fullmatch(r"-?\d+(\.\d+)?", value), value  # dot-decimal, for machines
            assert Decimal(value) == expected, (indicator, period, unit, value, expected)
            compared += 1
            compared_units.add(unit)
    assert seen_periods >= periods
    assert len(compared_units) > 1, "no chart compares the units below"  # the wards / districts
    assert compared >= 10


def progress_json(period: str) -> list[dict]:
    """`dansokh progress` of every unit for the period, as JSON: the command line's own answer."""
    done = dansokh("progress", "--year", "2025", "--period", period, "--results", "examples/results-2025",
                   "--format", "json", "--detail", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_which_wards_are_behind_on_iud_in_q2_and_by_how_much_in_two_clicks(tab: Tab):
    """home → the IUD indicator (click 1) → its Q2 (click 2, where the page needs one): the wards
    behind are those `dansokh progress` says are behind, each with its gap."""
    page = tab.open("index.html")
    clicks = 0
    page.locator("main").get_by_role("link", name=re.compile("Dụng cụ tử cung")).first.click()
    clicks += 1
    page.wait_for_load_state()
    assert page.url.endswith("2025/indicators/new_users_iud.html")
    q2 = page.locator("table.cascade[data-period=Q2], [data-period=Q2] table.cascade").first
    if not q2.is_visible():
        page.get_by_role("link", name=re.compile(r"Q2|6 tháng")).or_(
            page.get_by_role("button", name=re.compile(r"Q2|6 tháng"))).or_(
            page.get_by_role("tab", name=re.compile(r"Q2|6 tháng"))).first.click()
        clicks += 1
    assert clicks <= 2
    expect(q2).to_be_visible()
    expected = {}
    for unit in progress_json("Q2"):
        line = next((x for x in unit["lines"] if x["indicator"] == "new_users_iud"), None)
        if line and line["verdict"] == "behind":
            expected[unit["unit"]] = line
    wards = {u for u in expected if u != "long-bien"}
    assert wards == {"ngoc-thuy", "bo-de", "thuong-thanh", "viet-hung", "giang-bien", "phuc-dong", "thach-ban"}
    rows = q2.locator("tbody tr[data-unit]")
    shown = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        cell = row.locator("td.gap")
        value = cell.get_attribute("data-value")
        if value:
            shown[row.get_attribute("data-unit")] = (Decimal(value), cell.inner_text().strip())
    behind = {unit for unit, (gap, _) in shown.items() if gap < 0}
    assert wards <= behind and behind <= set(expected), (behind, set(expected))
    for unit in wards:
        gap, text = shown[unit]
        line = expected[unit]
        # how far behind the expected pace, in the indicator's direction: the persons short of
        # the share of the year's target due by the end of Q2
        due = Decimal(line["target"]) * Decimal(line["expected_percent"]) / 100
        assert gap == Decimal(line["result"]) - due, (unit, gap, line)
        assert text.lstrip("−-") and "," not in text or "." not in text  # Vietnamese format, never both
