"""axe-core, the accessibility engine, run in the page over the home page, the city, a ward, an
indicator page and a page with diagnostics: no violation. axe.min.js comes from the
axe-playwright-python wheel (MPL-2.0, axe-core's licence), read from the installed package."""

from __future__ import annotations

from importlib.resources import files

import pytest
from playwright.sync_api import Page

from .conftest import Tab

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


def test_axe_is_the_one_the_wheel_ships():
    assert AXE.startswith("/*! axe v4.") and "Mozilla Public" in AXE[:500]


@pytest.mark.parametrize("path", [
    "index.html",
    "2025/city.html",
    "2025/long-bien.html",
    "2025/ngoc-thuy.html",
    "2025/indicators/new_users_iud.html",
    "2025/bac-cuong.html",  # its diagnostics (U004)
])
def test_no_accessibility_violation(tab: Tab, path: str):
    page = tab.open(path)
    found = violations(page)
    assert not found, f"{path}: {len(found)} accessibility violations\n{listed(found)}"
