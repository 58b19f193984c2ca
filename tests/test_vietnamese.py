"""Vietnamese all the way: in Vietnamese mode no English and no raw ids reach the officer
(issue 20, point 4): Click's and Typer's words, Pydantic's and the YAML parser's messages,
numbers, indicator and field names, units, output file names, the help's placeholders and
tables that fit the terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dansokh import i18n
from dansokh.read.loader import load_text

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE_VARIABLES = ("DANSOKH_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")


def dansokh(*arguments: str, cwd: Path | None = None, columns: int = 200) -> subprocess.CompletedProcess[str]:
    """``python -m dansokh --lang vi ARGUMENTS`` as an officer runs it, on a terminal of ``columns``."""
    environment = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    environment.update({"COLUMNS": str(columns), "NO_COLOR": "1"})
    return subprocess.run(
        [sys.executable, "-m", "dansokh", "--lang", "vi", *arguments],
        capture_output=True, text=True, encoding="utf-8", env=environment, cwd=cwd, check=False, timeout=300,
    )


def flat(text: str) -> str:
    """A message of Typer's error panel on one line, without the panel's frame."""
    return " ".join(line.strip("│ ╭╮╰╯─") for line in text.splitlines()).replace("  ", " ")


@pytest.fixture
def vietnamese():
    assert i18n.setup("vi") == "vi"


# --- the help's placeholders -------------------------------------------------------------------

COMMANDS = ("validate", "rules", "indicators", "allocate", "new", "diff", "schema", "render", "progress", "form",
            "import", "crosswalk")


def test_every_placeholder_of_the_help_reads_as_vietnamese():
    """``VĂN_BẢN`` reads as "official document": no option takes one; each says what to write."""
    pages = {command: dansokh(command, "--help").stdout for command in COMMANDS}
    for command, page in pages.items():
        assert "VĂN_BẢN" not in page and "TEXT" not in page, (command, page)
    assert "Cách dùng: dansokh progress [TÙY_CHỌN] [ĐƠN_VỊ]" in pages["progress"]
    assert "Cách dùng: dansokh form [TÙY_CHỌN] {ĐƠN_VỊ}" in pages["form"]
    assert "Cách dùng: dansokh import [TÙY_CHỌN] {TỆP.xlsx}" in pages["import"]
    options = {command: dict(re.findall(r"[│*]\s+(--[a-z-]+)(?:\s+-[a-z])?\s+(\S+)", page)) for command, page in pages.items()}
    assert options["progress"]["--period"] == "KỲ" and options["progress"]["--year"] == "NĂM"
    assert options["progress"]["--crosswalk"] == "BẢNG_CHUYỂN_ĐỔI" and options["progress"]["--results"] == "THƯ_MỤC"
    assert options["new"]["--unit"] == "ĐƠN_VỊ" and options["new"]["--next"] == "KẾ_HOẠCH" and options["new"]["--id"] == "MÃ"
    assert options["validate"]["--jobs"] == "SỐ" and options["validate"]["--extend-select"] == "CÁC_MÃ"
    assert options["crosswalk"]["--from"] == "NĂM" and options["crosswalk"]["--indicator"] == "CHỈ_TIÊU"
    assert options["diff"]["--against"] == "KẾ_HOẠCH" and options["import"]["--into"] == "THƯ_MỤC"


# --- Click's and Typer's messages --------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, vietnamese",
    [
        (("allocate", "--year", "abc"), "Giá trị không hợp lệ cho '--year': 'abc' không phải là số nguyên."),
        (("validate", "--jobs", "x"), "Giá trị không hợp lệ cho '--jobs' / '-j': 'x' không phải là số nguyên."),
        (("validate", "--nope"), "Không có tùy chọn --nope. Có phải là một trong: --ignore, --no-cache?"),
        (("progress", "long-bien"), "Thiếu tùy chọn '--period'."),
    ],
)
def test_typers_own_checks_speak_vietnamese(arguments, vietnamese, tmp_path):
    completed = dansokh(*arguments, cwd=tmp_path)
    assert completed.returncode == 2, completed
    assert vietnamese in flat(completed.stderr), completed.stderr
    for english in ("Input should", "unable to parse", "Usage:", "Try '", "Error", "Missing", "Invalid value"):
        assert english not in completed.stderr, english


# --- Pydantic's messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "error, vietnamese",
    [
        ({"type": "int_parsing", "input": "abc"}, "cần một số nguyên, nhưng gặp văn bản"),
        ({"type": "missing", "input": {}}, "ở đây cần có một giá trị"),
        ({"type": "extra_forbidden", "input": 1}, "mục này không được đặt ở đây: hãy xóa nó"),
        ({"type": "greater_than_equal", "input": -1, "ctx": {"ge": 0}}, "cần một số từ 0 trở lên"),
        ({"type": "less_than_equal", "input": 2000, "ctx": {"le": 1900}}, "cần một số không quá 1.900"),
        ({"type": "string_too_long", "input": "x" * 300, "ctx": {"max_length": 200}}, "cần một đoạn chữ dài không quá 200 ký tự"),
        ({"type": "date_parsing", "input": "15/01/2025"}, "cần một ngày viết dạng năm-tháng-ngày (2025-01-15), nhưng gặp văn bản"),
        ({"type": "decimal_parsing", "input": "3,04"}, "cần một số, nhưng gặp văn bản '3,04'"),
        ({"type": "is_instance_of", "input": 3, "ctx": {"class": "X"}},
         "giá trị này không dùng được cho mục này (một số): xem các kế hoạch trong thư mục plans/ để biết cần ghi gì ở đây"),
    ],
)
def test_pydantics_errors_in_vietnamese_never_its_english(error, vietnamese, vietnamese_mode):
    from dansokh.model.parse import problem_text

    text = problem_text({"loc": ("x",), "msg": "Input should be English", **error})
    assert text.startswith(vietnamese), text
    assert "Input should" not in text


@pytest.fixture
def vietnamese_mode():
    i18n.setup("vi")
    yield
    i18n.setup("en")


def test_a_plan_with_pydantics_errors_reads_in_vietnamese(real_plans):
    plan = real_plans / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("year: 2025\n", "year: 2025\nbogus: 1\n", 1).replace("scope: annual", "scope: [annual]", 1),
                    encoding="utf-8")
    completed = dansokh("validate", "plans/2025/long-bien.yaml", cwd=real_plans.parent)
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[:2] == [
        "plans/2025/long-bien.yaml:5:1: S001 mục 'bogus' không có trong định dạng kế hoạch",
        "plans/2025/long-bien.yaml:6:8: S003 scope: cần 'annual' hoặc 'thematic'",
    ]
    for english in ("Input should", "Extra inputs", "Field required", "valid"):
        assert english not in completed.stdout, completed.stdout


# --- the YAML parser's messages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, vietnamese",
    [
        ("id: a\nunit:\n\tname: x\n", 3, "có ký tự tab: hãy thụt đầu dòng bằng dấu cách"),
        ("id: a\n---\nyear: 2025\n", 2, "một văn bản thứ hai bắt đầu ở đây (dòng \"---\")"),
        ('id: a\ntitle: "C:\\q"\n', 2, "dấu \\ mở đầu một ký hiệu thoát mà YAML không hiểu"),
        ("{id: a}}\n", 1, "còn có chữ sau chỗ kết thúc kế hoạch"),
        ("id: a\ntitle: Kế hoạch\x07\n", 2, "tệp kế hoạch không được chứa ký tự điều khiển U+0007: hãy xóa ký tự đó"),
    ],
)
def test_yaml_problems_in_vietnamese(text, line, vietnamese, vietnamese_mode):
    loaded = load_text("p.yaml", text.encode("utf-8"))
    assert [(d.code, d.span.line) for d in loaded.diagnostics] == [("Y002", line)]
    assert vietnamese in loaded.diagnostics[0].message, loaded.diagnostics[0].message


def test_a_yaml_problem_no_explanation_knows_is_advice_not_english(vietnamese_mode):
    from dansokh.read.yaml_problems import explain

    assert explain("found something new", "while parsing a thing") == (
        "không đọc được dòng này: hãy xem lại dấu ngoặc kép, dấu ngoặc, dấu hai chấm và cách thụt đầu dòng"
        " của dòng này và của dòng phía trên"
    )
    i18n.setup("en")
    assert explain("found something new", "while parsing a thing") == "malformed YAML: found something new (while parsing a thing)"
