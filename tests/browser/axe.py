"""axe-core, the accessibility engine, run in a page: its axe.min.js comes from the
axe-playwright-python wheel (MPL-2.0, axe-core's licence), read from the installed package, so the
version is the one pyproject's test extra pins a floor for and nothing is fetched."""

from __future__ import annotations

from importlib.resources import files

import pytest
from playwright.sync_api import Page

AXE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def violations(page: Page) -> list[dict]:
    page.evaluate(AXE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return list(results["violations"])


def listed(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


KNOWN = {
    # (page, rule): why. Violations of the generator's pages, found by these tests and not yet
    # fixed: such a page's test is marked xfail for that rule only, any other violation fails it,
    # and once the rule passes the test fails until its line here is struck off.
    ("2025/long-bien.html", "landmark-unique"):
        "render's appendix template (appendix.html.j2, shared with `dansokh render -f html`) labels each"
        " appendix's month grid 'Biểu đồ tiến độ theo tháng': a page with several appendices repeats it",
    ("reform/index.html", "landmark-unique"):
        "a home page with two years repeats each year's nav.periods and nav.indicators label"
        " (templates/site/year_links.html.j2): the year belongs in it",
}


def assert_accessible(page: Page, name: str) -> None:
    """No violation on the page NAME but the KNOWN ones; those make the test an expected failure."""
    found = violations(page)
    unknown = [v for v in found if (name, v["id"]) not in KNOWN]
    assert not unknown, f"{name}: {len(unknown)} accessibility violations\n{listed(unknown)}"
    rules = {v["id"] for v in found}
    fixed = [rule for page_name, rule in KNOWN if page_name == name and rule not in rules]
    assert not fixed, f"{name}: {fixed} pass now: strike them off KNOWN in tests/browser/axe.py"
    if found:
        pytest.xfail(f"{name}: known, not yet fixed: " + "; ".join(KNOWN[(name, v["id"])] for v in found)
                     + "\n" + listed(found))
