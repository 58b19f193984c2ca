"""Excel results forms that amplify or mislead (issue 19): each is one diagnostic at its cell, read by
the cells that exist, never by what the sheet declares.  The workbooks are small and made here, with
openpyxl and edits of their zip parts."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from conftest import PLANS, ROOT, cli
from dansokh.check.run import load_checked
from dansokh.read.form import FIRST_ROW, META, SHEET, read_form
from dansokh.read.limits import MAX_WORKBOOK_ELEMENTS
from dansokh.render.form import form_spec, render_form
from dansokh.write.form_import import result_from_form

NEW_FORM = "write a new form with `dansokh form UNIT --period P`"
MACROS = "f.xlsx: F001 the workbook contains macros: save the form as .xlsx (Excel Workbook), without macros, and import that"


@pytest.fixture(scope="module")
def book():
    _, findings = load_checked([PLANS, ROOT / "examples" / "results-2025"])
    return findings.book


@pytest.fixture(scope="module")
def spec(book):
    return form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1")


@pytest.fixture
def rows(spec):
    return {line.indicator: FIRST_ROW + index for index, line in enumerate(spec.lines)}


@pytest.fixture
def make(spec, rows, tmp_path):
    """Ngọc Thụy's Q1 form, dated, with one figure (12 IUD users), then ``cells`` typed and
    ``meta`` cells of the hidden sheet set; saved as ``f.xlsx``."""
    data = render_form(spec)

    def made(cells: dict[str, object] | None = None, meta: dict[str, object] | None = None, formats: dict[str, str] | None = None) -> Path:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook[SHEET]
        sheet["C6"] = dt.date(2025, 4, 8)
        sheet[f"E{rows['new_users_iud']}"] = 12
        for ref, value in (cells or {}).items():
            sheet[ref] = value
        for ref, code in (formats or {}).items():
            sheet[ref].number_format = code
        for ref, value in (meta or {}).items():
            workbook[META][ref] = value
        path = tmp_path / "f.xlsx"
        workbook.save(path)
        return path

    return made


def problems(path: Path, book) -> list[str]:
    imported = result_from_form(read_form(path, path.name), book)
    return [f"{p.span}: {p.code} {p.message}" for p in imported.problems]


def imported(path: Path, book):
    return result_from_form(read_form(path, path.name), book)


def rewrite(path: Path, edit) -> Path:
    """Rewrite the workbook's zip, ``edit(name, data) -> data | None`` for each part (None drops it);
    ``edit(None, None)`` may return ``[(name, data), …]`` to add."""
    with zipfile.ZipFile(path) as source:
        parts = [(item.filename, source.read(item)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            changed = edit(name, data)
            if changed is not None:
                target.writestr(name, changed)
        for name, data in edit(None, None) or []:
            target.writestr(name, data)
    return path


def part(name: str, old: bytes, new: bytes):
    def edit(current, data):
        if current is None:
            return None
        if current == name:
            assert old in data, (name, old)
            return data.replace(old, new, 1)
        return data

    return edit


# --- amplification: what the sheet declares or where a cell lies costs nothing ----------------------


def test_a_cell_at_XFD1048576_of_the_hidden_sheet_is_F002_at_that_cell(make, book):
    """A 9 KB form took 34 s and 3.8 GB and ended in a MemoryError: the hidden sheet was read as a
    grid of every row and column up to its last cell."""
    path = make(meta={"XFD1048576": "x"})
    assert path.stat().st_size < 12_000
    assert problems(path, book) == [
        f"f.xlsx:{META}!XFD1048576: F002 the hidden sheet '{META}' was changed (XFD1048576 holds 'x', which the form did not write): {NEW_FORM}"
    ]


def test_rows_gone_from_a_form_with_a_far_cell_are_each_F004(make, book, rows):
    """Keys edited away and a cell in I1048576: each missing row was looked for down to the last row."""
    cells = {f"I{row}": f"{key}-x" for key, row in rows.items()}
    cells["I1048576"] = "x"
    found = problems(make(cells), book)
    assert len(found) == len(rows)
    first = min(rows.values())
    assert found[0] == (
        f"f.xlsx:{SHEET}!B{first}: F004 row {first} should hold third_child_reduction; it is no longer in the sheet:"
        " rows must not be inserted, deleted or moved"
    )
    assert all(" F004 " in p and "it is no longer in the sheet" in p for p in found)


@pytest.mark.parametrize("dimension", [b"A1:XFD1048576", b"A1", b"Z9"])
def test_the_declared_dimension_is_neither_trusted_nor_needed(make, book, rows, dimension):
    path = rewrite(make(), lambda name, data: None if name is None else (
        re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + dimension + b'"/>', data) if name == "xl/worksheets/sheet1.xml" else data
    ))
    result = imported(path, book)
    assert result.problems == []
    assert {f.indicator: f.value for f in result.result.figures} == {"new_users_iud": 12}


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "C1:C1048576", "A6:XFD6"])
def test_a_merged_range_over_the_whole_sheet_is_F005_at_its_first_input_cell(make, book, ref):
    path = rewrite(make(), part("xl/worksheets/sheet1.xml", b'<mergeCell ref="A1:H1"/>', b'<mergeCell ref="' + ref.encode() + b'"/>'))
    assert problems(path, book) == [
        f"f.xlsx:{SHEET}!C6: F005 {ref} are merged: an input cell must stay a cell of its own (unmerge them)"
    ]


def test_a_hyperlink_over_the_whole_sheet_and_a_note_that_says_activex_are_read_as_any_form(make, book, rows):
    """A hyperlink's range is never made into cells; a word in a cell is not a content type."""
    link = b'<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks><pageMargins'
    path = rewrite(make({f"H{rows['new_users_iud']}": "ActiveX, vbaProject.bin"}), part("xl/worksheets/sheet1.xml", b"<pageMargins", link))
    result = imported(path, book)
    assert result.problems == []
    assert result.result.figures[0].note == "ActiveX, vbaProject.bin"


def test_a_part_with_more_elements_than_a_form_has_is_F001_and_not_opened(make, book):
    bulk = b"<x>" + b"<c/>" * MAX_WORKBOOK_ELEMENTS + b"</x>"
    path = rewrite(make(), lambda name, data: [("xl/bulk.xml", bulk)] if name is None else data)
    assert problems(path, book) == [
        f"f.xlsx: F001 cannot read the workbook: the part xl/bulk.xml holds more than {MAX_WORKBOOK_ELEMENTS}"
        " elements (cells, styles, texts), far more than a results form"
    ]


def test_a_part_with_a_doctype_is_F001(make, book):
    path = rewrite(make(), part("xl/styles.xml", b"<styleSheet", b'<!DOCTYPE styleSheet [<!ENTITY a "aaaa">]><styleSheet'))
    assert problems(path, book) == [
        "f.xlsx: F001 cannot read the workbook: the part xl/styles.xml declares a DOCTYPE, which no workbook holds"
    ]


DAMAGED = (
    "f.xlsx: F001 the workbook is damaged and cannot be read: open it in Excel, save it again as an .xlsx"
    " workbook (File, Save As, Excel Workbook) and import that"
)


@pytest.mark.parametrize(
    ("name", "old", "new", "detail"),
    [
        ("xl/workbook.xml", b'sheetId="1"', b'sheetId="x"', "expected <class 'int'>"),  # openpyxl's words
        ("xl/styles.xml", b"<styleSheet", b"<styleSheet><broken", None),  # XML that is not well formed
    ],
    ids=["a sheet number that is a letter", "a part cut short"],
)
def test_a_workbook_openpyxl_rejects_is_F001_in_words_an_officer_understands(make, book, name, old, new, detail):
    path = rewrite(make(), part(name, old, new))
    (problem,) = problems(path, book)
    assert problem.startswith(DAMAGED + " (technical detail: ")
    assert problem.endswith(")") and len(problem) - len(DAMAGED) <= 100  # the technical reason short, last
    if detail:
        assert problem == f"{DAMAGED} (technical detail: {detail})"


# --- macros under any name ------------------------------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
VBA_TYPE = b"application/vnd.ms-office.vbaProject"


def _add(*added):
    return lambda name, data: list(added) if name is None else data


@pytest.mark.parametrize(
    "edits",
    [
        [_add(("xl/media/image1.png", OLE))],  # vbaProject.bin renamed: a compound file by its content
        [_add(("xl/vbaProject.bin", b"\0"))],
        [  # every .bin part typed as VBA
            part("[Content_Types].xml", b"<Default ", b'<Default Extension="bin" ContentType="' + VBA_TYPE + b'"/><Default '),
            _add(("xl/code.bin", b"\0")),
        ],
        [part("xl/_rels/workbook.xml.rels", b"</Relationships>",
              b'<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="code.dat"/></Relationships>')],
        [part("[Content_Types].xml", b"</Types>", b'<Override PartName="/xl/macrosheets/m.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')],
    ],
    ids=["renamed-ole", "vbaproject-bin", "bin-typed-as-vba", "vba-relationship", "excel4-macro-sheet"],
)
def test_macros_are_refused_by_name_content_type_relationship_or_content(make, book, edits):
    path = make()
    for edit in edits:
        path = rewrite(path, edit)
    assert problems(path, book) == [MACROS]


# --- values in messages, as a person reads them ---------------------------------------------------


def test_a_date_true_or_an_array_formula_is_quoted_as_a_person_reads_it(make, book, rows):
    iud, pill, condom = rows["new_users_iud"], rows["new_users_pill"], rows["new_users_condom"]
    path = make({
        f"E{iud}": dt.datetime(2025, 1, 15),
        f"E{pill}": True,
        f"E{condom}": ArrayFormula(f"E{condom}", "=SUM(E23:E26)"),
        "C6": False,
    })
    found = problems(path, book)
    assert found == [
        f"f.xlsx:{SHEET}!C6: F008 FALSE is not a date: type the day as dd/mm/yyyy",
        f"f.xlsx:{SHEET}!E{iud}: F007 2025-01-15 is a date or a time, not a number: format the cell as a number and type the figure",
        f"f.xlsx:{SHEET}!E{pill}: F007 TRUE is a TRUE/FALSE value, not a number: type the figure as a number",
        f"f.xlsx:{SHEET}!E{condom}: F006 a formula (=SUM(E23:E26)): type the figure itself, not a formula",
    ]
    assert not any("datetime" in p or "object at" in p or "True" in p for p in found)


# --- a percent-formatted cell: Excel stores 85 % as 0.85 ------------------------------------------


def test_a_percent_formatted_rate_is_read_as_typed(make, book, rows):
    screening = rows["prenatal_screening"]
    path = make({f"E{screening}": 0.92, f"F{screening}": 138, f"G{screening}": 150}, formats={f"E{screening}": "0%"})
    result = imported(path, book)
    assert result.problems == []
    figure = next(f for f in result.result.figures if f.indicator == "prenatal_screening")
    assert str(figure.value) == "92"
    path = make({f"E{screening}": 0.855}, formats={f"E{screening}": '0.0"" %'})
    figure = next(f for f in imported(path, book).result.figures if f.indicator == "prenatal_screening")
    assert str(figure.value) == "85.5"


def test_a_percent_where_the_row_is_no_percentage_is_F007(make, book, rows):
    iud, reduction, screening = rows["new_users_iud"], rows["third_child_reduction"], rows["prenatal_screening"]
    path = make(
        {f"E{iud}": 0.24, f"E{reduction}": 0.005, f"F{screening}": 1.38},
        formats={f"E{iud}": "0%", f"E{reduction}": "0.0%", f"F{screening}": "0%"},
    )
    assert problems(path, book) == [
        f"f.xlsx:{SHEET}!E{reduction}: F007 0.5% is typed as a percentage, but this row is in ‰: format the cell as a number and type the figure in ‰, without %",
        f"f.xlsx:{SHEET}!F{screening}: F007 138% is typed as a percentage, but a numerator or a denominator is a count: format the cell as a number and type the count",
        f"f.xlsx:{SHEET}!E{iud}: F007 24% is typed as a percentage, but this row is in người: format the cell as a number and type the figure in người, without %",
    ]


# --- what lies outside the form, and totals -------------------------------------------------------


def test_figures_typed_outside_the_form_are_F004_not_ignored(make, book, rows):
    last = max(rows.values())
    below = last + 1
    found = problems(make({f"E{below}": 7, f"H{below}": "thêm", f"J{FIRST_ROW}": 3.5, "XFD1048576": "x"}), book)
    assert found == [
        f"f.xlsx:{SHEET}!J{FIRST_ROW}: F004 typed outside the form's cells, so not read: J{FIRST_ROW} (3.5);"
        " type each figure in its yellow cell, or delete these",
        f"f.xlsx:{SHEET}!E{below}: F004 typed outside the form's cells, so not read: E{below} (7), H{below} ('thêm');"
        " type each figure in its yellow cell, or delete these",
        f"f.xlsx:{SHEET}!XFD1048576: F004 typed outside the form's cells, so not read: XFD1048576 ('x');"
        " type each figure in its yellow cell, or delete these",
    ]


def test_a_total_that_is_not_the_sum_of_its_methods_is_F010_at_its_cell(make, book, rows):
    methods = ["new_users_iud", "new_users_implant", "new_users_injectable", "new_users_pill", "new_users_condom"]
    total = rows["new_users_total"]
    first, last = rows[methods[0]], rows[methods[-1]]
    cells = {f"E{rows[key]}": value for key, value in zip(methods, [12, 1, 0, 100, 400])}
    assert problems(make({**cells, f"E{total}": 513}), book) == []
    assert problems(make({**cells, f"E{total}": 514}), book) == [
        f"f.xlsx:{SHEET}!E{total}: F010 the total 514 is not the sum of its rows {first}–{last} (513): correct the total or the rows"
    ]
    assert problems(make({f"E{total}": 10}), book) == [  # 12 IUD users alone are more than the total
        f"f.xlsx:{SHEET}!E{total}: F010 the total 10 is not the sum of its rows {first}–{last} (12): correct the total or the rows"
    ]
    assert problems(make({f"E{total}": 500}), book) == []  # rows left empty may hold the rest


# --- the hidden sheet's unit and year -------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "cells", "line", "what"),
    [
        ({"B4": "2024"}, {}, 4, "it says the form is for 2024, but the form shows 2025 in C5"),
        ({"B3": "ngoc-lam"}, {}, 3, "it says the form is for ngoc-lam, but the form shows ngoc-thuy in C4"),
        ({"B5": "Q2"}, {}, 5, "it says the form is for Q2, but the form shows Q1 in C5"),
        ({"B3": "ngoc-lam"}, {"C4": "phường Ngọc Lâm (ngoc-lam)"}, 1, "its lines no longer match the check in C1"),
        ({"B13": 20, "B14": 19}, {}, 1, "its lines no longer match the check in C1"),  # two rows swapped
    ],
)
def test_an_edited_hidden_unit_year_or_row_is_F002_at_its_line(make, book, meta, cells, line, what):
    assert problems(make(cells, meta), book) == [f"f.xlsx:{META}!A{line}: F002 the hidden sheet '{META}' was changed ({what}): {NEW_FORM}"]


def test_an_edited_period_cell_is_F003_at_it(make, book):
    assert problems(make({"C5": "Q1: quý I năm 2024"}), book) == [
        f"f.xlsx:{SHEET}!C5: F003 the period cell reads 'Q1: quý I năm 2024', but the form was written for Q1:"
        " write a new form for the other period"
    ]


def test_a_cell_written_twice_is_F001_at_it_and_neither_value_is_taken(make, book, rows):
    iud = rows["new_users_iud"]

    def twice(name, data):
        if name != "xl/worksheets/sheet1.xml":
            return None if name is None else data
        found = re.search(rb'<c r="E%d"[^>]*><v>12</v></c>' % iud, data)
        assert found is not None
        cell = found.group()
        return data.replace(cell, cell + cell.replace(b"<v>12</v>", b"<v>99</v>"), 1)

    assert problems(rewrite(make(), twice), book) == [
        f"f.xlsx:{SHEET}!E{iud}: F001 the cell E{iud} is written twice in the workbook: it was not saved by Excel;"
        " open it in Excel, check the cell and save it again"
    ]


def test_import_of_a_form_with_a_far_cell_writes_nothing_and_says_where_in_both_languages(make, real_plans):
    path = make(meta={"XFD1048576": "x"})
    (real_plans.parent / "f.xlsx").write_bytes(path.read_bytes())
    for lang, line in (
        ("en", f"f.xlsx:{META}!XFD1048576: F002 the hidden sheet '{META}' was changed (XFD1048576 holds 'x', which the form did not write): {NEW_FORM}"),
        ("vi", f"f.xlsx:{META}!XFD1048576: F002 trang ẩn '{META}' đã bị sửa (ô XFD1048576 có 'x', không do biểu mẫu ghi):"
               " hãy tạo biểu mẫu mới bằng `dansokh form ĐƠN_VỊ --period KỲ`"),
    ):
        result = cli("--lang", lang, "import", "f.xlsx", "-o", "out.yaml", seconds=60)
        assert result.exit_code == 1
        assert result.stdout.splitlines()[0] == line
        assert not (real_plans.parent / "out.yaml").exists()
