"""Messages an officer can act on (issue 20, point 3): each slip an officer makes in the real
plans (a copy of plans/2025) gives one message at the place of the slip, in Vietnamese, saying
what to write instead; never a message derived from a misread figure."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from conftest import cli, edit, line_of, run, write_files
from dansokh import i18n
from dansokh.model.numbers import difference, quantity

LB = "plans/2025/long-bien.yaml"
NGOC_THUY_ROW = '{tt: "1", name: Ngọc Thuỵ, values: [0.00, 3.04, 25, 100, 86.0, 88.0, 90, 95, 100, 1, 1, 545, 1900, 74.0]}'
U004 = (
    "plans/2025/bac-cuong.yaml:29:11: U004 thư mục kế hoạch chưa có kế hoạch năm 2025 của thành phố Lào Cai;"
    " không thể kiểm tra các chỉ tiêu giao cho phường Bắc Cường"
)


def _validate_vi(*paths: str) -> list[str]:
    """The lines `dansokh --lang vi validate` prints, and its exit code last."""
    result = cli("--lang", "vi", "validate", *(paths or ("plans/",)))
    i18n.setup("en")
    return result.output.splitlines() + [str(result.exit_code)]


# --- 1. a thousands dot in a count ----------------------------------------------------------


def test_a_thousands_dot_in_a_count_cell_is_one_message_at_the_cell(real_plans):
    line = edit(real_plans / "2025/long-bien.yaml", "545, 1900, 74.0]", "545, 1.900, 74.0]")
    assert _validate_vi() == [
        U004,
        f"{LB}:{line}:102: S003 Ngọc Thuỵ, cột 'Bao cao su': '1.900' là số đếm, phải là số nguyên; ở đây"
        " dấu chấm là dấu thập phân, không phải dấu phân cách hàng nghìn: hãy ghi 1900",
        "Đã kiểm tra 5 tệp, 4 kế hoạch, 2 quan hệ cấp trên→cấp dưới: 1 lỗi, 0 cảnh báo, 1 ghi chú.",
        "1",
    ]


def test_a_thousands_dot_in_a_count_target_says_what_to_write(real_plans):
    line = edit(real_plans / "2025/city.yaml", "value: 416950", "value: 416.950")
    [diagnostic] = [d for d in run([real_plans]).diagnostics if d.code != "U004"]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.col) == ("S003", line, 12)
    assert diagnostic.message == (
        "value: '416.950' is a count, a whole number; here a dot is the decimal mark, not a thousands"
        " separator: write 416950"
    )


def test_a_rate_keeps_its_three_decimals_and_a_whole_count_is_fine(in_tmp):
    from test_messages import _plan

    write_files(in_tmp, {"a.yaml": _plan(value="90.125", total="90")})
    assert [d.code for d in run(["a.yaml"]).diagnostics] == ["T006"]  # a rate: 90.125% is a rate, not a slip
    write_files(in_tmp, {"a.yaml": _plan(indicator="new_users_iud", value="1.000")})
    [diagnostic] = [d for d in run(["a.yaml"]).diagnostics if d.code == "S003"]
    assert diagnostic.message.endswith("write 1000")  # "1.000" would otherwise be read as one person


# --- 2. a decimal comma in a table row --------------------------------------------------------


def test_a_decimal_comma_in_a_row_is_one_message_at_that_cell(real_plans):
    line = edit(real_plans / "2025/long-bien.yaml", "values: [0.00, 3.04, 25,", "values: [0.00, 3,04, 25,")
    assert _validate_vi() == [
        U004,
        f"{LB}:{line}:51: S003 Ngọc Thuỵ, cột 'Chỉ tiêu năm 2025': '3,04' bị đọc thành hai giá trị, 3 và 04, vì dấu"
        " phẩy ngăn cách các giá trị của một dòng: hãy ghi 3.04 (trong tệp kế hoạch, dấu thập phân là dấu chấm)",
        "Đã kiểm tra 5 tệp, 4 kế hoạch, 2 quan hệ cấp trên→cấp dưới: 1 lỗi, 0 cảnh báo, 1 ghi chú.",
        "1",
    ]


def test_a_thousands_comma_in_a_count_row_says_to_write_the_number_without_it(real_plans):
    line = edit(real_plans / "2025/long-bien.yaml", "545, 1900, 74.0]", "545, 1,900, 74.0]")
    [diagnostic] = [d for d in run([real_plans]).diagnostics if d.code != "U004"]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.col) == ("S003", line, 102)
    assert diagnostic.message == (
        "Ngọc Thuỵ, column 'Bao cao su': '1,900' is read as two values, 1 and 900, because a comma separates"
        " the values of a row: write 1900 (in a plan file a number has no thousands separator)"
    )


def test_a_row_with_one_value_too_many_and_spaces_is_still_t005(real_plans):
    edit(real_plans / "2025/long-bien.yaml", "values: [0.00, 3.04, 25,", "values: [0.00, 3, 4, 25,")
    codes = [d.code for d in run([real_plans]).diagnostics]
    assert "T005" in codes and "S003" not in codes


# --- 3. Y009 in words an officer knows --------------------------------------------------------


def test_y009_says_how_to_fix_it_in_unikey(real_plans):
    path = real_plans / "2025/long-bien.yaml"
    line = edit(path, "name: Ngọc Lâm, level", "name: " + unicodedata.normalize("NFD", "Ngọc Lâm") + ", level")
    lines = _validate_vi(LB)
    assert lines[0] == (
        f"{LB}:{line}:26: Y009 'Ngọc Lâm' được gõ bằng bảng mã \"Unicode tổ hợp\" (chữ đầu tiên như vậy trong tệp);"
        " dansokh vẫn đọc đúng, nhưng hãy sửa: trong Unikey chọn bảng mã \"Unicode dựng sẵn\" rồi gõ lại, hoặc"
        " chuyển mã bằng công cụ của Unikey (Ctrl+Shift+F6) từ \"Unicode tổ hợp\" sang \"Unicode dựng sẵn\""
    )
    assert "NFC" not in "\n".join(lines)


# --- 4. S003 on a date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, vietnamese",
    [
        ("03/01/2025", "date: '03/01/2025' không phải một ngày theo cách ghi của tệp kế hoạch: hãy ghi 2025-01-03"
         " (năm-tháng-ngày, như 2025-01-15)"),
        ("2025-02-30", "date: '2025-02-30' không có trên lịch: hãy ghi một ngày có thật theo dạng năm-tháng-ngày,"
         " như 2025-01-15"),
        ("đầu năm", "date: 'đầu năm' không phải một ngày theo cách ghi của tệp kế hoạch: hãy ghi theo dạng"
         " năm-tháng-ngày, như 2025-01-15 (chỉ tháng: 2025-01; chỉ năm: 2025)"),
    ],
)
def test_a_date_repeats_what_was_typed_and_shows_the_form(real_plans, typed, vietnamese):
    line = edit(real_plans / "2025/long-bien.yaml", 'date: "2025-01-03"', f'date: "{typed}"')
    assert _validate_vi(LB) == [
        f"{LB}:{line}:13: S003 {vietnamese}",
        "Đã kiểm tra 1 tệp, 0 kế hoạch, 0 quan hệ cấp trên→cấp dưới: 1 lỗi, 0 cảnh báo, 0 ghi chú.",
        "1",
    ]


# --- 5. "phường Ngọc Thụy" as officers write it ----------------------------------------------------


def test_a_table_row_may_name_a_unit_with_its_kind_and_either_tone_placement(real_plans):
    edit(real_plans / "2025/long-bien.yaml", '{tt: "1", name: Ngọc Thuỵ,', '{tt: "1", name: phường Ngọc Thụy,')
    edit(real_plans / "2025/long-bien.yaml", '{tt: "10", name: Gia Thuỵ,', '{tt: "10", name: Phường Gia Thuỵ,')
    assert [d.code for d in run([real_plans]).diagnostics] == ["U004"]


def test_a_kind_of_another_level_does_not_name_the_unit(real_plans):
    edit(real_plans / "2025/long-bien.yaml", '{tt: "1", name: Ngọc Thuỵ,', '{tt: "1", name: quận Ngọc Thụy,')
    assert "U001" in [d.code for d in run([real_plans]).diagnostics]


@pytest.mark.parametrize("name", ["phường Ngọc Thụy", "Phường Ngọc Thuỵ", "phuong ngoc thuy"])
def test_the_command_line_takes_a_unit_with_its_kind(real_plans, name):
    result = cli("allocate", "--from", "long-bien", "--to", name, "--plans", "plans")
    assert result.exit_code == 0, result.output
    assert "Ngọc Thụy" in result.output or "Ngọc Thuỵ" in result.output


# --- 7. an indentation slip is not answered with quotes --------------------------------------------


def test_a_key_indented_one_space_too_far_in_a_target_is_an_indentation_slip(real_plans):
    path = real_plans / "2025/long-bien.yaml"
    parent = line_of(path, "- indicator: prenatal_screening")
    line = edit(path, "    value: 90\n", "     value: 90\n")
    assert _validate_vi(LB) == [
        f"{LB}:{line}:6: Y002 dòng này thụt vào sâu hơn 'indicator:' ở dòng {parent}, mục cùng nhóm với nó:"
        " hãy bắt đầu 'value:' ở cùng cột với 'indicator:' (cột 5)",
        "Đã kiểm tra 1 tệp, 0 kế hoạch, 0 quan hệ cấp trên→cấp dưới: 1 lỗi, 0 cảnh báo, 0 ghi chú.",
        "1",
    ]


def test_a_key_indented_too_little_names_its_group(in_tmp):
    write_files(in_tmp, {"a.yaml": "id: a\nunit:\n  id: a\n name: A\n"})
    [diagnostic] = run(["a.yaml"]).diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("Y002", 4)
    assert diagnostic.message == (
        "this line is indented less than 'id:' on line 3, a key of the group 'unit:' (line 2):"
        " start 'name:' in the same column as 'id:' (column 3)"
    )


def test_a_colon_inside_a_value_still_says_quotes(in_tmp):
    write_files(in_tmp, {"a.yaml": "id: a\ntitle: Kế hoạch: năm 2025\n"})
    [diagnostic] = run(["a.yaml"]).diagnostics
    assert diagnostic.message.startswith('a colon where a value was expected: a text with ": " in it needs quotes')


# --- 8. singular and plural ---------------------------------------------------------------------------


def test_short_by_one_person(real_plans):
    edit(real_plans / "2025/long-bien.yaml", "90, 95, 100, 1, 1, 545, 1900", "90, 95, 49, 1, 1, 545, 1900")
    edit(real_plans / "2025/long-bien.yaml", "95, 1100, 13, 13, 5440", "95, 1049, 13, 13, 5440")
    messages = {d.code: d.message for d in run([real_plans]).diagnostics}
    assert messages["C001"] == (
        "Dụng cụ tử cung (đặt vòng): quận Long Biên sets 1,049 persons, below the 1,050 persons that thành phố"
        " Hà Nội assigned to it (not met, short by 1 person)"
    )
    assert messages["C003"].endswith("below the 1,050 persons that thành phố Hà Nội assigned (short by 1 person)")
    i18n.setup("vi")
    try:
        messages = {d.code: d.message for d in run([real_plans]).diagnostics}
    finally:
        i18n.setup("en")
    assert messages["C001"].endswith("(chưa đạt, thiếu 1 người)")
    assert messages["C003"].endswith("(thiếu 1 người)")


def test_units_are_singular_for_one():
    assert [quantity(Decimal(v), u) for v, u in (("1", "người"), ("1", "buổi"), ("1", "lượt"), ("2", "lượt"))] == [
        "1 person", "1 session", "1 broadcast", "2 broadcasts"
    ]
    assert quantity(Decimal("1"), "trẻ trai/100 trẻ gái") == "1 boy per 100 girls"
    assert quantity(Decimal("1.5"), "người") == "1.5 persons"
    assert difference(Decimal("1"), "người") == "1 person"


# --- 6. the F codes in `dansokh rules` ---------------------------------------------------------------

from dansokh.check import examples  # noqa: E402
from dansokh.check.rules import IMPORT_RULES  # noqa: E402

FORM_CASES = examples.examples()["form_cases"]


@pytest.mark.parametrize("case", FORM_CASES, ids=[c["rule"] for c in FORM_CASES])
def test_each_form_case_fails_as_it_says_and_passes_without_its_change(case):
    from dansokh.render import form_examples

    failing, changes = form_examples.run(case)
    assert sorted(f"{d.code} {d.span}" for d in failing.diagnostics) == sorted(case["expect"])
    assert changes
    assert [d for d in form_examples.run(case, passing=True)[0].diagnostics if d.code == case["rule"]] == []


def test_every_f_code_has_a_form_case():
    assert {rule.code for rule in IMPORT_RULES} == {case["rule"] for case in FORM_CASES}
    assert all(rule.doc for rule in IMPORT_RULES)


def test_rules_f010_shows_its_documentation_and_its_example():
    result = cli("rules", "F010")
    assert result.exit_code == 0, result.output
    assert [line.rstrip() for line in result.output.splitlines()[3:]] == [
        "The new users of contraception in total are the sum of the methods on the rows below: a total that",
        "differs from its rows is reported at the cell of the total. Correct the total or the rows.",
        "",
        "Fails: a total that is not the sum of its methods",
        "  form.xlsx, row 16:",
        "  - Biểu mẫu!E16: 5",
        "  + Biểu mẫu!E16: 6",
        "  → form.xlsx:Biểu mẫu!E16: F010 the total 6 is not the sum of its rows 17–18 (5): correct the total",
        "or the rows",
        "",
        "Passes: the form as it was filled, without the change: import reports no F010.",
    ]


def test_a_thousands_dot_in_a_result_file_is_one_message_at_the_figure(real_plans):
    import shutil

    from conftest import ROOT

    results = real_plans / "results/2025/Q1"
    results.mkdir(parents=True)
    shutil.copy(ROOT / "examples/results-2025/Q1/ngoc-thuy.yaml", results)
    line = edit(results / "ngoc-thuy.yaml", "{indicator: cpr_modern, value: 75.8, numerator: 4876,", "{indicator: cpr_modern, value: 75.8, numerator: 4.876,")
    line = edit(results / "ngoc-thuy.yaml", "{indicator: new_users_condom, value: 450}", "{indicator: new_users_condom, value: 1.450}")
    found = [(d.code, d.span.line, d.message) for d in run([real_plans]).diagnostics if d.code != "U004"]
    assert found == [
        ("S003", line - 7, "numerator: '4.876' is a count, a whole number; here a dot is the decimal mark, not a"
         " thousands separator: write 4876"),
        ("S003", line, "value: '1.450' is a count, a whole number; here a dot is the decimal mark, not a"
         " thousands separator: write 1450"),
    ]


def test_a_thousands_dot_in_the_count_of_a_rate_says_what_to_write(in_tmp):
    from test_messages import PLAN

    text = PLAN.format(indicator="prenatal_screening", value="90\n    count: 1.350", name="Ngọc Thuỵ", total="90", time="Tháng 2/2025")
    write_files(in_tmp, {"a.yaml": text})
    assert [(d.code, d.span.line, d.message) for d in run(["a.yaml"]).diagnostics] == [
        ("S003", 12, "count: '1.350' is a count, a whole number; here a dot is the decimal mark, not a thousands"
         " separator: write 1350")
    ]
