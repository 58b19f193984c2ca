"""axe-core, the accessibility engine, run in a page: its axe.min.js comes from the
axe-playwright-python wheel (MPL-2.0, axe-core's licence), read from the installed package, so the
version is the one pyproject's test extra pins a floor for and nothing is fetched."""

from __future__ import annotations

from importlib.resources import files

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


def assert_accessible(page: Page, name: str) -> None:
    """No violation on the page NAME, or the test fails with each one listed."""
    found = violations(page)
    assert not found, f"{name}: {len(found)} accessibility violations\n{listed(found)}"
