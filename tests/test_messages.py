"""What an officer reads: numbers in the reader's language, one verdict vocabulary per
direction, units named as officers name them, and messages that say how to fix the mistake."""

from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from conftest import run, write_files
from dansokh import i18n
from dansokh.cascade.edge import verdict_words
from dansokh.check import examples
from dansokh.check.rules import EVERY_RULE
from dansokh.cli import app
from dansokh.model.catalogue import Direction
from dansokh.model.numbers import difference, number, quantity, vn

runner = CliRunner()


@pytest.fixture
def vietnamese():
    i18n.setup("vi")
    yield
    i18n.setup("en")


# --- numbers -----------------------------------------------------------------------------


def test_numbers_in_each_language_keep_the_written_digits(vietnamese):
    assert [number(Decimal(x)) for x in ("3.04", "1900", "416950", "0.00", "-1050.5")] == [
        "3,04", "1.900", "416.950", "0,00", "-1.050,5"
    ]
    assert vn(Decimal("0.15")) == "0,15"
    i18n.setup("en")
    assert [number(Decimal(x)) for x in ("3.04", "1900", "416950", "0.00")] == ["3.04", "1,900", "416,950", "0.00"]
    assert vn(Decimal("1900")) == "1.900"  # documents are Vietnamese whatever the language of the run


def test_percent_sticks_to_its_number_and_gaps_between_rates_are_points(vietnamese):
    assert quantity(Decimal("85"), "%") == "85%"
    assert quantity(Decimal("0.5"), "‰") == "0,5‰"
    assert quantity(Decimal("1050"), "người") == "1.050 người"
    assert difference(Decimal("5"), "%") == "5 điểm %"
    i18n.setup("en")
    assert quantity(Decimal("1050"), "người") == "1,050 persons"
    assert difference(Decimal("5"), "%") == "5 percentage points"
    assert difference(Decimal("1"), "%") == "1 percentage point"
    assert difference(Decimal("0.46"), "trẻ trai/100 trẻ gái") == "0.46 boys per 100 girls"


# --- verdicts: one vocabulary per direction ------------------------------------------------


@pytest.mark.parametrize(
    "direction, margin, english, vietnamese",
    [
        (Direction.FLOOR, "3", "met, exceeded by 3 percentage points", "đạt, vượt 3 điểm %"),
        (Direction.FLOOR, "-7", "not met, short by 7 percentage points", "chưa đạt, thiếu 7 điểm %"),
        (Direction.CEILING, "2", "met, 2 percentage points under the ceiling", "đạt, thấp hơn mức trần 2 điểm %"),
        (Direction.CEILING, "-0.46", "not met, 0.46 percentage points over the ceiling", "chưa đạt, cao hơn mức trần 0,46 điểm %"),
        (Direction.REDUCTION, "-0.5", "not met, reduced 0.5 percentage points too little", "chưa đạt, giảm ít hơn 0,5 điểm %"),
        (Direction.REDUCTION, "0", "met", "đạt"),
    ],
)
def test_verdict_words_never_call_bad_news_good(direction, margin, english, vietnamese):
    assert verdict_words(direction, Decimal(margin), "%") == english
    i18n.setup("vi")
    try:
        text = verdict_words(direction, Decimal(margin), "%")
    finally:
        i18n.setup("en")
    assert text == vietnamese
    if Decimal(margin) < 0:  # "vượt" is good news: it never describes a target not met
        assert "vượt" not in text and text.startswith("chưa đạt")


def test_c001_on_a_ceiling_says_over_the_ceiling_in_both_languages(vietnamese):
    assert any("cao hơn mức trần 1 trẻ trai/100 trẻ gái" in m for m in _all("C001"))
    i18n.setup("en")
    ceiling = next(m for m in _all("C001") if "ceiling" in m)
    assert ceiling == (
        "Tỷ số giới tính khi sinh: Ngọc Thụy sets 111 boys per 100 girls, above the ceiling of 110 boys per 100 girls"
        " that Phố assigned to it (not met, 1 boy per 100 girls over the ceiling)"
    )
    assert "short" not in ceiling


def _all(code: str) -> list[str]:
    found = []
    for case in examples.cases_of(code):
        found += [d.message for d in examples.run(case).diagnostics if d.code == code]
    return found


# --- messages that say how to fix --------------------------------------------------------

PLAN = """\
id: a
year: 2025
scope: annual
document: {{issuer: UBND quận A, symbol: KH-UBND, title: T, signer: {{}}}}
unit: {{id: a, name: A, level: cấp huyện}}
units:
  - {{id: ngoc-thuy, name: Ngọc Thụy, level: cấp xã}}
  - {{id: thuong-thanh, name: Thượng Thanh, level: cấp xã}}
targets:
  - indicator: {indicator}
    value: {value}
appendices:
  - kind: allocation
    title: Biểu
    columns: [{{indicator: prenatal_screening, label: SLTS}}]
    rows:
      - {{tt: "1", name: {name}, values: [90]}}
      - {{tt: "2", name: Thượng Thanh, values: [90]}}
      - {{name: Toàn quận, total: true, values: [{total}]}}
  - kind: schedule
    title: Tiến độ
    sections:
      - number: A
        title: Chỉ đạo
        sections:
          - number: I
            title: Cấp quận
            rows: [{{number: "1", content: Họp, time: Tháng 1/2025, lead: TTYT}}]
      - number: B
        title: Truyền thông
        sections:
          - number: I
            title: Cấp quận
            rows: [{{number: "1", content: Họp, time: "{time}", lead: TTYT}}]
"""


def _plan(**changes: str) -> str:
    values = {"indicator": "prenatal_screening", "value": "90", "name": "Ngọc Thuỵ", "total": "90", "time": "Tháng 2/2025"}
    values.update(changes)
    return PLAN.format(**values)


def _diagnostics(in_tmp, **changes: str) -> list[tuple[str, int, str]]:
    write_files(in_tmp, {"a.yaml": _plan(**changes)})
    return [(d.code, d.span.line, d.message) for d in run(["a.yaml"]).diagnostics]


def test_a_decimal_comma_gets_a_hint(in_tmp):
    assert _diagnostics(in_tmp, value="86,0") == [
        ("S003", 11, "value: expected a number, found the text '86,0': write 86.0 (plans write the decimal mark as a dot, not a comma)")
    ]


def test_thousands_dots_get_a_hint(in_tmp):
    assert _diagnostics(in_tmp, value="416.950.0") == [
        ("S003", 11, "value: expected a number, found the text '416.950.0'")
    ]
    assert _diagnostics(in_tmp, value='"416.950"') == [
        ("S003", 11, "value: expected a number, found the text '416.950': write 416.950 without quotes")
    ]
    assert _diagnostics(in_tmp, value="1.416.950") == [
        ("S003", 11, "value: expected a number, found the text '1.416.950': write 1416950 (plans write numbers"
         " without a thousands separator; a dot is the decimal mark)")
    ]


def test_a_misspelt_indicator_gets_did_you_mean(in_tmp):
    assert _diagnostics(in_tmp, indicator="prenatal_screning") == [
        ("S004", 10, "unknown indicator 'prenatal_screning'; did you mean 'prenatal_screening' or"
         " 'prenatal_screening_counselling'? (`dansokh indicators` lists them)")
    ]


def test_u001_lists_candidates_and_mentions_aliases(in_tmp):
    [(code, line, message)] = _diagnostics(in_tmp, name="Ngọc Thủy")
    assert (code, line) == ("U001", 17)
    assert message == (
        "'Ngọc Thủy' matches none of the units quận A assigns to; did you mean Ngọc Thụy? Correct the name, or,"
        " if the table writes it another way, add it to that unit's aliases:"
    )
    [(code, line, message)] = _diagnostics(in_tmp, name="Phúc Đồng")
    assert message == (
        "'Phúc Đồng' matches none of the units quận A assigns to (Ngọc Thụy, Thượng Thanh); correct the name,"
        " or add it to the aliases: of the unit it means, in units:"
    )


def test_t003_with_one_value_says_so_and_t006_names_its_indicator(in_tmp):
    assert _diagnostics(in_tmp, total="95") == [
        ("T006", 11, "Tỷ lệ sàng lọc trước sinh (4 bệnh): the target 90% differs from the total row of the plan's table, 95%"),
        ("T003", 19, "rate 'SLTS': the total row says 95%, but every row says 90%; a total of rates is their weighted"
         " mean, so it must be 90% too"),
    ]


def test_d001_cites_the_row_with_its_sections(in_tmp):
    assert _diagnostics(in_tmp, time="Tháng 2/2024") == [
        ("D001", 34, "row B.I.1: 'Tháng 2/2024' falls in 2024, outside the plan's year 2025")
    ]


def test_vietnamese_messages_write_vietnamese_numbers(in_tmp, vietnamese):
    write_files(in_tmp, {"a.yaml": _plan(total="95.5")})
    messages = [d.message for d in run(["a.yaml"]).diagnostics]
    assert "rate" not in " ".join(messages)
    assert any("95,5%" in m for m in messages), messages
    assert not any("95.5" in m for m in messages)


# --- rules documentation -----------------------------------------------------------------


def test_every_rules_failing_example_changes_something_and_reports_the_rule():
    for rule in EVERY_RULE:  # the F codes' examples too: a form filled, changed and imported
        result = runner.invoke(app, ["rules", rule.code])
        assert result.exit_code == 0, result.output
        fails = result.output.split("Fails:")[1].split("Passes:")[0]
        assert f": {rule.code} " in fails, (rule.code, fails)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_rules_documentation_has_no_restructuredtext_and_vietnamese_has_no_english_titles(lang):
    result = runner.invoke(app, ["--lang", lang, "rules", "--full"])
    i18n.setup("en")
    assert result.exit_code == 0, result.output
    assert "``" not in result.output
    if lang == "vi":
        titles = [line.split(":", 1)[1].strip() for line in result.output.splitlines() if line.startswith("Ví dụ vi phạm:")]
        assert len(titles) == sum(1 for rule in EVERY_RULE if examples.cases_of(rule.code) or examples.form_cases_of(rule.code))
        english = {case["name"] for case in examples.examples()["cases"] + examples.examples()["form_cases"]}
        assert not set(titles) & english
        assert "below-assignment" not in result.output  # rule names are English identifiers


@pytest.mark.parametrize(
    "text, line, explanation",
    [
        ("id: a\nyear: [2025\n", 3, "a list in [ ] is not closed"),
        ("id: a\nunit: {id: a, name: A\n", 3, "a group in { } is not closed"),
        ("id: a\ntitle: Kế hoạch: năm 2025\n", 2, 'a colon where a value was expected: a text with ": " in it needs quotes'),
        ("id: a\n\tyear: 2025\n", 2, "a tab character: indent with spaces"),
        ("id: a\nyear: 2025\n  scope: annual\n", 3, "this line is indented further than 'year:' on line 2"),
        ("id: a\nunit:\n  id: a\n name: A\n", 4, "this line is indented less than 'id:' on line 3"),
        ('id: a\ntitle: "Kế hoạch\n', 3, "a quotation mark is not closed"),
    ],
)
def test_malformed_yaml_says_what_to_check(in_tmp, text, line, explanation):
    write_files(in_tmp, {"a.yaml": text})
    [diagnostic] = run(["a.yaml"]).diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("Y002", line)
    assert diagnostic.message.startswith(explanation), diagnostic.message
