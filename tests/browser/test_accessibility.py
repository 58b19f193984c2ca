"""axe-core, the accessibility engine (tests/browser/axe.py), run in the page over the home page,
the city, a district, a ward, an indicator page, a page with diagnostics, a period's overview and
the page of changes: no violation, or the test fails with each one listed."""

from __future__ import annotations

import pytest

from .axe import AXE, assert_accessible
from .conftest import Tab


def test_axe_is_the_one_the_wheel_ships():
    assert AXE.startswith("/*! axe v4.") and "Mozilla Public" in AXE[:500]


@pytest.mark.parametrize("path", [
    "index.html",
    "2025/city.html",
    "2025/long-bien.html",
    "2025/ngoc-thuy.html",
    "2025/indicators/new_users_iud.html",
    "2025/bac-cuong.html",  # its diagnostics (U004)
    "2025/results/Q2.html",  # who reported, late, not at all
    "diff.html",
])
def test_no_accessibility_violation(tab: Tab, path: str):
    assert_accessible(tab.open(path), path)
