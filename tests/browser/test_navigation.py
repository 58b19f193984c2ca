"""A person finds their way in the site: from the city to a ward by clicking, by searching, with
the keyboard alone, from the folder opened on disk; every page opens without an error and every
link leads somewhere."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from playwright.sync_api import Page, expect

from .conftest import Tab


def unit_of(page: Page) -> str | None:
    return page.locator("body").get_attribute("data-unit")


def test_from_home_to_a_ward_by_clicking(tab: Tab):
    """home → Hà Nội → Long Biên → Ngọc Thụy, each a click on a link a person sees."""
    page = tab.open("index.html")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("main").get_by_role("link", name=re.compile(r"\bHà Nội\b")).first.click()
    page.wait_for_load_state()
    assert unit_of(page) == "city" and page.locator("body").get_attribute("data-year") == "2025"
    page.locator("nav.children").get_by_role("link", name=re.compile(r"\bLong Biên\b")).first.click()
    page.wait_for_load_state()
    assert unit_of(page) == "long-bien"
    page.locator("nav.children").get_by_role("link", name=re.compile(r"\bNgọc Thụy\b")).click()
    page.wait_for_load_state()
    assert unit_of(page) == "ngoc-thuy"
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("Ngọc Thụy")
    crumbs = page.locator("nav.breadcrumbs a")
    names = crumbs.all_inner_texts()
    assert len(names) == 3 and "Hà Nội" in names[1] and "Long Biên" in names[2], names  # home › city › district
    crumbs.last.click()  # and back up the tree
    page.wait_for_load_state()
    assert unit_of(page) == "long-bien"


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_page_opens_without_an_error_and_every_link_leads_somewhere(tab: Tab, site: Path):
    """Each page of the site, opened in Chromium: no console error, no uncaught exception, no
    failed request (the tab fails the test on any); each page has one <h1>, a <main>, the search
    box, a language; and each link inside the site points at a file the site has."""
    pages = site_pages(site)
    assert {"index.html", "2025/city.html", "2025/long-bien.html", "2025/ngoc-thuy.html"} <= set(pages)
    broken: list[str] = []
    for relative in pages:
        page = tab.open(relative)
        assert page.locator("h1").count() == 1, relative
        assert page.locator("main#main").count() == 1, relative
        assert page.locator("input#search[type=search]").count() == 1, relative
        assert page.locator("html").get_attribute("lang") == "vi", relative
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            target, fragment = urldefrag(href)
            if not target.startswith(tab.base):
                assert urlparse(href).scheme in ("http", "https", "mailto") and "127.0.0.1" not in href, (relative, href)
                continue
            path = site / unquote(target[len(tab.base):] or "index.html")
            if not path.is_file():
                broken.append(f"{relative}: {href}")
            elif fragment and path.suffix == ".html" and f'id="{unquote(fragment)}"' not in path.read_text(encoding="utf-8"):
                broken.append(f"{relative}: {href} (no id {fragment})")
    assert not broken, "links to nothing:\n" + "\n".join(broken)


@pytest.mark.parametrize("typed", ["ngoc thuy", "NGOC THUY", "Ngọc Thuỵ", "ngọc thụy"])
def test_search_finds_a_ward_typed_without_its_marks(tab: Tab, typed: str):
    """Typed into the search box with the keyboard, as a person types it; the result's link opens
    the ward's page."""
    page = tab.open("2025/city.html")
    page.locator("#search").click()
    page.keyboard.type(typed, delay=20)
    found = page.locator("#search-results li a", has_text="Ngọc Thụy")
    expect(found.first).to_be_visible()
    found.first.click()
    page.wait_for_load_state()
    assert unit_of(page) == "ngoc-thuy"


def test_search_from_the_folder_opened_on_disk(disk_tab: Tab):
    """file://: no server, fetch() of a local file blocked; the search index comes from its script."""
    page = disk_tab.open("index.html")
    assert page.url.startswith("file://")
    page.locator("#search").focus()
    page.keyboard.type("ngoc thuy")
    found = page.locator("#search-results li a", has_text="Ngọc Thụy")
    expect(found.first).to_be_visible()
    in_results = "document.activeElement && document.activeElement.closest('#search-results') !== null"
    page.keyboard.press("Tab")  # from the box to the first result, then Enter follows it
    for _ in range(10):
        if page.evaluate(in_results):
            break
        page.keyboard.press("Tab")
    assert page.evaluate(in_results), "Tab never reached the search results"
    with page.expect_navigation():  # a key press does not wait for the page it opens, as a click does
        page.keyboard.press("Enter")
    assert unit_of(page) is not None and "Ngọc Thụy" in page.locator("h1").inner_text()


def test_search_finds_a_ward_pasted_in_decomposed_unicode(tab: Tab):
    """Text pasted from another program may come decomposed (NFD: the letter, then its marks)."""
    page = tab.open("index.html")
    page.locator("#search").fill(unicodedata.normalize("NFD", "Ngọc Thụy"))
    expect(page.locator("#search-results li a", has_text="Ngọc Thụy").first).to_be_visible()


def test_search_finds_nothing_for_a_name_no_unit_has(tab: Tab):
    page = tab.open("index.html")
    page.locator("#search").fill("zzzz không có")
    page.wait_for_timeout(300)
    expect(page.locator("#search-results li a")).to_have_count(0)


def test_a_sortable_table_sorts_by_enter_on_its_header_button(tab: Tab):
    """The indicator page's Q2 cascade, sorted by how far each unit is behind with the keyboard
    alone: Tab to the column's button, Enter, Enter again for the other way."""
    page = tab.open("2025/indicators/new_users_iud.html")
    table = page.locator("table.cascade.sortable[data-period=Q2]")
    column = table.locator("tbody tr").first.evaluate(
        "row => Array.from(row.children).findIndex(cell => cell.matches('td.gap'))"
    )
    assert column > 0
    header = table.locator("thead th").nth(column)
    button = header.locator("button")
    assert header.get_attribute("scope") == "col"
    page.locator("body").focus()
    for _ in range(400):  # Tab until the header's button has the focus: it is in the tab order
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("the sort button cannot be reached with Tab")

    def gaps() -> list[str]:
        return [str(v) for v in table.locator("tbody tr td.gap").evaluate_all("cells => cells.map(c => c.dataset.value)")]

    before = gaps()
    page.keyboard.press("Enter")
    first = header.get_attribute("aria-sort")
    assert first in ("ascending", "descending")
    assert_sorted(gaps(), descending=first == "descending")
    page.keyboard.press("Enter")
    second = header.get_attribute("aria-sort")
    assert {first, second} == {"ascending", "descending"}
    assert_sorted(gaps(), descending=second == "descending")
    assert sorted(before) == sorted(gaps())  # the same rows, reordered


def assert_sorted(values: list[str], descending: bool) -> None:
    """The figures in order (dot-decimal data-value, compared as numbers); the cells without one
    (a unit that has not reported) together at one end."""
    figures = [float(v) for v in values if v]
    assert figures == sorted(figures, reverse=descending), values
    empty = [i for i, v in enumerate(values) if not v]
    assert empty == list(range(len(empty))) or empty == list(range(len(values) - len(empty), len(values))), values


def test_search_finds_an_indicator_by_its_name_without_marks(tab: Tab):
    """"dat vong" (the guide's example) finds the IUD indicator, whose page the result opens."""
    page = tab.open("index.html")
    page.locator("#search").click()
    page.keyboard.type("dat vong")
    found = page.locator("#search-results li a", has_text="Dụng cụ tử cung")
    expect(found.first).to_be_visible()
    found.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("2025/indicators/new_users_iud.html")


def test_a_page_prints_without_its_search_box_and_breadcrumbs(tab: Tab):
    page = tab.open("2025/long-bien.html")
    page.emulate_media(media="print")
    expect(page.locator("#search")).to_be_hidden()
    expect(page.locator("nav.breadcrumbs")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("table.targets")).to_be_visible()


@pytest.mark.parametrize("path", ["index.html", "2025/long-bien.html", "2025/indicators/new_users_iud.html",
                                  "2025/results/Q2.html", "diff.html"])
def test_each_kind_of_page_opens_from_disk_without_an_error(disk_tab: Tab, path: str):
    """Opened from the folder (file://), where a browser blocks what a server allows: the page's
    scripts run without an error (the tab fails the test on any), its table sorts."""
    page = disk_tab.open(path)
    expect(page.locator("h1")).to_have_count(1)
    sortable = page.locator("table.sortable th[scope=col] button")
    if sortable.count():
        sortable.first.click()
        assert sortable.first.locator("xpath=..").get_attribute("aria-sort") in ("ascending", "descending")
