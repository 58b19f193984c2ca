"""The site across the 2025 reform, built as the README's walk-through lays the repository out
(examples/reform-2026, the 2025 plans beside it, the 2025 results in results/): the tree has three
levels before the reform and two after, and the crosswalk's page shows where each old unit went,
with the share of its figures each new unit takes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from ruamel.yaml import YAML

from .axe import assert_accessible
from .chromium import ROOT, build_site
from .conftest import Tab, new_tab

CROSSWALK = "long-bien-2025-2026"


@pytest.fixture(scope="module")
def reform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repository = tmp_path_factory.mktemp("reform") / "after-reform"
    shutil.copytree(ROOT / "examples" / "reform-2026", repository)
    shutil.copytree(ROOT / "plans" / "2025", repository / "plans" / "2025")
    shutil.copytree(ROOT / "examples" / "results-2025", repository / "results" / "2025")
    build_site(repository, repository / "public", "plans", "results", "--no-documents")
    return repository


@pytest.fixture
def reform_tab(browser: Browser, reform: Path) -> Iterator[Tab]:
    opened = new_tab(browser, (reform / "public").as_uri() + "/")
    try:
        yield opened
    finally:
        opened.page.context.close()


def slugs(repository: Path) -> dict[str, str]:
    """A unit's id -> its page's slug, where a plan file's stem names the page."""
    found = {}
    for plan in (repository / "plans").glob("20*/*.yaml"):
        data = YAML(typ="safe").load(plan.read_text(encoding="utf-8"))
        found[str(data["unit"]["id"])] = plan.stem
    return found


def test_the_tree_has_three_levels_before_the_reform_and_two_after(reform_tab: Tab):
    page = reform_tab.open("index.html")

    def depth(year: int) -> int:
        return int(page.locator(f"section#year-{year} ul.tree").evaluate(
            "tree => Math.max(...Array.from(tree.querySelectorAll('li')).map(li => {"
            " let n = 0; for (let e = li; e && e !== tree; e = e.parentElement) if (e.tagName === 'LI') n++; return n; }))"
        ))

    assert (depth(2025), depth(2026)) == (3, 2)


def test_the_crosswalk_shows_where_each_old_unit_went_with_its_share(reform_tab: Tab, reform: Path):
    page = reform_tab.open("index.html")
    page.locator(f"main a[href$='crosswalks/{CROSSWALK}.html']").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    crosswalk = YAML(typ="safe").load((reform / "plans" / "crosswalks" / f"{CROSSWALK}.yaml").read_text(encoding="utf-8"))
    slug = slugs(reform)
    rows = page.locator("table.crosswalk tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.old, r.dataset.new, r.querySelector('td.share').dataset.value])"
    )
    shown = {(old, new): Fraction(value) for old, new, value in rows}
    expected = {}
    for entry in crosswalk["units"]:
        total = sum(part.get("population", 0) for part in entry["parts"])
        for part in entry["parts"]:
            share = Fraction(part["population"], total) if len(entry["parts"]) > 1 else Fraction(1)
            expected[(slug.get(entry["old"], entry["old"]), slug.get(part["unit"], part["unit"]))] = share
    assert len(rows) == len(expected)
    assert shown == expected
    for old in {old for old, _ in shown}:
        assert sum(s for (o, _), s in shown.items() if o == old) == 1, old  # each old unit given whole


@pytest.mark.parametrize("path", [f"crosswalks/{CROSSWALK}.html", "2026/bo-de-2026.html", "index.html"])
def test_no_accessibility_violation_across_the_reform(reform_tab: Tab, path: str):
    assert_accessible(reform_tab.open(path), f"reform/{path}")
