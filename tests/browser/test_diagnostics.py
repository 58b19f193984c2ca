"""A plan's mistake is on its unit's page where an officer looks: a ward whose own target for IUD is
below what its district assigned (C001) shows the diagnostic at its file, line and column, in
Vietnamese as the command line writes it, and marks the target's row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from .chromium import build_site, copy_repository, dansokh
from .conftest import Tab, new_tab

ASSIGNED = "value: 100  # quận Long Biên giao 100 người"  # the IUD line of Ngọc Thụy's first draft
LOWER = "value: 90  # quận Long Biên giao 100 người"
PLAN = "plans/2025/ngoc-thuy.yaml"


@pytest.fixture(scope="module")
def below(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A copy of the plans where Ngọc Thụy has a plan of its own, made by `dansokh new` from what
    Long Biên assigned, its IUD target then lowered from 100 to 90; and its site."""
    repository = copy_repository(tmp_path_factory.mktemp("below"))
    made = dansokh("new", "--from", "long-bien", "--unit", "ngoc-thuy", "--year", "2025", "-o", PLAN, cwd=repository)
    assert made.returncode == 0, made.stderr
    plan = repository / PLAN
    text = plan.read_text(encoding="utf-8")
    assert text.count(ASSIGNED) == 1
    plan.write_text(text.replace(ASSIGNED, LOWER), encoding="utf-8")
    line = text[: text.index(ASSIGNED)].count("\n") + 1
    checked = dansokh("--lang", "vi", "validate", "plans", "--format", "json", cwd=repository)
    assert checked.returncode == 1, checked.stderr
    (c001,) = [d for d in json.loads(checked.stdout)["diagnostics"] if d["code"] == "C001"]
    assert (c001["file"], c001["line"]) == (PLAN, line)  # validate's finding, before any page
    site = build_site(repository, repository / "public", "plans", "examples/results-2025")
    return {"site": site, "diagnostic": c001}


@pytest.fixture
def below_tab(browser: Browser, below: dict) -> Iterator[Tab]:
    opened = new_tab(browser, Path(below["site"]).as_uri() + "/")
    try:
        yield opened
    finally:
        opened.page.context.close()


def test_a_c001_is_shown_on_the_wards_page_at_its_target(below_tab: Tab, below: dict):
    diagnostic = below["diagnostic"]
    page = below_tab.open("2025/ngoc-thuy.html")
    assert page.locator("body").get_attribute("data-unit") == "ngoc-thuy"
    item = page.locator("ol.diagnostics li[data-code=C001]")
    expect(item).to_have_count(1)
    assert item.get_attribute("data-file") == PLAN
    assert item.get_attribute("data-line") == str(diagnostic["line"])
    assert item.get_attribute("data-column") == str(diagnostic["column"])
    assert item.get_attribute("data-indicator") == "new_users_iud"
    expect(item).to_contain_text(diagnostic["message"])  # the command line's words, in Vietnamese
    row = page.locator("table.targets tr[data-indicator=new_users_iud]")
    expect(row).to_have_count(1)
    assert "C001" in (row.get_attribute("data-diagnostics") or "").split()
    expect(row.locator("td.own")).to_contain_text("90")
    expect(row.locator("td.assigned")).to_contain_text("100")
    expect(row.locator("td.verdict")).to_have_attribute("data-met", "false")
    others = page.locator("table.targets tr[data-diagnostics~=C001]")
    expect(others).to_have_count(1)  # only that target is marked
    # the row links to its item of the list, and the link works
    link = row.locator("a[href^='#']").first
    target = (link.get_attribute("href") or "#")[1:]
    assert target and item.get_attribute("id") == target
    link.click()
    assert page.evaluate("location.hash") == f"#{target}"


def test_the_real_plans_show_no_c001(tab: Tab):
    """The unchanged plans: Long Biên's targets meet what the city assigned."""
    page = tab.open("2025/long-bien.html")
    expect(page.locator("ol.diagnostics li[data-code=C001]")).to_have_count(0)
    expect(page.locator("table.targets tr[data-indicator=new_users_iud] td.verdict")).to_have_attribute("data-met", "true")
