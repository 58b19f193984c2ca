"""``dansokh site``: the pages, their figures, escaping, the folder written all at once."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import PLANS, cli, edit
from dansokh.site import MARKER
from dansokh.site.fold import fold
from dansokh.site.pages import PAGE_LIMIT, script_json

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "examples" / "results-2025"


@pytest.fixture
def built(real_site: Path) -> Path:
    """The site of the real 2025 plans and the illustrative results (conftest's, built once)."""
    return real_site


def page(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def row(html: str, indicator: str) -> str:
    match = re.search(rf'<tr data-indicator="{indicator}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, indicator
    return match.group(0)


def cell(tr: str, name: str) -> tuple[str, str]:
    """(attributes, text) of the cell of class ``name``."""
    match = re.search(rf'<td class="{name}"([^>]*)>(.*?)</td>', tr, re.S)
    assert match, name
    return match.group(1), re.sub(r"<[^>]+>", "", match.group(2)).strip()


def test_every_unit_has_its_page_and_the_home_page_its_tree(built: Path):
    assert (built / MARKER).is_file() and json.loads((built / MARKER).read_text())["generator"] == "dansokh"
    for name in ("index.html", "2025/city.html", "2025/long-bien.html", "2025/ngoc-thuy.html", "2025/bac-cuong.html",
                 "search-index.json", "search-index.js", "assets/site.css", "assets/site.js"):
        assert (built / name).is_file(), name
    home = page(built, "index.html")
    assert '<html lang="vi">' in home
    # three levels: the city, its districts, Long Biên's wards, nested lists
    city = home.index('href="2025/city.html"')
    long_bien = home.index('href="2025/long-bien.html"', city)
    ngoc_thuy = home.index('href="2025/ngoc-thuy.html"', long_bien)
    assert home.count("<ul", city, ngoc_thuy) == 2


def test_the_ward_page_shows_what_long_bien_assigned(built: Path):
    html = page(built, "2025/ngoc-thuy.html")
    assert 'data-unit="ngoc-thuy" data-year="2025"' in html
    assert cell(row(html, "new_users_condom"), "assigned")[1] == "1.900 người"
    assert cell(row(html, "third_child_rate"), "assigned")[1] == "3,04%"
    assert cell(row(html, "new_users_condom"), "verdict") == (' data-met=""', "")
    crumbs = re.search(r'<nav aria-label="[^"]*" class="breadcrumbs">(.*?)</nav>', html, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'href="([^"]+)"', crumbs) == ["../index.html", "city.html", "long-bien.html"]


def test_a_unit_with_only_an_assigned_target_is_named_as_its_indicator_pages_name_it(built: Path):
    """Thạch Bàn has no plan of its own: its kind comes from Long Biên's table of targets ("… CÁC
    PHƯỜNG …"), as on the indicator pages, on the home page's tree, its own page and its parent's."""
    assert '<a href="2025/thach-ban.html">phường Thạch Bàn</a> <span class="tag">' in page(built, "index.html")
    ward = page(built, "2025/thach-ban.html")
    assert "<h1>phường Thạch Bàn</h1>" in ward and '<li aria-current="page">phường Thạch Bàn</li>' in ward
    assert '<a href="thach-ban.html">phường Thạch Bàn</a>' in page(built, "2025/long-bien.html")
    assert '<a href="../thach-ban.html">phường Thạch Bàn</a>' in page(built, "2025/indicators/new_users_iud.html")


def test_a_district_without_a_plan_is_named_by_its_kind_in_the_official_list(built: Path):
    """The city's table lists quận, huyện and thị xã together, so its title cannot tell one from
    another: the official list of 2025 does (vietnamadminunits), as an officer names them."""
    city = page(built, "2025/city.html")
    for href, name in (("ba-dinh", "quận Ba Đình"), ("soc-son", "huyện Sóc Sơn"), ("son-tay", "thị xã Sơn Tây")):
        assert f'<a href="{href}.html">{name}</a>' in city
    assert "<h1>huyện Sóc Sơn</h1>" in page(built, "2025/soc-son.html")


def test_long_bien_beside_the_city(built: Path):
    html = page(built, "2025/long-bien.html")
    screening = row(html, "prenatal_screening")
    assert cell(screening, "own")[1] == "90%"
    assert cell(screening, "assigned")[1] == "87%"
    assert cell(screening, "verdict") == (' data-met="true"', "đạt, vượt 3 điểm %")
    assert '<nav class="children"' in html and 'href="ngoc-thuy.html"' in html
    assert '<section class="appendices"' in html and '<table class="appendix' in html


def test_a_short_target_is_marked_and_its_c001_is_at_its_row(real_plans: Path, tmp_path: Path):
    plans = real_plans / "2025"
    edit(plans / "long-bien.yaml", "value: 90", "value: 80")  # prenatal screening below the city's 87 %
    out = tmp_path / "public"
    assert cli("site", str(real_plans), "-o", str(out), "--no-documents").exit_code == 0
    html = page(out, "2025/long-bien.html")
    screening = row(html, "prenatal_screening")
    codes = re.search(r'data-diagnostics="([^"]*)"', screening).group(1).split()  # type: ignore[union-attr]
    assert "C001" in codes
    assert cell(screening, "verdict") == (' data-met="false"', "chưa đạt, thiếu 7 điểm %")
    item = re.search(r'<li id="problem-(\d+)"[^>]*data-code="C001"[^>]*>', html)
    assert item and 'data-indicator="prenatal_screening"' in item.group(0)
    assert 'data-file="plans/2025/long-bien.yaml"' in item.group(0)
    assert f'<a class="problem" href="#problem-{item.group(1)}">C001</a>' in screening
    line = html[item.end():html.index("</li>", item.end())]
    assert "plans/2025/long-bien.yaml:" in line and ": C001 " in line


def test_search_folds_as_the_browser_does(built: Path):
    data = json.loads(page(built, "search-index.json"))
    names = {entry[0]: entry for entry in data["entries"]}
    assert names["phường Ngọc Thụy"][1] == "phuong ngoc thuy" and names["phường Ngọc Thụy"][3] == "2025/ngoc-thuy.html"
    assert fold("Thuỵ") == fold("Thụy") == fold("THỤY") == "thuy" and fold("Đức Giang") == "duc giang"
    script = page(built, "search-index.js")
    assert script.startswith("window.DANSOKH_SEARCH = ") and "ngoc thuy" in script


HOSTILE = '</script><script>alert(1)</script> "quoted" \'single\' <b>x</b>\u2028&amp;'


def test_nothing_from_a_plan_reaches_a_page_unescaped(real_plans: Path, tmp_path: Path):
    plans = real_plans / "2025"
    edit(plans / "long-bien.yaml", "name: Ngọc Thụy", f"name: {json.dumps(HOSTILE)}")
    out = tmp_path / "public"
    assert cli("site", str(real_plans), "-o", str(out), "--no-documents").exit_code == 0
    for path in out.rglob("*"):
        if path.suffix in (".html", ".js", ".json") and path.parent.name != "assets":
            text = path.read_text(encoding="utf-8")
            assert "<script>alert" not in text and "<b>x</b>" not in text, path
            if path.suffix == ".js":
                assert "</script" not in text and "\u2028" not in text
    html = page(out, "2025/long-bien.html")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="../assets/site.js" defer>']
    assert script_json("</script><!--\u2028") == '"\\u003c/script\\u003e\\u003c!--\\u2028"'


def test_the_folder_is_replaced_whole_and_only_when_it_is_a_site(tmp_path: Path):
    out = tmp_path / "public"
    assert cli("site", str(PLANS), "-o", str(out), "--no-documents").exit_code == 0
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert cli("site", str(PLANS), "-o", str(out), "--no-documents").exit_code == 0
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]  # nothing left beside it

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    result = cli("site", str(PLANS), "-o", str(mine), "--no-documents")
    assert result.exit_code == 2 and MARKER in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_no_page_is_over_the_limit(built: Path):
    sizes = {p.relative_to(built).as_posix(): p.stat().st_size for p in built.rglob("*.html")}
    assert max(sizes.values()) < PAGE_LIMIT


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.h1 += tag == "h1"
        self.ids += [value for name, value in attrs if name == "id" and value]


def test_every_page_has_one_h1_the_skip_link_and_the_search_form(built: Path):
    for path in built.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        parsed = _Ids()
        parsed.feed(html)
        assert parsed.h1 == 1, path
        assert len(parsed.ids) == len(set(parsed.ids)), path
        assert '<a class="skip" href="#main">' in html and '<main id="main"' in html
        assert '<input id="search" type="search"' in html and '<ul id="search-results"' in html


def test_english_with_lang_en(tmp_path: Path):
    out = tmp_path / "public"
    assert cli("site", str(PLANS), "-o", str(out), "--no-documents", "--lang", "en").exit_code == 0
    html = page(out, "2025/long-bien.html")
    assert '<html lang="en">' in html and "1,900 persons" in page(out, "2025/ngoc-thuy.html")


def test_documents_of_a_small_repository(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    for name in ("city.yaml", "long-bien-directive-11.yaml", "long-bien-srb.yaml", "bac-cuong.yaml"):
        (plans / "2025" / name).unlink()
    out = tmp_path / "public"
    result = cli("site", str(plans), "-o", str(out), "--documents", env={"DANSOKH_BROWSER": str(tmp_path / "no-chromium")})
    assert result.exit_code == 0, result.output
    html = page(out, "2025/long-bien.html")
    links = re.findall(r'<a class="document" data-format="(\w+)" href="([^"]+)"', html)
    assert links and {fmt for fmt, _href in links} == {"docx", "xlsx"}
    for _fmt, href in links:
        assert (out / "2025" / href).resolve().is_file()
