"""The crosswalk form: each part's population (or share) typed in Excel, read back into the crosswalk
file by position-exact edits; every problem at its cell.  The workbook is driven through openpyxl as
a person would fill it: populations typed, a share typed as a percentage, a formula, a row inserted."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import PLANS, ROOT
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.model import official

EXAMPLE = ROOT / "examples" / "reform-2026"
CROSSWALK = "plans/crosswalks/long-bien-2025-2026.yaml"
runner = CliRunner()

needs_library = pytest.mark.skipif(not official.available(), reason="the optional list of units is not installed")


def cli(*args: str):
    return runner.invoke(app, ["--lang", "en", *args])


@pytest.fixture
def proposed(in_tmp: Path) -> Path:
    """The example repository with Long Biên's crosswalk as `dansokh crosswalk` proposes it: every
    divided ward `by: undecided`, no population."""
    shutil.copytree(EXAMPLE, in_tmp, dirs_exist_ok=True)
    shutil.copytree(PLANS / "2025", in_tmp / "plans" / "2025")
    result = cli("crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien", "--force")
    assert result.exit_code == 0, result.output
    return in_tmp


def _form(repo: Path, name: str = "lb.xlsx") -> Path:
    result = cli("crosswalk", "--form", name, "--crosswalk", "long-bien-2025-2026")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"wrote {name}: 31 parts of 13 old units of plans/crosswalks/long-bien-2025-2026.yaml;"
        f" type each part's population, then dansokh import {name}\n"
    )
    return repo / name


def _rows(sheet) -> dict[str, int]:
    """The row of each part, by the hidden key the form writes beside it (old>new)."""
    return {row[8].value: row[8].row for row in sheet.iter_rows(min_row=6) if isinstance(row[8].value, str)}


@needs_library
def test_populations_and_percent_shares_typed_in_excel_become_the_crosswalks_figures(proposed):
    path = _form(proposed)
    before = (proposed / CROSSWALK).read_text(encoding="utf-8")
    book = openpyxl.load_workbook(path)
    sheet = book["Bảng chuyển đổi"]
    rows = _rows(sheet)
    assert len(rows) == 31
    # what the officer sees: the old ward, its code, the new unit, and the share by formula
    first = rows["ngoc-thuy>hong-ha-00097"]
    assert [sheet.cell(first, c).value for c in range(1, 6)] == ["1", "Ngọc Thụy", "00118", "Hồng Hà", "00097"]
    assert sheet.cell(first, 8).value == f'=IF(COUNT($F${first}:$F${first + 1})=ROWS($F${first}:$F${first + 1}),F{first}/SUM($F${first}:$F${first + 1}),IF(G{first}="","",G{first}))'
    assert sheet.cell(first, 6).protection.locked is False and sheet.cell(first, 8).protection.locked is not False
    assert book["dansokh"].sheet_state == "veryHidden"
    assert [book["dansokh"].cell(r, 2).value for r in range(1, 7)] == [
        "dansokh-crosswalk-form", "1", "crosswalk", "long-bien-2025-2026", "long-bien 2025", "ha-noi 2026"]
    # Ngọc Thụy by population; Ngọc Lâm, which went whole, its population; Thạch Bàn by share, typed as
    # percentages (Excel stores 25% as 0.25 in a cell formatted as a percentage)
    sheet.cell(first, 6).value = 20000
    sheet.cell(first + 1, 6).value = 15500
    sheet.cell(rows["ngoc-lam>bo-de-00118"], 6).value = 21500
    for unit, share in (("long-bien-00145", 0.4), ("bat-trang-00577", 0.1), ("gia-lam-00565", 0.25), ("phuc-loi-00136", 0.25)):
        cell = sheet.cell(rows[f"thach-ban>{unit}"], 7)
        assert cell.number_format == "0.0%"
        cell.value = share
    book.save(path)
    result = cli("import", "lb.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "wrote plans/crosswalks/long-bien-2025-2026.yaml: 2 divided units decided (1 by population, 1 by share),"
        " 3 parts with their population; check it with dansokh validate\n"
    )
    after = (proposed / CROSSWALK).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(before.splitlines()) == len(after.splitlines())  # no line added or lost: values set in place
    assert changed == [
        ("    by: undecided  # population | share | figure", "    by: population  # population | share | figure"),
        ('      - {unit: hong-ha-00097, name: Hồng Hà, code: "00097"}  # phường Hồng Hà, holds its geocoded point',
         '      - {unit: hong-ha-00097, name: Hồng Hà, code: "00097", population: 20000}  # phường Hồng Hà, holds its geocoded point'),
        ('      - {unit: bo-de-00118, name: Bồ Đề, code: "00118"}  # phường Bồ Đề',
         '      - {unit: bo-de-00118, name: Bồ Đề, code: "00118", population: 15500}  # phường Bồ Đề'),
        ('      - {unit: bo-de-00118, name: Bồ Đề, code: "00118"}  # phường Bồ Đề',
         '      - {unit: bo-de-00118, name: Bồ Đề, code: "00118", population: 21500}  # phường Bồ Đề'),
        ("    by: undecided  # population | share | figure", "    by: share  # population | share | figure"),
        ('      - {unit: long-bien-00145, name: Long Biên, code: "00145"}  # phường Long Biên, holds its geocoded point',
         '      - {unit: long-bien-00145, name: Long Biên, code: "00145", share: 0.4}  # phường Long Biên, holds its geocoded point'),
        ('      - {unit: bat-trang-00577, name: Bát Tràng, code: "00577"}  # xã Bát Tràng',
         '      - {unit: bat-trang-00577, name: Bát Tràng, code: "00577", share: 0.1}  # xã Bát Tràng'),
        ('      - {unit: gia-lam-00565, name: Gia Lâm, code: "00565"}  # xã Gia Lâm',
         '      - {unit: gia-lam-00565, name: Gia Lâm, code: "00565", share: 0.25}  # xã Gia Lâm'),
        ('      - {unit: phuc-loi-00136, name: Phúc Lợi, code: "00136"}  # phường Phúc Lợi',
         '      - {unit: phuc-loi-00136, name: Phúc Lợi, code: "00136", share: 0.25}  # phường Phúc Lợi'),
    ]
    repo, _ = load_checked([proposed / "plans"], whole=True)
    walk = next(c.crosswalk for c in repo.crosswalks if c.crosswalk.id == "long-bien-2025-2026")
    assert [(p.unit, p.population) for p in walk.entry("ngoc-thuy")[1].parts] == [("hong-ha-00097", 20000), ("bo-de-00118", 15500)]  # type: ignore[index]
    # validate: the two decided are no longer W002; the ten left empty still are
    validated = cli("validate", "plans")
    w002 = [line for line in validated.stdout.splitlines() if " W002 " in line]
    assert len(w002) == 10 and not any("Ngọc Thụy" in line or "Thạch Bàn" in line for line in w002)
    # importing the same form again changes nothing
    again = cli("import", "lb.xlsx")
    assert again.exit_code == 0 and again.stdout == "plans/crosswalks/long-bien-2025-2026.yaml already holds what the form says; nothing to write\n"
    assert (proposed / CROSSWALK).read_text(encoding="utf-8") == after


@needs_library
def test_a_formula_shares_that_do_not_add_up_and_a_part_left_out_are_each_reported_at_their_cell(proposed):
    path = _form(proposed)
    before = (proposed / CROSSWALK).read_bytes()
    book = openpyxl.load_workbook(path)
    sheet = book["Bảng chuyển đổi"]
    rows = _rows(sheet)
    ngoc_thuy, bo_de = rows["ngoc-thuy>hong-ha-00097"], rows["bo-de>hong-ha-00097"]
    sheet.cell(ngoc_thuy, 6).value = "=10000+7750"  # a formula: the figure is to be typed
    sheet.cell(ngoc_thuy + 1, 6).value = 17750
    sheet.cell(bo_de, 6).value = 12667  # old Bồ Đề: one part's population, not the others'
    for unit, share in (("long-bien-00145", 0.4), ("bat-trang-00577", 0.1), ("gia-lam-00565", 0.25), ("phuc-loi-00136", 0.15)):
        sheet.cell(rows[f"thach-ban>{unit}"], 7).value = share  # 90% in all
    sheet.cell(rows["cu-khoi>long-bien-00145"], 6).value = "12.600"  # typed as text
    sheet.cell(rows["ngoc-lam>bo-de-00118"], 7).value = 1  # a share for a ward that went whole: a grey cell
    book.save(path)
    result = cli("import", "lb.xlsx")
    assert result.exit_code == 1
    thach_ban = rows["thach-ban>long-bien-00145"]
    assert result.stdout.splitlines() == [
        f"lb.xlsx:Bảng chuyển đổi!F{ngoc_thuy}: F006 a formula (=10000+7750): type the figure itself, not a formula",
        f"lb.xlsx:Bảng chuyển đổi!G{rows['ngoc-lam>bo-de-00118']}: F004 this cell is not part of the form (ngoc-lam went whole:"
        " its share is 100%): leave it empty",
        f"lb.xlsx:Bảng chuyển đổi!F{rows['cu-khoi>long-bien-00145']}: F007 '12.600' is not a number: type the figure as a number"
        " (the cell is formatted as text, or holds words)",
        "Nothing written: 3 problem(s) in lb.xlsx; fix them in the workbook and import it again.",
    ]
    # the cell problems corrected, what is left is the crosswalk's own: each at its cell
    sheet.cell(ngoc_thuy, 6).value = 17750
    sheet.cell(rows["cu-khoi>long-bien-00145"], 6).value = None
    sheet.cell(rows["ngoc-lam>bo-de-00118"], 7).value = None
    book.save(path)
    result = cli("import", "lb.xlsx")
    assert result.exit_code == 1
    bo_de_left = min(r for key, r in rows.items() if key.startswith("bo-de>") and r != bo_de)
    assert result.stdout.splitlines() == [
        f"lb.xlsx:Bảng chuyển đổi!F{bo_de_left}: W001 Bồ Đề: a population is typed for some of its parts, not this one:"
        " type the population of every part (or of none, and the shares in column G)",
        f"lb.xlsx:Bảng chuyển đổi!G{thach_ban}: W001 Thạch Bàn: the shares of its parts add up to 90%, not 100%:"
        " correct them so that they add up to exactly 100%",
        "Nothing written: 2 problem(s) in lb.xlsx; fix them in the workbook and import it again.",
    ]
    assert (proposed / CROSSWALK).read_bytes() == before


@needs_library
def test_a_row_inserted_or_the_hidden_sheet_edited_is_caught_and_nothing_is_written(proposed):
    path = _form(proposed)
    before = (proposed / CROSSWALK).read_bytes()
    book = openpyxl.load_workbook(path)
    sheet = book["Bảng chuyển đổi"]
    row = _rows(sheet)["ngoc-thuy>bo-de-00118"]
    sheet.insert_rows(row)
    sheet.cell(row, 6).value = 5000
    book.save(path)
    result = cli("import", "lb.xlsx")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"lb.xlsx:Bảng chuyển đổi!B{row}: F004 row {row} should hold the part of ngoc-thuy that went to bo-de-00118:"
        " rows must not be inserted, deleted or moved"
    )
    _form(proposed)
    book = openpyxl.load_workbook(path)
    book["dansokh"]["B4"] = "ha-noi-2025-2026"  # the form said for another crosswalk
    book.save(path)
    result = cli("import", "lb.xlsx")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "lb.xlsx:dansokh!A1: F002 the hidden sheet 'dansokh' was changed (its lines no longer match the check in C1):"
        " write a new form with `dansokh crosswalk --form FILE.xlsx`"
    )
    assert (proposed / CROSSWALK).read_bytes() == before


@needs_library
def test_the_citys_213_parts_on_one_sheet_keep_the_exact_shares_the_crosswalk_writes(in_tmp):
    shutil.copytree(EXAMPLE, in_tmp, dirs_exist_ok=True)
    shutil.copytree(PLANS / "2025", in_tmp / "plans" / "2025")
    before = (in_tmp / "plans/crosswalks/ha-noi-2025-2026.yaml").read_text(encoding="utf-8")
    result = cli("crosswalk", "--form", "hn.xlsx", "--crosswalk", "ha-noi-2025-2026")
    assert result.stdout.startswith("wrote hn.xlsx: 213 parts of 30 old units of plans/crosswalks/ha-noi-2025-2026.yaml")
    # "1/7" is shown as 14.3%, held by Excel to 15 digits: read back, it is still exactly 1/7
    again = cli("import", "hn.xlsx")
    assert again.exit_code == 0, again.output
    assert again.stdout == "plans/crosswalks/ha-noi-2025-2026.yaml already holds what the form says; nothing to write\n"
    assert (in_tmp / "plans/crosswalks/ha-noi-2025-2026.yaml").read_text(encoding="utf-8") == before


@needs_library
def test_a_crosswalk_form_with_macros_is_refused_as_a_results_form_is(proposed):
    import zipfile

    path = _form(proposed)
    before = (proposed / CROSSWALK).read_bytes()
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    result = cli("import", "lb.xlsx")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "lb.xlsx: F001 the workbook contains macros: save the form as .xlsx (Excel Workbook), without macros, and import that"
    )
    assert (proposed / CROSSWALK).read_bytes() == before
