"""Nothing from a plan reaches a page unescaped: a ward's name and a plan's title that hold markup,
a script's end and a line separator are shown as text in Chromium, on every page and in the
search results, and run nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, expect

from .chromium import build_site, copy_repository
from .conftest import Tab, new_tab

MARKUP = '<img src=x onerror="window.__pwned=1"><b>đậm</b>'
SCRIPT = "</script><script>window.__pwned=2</script><!--"
NAME = f"Gia Thụy {MARKUP}{SCRIPT}\u2028"
TITLE = f"Kế hoạch {SCRIPT}{MARKUP}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real plans with Gia Thụy's name and Long Biên's title made hostile, and their site."""
    repository = copy_repository(tmp_path_factory.mktemp("hostile"))
    plan = repository / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    for old, new in [
        ("  - {id: gia-thuy, name: Gia Thụy, level: cấp xã}", f"  - {{id: gia-thuy, name: {json.dumps(NAME)}, level: cấp xã}}"),
        ("  title: Triển khai thực hiện công tác Dân số và Phát triển quận Long Biên năm 2025", f"  title: {json.dumps(TITLE)}"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    plan.write_text(text, encoding="utf-8")
    return build_site(repository, repository / "public", "plans", "examples/results-2025", "--no-documents")


@pytest.fixture
def hostile_tab(browser: Browser, hostile: Path) -> Iterator[Tab]:
    opened = new_tab(browser, hostile.as_uri() + "/")

    def dialog(opened_dialog: Dialog) -> None:
        opened.problems.append(f"a dialog opened: {opened_dialog.message}")
        opened_dialog.dismiss()

    opened.page.on("dialog", dialog)
    try:
        yield opened
    finally:
        opened.page.context.close()


@pytest.mark.parametrize(("path", "shown"), [
    ("index.html", [MARKUP]),  # the tree of units
    ("2025/long-bien.html", [MARKUP, SCRIPT]),  # its children, its title and appendices
    ("2025/gia-thuy.html", [MARKUP]),  # the ward's own page
    ("2025/indicators/new_users_iud.html", []),
])
def test_markup_from_a_plan_is_shown_as_text(hostile_tab: Tab, path: str, shown: list[str]):
    page = hostile_tab.open(path)
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("img[src=x]")).to_have_count(0)
    expect(page.locator("b", has_text="đậm")).to_have_count(0)
    body = page.locator("body").inner_text()
    for text in shown:
        assert text in body  # as the officer typed it


def test_a_hostile_name_is_found_by_search_and_shown_as_text(hostile_tab: Tab):
    page = hostile_tab.open("2025/city.html")
    page.locator("#search").click()
    page.keyboard.type("gia thuy")
    found = page.locator("#search-results li a", has_text="Gia Thụy")
    expect(found.first).to_be_visible()
    assert "<img src=x" in found.first.inner_text()
    expect(page.locator("#search-results img")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None
