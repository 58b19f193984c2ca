"""The site's results pages (site2): a unit's results by period, an indicator across units with the
units behind per period and by how much, a period's reports, a crosswalk, and the diff since the
previous publication.  Figures are computed here independently, from the plan and result files
read as YAML, never copied from what the pages print."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import cli, edit
from dansokh import i18n
from dansokh.check.run import load_checked
from dansokh.load import texts
from dansokh.site.addresses import Addresses, relative
from dansokh.site.charts import Chart
from dansokh.site.crosswalk_page import crosswalk_pages
from dansokh.site.diff_page import diff_page, recorded_commit, since_revision
from dansokh.site.indicator_page import MAX_ROWS, IndicatorPage, indicator_page
from dansokh.site.period_page import period_page
from dansokh.site.results_data import ResultsData
from dansokh.site.unit_results import unit_results

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
RESULTS = ROOT / "examples" / "results-2025"
REFORM = ROOT / "examples" / "reform-2026"
IUD = "new_users_iud"


def _yaml(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D").lower()


def long_bien_iud() -> dict[str, Decimal]:
    """Long Biên's IUD quota of each ward, by ward id, read from its plan's allocation table."""
    plan = _yaml(PLANS / "2025" / "long-bien.yaml")
    ids = {}
    for unit in plan["units"]:
        for name in [unit["name"], *unit.get("aliases", [])]:
            ids[_fold(name)] = unit["id"]
    for table in (a for a in plan["appendices"] if a.get("kind") == "allocation"):
        columns = [column.get("indicator") for column in table["columns"]]
        if IUD in columns:
            at = columns.index(IUD)
            return {ids[_fold(row["name"])]: Decimal(str(row["values"][at])) for row in table["rows"] if not row.get("total")}
    raise AssertionError("no IUD column in long-bien.yaml")


def reported(period: str, indicator: str) -> dict[str, Decimal]:
    """Each unit's figure for ``indicator`` in the result files of ``period``."""
    found = {}
    for file in sorted((RESULTS / period).glob("*.yaml")):
        data = _yaml(file)
        for figure in data["figures"]:
            if figure["indicator"] == indicator:
                found[data["unit"]] = Decimal(str(figure["value"]))
    return found


@pytest.fixture(scope="module")
def findings():
    _repo, found = load_checked([PLANS, RESULTS])
    return found


@pytest.fixture(scope="module")
def data(findings):
    return ResultsData(findings.book)


@pytest.fixture(scope="module")
def addresses(findings):
    repo = findings.book.repo
    return Addresses({(unit, 2025): f"2025/{unit}.html" for unit in repo.units})


def iud_page(data, addresses) -> IndicatorPage:
    page = indicator_page(data, IUD, 2025, addresses)
    assert page is not None
    return page


def drawn(chart: Chart | None) -> Chart:
    assert chart is not None
    return chart


@pytest.fixture
def vietnamese():
    i18n.setup("vi")
    yield
    i18n.setup("en")


def test_iud_q2_wards_behind_and_by_how_much(data, addresses, vietnamese):
    """The issue's question, "which wards are behind on IUD in Q2, and by how much?", answered on
    IUD's page: the wards of Long Biên whose result is below half their year's quota (a count's
    linear pace: 6 of 12 months), each short by half the quota less its result, furthest first."""
    quotas, results = long_bien_iud(), reported("Q2", IUD)
    expected = {ward: quota / 2 - results[ward] for ward, quota in quotas.items() if ward in results}
    behind = sorted(((gap, ward) for ward, gap in expected.items() if gap > 0), key=lambda item: (-item[0], list(quotas).index(item[1])))
    assert behind, "the example must have wards behind"
    page = iud_page(data, addresses)
    q2 = next(period for period in page.periods if period.period == "Q2")
    group = next(group for group in q2.groups if group.parent == "long-bien")
    assert [(Decimal(item.gap.value), item.ref.unit) for item in group.units] == behind
    assert [item.gap.text for item in group.units][:2] == [f"{behind[0][0]} người", "7,5 người"]
    # every ward with a result has a row with its exact shortfall (negative: ahead), by the table's data-value
    rows = {row.ref.unit: row for row in q2.rows}
    for ward, gap in expected.items():
        assert Decimal(rows[ward].gap.value) == gap
        assert rows[ward].result.value == str(results[ward])
    # Cự Khối sent no Q2 report, though Long Biên did (K005)
    assert [ref.unit for ref in q2.missing] == ["cu-khoi"]
    assert rows["cu-khoi"].verdict == "no result" and rows["cu-khoi"].status == "missing"


def test_in_english_people_and_dots(data, addresses):
    q2 = next(period for period in iud_page(data, addresses).periods if period.period == "Q2")
    group = next(group for group in q2.groups if group.parent == "long-bien")
    assert [item.gap.text for item in group.units[:2]] == ["8 persons", "7.5 persons"]
    assert group.units[0].text == "32 of the 40 expected by now (target 80)"
    assert q2.title == "Q2 2025 (6 months)"


def test_iud_chart_draws_the_results(data, addresses):
    page = iud_page(data, addresses)
    q2 = next(period for period in page.periods if period.period == "Q2")
    results = reported("Q2", IUD)
    chart = drawn(q2.chart)
    assert {bar.unit: bar.value for bar in chart.bars} == {unit: str(value) for unit, value in results.items()}
    assert chart.indicator == IUD and chart.period == "Q2"
    assert chart.table == "cascade-Q2"  # the table of every unit's figures describes the chart


def test_targets_cascade_beside_the_assignment(data, addresses):
    """Long Biên's own IUD target against what Hà Nội assigned to it, met in a floor's direction."""
    city = _yaml(PLANS / "2025" / "city.yaml")
    assigned = None
    for table in (a for a in city["appendices"] if a.get("kind") == "allocation"):
        columns = [column.get("indicator") for column in table["columns"]]
        if IUD in columns:
            row = next(row for row in table["rows"] if _fold(row["name"]) == "long bien")
            assigned = Decimal(str(row["values"][columns.index(IUD)]))
    plan = _yaml(PLANS / "2025" / "long-bien.yaml")
    table = next(a for a in plan["appendices"] if a.get("kind") == "allocation" and IUD in [c.get("indicator") for c in a["columns"]])
    at = [c.get("indicator") for c in table["columns"]].index(IUD)
    own = next(row["values"][at] for row in table["rows"] if row.get("total"))  # its total row: the district's own
    page = iud_page(data, addresses)
    row = next(row for row in page.targets if row.ref.unit == "long-bien")
    assert Decimal(row.assigned.value) == assigned
    assert Decimal(row.target.value) == Decimal(str(own))
    assert row.met == ("true" if Decimal(str(own)) >= assigned else "false")
    assert len(page.targets) <= MAX_ROWS


def test_unit_results_section(data, addresses, findings):
    """Ngọc Thụy's page: per period its IUD result against its quota, the exact figures as data-value."""
    ward = findings.book.repo.unit("ngoc-thuy")
    section = unit_results(data, ward, 2025, addresses, "2025/ngoc-thuy.html")
    assert section is not None
    assert [period.period for period in section.periods] == ["Q1", "Q2"]
    quota = long_bien_iud()["ngoc-thuy"]
    for period in section.periods:
        row = next(row for row in period.rows if row.indicator == IUD)
        result = reported(period.period, IUD)["ngoc-thuy"]
        assert (row.target.value, row.result.value) == (str(quota), str(result))
        assert row.href == relative("2025/indicators/new_users_iud.html", "2025/ngoc-thuy.html") == "indicators/new_users_iud.html"
        bar = next(bar for bar in drawn(period.chart).bars if bar.indicator == IUD)
        assert bar.value == str(result)


def test_parent_section_says_who_reported(data, addresses, findings):
    long_bien = findings.book.repo.unit("long-bien")
    section = unit_results(data, long_bien, 2025, addresses, "2025/long-bien.html")
    assert section is not None
    q2 = next(period for period in section.periods if period.period == "Q2")
    statuses = {reporter.unit: reporter.status for reporter in q2.reporters}
    reporters = {file.stem for file in (RESULTS / "Q2").glob("*.yaml")} - {"long-bien"}
    assert statuses == {ward: ("on-time" if ward in reporters else "missing") for ward in long_bien_iud()}
    assert len(q2.children) == 13


def test_period_page_late_and_missing(data, addresses):
    """Q1: Gia Lâm reported on 14/04/2025, Hà Nội asks before 10/04/2025: five days late (the 10th is late)."""
    city = _yaml(PLANS / "2025" / "city.yaml")
    due = next(r["before"] for r in city["reporting"]["reports"] if r["period"] == "Q1")
    gia_lam = _yaml(RESULTS / "Q1" / "gia-lam.yaml")
    days = (date.fromisoformat(gia_lam["reported"]) - date.fromisoformat(due)).days + 1
    page = period_page(data, 2025, "Q1", addresses, [])
    assert page is not None
    city_group = next(group for group in page.groups if group.unit == "ha-noi")
    late = [r for r in city_group.reporters if r.status == "late"]
    assert [r.unit for r in late] == ["gia-lam"]
    assert f"{days} days late" in late[0].text or f"{days} ngày" in late[0].text
    q2 = period_page(data, 2025, "Q2", addresses, [])
    assert q2 is not None
    missing = [r.unit for group in q2.groups for r in group.reporters if r.status == "missing"]
    assert "cu-khoi" in missing


def test_crosswalk_shares():
    """Old Ngọc Thụy went half and half (17.750 people each) to Hồng Hà and Bồ Đề; old Bồ Đề in
    thirds of 38.000 people, 12.666 of them to the new Bồ Đề."""
    _repo, found = load_checked([REFORM / "plans"])
    page = next(page for page in crosswalk_pages(found.book.repo, Addresses()) if page.stem == "long-bien-2025-2026")
    source = _yaml(REFORM / "plans" / "crosswalks" / "long-bien-2025-2026.yaml")
    for entry in source["units"]:
        row = next(row for row in page.entries if row.old.unit == entry["old"])
        populations = [part.get("population") for part in entry["parts"]]
        for part, drawn in zip(entry["parts"], row.parts):
            assert drawn.new.unit == part["unit"]
            if len(entry["parts"]) > 1 and entry.get("by") == "population":
                share = Fraction(part["population"], sum(populations))
                assert drawn.value == f"{share.numerator}/{share.denominator}"
            elif len(entry["parts"]) == 1:
                assert drawn.value == "1/1"
    ngoc_thuy = next(row for row in page.entries if row.old.unit == "ngoc-thuy")
    assert [(p.new.name, p.share, p.population) for p in ngoc_thuy.parts] == [("Hồng Hà", "50%", "17,750"), ("Bồ Đề", "50%", "17,750")]
    bo_de = next(row for row in page.entries if row.old.unit == "bo-de")
    assert [(p.new.unit, p.value, p.share) for p in bo_de.parts] == [
        ("bo-de-00118", "6333/19000", "33.3%"), ("hong-ha-00097", "12667/38000", "33.3%"), ("long-bien-00145", "12667/38000", "33.3%")]
    assert bo_de.how == "by population"
    new_bo_de = next(new for new in page.new_units if new.new.unit == "bo-de-00118")
    assert [old.unit for old, _share in new_bo_de.sources][:3] == ["ngoc-thuy", "ngoc-lam", "bo-de"]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout.strip()


def test_diff_since_a_revision(tmp_path, monkeypatch):
    """The changes since the previous publication, as `dansokh diff` finds them: Ngọc Thụy's IUD 100 → 85."""
    plans = tmp_path / "plans" / "2025"
    plans.mkdir(parents=True)
    text = (  # the README's first plan
        "id: ngoc-thuy\nyear: 2025\nscope: annual\ndocument:\n  issuer: UBND phường Ngọc Thụy\n  symbol: KH-UBND\n"
        "  date: \"2025\"\n  title: Kế hoạch\n  signer: {on_behalf: TM. ỦY BAN NHÂN DÂN}\n"
        "unit: {id: ngoc-thuy, name: Ngọc Thụy, level: cấp xã}\ntargets:\n  - indicator: new_users_iud\n    value: 100\n"
    )
    (plans / "ngoc-thuy.yaml").write_text(text, encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first")
    commit = _git(tmp_path, "rev-parse", "HEAD")
    (plans / "ngoc-thuy.yaml").write_text(text.replace("value: 100", "value: 85"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    page = diff_page(commit, [Path("plans/2025")], 5 * 1024 * 1024)
    rows = [(row.item, row.text) for plan in page.plans for row in plan.rows]
    assert ("Dụng cụ tử cung (đặt vòng)", "100 → 85") in rows
    # the default revision: the one the previous site recorded
    out = tmp_path / "public"
    out.mkdir()
    (out / ".dansokh-site").write_text(json.dumps({"commit": commit, "generator": "dansokh", "version": "0"}), encoding="utf-8")
    assert recorded_commit(out) == commit
    assert since_revision(None, out) == commit
    assert since_revision("v1", out) == "v1"
    assert since_revision(None, tmp_path / "nothing") is None
    assert diff_page(None, [Path("plans/2025")], 1000).plans == []


# -- the pages as written ------------------------------------------------------------------------


@pytest.fixture
def built(real_site: Path) -> Path:
    """The site of the real 2025 plans and the illustrative results (conftest's, built once)."""
    return real_site


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def section(html: str, start: str, end: str) -> str:
    at = html.index(start)
    return html[at: html.index(end, at)]


def test_two_clicks_home_then_iud_answers_which_wards_are_behind_in_q2(built: Path):
    """Home → IUD's page; there, in the section of Q2, Long Biên's wards behind, furthest first,
    each with its shortfall in people (the figure and its exact value), as computed from the files."""
    home = read(built, "index.html")
    assert 'href="2025/indicators/new_users_iud.html"' in home
    html = read(built, "2025/indicators/new_users_iud.html")
    q2 = section(html, '<section class="period" data-period="Q2"', '<section class="period" data-period="Q1"')  # the latest first
    group = section(q2, '<section class="behind" data-parent="long-bien">', "</ol>")
    listed = re.findall(r'<li data-unit="([a-z-]+)" data-value="([0-9.]+)">.*?<strong class="gap">([^<]+)</strong>', group)
    quotas, results = long_bien_iud(), reported("Q2", IUD)
    gaps = {ward: quota / 2 - results[ward] for ward, quota in quotas.items() if ward in results}
    behind = sorted((ward for ward in gaps if gaps[ward] > 0), key=lambda ward: (-gaps[ward], list(quotas).index(ward)))
    assert [unit for unit, _value, _text in listed] == behind
    assert [Decimal(value) for _unit, value, _text in listed] == [gaps[ward] for ward in behind]
    assert listed[1][2] == "7,5 người"  # Vietnamese number format on the page
    assert 'data-unit="cu-khoi" data-status="missing"' in q2


def test_the_cascade_table_sorts_and_the_chart_draws_the_results(built: Path):
    html = read(built, "2025/indicators/new_users_iud.html")
    q2 = section(html, '<section class="period" data-period="Q2"', '<section class="period" data-period="Q1"')  # the latest first
    table = section(q2, '<table class="cascade sortable" id="cascade-Q2" data-indicator="new_users_iud" data-period="Q2">', "</table>")
    headers = re.findall(r'<th scope="col" aria-sort="none"><button type="button"[^>]*>', table)
    assert len(headers) == 9
    rows = dict(re.findall(r'<tr data-unit="([a-z-]+)".*?<td class="num gap" data-value="([-0-9.]*)">', table, re.S))
    quotas, results = long_bien_iud(), reported("Q2", IUD)
    for ward, result in results.items():
        if ward in quotas:
            assert Decimal(rows[ward]) == quotas[ward] / 2 - result
    svg = section(q2, '<svg class="chart"', "</svg>")
    assert 'data-indicator="new_users_iud" data-period="Q2"' in svg and 'aria-describedby="cascade-Q2"' in svg
    bars = re.findall(r'<rect class="value \w+" data-value="([0-9.]+)" data-unit="([a-z-]+)"', svg)
    assert {unit: Decimal(value) for value, unit in bars} == results and len(bars) == len(results)


def test_a_ward_page_shows_its_results_by_quarter(built: Path):
    html = read(built, "2025/ngoc-thuy.html")
    results = section(html, '<section class="results"', '<section class="appendices"')
    for period in ("Q1", "Q2"):
        table = section(results, f'<table class="results" id="results-table-{period}" data-period="{period}">', "</table>")
        tr = re.search(r'<tr data-indicator="new_users_iud"[^>]*>(.*?)</tr>', table, re.S)
        assert tr is not None
        value = re.search(r'<td class="num result" data-value="([0-9.]+)">', tr.group(1))
        assert value is not None and Decimal(value.group(1)) == reported(period, IUD)["ngoc-thuy"]
        assert 'href="indicators/new_users_iud.html"' in tr.group(1)
    svg = section(results, '<svg class="chart"', "</svg>")
    assert re.search(r'data-value="24" data-indicator="new_users_iud"', svg)  # Q1's 24 IUD users, drawn


def test_a_parent_page_says_who_reported_late_or_not_at_all(built: Path):
    html = read(built, "2025/long-bien.html")
    q2 = section(html, '<section class="period" data-period="Q2"', "</ul>")
    statuses = {unit: status for status, unit in re.findall(r'<li data-status="([a-z-]+)" data-unit="([a-z-]+)">', q2)}
    assert statuses["cu-khoi"] == "missing" and statuses["ngoc-thuy"] == "on-time" and len(statuses) == 13
    city = read(built, "2025/results/Q1.html")
    assert '<li data-status="late" data-unit="gia-lam">' in city
    late = re.search(r'<li data-status="late" data-unit="gia-lam">(.*?)</li>', city, re.S)
    assert late is not None and "muộn 5 ngày" in late.group(1) and "14/04/2025" in late.group(1)


def test_the_crosswalk_and_diff_pages(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans / "2025-src")
    shutil.copytree(REFORM / "plans", plans, dirs_exist_ok=True)
    shutil.move(str(plans / "2025-src"), str(plans / "2025"))
    out = tmp_path / "public"
    result = cli("site", str(plans), "-o", str(out), "--no-documents")
    assert result.exit_code == 0, result.output
    html = read(out, "crosswalks/long-bien-2025-2026.html")
    assert re.search(r'<tr data-old="ngoc-thuy" data-new="hong-ha-00097">.*?<td class="num share" data-value="1/2">50%</td>', html, re.S)
    assert 'href="../2026/bo-de-2026.html"' in html  # the new unit's page, and the old ward's
    assert 'href="../2025/ngoc-thuy.html"' in html
    assert 'href="crosswalks/long-bien-2025-2026.html"' in read(out, "index.html")
    diff = read(out, "diff.html")
    assert "--since" in diff  # no previous publication, no revision given: the page says how to get one


HOSTILE = '</script><script>alert(1)</script> "quoted" <b>x</b>\u2028&amp;'


def test_nothing_from_a_plan_reaches_a_results_page_unescaped(tmp_path: Path):
    """A ward's name from the plan, on every page that shows results: escaped."""
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    edit(plans / "2025" / "long-bien.yaml", "name: Ngọc Thụy", f"name: {json.dumps(HOSTILE)}")
    out = tmp_path / "public"
    assert cli("site", str(plans), "--results", str(RESULTS), "-o", str(out), "--no-documents").exit_code == 0
    shown = 0
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<b>x</b>" not in text, path
        shown += "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;x&lt;/b&gt;" in read(out, "2025/results/Q2.html") and shown > 3


def test_the_diff_page_compares_with_the_previous_publication(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Published once from a commit; the plans changed; published again without --since: the page
    lists the change since the commit the first site recorded."""
    shutil.copytree(PLANS, tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    author = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    _git(tmp_path, "init", "-q")
    _git(tmp_path, *author, "add", ".")
    _git(tmp_path, *author, "commit", "-qm", "plans")
    assert cli("site", "plans", "-o", "public", "--no-documents").exit_code == 0
    recorded = recorded_commit(tmp_path / "public")
    assert recorded is not None and _git(tmp_path, "rev-parse", "HEAD").startswith(recorded)
    assert "--since" in read(tmp_path / "public", "diff.html")  # the first publication: nothing to compare with
    edit(tmp_path / "plans" / "2025" / "long-bien.yaml", "value: 90", "value: 92")
    assert cli("site", "plans", "-o", "public", "--no-documents").exit_code == 0
    html = read(tmp_path / "public", "diff.html")
    assert f'data-since="{recorded}"' in html
    changes = re.findall(r'<tr data-status="changed">\s*<td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td class="change">([^<]*)</td>', html)
    assert changes == [("Long Biên", "Tỷ lệ sàng lọc trước sinh (4 bệnh)", "90 → 92")]


def test_results_pages_drawn_in_workers_are_the_pages_drawn_here(real_site: Path, tmp_path: Path, monkeypatch):
    """A country's indicator and period pages are drawn in worker processes (``results_pages.
    DRAWN_APART``), its figures computed first: the same bytes as drawn in one process."""
    from dansokh.site import results_pages

    monkeypatch.setattr(results_pages, "DRAWN_APART", 0)
    out = tmp_path / "public"
    result = cli("site", str(PLANS), "--results", str(RESULTS), "-o", str(out), "--no-documents", "--jobs", "2")
    assert result.exit_code == 0, result.output
    files = sorted(path.relative_to(real_site) for path in real_site.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(out) for path in out.rglob("*") if path.is_file())
    assert any(str(path).startswith("2025/indicators/") for path in files)
    assert [path for path in files if (real_site / path).read_bytes() != (out / path).read_bytes()] == []


@pytest.mark.parametrize("duplicate", [False, True], ids=["plans", "an id taken twice"])
def test_the_page_of_changes_from_the_sites_own_plans_is_the_page_from_every_file_read(tmp_path, monkeypatch, duplicate):
    """The site hands the work tree's plans it loaded (outlines) to the page of changes, which then
    types only the files that changed (``vcs.sides.load_sides``): the same rows, the same lines, as
    when every file at both sides is read whole; with a plan id taken twice, every file is read."""
    shutil.copytree(PLANS, tmp_path / "plans")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first")
    commit = _git(tmp_path, "rev-parse", "HEAD")
    long_bien = tmp_path / "plans" / "2025" / "long-bien.yaml"
    edit(long_bien, "name: Ngọc Thuỵ, values: [0.00, 3.04, 25, 100,", "name: Ngọc Thuỵ, values: [0.00, 3.04, 25, 85,")
    edit(long_bien, 'time: "Tháng 6/2025"', 'time: "Tháng 7/2025"')
    if duplicate:
        shutil.copy(tmp_path / "plans" / "2025" / "bac-cuong.yaml", tmp_path / "plans" / "2025" / "a-copy.yaml")
    monkeypatch.chdir(tmp_path)
    repo, _findings = load_checked([Path("plans")], whole=False, use_cache=False)
    typed = {loaded.file: loaded for loaded in repo.plans}
    assert "plans/2025/city.yaml" in typed
    folders = [Path("plans/2025")]
    every_file = diff_page(commit, folders, 5 * 1024 * 1024)
    typed_here: list[str] = []
    parsed = texts._parsed

    def counted(name: str, raw: bytes, max_bytes: int) -> texts.Parsed:
        typed_here.append(name)
        return parsed(name, raw, max_bytes)

    monkeypatch.setattr(texts, "_parsed", counted)
    from_the_site = diff_page(commit, folders, 5 * 1024 * 1024, typed)
    assert from_the_site.headline == every_file.headline
    assert [(plan.plan, plan.rows) for plan in from_the_site.plans] == [(plan.plan, plan.rows) for plan in every_file.plans]
    rows = [(row.where[:5], row.text) for plan in every_file.plans for row in plan.rows]
    assert rows[:2] == [("Ngọc ", "100 → 85"), ("A.I.2", "Tháng 6/2025 → Tháng 7/2025")]
    if duplicate:  # then every file is read whole
        assert set(typed_here) == {f"plans/2025/{path.name}" for path in (tmp_path / "plans" / "2025").glob("*.yaml")}
    else:  # only the file that changed, at both sides
        assert typed_here == ["plans/2025/long-bien.yaml"] * 2
