"""`dansokh site --lang en`: the same site in English, its numbers in English format; the search
still finds a ward typed without its marks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from .chromium import ROOT, build_site
from .conftest import Tab, new_tab


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("english") / "public"
    return build_site(ROOT, out, "plans", "examples/results-2025", "--lang", "en", "--no-documents")


@pytest.fixture
def english_tab(browser: Browser, english: Path) -> Iterator[Tab]:
    opened = new_tab(browser, english.as_uri() + "/")
    try:
        yield opened
    finally:
        opened.page.context.close()


def test_the_english_site_says_its_language_and_writes_english_numbers(english_tab: Tab):
    page = english_tab.open("2025/indicators/new_users_iud.html")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    gap = page.locator("section.period[data-period=Q2] ol.behind li[data-unit=thuong-thanh] .gap")
    expect(gap).to_contain_text("7.5")
    target = page.locator("table.cascade:not([data-period]) tr[data-unit=long-bien] td.own")
    expect(target).to_contain_text("1,100")  # Long Biên's IUD target, 1.100 in Vietnamese
    page.locator("#search").click()
    page.keyboard.type("ngoc thuy")
    expect(page.locator("#search-results li a", has_text="Ngọc Thụy").first).to_be_visible()
