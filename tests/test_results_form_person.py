"""The results form as a person uses it: the form of the report that is due (in January, last
year's fourth quarter, never next year's draft), then a workbook filled the way people fill one
(typing, a percentage, text where a number goes, a formula, an inserted row, a row under the
table), each asserting the exact result written or the exact diagnostic at its cell."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import PLANS
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.read.form import SHEET, read_form
from dansokh.render.form import form_spec, render_form
from dansokh.write.form_import import result_from_form
from dansokh.write.results import result_text

runner = CliRunner()


def vi(*args: str):
    return runner.invoke(app, ["--lang", "vi", *args])


# --- which year: the report due ---------------------------------------------------------------


@pytest.mark.parametrize(("today", "due"), [
    ("2026-01-05", {"Q1": 2025, "Q2": 2025, "Q3": 2025, "Q4": 2025, "Y": 2025}),  # January: last year's
    ("2025-07-05", {"Q1": 2025, "Q2": 2025, "Q3": 2024, "Q4": 2024, "Y": 2024}),  # mid-year: the six months are due
    ("2025-03-15", {"Q1": 2025, "Q2": 2024, "Q3": 2024, "Q4": 2024, "Y": 2024}),  # the quarter ends within a month
    ("2025-10-01", {"Q1": 2025, "Q2": 2025, "Q3": 2025, "Q4": 2024, "Y": 2025}),  # the year-end review is made from 30/09
    ("2025-12-20", {"Q1": 2025, "Q2": 2025, "Q3": 2025, "Q4": 2025, "Y": 2025}),
    ("9999-12-31", {"Q1": 9999, "Q2": 9999, "Q3": 9999, "Q4": 9999, "Y": 9999}),  # the calendar's ends: no error
    ("0001-01-01", {"Q1": 1, "Q2": 1, "Q3": 1, "Q4": 1, "Y": 1}),
])
def test_the_year_due_on_a_day(today, due):
    from dansokh.model.periods import PERIODS, due_year

    assert {code: due_year(code, dt.date.fromisoformat(today)) for code in PERIODS} == due


@pytest.fixture
def with_draft(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The 2025 plans and the 2026 plan of Long Biên that `dansokh new --next` drafts from them."""
    shutil.copytree(PLANS, in_tmp / "plans")
    monkeypatch.setenv("DANSOKH_TODAY", "2025-12-20")
    assert runner.invoke(app, ["new", "--next", "long-bien"]).exit_code == 0
    assert (in_tmp / "plans" / "2026" / "long-bien-2026.yaml").exists()
    return in_tmp


def period_cell(path: Path) -> str:
    return openpyxl.load_workbook(path)[SHEET]["C5"].value


def test_in_january_the_form_is_last_years_fourth_quarter_not_the_2026_draft(with_draft, monkeypatch):
    monkeypatch.setenv("DANSOKH_TODAY", "2026-01-05")
    result = vi("form", "Cự Khối", "--period", "Q4")
    assert result.exit_code == 0, result.output
    assert result.stdout == "cu-khoi-2025-Q4.xlsx\n"
    assert result.stderr == (
        "phường Cự Khối: quý IV năm 2025, chỉ tiêu theo kế hoạch long-bien, kỳ báo cáo đến hạn tính đến ngày 05/01/2026; còn có chỉ tiêu năm 2026"
        " (chọn năm khác bằng --year)\n"
    )
    assert period_cell(with_draft / "cu-khoi-2025-Q4.xlsx") == "Q4: quý IV năm 2025 (cả năm)"
    result = vi("form", "Cự Khối", "--period", "năm")  # the year-end review, due before 15/12
    assert result.exit_code == 0 and result.stdout == "cu-khoi-2025-Y.xlsx\n"
    assert period_cell(with_draft / "cu-khoi-2025-Y.xlsx") == "Y: năm 2025 (tổng kết)"
    result = vi("form", "Cự Khối", "--period", "Q4", "--year", "2026")  # the officer names the year: obeyed, nothing to say
    assert result.exit_code == 0 and result.stdout == "cu-khoi-2026-Q4.xlsx\n" and result.stderr == ""
    assert period_cell(with_draft / "cu-khoi-2026-Q4.xlsx") == "Q4: quý IV năm 2026 (cả năm)"


def test_mid_year_the_six_months_are_this_years_even_with_a_2026_draft(with_draft, monkeypatch):
    monkeypatch.setenv("DANSOKH_TODAY", "2025-07-05")
    result = vi("form", "Ngọc Thụy", "--period", "6m")
    assert result.exit_code == 0, result.output
    assert result.stdout == "ngoc-thuy-2025-Q2.xlsx\n"
    assert result.stderr == (
        "phường Ngọc Thụy: 6 tháng năm 2025 (Q2), chỉ tiêu theo kế hoạch long-bien, kỳ báo cáo đến hạn tính đến ngày 05/07/2025; còn có chỉ tiêu năm 2026"
        " (chọn năm khác bằng --year)\n"
    )
    # the fourth quarter due on 05/07/2025 is 2024's: no plan has targets for it, and 2026's draft is not taken
    result = vi("form", "Ngọc Thụy", "--period", "Q4")
    assert result.exit_code == 2
    assert result.stderr == (
        "phường Ngọc Thụy không có chỉ tiêu cho quý IV năm 2024, kỳ báo cáo đến hạn tính đến ngày 05/07/2025, cũng không có"
        " chỉ tiêu năm nào trước đó; đơn vị có chỉ tiêu năm 2025, 2026: thêm --year 2025 để chọn năm đó\n"
    )
    assert not list(with_draft.glob("*Q4*.xlsx"))


def test_with_one_year_of_plans_nothing_is_said(in_tmp, monkeypatch):
    shutil.copytree(PLANS, in_tmp / "plans")
    monkeypatch.setenv("DANSOKH_TODAY", "2025-07-05")
    result = vi("form", "Ngọc Thụy", "--period", "Q2")
    assert result.exit_code == 0 and result.stdout == "ngoc-thuy-2025-Q2.xlsx\n" and result.stderr == ""


def test_a_year_due_without_targets_takes_the_latest_before_it_and_says_so(in_tmp, monkeypatch):
    """On 04/12/2026 the six months due are 2026's; with the 2025 plans alone, the 2025 form, said."""
    shutil.copytree(PLANS, in_tmp / "plans")
    monkeypatch.setenv("DANSOKH_TODAY", "2026-12-04")
    result = vi("form", "Cự Khối", "--period", "6m")
    assert result.exit_code == 0 and result.stdout == "cu-khoi-2025-Q2.xlsx\n"
    assert result.stderr == (
        "phường Cự Khối chưa có chỉ tiêu cho 6 tháng năm 2026 (Q2), kỳ báo cáo đến hạn tính đến ngày 04/12/2026;"
        " lấy 6 tháng năm 2025 (Q2), chỉ tiêu theo kế hoạch long-bien, năm gần nhất có chỉ tiêu (chọn năm khác bằng --year)\n"
    )


def test_progress_and_the_report_take_the_year_due_too(with_draft, monkeypatch):
    monkeypatch.setenv("DANSOKH_TODAY", "2026-01-05")
    result = vi("progress", "Ngọc Thụy", "--period", "Q4")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("phường Ngọc Thụy, quý IV năm 2025 (cả năm)")
    assert "quý IV năm 2025, chỉ tiêu theo kế hoạch long-bien, kỳ báo cáo đến hạn tính đến ngày 05/01/2026" in result.stderr
    result = vi("progress", "--period", "Q4")  # every unit: the plans of 2025
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("thành phố Hà Nội, quý IV năm 2025 (cả năm)")
    assert result.stderr == "quý IV năm 2025, kỳ báo cáo đến hạn tính đến ngày 05/01/2026; còn có kế hoạch năm 2026 (chọn năm khác bằng --year)\n"
    result = vi("render", "report", "--plan", "Long Biên", "--period", "Q4", "-o", "bao-cao.md")
    assert result.exit_code == 0, result.output
    assert "PHÁT TRIỂN QUÝ IV NĂM 2025 (CẢ NĂM)**" in (with_draft / "bao-cao.md").read_text(encoding="utf-8")


def test_a_day_that_is_not_one_is_a_usage_error(in_tmp, monkeypatch):
    shutil.copytree(PLANS, in_tmp / "plans")
    monkeypatch.setenv("DANSOKH_TODAY", "05/01/2026")
    result = vi("form", "Cự Khối", "--period", "Q4")
    assert result.exit_code == 2
    assert result.stderr == "DANSOKH_TODAY='05/01/2026': cần một ngày viết dạng 2026-01-05\n"


# --- a workbook filled as people fill it --------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    _, findings = load_checked([PLANS])
    return findings.book


@pytest.fixture
def form(book, tmp_path):
    """Ngọc Thụy's form for Q1 2025, opened as the officer opens it; ``row(name)`` finds a row by
    the indicator's name in column B, as a person reads the sheet."""
    workbook = openpyxl.load_workbook(io.BytesIO(render_form(form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1"))))
    sheet = workbook[SHEET]
    sheet["C6"] = dt.date(2025, 4, 2)  # the day the report is sent
    sheet["C8"] = "UBND phường Ngọc Thụy"

    def row(name: str) -> int:
        return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == name)

    def imported(**expected):
        path = tmp_path / "ngoc-thuy-Q1.xlsx"
        workbook.save(path)
        return result_from_form(read_form(path, path.name), book, **expected)

    return sheet, row, imported


IUD, PILL, CONDOM, TOTAL = "Dụng cụ tử cung (đặt vòng)", "Thuốc uống tránh thai", "Bao cao su", "Số người áp dụng biện pháp tránh thai mới"
SCREENING = "Tỷ lệ sàng lọc trước sinh (4 bệnh)"
NEWBORN = "Tỷ lệ sàng lọc sơ sinh (5 bệnh)"
CPR = "Tỷ lệ cặp vợ chồng áp dụng biện pháp tránh thai hiện đại (CPR hiện đại)"
THIRD = "Tỷ lệ sinh con thứ 3 trở lên"


def problems(imported) -> list[str]:
    return [f"{p.span}: {p.code} {p.message}" for p in imported.problems]


HEAD = (
    'kind: result\nunit: ngoc-thuy\nyear: 2025\nperiod: "Q1"\nreported: "2025-04-02"\n'
    'document: {kind: "Báo cáo", date: "2025-04-02", issuer: "UBND phường Ngọc Thụy"}\nfigures:\n'
)


def test_typed_numbers_and_a_percentage_become_the_result(form):
    sheet, row, imported = form
    sheet.cell(row(IUD), 5).value = 24
    sheet.cell(row(PILL), 5).value = 139
    sheet.cell(row(CONDOM), 5).value = 450
    sheet.cell(row(TOTAL), 5).value = 613
    screening = sheet.cell(row(SCREENING), 5)
    screening.value, screening.number_format = 0.85, "0%"  # typed "85%": Excel keeps 0.85, shows 85%
    sheet.cell(row(THIRD), 6).value, sheet.cell(row(THIRD), 7).value = 3, 100  # a rate by numerator and denominator
    result = imported()
    assert problems(result) == []
    assert result_text(result.result) == HEAD + (
        "  - {indicator: third_child_rate, numerator: 3, denominator: 100}\n"
        "  - {indicator: prenatal_screening, value: 85}\n"
        "  - {indicator: new_users_total, value: 613}\n"
        "  - {indicator: new_users_iud, value: 24}\n"
        "  - {indicator: new_users_pill, value: 139}\n"
        "  - {indicator: new_users_condom, value: 450}\n"
    )


def test_a_percentage_in_a_count_row_is_F007_at_its_cell(form):
    sheet, row, imported = form
    cell = sheet.cell(row(IUD), 5)
    cell.value, cell.number_format = 0.24, "0%"
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{row(IUD)}: F007 24% is typed as a percentage, but this row is in người:"
        " format the cell as a number and type the figure in người, without %"
    ]


def test_a_total_that_differs_from_its_methods_is_F010_at_the_total(form):
    sheet, row, imported = form
    for name, value in ((IUD, 24), ("Thuốc cấy tránh thai", 1), ("Thuốc tiêm tránh thai", 0), (PILL, 139), (CONDOM, 450)):
        sheet.cell(row(name), 5).value = value
    sheet.cell(row(TOTAL), 5).value = 641  # 614 with two digits swapped
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{row(TOTAL)}: F010 the total 641 is not the sum of its rows"
        f" {row(IUD)}–{row(CONDOM)} (614): correct the total or the rows"
    ]
    sheet.cell(row(TOTAL), 5).value = 400  # less than the methods typed so far, with one still empty
    sheet.cell(row(PILL), 5).value = None
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{row(TOTAL)}: F010 the total 400 is not the sum of its rows"
        f" {row(IUD)}–{row(CONDOM)} (475): correct the total or the rows"
    ]
    sheet.cell(row(TOTAL), 5).value = 500  # more than the methods so far, one still to report: not yet a mistake
    assert problems(imported()) == []
    sheet.cell(row(TOTAL), 5).value = f"=SUM(E{row(IUD)}:E{row(CONDOM)})"  # the total as a formula: typed as a figure
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{row(TOTAL)}: F006 a formula (=SUM(E{row(IUD)}:E{row(CONDOM)})): type the figure itself, not a formula"
    ]


def test_a_number_typed_as_text_says_what_to_type(form):
    """"1.900" in a text cell (a dot between the thousands, as Vietnamese writes it) and "3,5" (a
    decimal comma an English Excel keeps as text): each at its cell, with the figure to type."""
    sheet, row, imported = form
    sheet.cell(row(CONDOM), 5).value = "1.900"
    sheet.cell(row(THIRD), 5).value = "3,5"
    sheet.cell(row(SCREENING), 6).value = "1 250"
    sheet.cell(row(NEWBORN), 5).value = "85%"  # typed after a ' or into a Text cell
    sheet.cell(row(CPR), 5).value = "75.800"  # 75,8 or 75 800? not guessed
    condom, third, screening, newborn, cpr = row(CONDOM), row(THIRD), row(SCREENING), row(NEWBORN), row(CPR)
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{third}: F007 '3,5' is text, not a number: type 3.5 as a number, with the decimal"
        " separator of your Excel (if Excel keeps it as text, format the cell as Number)",
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!F{screening}: F007 '1 250' is text, not a number: type 1250, digits only, without"
        " a dot, a comma or a space between the thousands (if Excel keeps it as text, format the cell as Number)",
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{newborn}: F007 '85%' is text, not a number: type 85 as a number, with the decimal"
        " separator of your Excel (if Excel keeps it as text, format the cell as Number)",
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{cpr}: F007 '75.800' is not a number: type the figure as a number (the cell is"
        " formatted as text, or holds words)",
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{condom}: F007 '1.900' is text, not a number: type 1900, digits only, without"
        " a dot, a comma or a space between the thousands (if Excel keeps it as text, format the cell as Number)",
    ]


def test_a_number_typed_as_text_in_vietnamese(form, tmp_path):
    sheet, row, _imported = form
    sheet.cell(row(CONDOM), 5).value = "1.900"
    sheet.cell(row(THIRD), 5).value = "3,5"
    path = tmp_path / "f.xlsx"
    sheet.parent.save(path)
    result = runner.invoke(app, ["--lang", "vi", "import", str(path), "--plans", str(PLANS), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and not (tmp_path / "out.yaml").exists()
    lines = [line.split("Biểu mẫu!", 1)[1] for line in result.stdout.splitlines() if "Biểu mẫu!" in line]
    assert lines == [
        f"E{row(THIRD)}: F007 '3,5' là chữ, không phải số: gõ lại 3,5 dưới dạng số, theo dấu thập phân của Excel trên"
        " máy (nếu Excel vẫn giữ dạng chữ, định dạng ô là Number)",
        f"E{row(CONDOM)}: F007 '1.900' là chữ, không phải số: gõ 1900, chỉ gõ chữ số, không có dấu chấm, dấu phẩy hay"
        " dấu cách ngăn hàng nghìn (nếu Excel vẫn giữ dạng chữ, định dạng ô là Number)",
    ]


def test_a_formula_in_a_cell_is_F006_at_it(form):
    sheet, row, imported = form
    sheet.cell(row(IUD), 5).value = "=B7+B8"
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!E{row(IUD)}: F006 a formula (=B7+B8): type the figure itself, not a formula"
    ]


def test_an_inserted_row_is_reported_at_its_cell_and_nothing_is_read(form):
    """A row inserted above the pill (to add sterilisation): the rows from there on are not where
    the form put them; each is reported and none is read into another indicator."""
    sheet, row, imported = form
    pill = row(PILL)
    sheet.cell(row(IUD), 5).value = 24
    sheet.insert_rows(pill)
    sheet.cell(pill, 2).value, sheet.cell(pill, 5).value = "Triệt sản", 2
    result = imported()
    assert result.result is None
    assert problems(result) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!B{pill}: F004 row {pill} should hold new_users_pill; it is now in row {pill + 1}:"
        " rows must not be inserted, deleted or moved",
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!B{pill + 1}: F004 row {pill + 1} should hold new_users_condom; it is now in row {pill + 2}:"
        " rows must not be inserted, deleted or moved",
    ]


def test_a_row_typed_under_the_table_is_reported_never_ignored(form):
    sheet, row, imported = form
    under = row(CONDOM) + 1
    sheet.cell(row(IUD), 5).value = 24
    sheet.cell(under, 2).value, sheet.cell(under, 5).value = "Triệt sản", 2
    result = imported()
    assert result.result is None
    assert problems(result) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!B{under}: F004 typed outside the form's cells, so not read: B{under} ('Triệt sản'),"
        f" E{under} (2); type each figure in its yellow cell, or delete these"
    ]


def test_a_row_inserted_under_the_table_is_reported_but_not_the_instructions_it_moves(form):
    sheet, row, imported = form
    under = row(CONDOM) + 1
    sheet.insert_rows(under)  # the instructions below move down one row: still the form's own text
    sheet.cell(under, 2).value, sheet.cell(under, 5).value = "Triệt sản", 2
    assert problems(imported()) == [
        f"ngoc-thuy-Q1.xlsx:Biểu mẫu!B{under}: F004 typed outside the form's cells, so not read: B{under} ('Triệt sản'),"
        f" E{under} (2); type each figure in its yellow cell, or delete these"
    ]


# --- the first quarter, end to end, in Vietnamese ----------------------------------------------


def test_a_ward_fills_its_first_quarter_in_excel_and_the_district_prints_its_report(in_tmp, monkeypatch):
    """What the guide has an officer's assistant do, on the real 2025 plans and the illustrative
    results of the other wards: on 08/04/2025 the form of the quarter due, typed in Excel from the
    ward's paper, imported, validated, then the district's progress and report, all in Vietnamese."""
    from conftest import ROOT
    from dansokh.model.catalogue import CATALOGUE
    from dansokh.write.results import split_header

    examples = ROOT / "examples" / "results-2025"
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(examples / "Q1", in_tmp / "results" / "2025" / "Q1")
    (in_tmp / "results" / "2025" / "Q1" / "ngoc-thuy.yaml").unlink()  # the ward that has not reported yet
    monkeypatch.setenv("DANSOKH_TODAY", "2025-04-08")
    result = vi("form", "Ngọc Thụy", "--period", "quý 1")
    assert result.exit_code == 0 and result.stdout == "ngoc-thuy-2025-Q1.xlsx\n" and result.stderr == ""

    paper = load_checked([examples / "Q1" / "ngoc-thuy.yaml", PLANS])[1].book.result("ngoc-thuy", 2025, "Q1").result
    workbook = openpyxl.load_workbook(in_tmp / "ngoc-thuy-2025-Q1.xlsx")
    sheet = workbook[SHEET]
    rows = {sheet.cell(r, 2).value: r for r in range(13, sheet.max_row + 1)}
    sheet["C6"] = dt.date(2025, 4, 2)
    sheet["C8"] = "UBND phường Ngọc Thụy"
    sheet["C9"] = paper.note
    for figure in paper.figures:
        for column, number in ((5, figure.value), (6, figure.numerator), (7, figure.denominator)):
            if number is not None:
                sheet.cell(rows[CATALOGUE[figure.indicator].name], column).value = int(number) if number == int(number) else float(number)
    workbook.save(in_tmp / "ngoc-thuy-2025-Q1.xlsx")

    result = vi("import", "ngoc-thuy-2025-Q1.xlsx", "--into", "results/2025")
    assert result.exit_code == 0, result.output
    assert result.stdout == "đã ghi results/2025/Q1/ngoc-thuy.yaml\n"
    written = (in_tmp / "results" / "2025" / "Q1" / "ngoc-thuy.yaml").read_text(encoding="utf-8")
    assert written == split_header((examples / "Q1" / "ngoc-thuy.yaml").read_text(encoding="utf-8"))[1]

    result = vi("validate", "plans", "results")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Đã kiểm tra 50 tệp, 5 kế hoạch, 45 kết quả, 3 quan hệ cấp trên→cấp dưới: 0 lỗi, 1 cảnh báo, 1 ghi chú."

    result = vi("progress", "long-bien", "--period", "Q1", "--results", "results")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "quận Long Biên, quý I năm 2025 · báo cáo ngày 08/04/2025"
    assert "Đã báo cáo: 13/13; đúng hạn: 13." in lines  # Ngọc Thụy's figures are in

    result = vi("render", "report", "--plan", "long-bien", "--period", "Q1", "--results", "results", "-f", "md", "-o", "bao-cao-quy-1.md")
    assert result.exit_code == 0, result.output
    report = (in_tmp / "bao-cao-quy-1.md").read_text(encoding="utf-8")
    assert report.splitlines()[:3] == ["**MINH HỌA — số liệu không chính thức**", "", "**KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ VÀ PHÁT TRIỂN QUÝ I NĂM 2025**"]
    assert "| 1 | Ngọc Thụy | % | 90 | 92,0 | 102,2 | 100,0 | Đạt |" in report  # what the ward typed: 138 of 150 screened
    assert "*Đã báo cáo: 13/13 đơn vị; đúng hạn: 13.*" in report
    result = vi("render", "report", "--plan", "long-bien", "--period", "Q1", "--results", "results", "-f", "docx", "-o", "bao-cao-quy-1.docx")
    assert result.exit_code == 0 and (in_tmp / "bao-cao-quy-1.docx").read_bytes()[:2] == b"PK"
