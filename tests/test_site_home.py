"""The home page of a large repository: its tree stops at ``home.TREE_LEVELS`` levels, so that a
country's home page stays well under a megabyte, and every unit is still reached by links from it
(through its parent's page, which lists the units below)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from dansokh.i18n import speaking
from dansokh.site import build_site
from dansokh.site.home import TREE_LEVELS
from dansokh.site.pages import PAGE_LIMIT

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r'href="([^"#?]+\.html)"')


@pytest.fixture(scope="module")
def country(two_provinces: Path) -> Path:
    return two_provinces


def depth(tree: str) -> int:
    """The deepest nesting of lists in ``tree`` (the home page's ``<ul class="tree">``)."""
    level = deepest = 0
    for tag in re.findall(r"</?ul\b", tree):
        level += 1 if tag == "<ul" else -1
        deepest = max(deepest, level)
    return deepest


def reached(out: Path, start: str) -> set[str]:
    """Every page of the site reached by following links from ``start``."""
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for link in LINK.findall((out / here).read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), link))
            if target not in seen and (out / target).is_file():
                seen.add(target)
                todo.append(target)
    return seen


def unit_pages(out: Path) -> set[str]:
    return {f"2025/{path.name}" for path in (out / "2025").glob("*.html")}


def test_a_large_year_shows_the_first_levels_and_every_unit_is_reached(country: Path, tmp_path: Path):
    out = tmp_path / "public"
    with speaking("vi"):
        built = build_site([country], out, "vi", document_formats=set(), use_cache=False, jobs=1, tree_units=100)
    home = (out / "index.html").read_text(encoding="utf-8")
    units = unit_pages(out)
    assert len(units) > 300
    tree = home[home.index('<ul class="tree">') :]
    assert depth(tree) == TREE_LEVELS
    assert 'href="2025/viet-nam.html"' in home and 'href="2025/p02.html"' in home and 'href="2025/p02-d03.html"' in home
    assert 'href="2025/p01-d01-c01.html"' not in home  # a commune: on its district's page
    assert "Cây chỉ hiện 3 cấp đơn vị đầu tiên" in home
    district = (out / "2025/p01-d01.html").read_text(encoding="utf-8")
    communes = len(re.findall(r'href="p01-d01-c\d+\.html"', district))
    assert communes > 0 and f"(đơn vị cấp dưới: {communes})" in home
    assert reached(out, "index.html") >= units
    assert built.largest[1] < PAGE_LIMIT / 10


def test_a_small_year_shows_every_level(country: Path, tmp_path: Path):
    out = tmp_path / "public"
    with speaking("vi"):
        build_site([country], out, "vi", document_formats=set(), use_cache=False, jobs=1)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert depth(home[home.index('<ul class="tree">') :]) == TREE_LEVELS + 1
    assert {link for link in LINK.findall(home) if re.fullmatch(r"2025/[^/]+\.html", link)} == unit_pages(out)
    assert "Cây chỉ hiện" not in home and "đơn vị cấp dưới:" not in home
