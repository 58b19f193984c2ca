"""After the 2025 reform: the official list of units, crosswalks, and last year's figures carried
into this year's units, on the two-level example repository (examples/reform-2026 with the real
2025 plans beside it)."""

from __future__ import annotations

import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from conftest import PLANS, ROOT, deadline, line_of, run, write_files
from dansokh.cascade.apportion import Method
from dansokh.cascade.repository import LoadedCrosswalk
from dansokh.check.run import load_checked
from dansokh.check.selection import Selection
from dansokh.cli import app
from dansokh.model import official
from dansokh.model.catalogue import CATALOGUE
from dansokh.model.crosswalk import Crosswalk
from dansokh.model.numbers import all_given
from dansokh.model.plan import AllocationTable, Schedule
from dansokh.official.placing import placed_in, units_changed
from dansokh.read.positions import SourceMap
from dansokh.reform.crosswalk import Bridge, bridge_for, carry_column

EXAMPLE = ROOT / "examples" / "reform-2026"
runner = CliRunner()

needs_library = pytest.mark.skipif(not official.available(), reason="the optional list of units is not installed")


def allocation(appendix: AllocationTable | Schedule) -> AllocationTable:
    """An appendix the test knows to be an allocation table (a schedule fails it)."""
    assert isinstance(appendix, AllocationTable), appendix
    return appendix


def total_values(table: AllocationTable) -> list[Decimal | None]:
    """The values of a table's total row (a table without one fails the test)."""
    assert table.total_row is not None
    return table.total_row[1].values


def column_sum(table: AllocationTable, column: int) -> Decimal:
    """The sum of a column over the table's units (a blank among them fails the test)."""
    cells = all_given([row.values[column] for _, row in table.unit_rows])
    assert cells is not None, column
    return sum(cells, Decimal(0))


def cli(*args: str):
    return runner.invoke(app, ["--lang", "en", *args])


@pytest.fixture
def reform(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example repository, with the real 2025 plans and the illustrative 2025 results beside it,
    on 08/04/2026, when the first quarter of the new wards is due."""
    monkeypatch.setenv("DANSOKH_TODAY", "2026-04-08")
    shutil.copytree(EXAMPLE, in_tmp, dirs_exist_ok=True)
    shutil.copytree(PLANS / "2025", in_tmp / "plans" / "2025")
    shutil.copytree(ROOT / "examples" / "results-2025", in_tmp / "results" / "2025")
    return in_tmp


@pytest.fixture
def no_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """dansokh as it runs where the optional package is not installed."""
    monkeypatch.setattr(official, "_library_folder", lambda: None)


# --- the library's data ---------------------------------------------------------------------------


@needs_library
def test_the_official_lists_hold_what_the_reform_made():
    old, new = official.snapshots()
    by_level = lambda snapshot, level: [u for u in snapshot.units.values() if u.level == level]  # noqa: E731
    assert (len(by_level(old, 1)), len(by_level(old, 2)), len(by_level(old, 3))) == (63, 696, 10035)
    assert (len(by_level(new, 1)), len(by_level(new, 2))) == (34, 3321)
    [hanoi] = new.named("Hà Nội")
    assert hanoi.code == "01" and len(new.children["01"]) == 126
    assert {u.kind for u in new.children["01"]} == {"Phường", "Xã"}
    assert sum(u.kind == "Phường" for u in new.children["01"]) == 51


@needs_library
def test_the_reform_table_divides_ngoc_thuy_and_thach_ban_as_the_issue_says():
    old, new = official.snapshots()
    reform = official.reform()
    [long_bien] = old.named("Long Biên", "01")
    wards = {u.name: u for u in old.children[long_bien.code]}
    assert len(wards) == 13 and "Sài Đồng" not in wards  # merged on 1 January 2025
    parts = lambda name: {new.units[p.code].title for p in reform.parts_of(wards[name])}  # noqa: E731
    assert parts("Ngọc Thụy") == {"phường Bồ Đề", "phường Hồng Hà"}
    assert parts("Thạch Bàn") == {"phường Long Biên", "phường Phúc Lợi", "xã Bát Tràng", "xã Gia Lâm"}
    assert parts("Ngọc Lâm") == {"phường Bồ Đề"}  # the one ward of Long Biên that went whole
    assert sum(len(reform.parts_of(w)) > 1 for w in wards.values()) == 12
    # codes were reassigned: 00118 was Ngọc Thụy and is now Bồ Đề
    assert old.units["00118"].name == "Ngọc Thụy" and new.units["00118"].name == "Bồ Đề"


@needs_library
def test_hong_ha_took_wards_of_four_old_districts_and_holds_ngoc_thuys_geocoded_point_not_its_seat():
    old, new = official.snapshots()
    reform = official.reform()
    [hong_ha] = new.named("Hồng Hà", "01")
    def district(code: str) -> str:
        parent = old.units[code].parent
        assert parent is not None, code
        return old.units[parent].title

    sources = {(district(code), old.units[code].title) for code in reform.sources_of(hong_ha)}
    # what the README, the guide and the reference say: Ba Đình, Hoàn Kiếm, Hai Bà Trưng, Tây Hồ and Long Biên
    assert {district for district, _ in sources} == {"quận Ba Đình", "quận Hoàn Kiếm", "quận Hai Bà Trưng", "quận Tây Hồ", "quận Long Biên"}
    assert {ward for district, ward in sources if district == "quận Hai Bà Trưng"} == {"phường Bạch Đằng", "phường Thanh Lương"}
    # the library's flag on a divided ward is the new unit holding its geocoded point: Hồng Hà for old
    # Ngọc Thụy, whose seat is in the new Bồ Đề
    [ngoc_thuy] = [u for u in old.named("Ngọc Thụy", anywhere=True) if u.parent == old.named("Long Biên", "01")[0].code]
    assert [(new.units[p.code].name, p.geocoded) for p in reform.parts_of(ngoc_thuy)] == [("Bồ Đề", False), ("Hồng Hà", True)]
    # before the reform: 10,035 communes in a table of 10,040 rows (five island districts have none)
    assert sum(u.level == 3 for u in old.units.values()) == 10035


@needs_library
def test_the_examples_units_are_the_librarys_not_typed_by_hand():
    repo, _ = load_checked([EXAMPLE / "plans"], whole=False)
    city = repo.by_id["ha-noi-2026"].plan
    _, new = official.snapshots()
    assert {(u.name, u.code) for u in city.units} == {(u.name, u.code) for u in new.children["01"]}
    assert all(u.code is not None and u.id == new.units[u.code].unit_id for u in city.units)
    table = allocation(city.appendices[0])
    assert [row.name for _, row in table.unit_rows] == [u.name for u in city.units]


# --- the example repository in every command -----------------------------------------------------


def test_the_example_repository_validates_with_the_official_units_selected(reform):
    result = cli("validate", "plans", "results")
    assert result.exit_code == 0, result.output
    codes = {match[1] for match in re.finditer(r"^\S+:\d+:\d+: ([A-Z]\d{3}) ", result.output, re.MULTILINE)}
    assert codes <= {"U004", "K005", "K006"}, result.output  # notes and warnings of the real and illustrative 2025 files
    assert "Checked 72 files, 9 plans, 61 results, 6 parent→child edges: 0 errors" in result.output


def test_the_city_plan_of_2026_assigns_to_126_wards_and_communes_and_edges_hold(reform):
    result = cli("allocate", "--from", "ha-noi-2026", "--to", "Bồ Đề", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["parent"], document["child"]) == ("ha-noi-2026", "bo-de-2026")
    iud = next(line for line in document["lines"] if line["indicator"] == "new_users_iud")
    assert (iud["assigned"], iud["own"], iud["verdict"]) == ("324", "324", "met")


def test_the_city_plan_of_2026_renders_its_126_units(reform):
    result = cli("render", "appendix1", "--plan", "ha-noi-2026", "-f", "md", "-o", "out.md")
    assert result.exit_code == 0, result.output
    text = (reform / "out.md").read_text(encoding="utf-8")
    assert "GIAO CHỈ TIÊU BIỆN PHÁP TRÁNH THAI NĂM 2026" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    assert len(rows) == 126 and "Hương Sơn" in rows[-1]


@needs_library
def test_a_proposal_flags_every_divided_unit(reform):
    result = cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien", "--into", "proposal")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "1 went whole: Ngọc Lâm → Bồ Đề" in text
    assert "12 divided, their shares to decide" in text and "Ngọc Thụy → Hồng Hà, Bồ Đề" in text
    assert "Thạch Bàn → Long Biên, Bát Tràng, Gia Lâm, Phúc Lợi" in text
    proposed = (reform / "proposal" / "long-bien-2025-2026.yaml").read_text(encoding="utf-8")
    assert proposed.count("\n    by: undecided") == 12
    # the library marks the new unit holding a divided ward's geocoded point, not its seat (old
    # Ngọc Thụy's seat is in the new Bồ Đề): the proposal says which it is
    assert '      - {unit: hong-ha-00097, name: Hồng Hà, code: "00097"}  # phường Hồng Hà, holds its geocoded point\n' in proposed
    assert "seat" not in proposed
    # the example's crosswalk is the proposal with its shares decided: the same units, part for part
    decided = (reform / "plans" / "crosswalks" / "long-bien-2025-2026.yaml").read_text(encoding="utf-8")
    assert _skeleton(proposed) == _skeleton(decided)
    # run again, the proposal is kept as it is: it has every unit already
    again = cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien", "--into", "proposal")
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "proposal/long-bien-2025-2026.yaml: every unit quận Long Biên assigned to in 2025 is in it already: nothing added.\n"
    )
    assert (reform / "proposal" / "long-bien-2025-2026.yaml").read_text(encoding="utf-8") == proposed


@needs_library
def test_a_crosswalk_that_exists_gets_proposals_for_the_units_it_lacks_and_keeps_the_rest(reform):
    path = reform / CROSSWALK
    text = path.read_text(encoding="utf-8")
    # the officer's crosswalk, with Ngọc Lâm, Thạch Bàn and Cự Khối not yet in it, and a comment of theirs
    ngoc_lam = text.index("  - old: ngoc-lam")
    text = text[:ngoc_lam] + text[text.index("  - old:", ngoc_lam + 1) :]
    text = text[: text.index("  - old: thach-ban")].replace("    by: population\n", "    by: population  # đo ngày 1/7\n", 1)
    path.write_text(text, encoding="utf-8")
    result = cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "plans/crosswalks/long-bien-2025-2026.yaml: added 3 units quận Long Biên assigned to in 2025 that it did not have,"
        " proposed from the official list; the 10 it had are kept as they were.",
        "  1 went whole: Ngọc Lâm → Bồ Đề",
        "  2 divided, their shares to decide (by: population, share or figure): Thạch Bàn → Long Biên, Bát Tràng, Gia Lâm,"
        " Phúc Lợi; Cự Khối → Long Biên, Bát Tràng",
        "Decide the shares of the divided units in the files, then run `dansokh validate`.",
    ]
    after = path.read_text(encoding="utf-8")
    assert after.startswith(text)  # every line the officer wrote, as written
    assert after[len(text) :] == (
        '  - old: ngoc-lam  # phường Ngọc Lâm (00133): went whole\n'
        '    name: Ngọc Lâm\n'
        '    code: "00133"\n'
        '    parts:\n'
        '      - {unit: bo-de-00118, name: Bồ Đề, code: "00118"}  # phường Bồ Đề\n'
        '  - old: thach-ban  # phường Thạch Bàn (00148): divided among 4 new units\n'
        '    name: Thạch Bàn\n'
        '    code: "00148"\n'
        '    by: undecided  # population | share | figure\n'
        '    parts:\n'
        '      - {unit: long-bien-00145, name: Long Biên, code: "00145"}  # phường Long Biên, holds its geocoded point\n'
        '      - {unit: bat-trang-00577, name: Bát Tràng, code: "00577"}  # xã Bát Tràng\n'
        '      - {unit: gia-lam-00565, name: Gia Lâm, code: "00565"}  # xã Gia Lâm\n'
        '      - {unit: phuc-loi-00136, name: Phúc Lợi, code: "00136"}  # phường Phúc Lợi\n'
        '  - old: cu-khoi  # phường Cự Khối (00154): divided among 2 new units\n'
        '    name: Cự Khối\n'
        '    code: "00154"\n'
        '    by: undecided  # population | share | figure\n'
        '    parts:\n'
        '      - {unit: long-bien-00145, name: Long Biên, code: "00145"}  # phường Long Biên, holds its geocoded point\n'
        '      - {unit: bat-trang-00577, name: Bát Tràng, code: "00577"}  # xã Bát Tràng\n'
    )
    # what is left is the officer's: the two divided units' shares (W002), nothing else
    validated = cli("validate", "plans")
    assert [line.split(" ")[1] for line in validated.stdout.splitlines() if line.startswith("plans/crosswalks/")] == ["W002", "W002"]
    assert validated.stdout.splitlines()[-1].endswith(": 2 errors, 0 warnings, 1 note.")
    # in Vietnamese, the count in words an officer reads
    again = runner.invoke(app, ["--lang", "vi", "crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien"])
    assert again.exit_code == 0 and path.read_text(encoding="utf-8") == after
    assert again.stdout == (
        "plans/crosswalks/long-bien-2025-2026.yaml: đã có đủ mọi đơn vị quận Long Biên giao chỉ tiêu năm 2025: không thêm gì.\n"
    )
    path.write_text(text, encoding="utf-8")
    vi = runner.invoke(app, ["--lang", "vi", "crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien"])
    assert vi.stdout.splitlines()[0] == (
        "plans/crosswalks/long-bien-2025-2026.yaml: đã thêm 3 đơn vị quận Long Biên giao chỉ tiêu năm 2025 mà bảng chưa có,"
        " đề xuất theo danh mục chính thức; giữ nguyên 10 đơn vị đã có."
    )


@needs_library
def test_a_crosswalk_that_exists_but_is_of_other_units_is_not_added_to(reform):
    path = reform / CROSSWALK
    before = path.read_text(encoding="utf-8").replace("from: {year: 2025, unit: long-bien}", "from: {year: 2025, unit: city}")
    path.write_text(before, encoding="utf-8")
    result = cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien")
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()).endswith(
        "plans/crosswalks/long-bien-2025-2026.yaml is not the crosswalk of quận Long Biên's units of 2025 into thành phố Hà Nội's of 2026:"
        " move it, or give --force to replace it"
    )
    assert path.read_text(encoding="utf-8") == before


@needs_library
def test_a_proposal_is_never_written_over_a_plan_nor_into_what_is_no_folder(reform):
    """--into a file, a folder that cannot be made, or a link to a plan: one message, nothing written."""
    city = reform / "plans" / "2026" / "ha-noi-2026.yaml"
    before = city.read_bytes()
    (reform / "links").mkdir()
    (reform / "links" / "ha-noi-2025-2026.yaml").symlink_to(city)
    (reform / "a-file").write_text("x", encoding="utf-8")
    for into, reason in (
        ("links", "links/ha-noi-2025-2026.yaml is the plan file plans/2026/ha-noi-2026.yaml, which this run reads;"
                  " choose another output (nothing was written)"),
        ("a-file/sub", "cannot write a-file/sub/ha-noi-2025-2026.yaml: Not a directory"),
    ):
        result = cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "city", "--into", into, "--force")
        assert result.exit_code == 2, result.output
        assert " ".join(result.stderr.split()).endswith(f"--into: {reason}"), result.stderr
    assert city.read_bytes() == before and (reform / "a-file").read_text(encoding="utf-8") == "x"


def _example_crosswalk(name: str) -> Crosswalk:
    from ruamel.yaml import YAML

    text = (EXAMPLE / "plans" / "crosswalks" / f"{name}.yaml").read_text(encoding="utf-8")
    return Crosswalk.model_validate(YAML(typ="safe").load(text))


# each old ward's made-up population, as the example has always had it (only the split changed)
WARDS = {
    "ngoc-thuy": 35500, "ngoc-lam": 21500, "bo-de": 38000, "phuong-long-bien": 19800, "thuong-thanh": 28600,
    "duc-giang": 33400, "viet-hung": 27300, "giang-bien": 25100, "phuc-dong": 26200, "gia-thuy": 22700,
    "phuc-loi": 24800, "thach-ban": 31200, "cu-khoi": 12600,
}


def test_the_example_gives_every_part_of_a_divided_ward_an_equal_share_of_its_people():
    """ILLUSTRATIVE populations: nothing in them favours the part the library lists first (the new unit
    holding the old ward's geocoded point): each part holds an equal share, in whole people, and the
    people a ward leaves over when it does not divide evenly go to the parts listed after the first."""
    walk = _example_crosswalk("long-bien-2025-2026")
    assert {entry.old: sum(p.population or 0 for p in entry.parts) for entry in walk.units} == WARDS
    sums: dict[str, int] = {}
    for entry in walk.units:
        populations = [part.population for part in entry.parts]
        assert all(isinstance(p, int) for p in populations), entry.old
        share, left = divmod(WARDS[entry.old], len(populations))
        assert populations == [share] * (len(populations) - left) + [share + 1] * left, entry.old
        for part in entry.parts:
            assert part.population is not None
            sums[part.unit] = sums.get(part.unit, 0) + part.population
    ngoc_thuy = next(entry for entry in walk.units if entry.old == "ngoc-thuy")
    assert [(p.unit, p.population) for p in ngoc_thuy.parts] == [("hong-ha-00097", 17750), ("bo-de-00118", 17750)]
    # Hà Nội's crosswalk gives quận Long Biên's parts the sums of its wards' parts
    city = _example_crosswalk("ha-noi-2025-2026")
    long_bien = next(entry for entry in city.units if entry.old == "long-bien")
    assert {p.unit: p.population for p in long_bien.parts} == sums
    assert sum(sums.values()) == sum(WARDS.values()) == 346700


def _skeleton(text: str) -> list[str]:
    """A crosswalk without its comments, its shares and how they were decided."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or line.strip().startswith("by:"):
            continue
        lines.append(re.sub(r", population: \d+", "", line.split("  #")[0]))
    return lines


@needs_library
def test_the_proposal_left_undecided_fails_validation_at_each_divided_unit(reform):
    cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien", "--into", "plans/crosswalks", "--force")
    found = run(["plans"])
    w002 = [d for d in found.diagnostics if d.code == "W002"]
    assert len(w002) == 12 and {d.file for d in w002} == {"plans/crosswalks/long-bien-2025-2026.yaml"}
    path = reform / "plans" / "crosswalks" / "long-bien-2025-2026.yaml"
    assert w002[0].span.line == line_of(path, "by: undecided", after="units:")


def test_carried_figures_add_up_exactly_to_last_years_totals(reform):
    repo, _ = load_checked([reform / "plans"], whole=False)
    for plan_id, crosswalk in (("long-bien", "long-bien-2025-2026"), ("city", "ha-noi-2025-2026")):
        old = repo.by_id[plan_id]
        bridge = next(b for b in _bridges(repo) if b.crosswalk.id == crosswalk)
        for _index, table in old.plan.allocation_tables:
            total_row = total_values(table)
            for column_index, column in enumerate(table.columns):
                if not CATALOGUE[column.indicator].quota:
                    continue
                for method in Method:
                    carried = carry_column(repo, bridge, old, column.indicator, method)
                    assert carried.new_total == carried.old_total, (plan_id, column.indicator, method)
                    # Long Biên's wards hand down more than the district's total row says (C003's
                    # business); the carried column adds up to what its rows hold
                    rows = column_sum(table, column_index)
                    assert carried.new_total == rows
                    assert all(v.value == v.value.to_integral_value() for v in carried.values if v.value is not None)
                    if plan_id == "city":
                        assert rows == total_row[column_index]


def _bridges(repo):
    from dansokh.reform.crosswalk import bridges

    return bridges(repo)


def test_the_carry_command_shows_long_biens_table_in_the_new_units(reform):
    result = cli("crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud", "--indicator", "third_child_rate")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Hồng Hà                          84*+" in text
    assert "Bồ Đề                            347*" in text and "Bồ Đề                            347*+" not in text
    assert "Dụng cụ tử cung (đặt vòng): 1,100 in 2025, 1,100 carried; the parts add up exactly." in text
    assert "Hồng Hà: Ngọc Thụy (50%) + Bồ Đề (33.3%)" in text
    document = json.loads(cli("crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud", "-f", "json").stdout)
    hong_ha = next(v for v in document["indicators"]["new_users_iud"]["values"] if v["name"] == "Hồng Hà")
    # by population, each part an equal share of its ward: Ngọc Thụy's 100 (17,750 of 35,500 went to
    # Hồng Hà) → 50; Bồ Đề's 100 × 12,667/38,000 = 33.33… → 34 (the 2 people 38,000 leaves over
    # divided by 3 went to the parts listed second and third: the largest remainders)
    assert [(s["name"], s["value"], s["share"]) for s in hong_ha["sources"]] == [
        ("Ngọc Thụy", "50", "1/2"), ("Bồ Đề", "34", "12667/38000")
    ]
    assert hong_ha["divided"] is True and hong_ha["partial"] is True


def test_a_rate_is_carried_as_a_mean_weighted_by_population(reform):
    repo, _ = load_checked([reform / "plans"], whole=False)
    bridge = bridge_for(repo, "long-bien", 2025, 2026)
    carried = carry_column(repo, bridge, repo.by_id["long-bien"], "third_child_rate").by_unit()
    # Hồng Hà: Ngọc Thụy's 3.04 % over 17,750 people and Bồ Đề's 3.78 % over 12,667
    exact = (Fraction("3.04") * 17750 + Fraction("3.78") * 12667) / (17750 + 12667)
    assert carried["hong-ha-00097"].value == Decimal("3.35") == round(Decimal(exact.numerator) / exact.denominator, 2)


def test_split_weighs_by_last_years_column_carried_through_the_crosswalk(reform):
    result = cli("allocate", "--from", "ha-noi-2026", "--split", "new_users_iud", "--by", "city:new_users_iud", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["whole"] == 35600 and len(document["rows"]) == 126
    assert sum(row["proposed"] for row in document["rows"]) == 35600
    # the whole is last year's: the split gives back the carried figures the 2026 table holds
    assert all(row["proposed"] == int(row["current"]) == int(row["weight"]) for row in document["rows"])
    assert document["weights_from"] == {
        "plan": "city", "indicator": "new_users_iud", "year": 2025, "crosswalk": "plans/crosswalks/ha-noi-2025-2026.yaml"
    }
    grown = cli("allocate", "--from", "ha-noi-2026", "--split", "new_users_iud", "--by", "city:new_users_iud", "--whole", "36000")
    assert grown.exit_code == 0 and "36,000" in grown.output
    assert (
        "Weights: Dụng cụ tử cung (đặt vòng) in the plan of thành phố Hà Nội for 2025 (city), carried into this year's units"
        in " ".join(grown.output.split())
    )


def test_split_by_a_crosswalk_that_covers_part_of_the_units_says_which_get_nothing(reform):
    result = cli("allocate", "--from", "ha-noi-2026", "--split", "new_users_iud", "--by", "long-bien:new_users_iud")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "no 2025 figure of new_users_iud is carried into Ba Đình, Ngọc Hà" in text
    assert "the crosswalk long-bien-2025-2026 covers 7 of thành phố Hà Nội's units" in text


def test_diff_across_the_reform_marks_figures_carried_through_a_divided_unit(reform):
    result = cli("diff", "--plan", "ha-noi-2026", "--against", "long-bien")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert "ha-noi-2026 Phụ lục 1 Bồ Đề * Dụng cụ tử cung (đặt vòng) 347 → 324 người" in lines
    assert "ha-noi-2026 Phụ lục 1 Hồng Hà *+ Dụng cụ tử cung (đặt vòng) 84 → 511 người" in lines
    assert "Bồ Đề: Ngọc Thụy (50%) + Ngọc Lâm + Bồ Đề (33.3%) + Long Biên (50%) + Thượng Thanh (50%) + Đức Giang (50%) + Phúc Đồng (25%) + Gia Thụy (33.3%)" in lines
    assert "119 of thành phố Hà Nội's units get nothing of quận Long Biên's figures through long-bien-2025-2026: they are not compared" in lines
    assert "42 changes in 1 plan between long-bien (quận Long Biên, 2025) and ha-noi-2026 (thành phố Hà Nội, 2026)." in lines
    document = json.loads(cli("diff", "--plan", "ha-noi-2026", "--against", "long-bien", "-f", "json").stdout)
    change = next(c for c in document["changes"] if c["where"] == "Bồ Đề" and c["ref"]["column"] == "new_users_iud")
    assert change["carried"]["divided"] is True and change["carried"]["partial"] is False
    assert (change["old"], change["new"]) == ("347", "324")
    same = json.loads(cli("diff", "--plan", "ha-noi-2026", "--against", "city", "-f", "json").stdout)
    assert [c for c in same["changes"] if c["area"] == "allocation"] == []  # the 2026 table is last year's carried
    # without --against, the plan it continues (the city's of 2025), through the crosswalk of its units
    continued = cli("diff", "--plan", "ha-noi-2026")
    assert continued.exit_code == 0
    assert "No plan changed between city (thành phố Hà Nội, 2025) and ha-noi-2026 (thành phố Hà Nội, 2026)." in continued.stdout


def test_progress_shows_last_years_results_carried_into_a_new_ward(reform):
    result = cli("progress", "bo-de-00118", "--period", "Q1", "--last-year", "--results", "results")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "quý I năm 2025" in text
    row = next(" ".join(line.split()) for line in text.splitlines() if "Dụng cụ tử cung" in line)
    assert row.endswith("81* │")
    assert "the results of the old units carried into phường Bồ Đề: Ngọc Thụy (50%) + Ngọc Lâm" in " ".join(text.split())
    document = json.loads(cli("progress", "Phúc Lợi", "--year", "2026", "--period", "Q1", "--last-year", "--results", "results", "-f", "json").stdout)
    iud = next(line for line in document[0]["lines"] if line["indicator"] == "new_users_iud")
    # Phúc Lợi took part of Gia Lâm district too: the city's crosswalk covers its whole territory
    assert iud["last_year"]["carried"]["sources"] == "Long Biên (15.3%) + Gia Lâm (16.7%)"
    narrow = json.loads(
        cli("progress", "Phúc Lợi", "--year", "2026", "--period", "Q1", "--last-year", "--results", "results",
            "--crosswalk", "long-bien-2025-2026", "-f", "json").stdout
    )
    iud = next(line for line in narrow[0]["lines"] if line["indicator"] == "new_users_iud")
    assert iud["last_year"]["carried"]["partial"] is True


# --- next year's plan across the reform -----------------------------------------------------------

CITY_2026 = "plans/2026/ha-noi-2026.yaml"


def _draft_city_again(reform: Path, *options: str):  # -> the CliRunner's result
    """The example's 2026 plan of Hà Nội moved aside, and drafted again from the 2025 plan."""
    (reform / CITY_2026).unlink()
    return cli("new", "--next", "city", "--id", "ha-noi-2026", *options)


def _row_line(text: str, name: str, after: str) -> str:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(line for line in lines[start:] if f"name: {name}, values:" in line)


@needs_library
def test_next_years_city_plan_starts_in_the_new_units_with_last_years_figures_carried(reform):
    result = _draft_city_again(reform)
    assert result.exit_code == 0, result.output
    assert (
        "thành phố Hà Nội's units of 2026: the crosswalk ha-noi-2025-2026 (plans/crosswalks/ha-noi-2025-2026.yaml),"
        " with the figures of 2025 carried into them"
    ) in result.stderr
    assert "229 figures could not be carried and are left empty for you to fill in (Ba Đình:" in result.stderr
    # no blank left (the list gives every level); the texts last year's plan wrote for the districts
    # name units that no longer exist: warned at each text, never a clean draft
    assert "0 errors, 9 warnings, 0 notes." in result.stdout
    assert "wrote plans/2026/ha-noi-2026.yaml (plan ha-noi-2026, 2026)" in result.stdout
    repo, _ = load_checked([reform / "plans"], whole=True)
    draft, last_year = repo.by_id["ha-noi-2026"].plan, repo.by_id["city"].plan
    example = load_checked([EXAMPLE / "plans"], whole=True)[0].by_id["ha-noi-2026"].plan
    assert draft.continues == "city" and (draft.unit.id, draft.unit.code) == ("ha-noi", "01")
    # the 126 wards and communes, named, coded and levelled as the official list does, in its order
    assert [(u.id, u.name, u.level, u.code) for u in draft.units] == [(u.id, u.name, u.level, u.code) for u in example.units]
    # Phụ lục 2 (methods) carried: the example's 2026 table is exactly this, and every column adds up
    # to last year's total, to the person
    rates, methods = draft.appendices[0], draft.appendices[1]
    assert isinstance(methods, AllocationTable) and isinstance(rates, AllocationTable)
    assert methods.rows == allocation(example.appendices[0]).rows
    total = total_values(allocation(last_year.appendices[1]))
    assert total == [416950, 35600, 300, 1100, 99250, 280700]
    assert [column_sum(methods, c) for c in range(6)] == total
    assert total_values(methods) == total
    text = (reform / CITY_2026).read_text(encoding="utf-8")
    # Bồ Đề took part of quận Long Biên (106,932 of its 346,700 people): 1,050 IUD users × 0.3084 → 324
    assert _row_line(text, "Bồ Đề", "GIAO CHỈ TIÊU BIỆN PHÁP TRÁNH THAI NĂM 2026") == (
        '      - {tt: "9", name: Bồ Đề, values: [7701, 324, 3, 3, 1665, 5706]}'
        "  # * năm 2025: Long Biên (30,8%); có phần của đơn vị bị chia tách"
    )
    assert "    rows:  # số liệu năm 2025 (kế hoạch city) chuyển sang đơn vị năm 2026 qua bảng chuyển đổi ha-noi-2025-2026, cần rà soát" in text
    # Phụ lục 1 (rates): a unit made of one district's part has the district's rates; one made of
    # parts with different rates and no population to weigh them by is left empty, and says why
    assert _row_line(text, "Bồ Đề", "GIAO CHỈ TIÊU DÂN SỐ NĂM 2026") == (
        '      - {tt: "9", name: Bồ Đề, values: [0.00, 87, 91, 88, 86]}'
        "  # * năm 2025: Long Biên (30,8%); có phần của đơn vị bị chia tách"
    )
    assert _row_line(text, "Phúc Lợi", "GIAO CHỈ TIÊU DÂN SỐ NĂM 2026") == (
        '      - {tt: "11", name: Phúc Lợi, values: [null, null, null, null, 86]}'
        "  # * năm 2025: Long Biên (15,3%) + Gia Lâm (16,7%); có phần của đơn vị bị chia tách; chưa chuyển được"
        " Chỉ tiêu giảm tỷ lệ sinh con thứ 3+ (%), Tỷ lệ sàng lọc trước sinh 4 bệnh (%), Tỷ lệ sàng lọc sơ sinh 5 bệnh (%),"
        " Tỷ lệ nam, nữ được khám sức khỏe trước kết hôn (%): các phần có tỷ lệ khác nhau mà bảng chuyển đổi không ghi"
        " dân số để tính bình quân gia quyền, cần điền"
    )
    assert sum(value is None for _, row in rates.unit_rows for value in row.values) == 229
    assert total_values(rates) == total_values(allocation(last_year.appendices[0]))
    validated = cli("validate", "plans")
    assert validated.exit_code == 0, validated.output
    assert "Checked 11 files, 9 plans, 6 parent→child edges: 0 errors" in validated.output


@needs_library
def test_next_years_city_plan_beside_a_districts_draft_of_the_same_year(reform):
    # a district that started its 2026 plan before the city (a repository without the O rules,
    # which would refuse a district in 2026): its plan declares quận Long Biên under Hà Nội in 2026,
    # and the city's table row "Long Biên" is the new ward the city's own plan declares, not it
    (reform / "dansokh.toml").unlink()
    district = cli("new", "--next", "long-bien", "--id", "quan-long-bien-2026")
    assert district.exit_code == 0, district.output
    result = _draft_city_again(reform)
    assert result.exit_code == 0, result.output
    assert " U002 " not in result.stdout
    assert "wrote plans/2026/ha-noi-2026.yaml (plan ha-noi-2026, 2026)" in result.stdout
    repo, _ = load_checked([reform / "plans"], whole=True)
    city = repo.by_id["ha-noi-2026"]
    assert repo.assignments[("ha-noi-2026", "long-bien-00145")]
    assert not repo.assignments.get(("ha-noi-2026", "long-bien"))
    validated = cli("validate", "plans")
    assert " U002 " not in validated.stdout, validated.stdout
    assert city.plan.year == 2026


@needs_library
def test_a_new_ward_starts_its_plan_from_last_years_table_and_the_crosswalk_before_the_citys_plan(reform):
    # neither the city's 2026 plan nor Bồ Đề's own: the ward starts from quận Long Biên's real 2025
    # table, carried into it through the example's crosswalk
    (reform / CITY_2026).unlink()
    (reform / "plans/2026/bo-de-2026.yaml").unlink()
    result = cli("new", "--next", "Bồ Đề")
    assert result.exit_code == 0, result.output
    assert " ".join(result.stderr.split()) == (
        "Bồ Đề (bo-de-00118) has no plan yet and thành phố Hà Nội no 2026 plan to start it from: its targets are what"
        " quận Long Biên assigned in 2025 to its old units, carried through the crosswalk long-bien-2025-2026"
        " (plans/crosswalks/long-bien-2025-2026.yaml). What thành phố Hà Nội assigns to it in 2026 is not known yet:"
        " when its plan comes, compare each target with it (dansokh validate)."
    )
    assert "plans/2026/bo-de-00118-2026.yaml:19:61: U004 no 2026 plan of thành phố Hà Nội in this repository" in result.stdout
    assert result.stdout.splitlines()[-2:] == [
        "Checked 1 file, 1 plan, 0 parent→child edges: 0 errors, 5 warnings, 1 note.",
        "wrote plans/2026/bo-de-00118-2026.yaml (plan bo-de-00118-2026, 2026)",
    ]
    path = reform / "plans/2026/bo-de-00118-2026.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[:5] == [
        "# Kế hoạch năm 2026 của phường Bồ Đề: bản nháp do dansokh lập trước khi có kế hoạch năm 2026 của thành phố Hà Nội.",
        "# Mỗi chỉ tiêu là mức quận Long Biên giao năm 2025 cho các đơn vị cũ nay thuộc phường Bồ Đề,",
        "# chuyển qua bảng chuyển đổi long-bien-2025-2026 (* có phần của đơn vị cũ bị chia tách): Ngọc Thụy (50%) + Ngọc Lâm"
        " + Bồ Đề (33,3%) + Long Biên (50%) + Thượng Thanh (50%) + Đức Giang (50%) + Phúc Đồng (25%) + Gia Thụy (33,3%).",
        "# CHƯA BIẾT mức thành phố Hà Nội giao năm 2026: khi có kế hoạch đó, ghi văn bản vào implements,",
        "# đối chiếu từng chỉ tiêu với mức được giao (dansokh validate báo chỉ tiêu nào thấp hơn) rồi điều chỉnh.",
    ]
    assert "    value: 347  # * năm 2025 quận Long Biên giao; thành phố Hà Nội chưa giao năm 2026\n" in text
    repo, _ = load_checked([reform / "plans"], whole=True)
    plan = repo.by_id["bo-de-00118-2026"].plan
    assert (plan.unit.id, plan.unit.name, plan.unit.code, plan.unit.level, plan.unit.parent) == ("bo-de-00118", "Bồ Đề", "00118", "cấp xã", "ha-noi")
    assert plan.document.issuer == "UBND phường Bồ Đề" and plan.document.implements == []
    # each target is what `crosswalk --carry long-bien` gives Bồ Đề: the same carry, to the person
    bridge = next(b for b in _bridges(repo) if b.crosswalk.id == "long-bien-2025-2026")
    long_bien = repo.by_id["long-bien"]
    for target in plan.targets:
        carried = carry_column(repo, bridge, long_bien, target.indicator).by_unit()["bo-de-00118"]
        assert target.value == carried.value, target.indicator
    assert {t.indicator: t.value for t in plan.targets}["new_users_iud"] == 347
    # once the city's plan is there, the ward starts from what it assigned
    shutil.copy(EXAMPLE / CITY_2026, reform / CITY_2026)
    path.unlink()
    refused = cli("new", "--next", "bo-de-00118")
    assert refused.exit_code == 2
    assert " ".join(refused.stderr.split()) == (
        "thành phố Hà Nội has its 2026 plan, ha-noi-2026: start Bồ Đề's plan from what it assigned,"
        " dansokh new --from ha-noi-2026 --unit bo-de-00118"
    )


@needs_library
def test_a_rate_carried_into_next_years_plan_is_weighted_by_the_parts_populations(reform):
    crosswalk = "plans/crosswalks/ha-noi-2025-2026.yaml"
    populations = {"bat-trang": 30000, "gia-lam": 60000, "long-bien": 20000, "phu-dong": 40000, "phuc-loi": 25000, "thuan-an": 35000}
    _mutate(reform, crosswalk, '    code: "018"\n    by: share', '    code: "018"\n    by: population')
    for unit, code in (("bat-trang", "00577"), ("gia-lam", "00565"), ("long-bien", "00145"), ("phu-dong", "00541"),
                       ("phuc-loi", "00136"), ("thuan-an", "00562")):
        old = f'code: "{code}", share: "1/6"}}'
        _mutate(reform, crosswalk, old, f'code: "{code}", population: {populations[unit]}}}')
    assert _draft_city_again(reform).exit_code == 0
    repo, _ = load_checked([reform / "plans"], whole=True)
    rates = allocation(repo.by_id["ha-noi-2026"].plan.appendices[0])
    phuc_loi = next(row for _, row in rates.unit_rows if row.name == "Phúc Lợi")
    # Phúc Lợi: 52,950 people of quận Long Biên (0.00, 87, 91, 88, 86) and 25,000 of huyện Gia Lâm
    # (0.05, 82, 90, 85, 86), each rate to the decimals it was written with
    def weighted(a: str, b: str, places: int) -> Decimal:
        exact = (Fraction(a) * 52950 + Fraction(b) * 25000) / 77950
        return (Decimal(exact.numerator) / exact.denominator).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)

    assert [weighted("0.00", "0.05", 2), weighted("87", "82", 0), weighted("88", "85", 0)] == [Decimal("0.02"), 85, 87]
    assert phuc_loi.values == [Decimal("0.02"), 85, 91, 87, 86]


def test_next_years_plan_names_its_crosswalk_when_there_are_several(reform):
    shutil.copy(reform / "plans/crosswalks/ha-noi-2025-2026.yaml", reform / "plans/crosswalks/ha-noi-other.yaml")
    _mutate(reform, "plans/crosswalks/ha-noi-other.yaml", "id: ha-noi-2025-2026", "id: ha-noi-other")
    several = _draft_city_again(reform)
    assert several.exit_code == 2
    assert (
        "several crosswalks carry thành phố Hà Nội's units of 2025 into 2026: plans/crosswalks/ha-noi-2025-2026.yaml,"
        " plans/crosswalks/ha-noi-other.yaml; name one with --crosswalk"
    ) in " ".join(several.stderr.split())
    wrong = cli("new", "--next", "city", "--id", "ha-noi-2026", "--crosswalk", "long-bien-2025-2026")
    assert wrong.exit_code == 1
    assert "--next: the crosswalk long-bien-2025-2026 carries quận Long Biên's units of 2025, not thành phố Hà Nội's units of 2025" in " ".join(wrong.stderr.split())
    assert not (reform / CITY_2026).exists()
    chosen = cli("new", "--next", "city", "--id", "ha-noi-2026", "--crosswalk", "plans/crosswalks/ha-noi-other.yaml", "--dry-run")
    assert chosen.exit_code == 0 and "the crosswalk ha-noi-other (plans/crosswalks/ha-noi-other.yaml)" in chosen.stderr
    assert "      - {tt: \"9\", name: Bồ Đề, values: [7701, 324, 3, 3, 1665, 5706]}" in chosen.stdout


def test_next_years_plan_waits_for_the_shares_of_a_divided_unit(reform):
    _mutate(reform, "plans/crosswalks/ha-noi-2025-2026.yaml", '    code: "018"\n    by: share', '    code: "018"\n    by: undecided')
    result = _draft_city_again(reform)
    assert result.exit_code == 1
    # the crosswalk's error at its place (W002), and nothing carried through it
    assert result.stderr.startswith("plans/crosswalks/ha-noi-2025-2026.yaml:182:9: W002 Gia Lâm was divided among Bát Tràng, Gia Lâm, Long Biên, Phù Đổng, Phúc Lợi, Thuận An")
    assert result.stderr.splitlines()[-1] == (
        "Nothing carried: plans/crosswalks/ha-noi-2025-2026.yaml has 1 error; correct it"
        " (dansokh validate plans/crosswalks/ha-noi-2025-2026.yaml), or name another crosswalk with --crosswalk"
    )
    assert not (reform / CITY_2026).exists()


def test_next_years_plan_across_the_reform_without_the_library(reform, no_library):
    # the example selects the O rules: without the list, the new plan would not validate, so it is not written
    refused = _draft_city_again(reform)
    assert refused.exit_code == 1
    assert "O001 not checked, and so not passed: the official list of administrative units is not installed" in refused.stdout
    assert "not written: the new plan would not validate" in refused.stderr
    assert not (reform / CITY_2026).exists()
    (reform / "dansokh.toml").unlink()
    result = cli("new", "--next", "city", "--id", "ha-noi-2026")
    assert result.exit_code == 0, result.output
    repo, _ = load_checked([reform / "plans"], whole=True)
    draft = repo.by_id["ha-noi-2026"].plan
    example = load_checked([EXAMPLE / "plans"], whole=True)[0].by_id["ha-noi-2026"].plan
    # the crosswalk's names and codes; the level is known only of the units a plan declares: the
    # rest is left blank, and P002 asks for each
    assert [(u.id, u.name, u.code) for u in draft.units] == [(u.id, u.name, u.code) for u in example.units]
    levels = {u.id: u.level for u in draft.units}
    assert (levels["bo-de-00118"], levels["phuc-loi-00136"], levels["ba-dinh-00004"]) == ("cấp xã", "cấp xã", "…")
    blanks = [line for line in result.stdout.splitlines() if " P002 " in line]
    assert sum(level == "…" for level in levels.values()) == 123
    # a hundred shown, and one line for the rest (read.limits.MAX_PER_RULE)
    assert len(blanks) == 101 and blanks[-1].endswith("P002 … and 23 more P002 in this file, not shown")
    line = line_of(reform / CITY_2026, "id: ba-dinh-00004")
    column = (reform / CITY_2026).read_text(encoding="utf-8").splitlines()[line - 1].index("…") + 1
    assert blanks[0] == f"plans/2026/ha-noi-2026.yaml:{line}:{column}: P002 the level of Ba Đình still holds the blank … that dansokh new left: fill it in"
    assert draft.unit.code is None
    assert allocation(draft.appendices[1]).rows == allocation(example.appendices[0]).rows  # the figures do not need the list
    validated = cli("validate", "plans")
    assert validated.exit_code == 0 and sum(" P002 " in line for line in validated.stdout.splitlines()) == 101


@needs_library
def test_a_draft_after_the_reform_is_warned_at_each_text_that_names_a_unit_that_no_longer_exists(reform):
    result = _draft_city_again(reform)
    assert result.exit_code == 0, result.output
    path = reform / CITY_2026
    line = line_of(path, 'unit: "UBND các quận, huyện, thị xã"')
    found = [out for out in result.stdout.splitlines() if " O003 " in out]
    assert f"plans/2026/ha-noi-2026.yaml:{line}:11: O003 the unit of duty 20 names what no longer exists since 1/7/2025" \
        " (vietnamadminunits 1.0.4): quận, huyện, thị xã (no unit of this kind in the official list in force since" \
        " 1/7/2025). Write the units in force, or the body that now does the work" in found
    assert len(found) == 9
    # the example's own 2026 plans name only units in force: clean
    (reform / CITY_2026).unlink()
    shutil.copy(EXAMPLE / CITY_2026, reform / CITY_2026)
    assert " O003 " not in cli("validate", "plans").stdout


@needs_library
def test_a_plan_naming_an_old_ward_is_told_what_replaced_it(tmp_path):
    write_files(tmp_path, {"plans/hn.yaml": (
        "id: hn\nyear: 2026\nscope: annual\n"
        "document: {issuer: UBND thành phố Hà Nội, symbol: KH-UBND, date: \"2026\", title: Kế hoạch năm 2026, signer: {}}\n"
        "unit: {id: ha-noi, name: Hà Nội, level: cấp tỉnh, code: \"01\"}\n"
        "goals:\n  - Duy trì mô hình tại phường Bồ Đề và Ngọc Thụy, phường Long Biên.\n"
        "  - Trung tâm Y tế quận phối hợp UBND quận Long Biên.\n  - UBND thành phố Hà Nội, phường Hồng Hà.\n"
    )})
    findings = run([tmp_path / "plans"], selection=Selection.make(extend=["O"]))
    assert [(d.code, d.span.line, d.span.col, d.message) for d in findings.diagnostics if d.code == "O003"] == [(
        "O003", 7, 5,
        "goal 1 names what no longer exists since 1/7/2025 (vietnamadminunits 1.0.4): phường Ngọc Thụy (now phường"
        " Bồ Đề, phường Hồng Hà). Write the units in force, or the body that now does the work",
    ), (
        "O003", 8, 5,
        "goal 2 names what no longer exists since 1/7/2025 (vietnamadminunits 1.0.4): quận Long Biên (now phường Bồ Đề,"
        " phường Việt Hưng, phường Hồng Hà, phường Phúc Lợi, phường Long Biên, xã Bát Tràng, xã Gia Lâm); quận (no unit"
        " of this kind in the official list in force since 1/7/2025). Write the units in force, or the body that now"
        " does the work",
    )]


@needs_library
def test_next_years_plan_without_a_crosswalk_says_the_units_changed(real_plans):
    city = cli("new", "--next", "city", "--dry-run")
    assert city.exit_code == 0
    assert (
        "note: the official units of 2025 are not those of 2026 (the reform of 1/7/2025), and no crosswalk leads from"
        " thành phố Hà Nội's units of 2025 to its units of 2026: the new plan keeps last year's units. To start it in the"
        " new units, propose a crosswalk (dansokh crosswalk --from 2025 --to 2026 --unit ha-noi), decide its shares, and"
        " run this again."
    ) in " ".join(city.stderr.split())
    assert "  - {id: ba-dinh, name: Ba Đình, level: cấp huyện}" in city.stdout  # last year's units, as it says
    district = cli("new", "--next", "long-bien", "--dry-run")
    assert district.exit_code == 0
    assert (
        "note: quận Long Biên is not an official unit in 2026 (the reform of 1/7/2025): the new plan is of a unit that no"
        " longer exists. The figures of its units of 2025 reach the units that took them over through a crosswalk"
        " (dansokh crosswalk --from 2025 --to 2026 --unit long-bien)."
    ) in " ".join(district.stderr.split())
    ward = cli("new", "--next", "bac-cuong", "--dry-run")  # a ward's plan assigns to no units: no crosswalk to propose
    assert ward.exit_code == 0
    assert " ".join(ward.stderr.split()).endswith(
        "note: phường Bắc Cường is not an official unit in 2026 (the reform of 1/7/2025): the new plan is of a unit that"
        " no longer exists."
    )


# --- crosswalks checked --------------------------------------------------------------------------


def _mutate(repo: Path, relative: str, old: str, new: str) -> Path:
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


CROSSWALK = "plans/crosswalks/long-bien-2025-2026.yaml"


def test_shares_that_do_not_sum_to_one_missing_units_and_units_twice(reform):
    path = _mutate(reform, CROSSWALK, "    by: population\n    parts:\n      - {unit: hong-ha-00097, name: Hồng Hà, code: \"00097\", population: 17750}",
                   "    by: share\n    parts:\n      - {unit: hong-ha-00097, name: Hồng Hà, code: \"00097\", share: 0.8}")
    _mutate(reform, CROSSWALK, '{unit: bo-de-00118, name: Bồ Đề, code: "00118", population: 17750}', '{unit: bo-de-00118, name: Bồ Đề, code: "00118", share: 0.15}')
    text = path.read_text(encoding="utf-8")
    cut = text.index("  - old: cu-khoi")
    path.write_text(text[:cut], encoding="utf-8")  # Cự Khối left out
    _mutate(reform, CROSSWALK, "  - old: ngoc-lam", "  - old: ngoc-lam\n    parts: [{unit: bo-de-00118}]\n  - old: ngoc-lam")
    found = run(["plans"])
    w = sorted((d.code, d.span.line) for d in found.diagnostics if d.code.startswith("W"))
    assert w == [
        ("W001", line_of(path, "by: share")),
        ("W004", line_of(path, "units:")),
        ("W006", line_of(path, "  - old: ngoc-lam", after="parts: [{unit: bo-de-00118}]")),
    ]
    messages = {d.code: d.message for d in found.diagnostics}
    assert messages["W001"].startswith("the shares of Ngọc Thụy's parts add up to 0.95, not 1 (0.05 short)")
    assert messages["W004"].startswith("Cự Khối (cu-khoi) is not in the crosswalk")
    carried = cli("crosswalk", "--carry", "long-bien", "--crosswalk", "long-bien-2025-2026")
    assert carried.exit_code == 1 and carried.stdout == ""  # nothing carried through a crosswalk with errors
    w001 = [line for line in carried.stderr.splitlines() if " W001 " in line]
    assert w001 and w001[0].startswith(f"{CROSSWALK}:{line_of(path, 'by: share')}:")
    assert "W001 the shares of Ngọc Thụy's parts add up to 0.95, not 1" in w001[0]
    assert carried.stderr.splitlines()[-1].startswith(f"Nothing carried: {CROSSWALK} has ")


def test_a_new_unit_the_official_list_says_took_territory_must_get_a_part(reform):
    _mutate(reform, CROSSWALK, "      - {unit: hong-ha-00097, name: Hồng Hà, code: \"00097\", population: 12667}  # phường Hồng Hà\n", "")
    path = _mutate(reform, CROSSWALK, "      - {unit: hong-ha-00097, name: Hồng Hà, code: \"00097\", population: 17750}  # phường Hồng Hà, holds its geocoded point\n", "")
    found = run(["plans"])
    codes = sorted(d.check_tuple() for d in found.diagnostics if d.code.startswith("W"))
    assert ("W005", CROSSWALK, line_of(path, "units:")) in codes if official.available() else True
    assert [d.code for d in found.diagnostics if d.code == "W007"] == (["W007", "W007"] if official.available() else [])


# --- official units ------------------------------------------------------------------------------


@needs_library
def test_an_unofficial_name_or_code_is_caught(reform):
    path = _mutate(reform, "plans/2026/ha-noi-2026.yaml", '{id: bo-de-00118, name: Bồ Đề, level: cấp xã, code: "00118"}',
                   '{id: bo-de-00118, name: Bồ Đề, level: cấp xã, code: "00139"}')
    _mutate(reform, "plans/2026/ha-noi-2026.yaml", '{id: hong-ha-00097, name: Hồng Hà, level: cấp xã, code: "00097"}',
            '{id: hong-ha-00097, name: Hồng Hả, level: cấp xã}')
    _mutate(reform, "plans/2026/ha-noi-2026.yaml", "name: Hồng Hà, values:", "name: Hồng Hả, values:")
    found = run(["plans"], selection=Selection.make(extend=["O"]))
    official_found = sorted(d.check_tuple() for d in found.diagnostics if d.code.startswith("O"))
    assert official_found == [
        ("O001", "plans/2026/ha-noi-2026.yaml", line_of(path, "name: Hồng Hả, level")),
        ("O002", "plans/2026/ha-noi-2026.yaml", line_of(path, 'code: "00139"')),
    ]
    messages = {d.code: d.message for d in found.diagnostics}
    assert messages["O002"] == (
        "00139 is not the code of any unit in the official list in force since 1/7/2025. phường Bồ Đề's code is 00118: write code: \"00118\""
    )
    assert messages["O001"].startswith("'Hồng Hả' is not a unit of thành phố Hà Nội in the official list in force since 1/7/2025. Did you mean phường Hồng Hà (00097)?")


@needs_library
def test_names_match_across_tone_mark_placement_and_the_old_list_applies_to_2025(real_plans):
    found = run(["plans"], selection=Selection.make(extend=["O"]))
    assert [d for d in found.diagnostics if d.code.startswith("O")] == []  # Ngọc Thụy, Ứng Hòa, Gia Thụy …
    _mutate(real_plans.parent, "plans/2025/long-bien.yaml", "{id: gia-thuy, name: Gia Thụy,", "{id: gia-thuy, name: Gia Thuỵ,")
    assert [d for d in run(["plans"], selection=Selection.make(extend=["O"])).diagnostics if d.code.startswith("O")] == []


def test_the_official_rules_run_only_where_selected(real_plans):
    assert [d for d in run(["plans"]).diagnostics if d.code.startswith("O")] == []


def test_without_the_library_the_official_rule_says_it_did_not_check(reform, no_library):
    found = run(["plans"], selection=Selection.make(extend=["O001"]))
    [diagnostic] = [d for d in found.diagnostics if d.code == "O001"]
    assert diagnostic.severity.value == "error" and diagnostic.span.line == 1
    assert diagnostic.message == (
        'not checked, and so not passed: the official list of administrative units is not installed:'
        ' install it with pip install "dansokh[units]" (the package vietnamadminunits)'
    )
    assert found.failed
    result = cli("validate", "plans")  # the example's dansokh.toml selects O
    assert result.exit_code == 1 and "O001" in result.output and "O002" in result.output
    # the crosswalks are still checked, all but what needs the list
    assert [d.code for d in found.diagnostics if d.code.startswith("W")] == ["W005"]
    [w005] = [d for d in found.diagnostics if d.code == "W005"]
    assert w005.severity.value == "info" and "not checked" in w005.message
    proposal = cli("crosswalk", "--from", "2025", "--to", "2026")
    assert proposal.exit_code == 2 and 'pip install "dansokh[units]"' in proposal.output
    carried = cli("crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud", "-f", "json")
    assert carried.exit_code == 0
    assert {v["partial"] for v in json.loads(carried.stdout)["indicators"]["new_users_iud"]["values"]} == {None}


def test_a_code_must_be_quoted_text(in_tmp):
    write_files(in_tmp, {"plans/a.yaml": (
        "id: a\nyear: 2026\nscope: annual\ndocument: {issuer: UBND A, title: A, signer: {}}\n"
        "unit: {id: a, name: A, level: cấp xã, code: 00118}\n"
    )})
    [diagnostic] = run(["plans"]).diagnostics
    assert diagnostic.check_tuple() == ("S003", "plans/a.yaml", 5)
    assert "in quotes, with its leading zeros" in diagnostic.message


# --- exact carrying, for any shares ----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=6),
    populations=st.lists(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=4), min_size=6, max_size=6),
    method=st.sampled_from(list(Method)),
)
def test_carried_counts_always_add_up_to_the_old_ones(values, populations, method):
    from dansokh.cascade.repository import Repository

    entries = []
    for index in range(len(values)):
        pops = populations[index]
        parts = [{"unit": f"n{(index + k) % 5}", "population": p} for k, p in enumerate(pops)]
        parts = list({p["unit"]: p for p in parts}.values())
        entry = {"old": f"o{index}", "parts": parts}
        if len(parts) > 1:
            entry["by"] = "population"
        entries.append(entry)
    walk = Crosswalk.model_validate(
        {"kind": "crosswalk", "from": {"year": 2025, "unit": "p"}, "to": {"year": 2026, "unit": "q"}, "units": entries}
    )
    bridge = Bridge(Repository(), LoadedCrosswalk(walk, SourceMap("x.yaml")))
    carried = bridge.carry({f"o{i}": Decimal(v) for i, v in enumerate(values)}, "new_users_iud", method=method)
    assert carried.new_total == sum(values)
    for value in carried.values:
        for contribution in value.contributions:
            exact = Fraction(values[int(contribution.old[1:])]) * contribution.share
            assert abs(Fraction(contribution.value) - exact) < 1 or method is not Method.LARGEST_REMAINDER


def test_the_reference_crosswalk_example_is_a_valid_crosswalk(reform):
    """docs/reference.md's example: the four entries replace the example's, and nothing is wrong
    with them (the other nine wards are missing, W004, and the new units they alone gave to, W005)."""
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    example = text.split("### Crosswalks", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (reform / CROSSWALK).write_text("# ILLUSTRATIVE\n" + example, encoding="utf-8")
    found = run(["plans"])
    codes = {d.code for d in found.diagnostics if d.file == CROSSWALK}
    assert codes <= {"W004", "W005"}, [str(d.span) + " " + d.code + " " + d.message for d in found.diagnostics]
    assert "W004" in codes
    carried = cli("crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud")
    assert carried.exit_code == 1  # nothing is carried through a crosswalk that leaves wards out
    assert carried.stderr.startswith(f"{CROSSWALK}:8:1: W004 Bồ Đề (bo-de) is not in the crosswalk: add an entry")
    assert carried.stderr.splitlines()[-1].startswith(f"Nothing carried: {CROSSWALK} has ")


def test_the_post_reform_benchmark_shape_has_two_levels_and_validates(in_tmp):
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "plans", "--shape", "post", "--provinces", "2"],
        check=True,
        capture_output=True,
    )
    files = sorted(Path("plans").rglob("*.yaml"))
    assert all("/2026/" in f.as_posix() for f in files)
    depth = {len(f.relative_to("plans/2026").parts) for f in files}
    assert depth == {1, 2}  # the nation and its provinces, then each province's communes in its folder
    found = run(["plans"])
    assert not found.failed and found.summary.plans == len(files)
    repo, _ = load_checked([Path("plans")], whole=False)
    levels = {loaded.plan.unit.level for loaded in repo.plans}
    assert levels == {"cấp quốc gia", "cấp tỉnh", "cấp xã"}
    commune = next(f for f in files if "-c" in f.stem)
    _mutate(in_tmp, commune.as_posix(), "{indicator: new_users_iud, value: ", "{indicator: new_users_iud, value: 0")
    alone, whole = run([commune]), run(["plans"])
    assert [d.to_dict() for d in alone.diagnostics] == [d.to_dict() for d in whole.diagnostics if d.file == commune.as_posix()]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("population: 17750}", "population: 12345678901234567890123456789}",
         "population: expected a population: a whole number of people, more than 0 and of at most 15 digits"),
        ("population: 17750}", "share: 1E-999999999}",  # its fraction would be a billion-digit integer: a hang
         'share: expected a share: a number from 0 to 1 with at most 6 decimals (0.25) or a fraction in quotes ("1/4")'),
        ("population: 17750}", 'share: "1/' + "9" * 5000 + '"}',
         'share: expected a share: a number from 0 to 1 with at most 6 decimals (0.25) or a fraction in quotes ("1/4")'),
        ("to: {year: 2026", "to: {year: 99999999999999999999", "year: expected a year of four digits, like 2025"),
    ],
    ids=["29-digit-population", "1E-999999999-share", "5000-digit-fraction", "20-digit-year"],
)
def test_a_crosswalk_number_out_of_the_domain_is_S003_at_its_cell_in_every_command(reform, old, new, message):
    """Issue 9's number domain holds in crosswalks: S003 where the number is, no hang, no traceback."""
    path = reform / "plans" / "crosswalks" / "long-bien-2025-2026.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace("by: population", "by: share", 1).replace(old, new, 1), encoding="utf-8")
    found = [(d.code, d.file, d.span.line, d.message) for d in run(["plans"]).diagnostics if d.code == "S003"]
    assert found == [("S003", "plans/crosswalks/long-bien-2025-2026.yaml", line, message)]
    for command, code in (
        (["crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud"], 2),
        (["allocate", "--from", "ha-noi-2026", "--split", "new_users_iud", "--by", "city:new_users_iud", "--whole", "36000"], 0),
        (["diff", "--plan", "ha-noi-2026", "--against", "long-bien"], 2),
        (["progress", "bo-de-00118", "--period", "Q1", "--last-year"], 1),  # a crosswalk it cannot read: listed, nothing shown
        (["progress", "bo-de-00118", "--period", "Q1", "--last-year", "--allow-errors"], 0),
    ):
        with deadline(30):
            result = cli(*command)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        # what is carried through the broken crosswalk is refused; the city's split goes through the city's
        assert result.exit_code == code, (command, result.output)


@needs_library
@given(st.dates())
def test_the_list_in_force_is_known_from_the_date_alone(day):
    """``new --next`` asks whether the reform lies between two dates without reading either list;
    its answer is the list ``snapshot_for`` reads (the one of 2025 has three times the units)."""
    found = official.snapshot_for(day)
    assert official.list_in_force(day) == (found.key if found is not None else None)


@needs_library
def test_next_years_plan_across_the_reform_reads_only_the_list_it_places_units_in(monkeypatch):
    """Whether the reform lies between a 2025 plan and next year's is known from the dates, and
    next year's plan places its unit in the list of 2026 only: ``new --next`` with the cache warm
    does not read the list of 2025 (10,040 rows; the plans' own checks, cached, did)."""
    repo, _findings = load_checked([PLANS], whole=False)
    city = repo.by_id["city"]
    official._old_list.cache_clear()
    monkeypatch.setattr(official, "_old_list", lambda: pytest.fail("the list of 2025 was read"))
    assert units_changed(city.plan, 2026) is True
    assert units_changed(city.plan, 2025) is False
    placed = placed_in(repo, city.plan.unit, 2026)
    assert placed is not None and placed.title == "thành phố Hà Nội"
