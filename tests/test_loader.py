"""Bad input gets one clear diagnostic at its position, never a traceback, and the run goes on."""

from __future__ import annotations

import os
import random

import pytest

from conftest import SMALL_PLAN, check_tuples, run, write_files
from dansokh.read.discover import path_order
from dansokh.read.loader import load_text

GOOD = SMALL_PLAN


@pytest.mark.parametrize(
    ("content", "code", "line", "col", "message"),
    [
        ("id: a\nyear: [2025\n", "Y002", 3, 1, "a list in [ ] is not closed"),
        (GOOD + "year: 2026\n", "Y003", 6, 1, "duplicate key 'year' (first at line 2)"),
        (b"id: a\ntitle: K\xe1 ho\xe1ch\n", "Y001", 2, 9, "byte 0xe1 is not UTF-8"),
        ("", "Y005", 1, 1, "the file is empty"),
        ("# only a comment\n", "Y005", 1, 1, "the file is empty"),
        ("a: &x [1, 2]\nb: [*x, *x]\n", "Y004", 2, 5, "alias *x is not allowed"),
        ("x: !!python/object:os.system 1\n", "Y008", 1, 4, "explicit tag !!python/object:os.system"),
        ("a: 1\n---\nb: 2\n", "Y002", 2, 1, "a second document begins here (a line \"---\")"),
    ],
    ids=["malformed", "duplicate-key", "not-utf8", "empty", "comment-only", "alias", "tag", "two-documents"],
)
def test_bad_file_gives_one_diagnostic(content, code, line, col, message):
    raw = content.encode() if isinstance(content, str) else content
    loaded = load_text("p.yaml", raw)
    assert [(d.code, d.span.line, d.span.col) for d in loaded.diagnostics] == [(code, line, col)]
    assert message in loaded.diagnostics[0].message


def test_alias_bomb_is_rejected_before_it_is_walked():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 40):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    loaded = load_text("bomb.yaml", "\n".join(lines).encode())
    assert [d.code for d in loaded.diagnostics] == ["Y004"]
    assert loaded.data is None


def test_file_over_the_size_limit(in_tmp):
    write_files(in_tmp, {"big.yaml": GOOD + "#" * 200 + "\n"})
    result = run(["big.yaml"], max_bytes=100)
    assert check_tuples(result) == [("Y006", "big.yaml", 1)]


def test_numbers_keep_their_digits_and_codes_stay_text():
    loaded = load_text("p.yaml", b"a: 0.00\nb: 86.0\nc: 416950\nd: 2025-01-03\n")
    assert [str(v) for v in loaded.data.values()] == ["0.00", "86.0", "416950", "2025-01-03"]


def test_text_not_in_nfc_is_read_as_nfc_with_a_warning():
    decomposed = "Thu\u0323y"  # u + combining dot below
    loaded = load_text("p.yaml", f"name: {decomposed}\n".encode())
    assert loaded.data == {"name": "Thụy"}
    assert [(d.code, d.severity.value) for d in loaded.diagnostics] == [("Y009", "warning")]


def test_schema_errors_point_at_the_value_key_or_mapping(in_tmp):
    content = """\
id: a
year: "2025"
scope: yearly
document: {issuer: UBND A, symbol: KH-UBND, signer: {}}
unit: {id: a, name: A, level: cấp tỉnh}
targets:
  - indicator: prenatal_screnning
    value: 90
  - indicator: cpr_modern
    value: "74"
    unit: kg
goalz: []
appendices:
  - kind: allocation
    number: 1
    title: Biểu
    columns: [{indicator: new_users_iud, label: Vòng}]
    rows:
      - {name: B, values: [x]}
"""
    write_files(in_tmp, {"a.yaml": content})
    result = run(["a.yaml"])
    assert [(d.code, d.span.line, d.span.col, d.message) for d in result.diagnostics] == [
        ("S003", 2, 7, "year: expected a whole number, found text"),
        ("S003", 3, 8, "scope: expected 'annual' or 'thematic'"),
        ("S002", 4, 11, "missing key 'title'"),
        (
            "S004",
            7,
            16,
            "unknown indicator 'prenatal_screnning'; did you mean 'prenatal_screening' or"
            " 'prenatal_screening_counselling'? (`dansokh indicators` lists them)",
        ),
        ("S003", 10, 12, "value: expected a number, found the text '74': write 74 without quotes"),
        ("S005", 11, 11, "unknown unit 'kg' (known: %, ‰, người, buổi, lượt, trẻ trai/100 trẻ gái)"),
        ("S001", 12, 1, "unknown key 'goalz'; did you mean 'goals'?"),
        ("S003", 15, 13, 'number: expected text, found a number (quote it: "1")'),
        ("S003", 19, 28, "expected a number, found the text 'x'"),
    ]


def test_a_broken_file_does_not_stop_the_others(in_tmp):
    write_files(in_tmp, {"plans/a.yaml": GOOD, "plans/b.yaml": "id: [\n", "plans/c.yaml": b"\xff\xfe"})
    result = run(["plans"])
    assert check_tuples(result) == [("Y002", "plans/b.yaml", 2), ("Y001", "plans/c.yaml", 1)]
    assert (result.summary.files, result.summary.plans) == (3, 1)


def test_a_folder_without_plans(in_tmp):
    (in_tmp / "empty").mkdir()
    result = run(["empty"])
    assert check_tuples(result) == [("Y007", "empty", 1)]
    assert result.failed


def test_a_top_level_list_is_not_a_plan(in_tmp):
    write_files(in_tmp, {"a.yaml": "- 1\n- 2\n"})
    assert check_tuples(run(["a.yaml"])) == [("S003", "a.yaml", 1)]


def test_files_are_ordered_by_their_paths_parts():
    """A folder's files come before those of a folder whose name it begins (``a/z`` before
    ``a-b/a``, ``a b/a``, ``a.b/a``): the order ``validate`` lists files in, whatever sorts them."""
    names = [os.path.join(*parts) for parts in (
        ("a", "z.yaml"), ("a-b", "a.yaml"), ("a b", "a.yaml"), ("a.b", "a.yaml"), ("a", "b", "c.yaml"),
        ("ab", "a.yaml"), ("a", "b-c.yaml"), ("a", "b", "a.yaml"), ("Ngọc Thụy", "x.yaml"), ("Ngọc", "x.yaml"),
    )]
    expected = sorted(names, key=lambda name: name.split(os.sep))
    assert expected[:3] == [os.path.join("Ngọc", "x.yaml"), os.path.join("Ngọc Thụy", "x.yaml"), os.path.join("a", "b", "a.yaml")]
    for seed in range(20):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=path_order) == expected
