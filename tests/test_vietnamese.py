"""Vietnamese all the way: in Vietnamese mode no English and no raw ids reach the officer
(issue 20, point 4): Click's and Typer's words, Pydantic's and the YAML parser's messages,
numbers, indicator and field names, units, output file names, the help's placeholders and
tables that fit the terminal."""

from __future__ import annotations

import os
import re
import shutil
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


# --- the help's placeholders -------------------------------------------------------------------

COMMANDS = ("validate", "rules", "indicators", "allocate", "new", "diff", "schema", "render", "progress", "form",
            "import", "crosswalk")


def test_every_placeholder_of_the_help_reads_as_vietnamese():
    """``VĂN_BẢN`` reads as "official document": no option takes one; each says what to write."""
    pages = {command: dansokh(command, "--help").stdout for command in COMMANDS}
    for command, page in pages.items():
        assert "VĂN_BẢN" not in page and "TEXT" not in page, (command, page)
    assert "Cách dùng: dansokh progress [TÙY_CHỌN] [ĐƠN_VỊ]" in pages["progress"]
    assert "Cách dùng: dansokh form [TÙY_CHỌN] [ĐƠN_VỊ]" in pages["form"]  # or --plan KẾ_HOẠCH
    assert "Cách dùng: dansokh import [TÙY_CHỌN] {TỆP.xlsx}" in pages["import"]
    options = {command: dict(re.findall(r"[│*]\s+(--[a-z-]+)(?:\s+-[a-z])?\s+(\S+)", page)) for command, page in pages.items()}
    assert options["progress"]["--period"] == "KỲ" and options["progress"]["--year"] == "NĂM"
    assert options["progress"]["--crosswalk"] == "BẢNG_CHUYỂN_ĐỔI" and options["progress"]["--results"] == "THƯ_MỤC"
    assert options["new"]["--unit"] == "ĐƠN_VỊ" and options["new"]["--next"] == "KẾ_HOẠCH" and options["new"]["--id"] == "MÃ"
    assert options["validate"]["--jobs"] == "SỐ" and options["validate"]["--extend-select"] == "CÁC_MÃ"
    assert options["crosswalk"]["--from"] == "NĂM" and options["crosswalk"]["--indicator"] == "CHỈ_TIÊU"
    assert options["diff"]["--against"] == "KẾ_HOẠCH" and options["import"]["--into"] == "THƯ_MỤC"
    assert options["form"]["--plan"] == "KẾ_HOẠCH" and options["form"]["--period"] == "KỲ"
    assert "kèm PHIÊN_BẢN" in " ".join(pages["diff"].split()) and " REV" not in pages["diff"]
    assert "phuluc1, phuluc2 …" in pages["render"]


# --- Click's and Typer's messages --------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, vietnamese",
    [
        (("allocate", "--year", "abc"), "Giá trị không hợp lệ cho '--year': 'abc' không phải là số nguyên."),
        (("validate", "--jobs", "x"), "Giá trị không hợp lệ cho '--jobs' / '-j': 'x' không phải là số nguyên."),
        (("validate", "--nope"), "Không có tùy chọn --nope. Có phải là một trong: --ignore, --no-cache?"),
        (("schema", "--bogus"), "Không có tùy chọn --bogus."),
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


# --- numbers, names and ids --------------------------------------------------------------------


def test_k002_writes_the_figures_as_vietnamese_write_them(vietnamese_mode):
    from decimal import Decimal

    from dansokh.model.result import Figure, figure_problems

    rate = Figure(indicator="prenatal_screening", value=Decimal("89.5"), numerator=Decimal(1210), denominator=Decimal(1367))
    assert [p.message for p in figure_problems(rate)] == [
        "Tỷ lệ sàng lọc trước sinh (4 bệnh): 89,5 % không khớp với 1.210/1.367 = 88,5 %"
    ]
    over = Figure(indicator="prenatal_screening", value=Decimal("189.5"))
    assert [p.message for p in figure_problems(over)] == ["Tỷ lệ sàng lọc trước sinh (4 bệnh): 189,5 % nằm ngoài khoảng 0–100"]


def test_the_parent_and_the_schedule_fields_by_their_names(real_plans):
    root = real_plans.parent
    validate = dansokh("validate", cwd=root)
    assert validate.stdout.splitlines()[0] == (
        "plans/2025/bac-cuong.yaml:29:11: U004 thư mục kế hoạch chưa có kế hoạch năm 2025 của thành phố Lào Cai;"
        " không thể kiểm tra các chỉ tiêu giao cho phường Bắc Cường"
    )
    new = dansokh("new", "--from", "long-bien", "--unit", "ngoc-thuy", cwd=root)
    assert new.returncode == 0, new.stderr
    blanks = [line.split(": P002 ", 1)[1] for line in new.stdout.splitlines() if " P002 dòng " in line]
    assert blanks == [
        "dòng A.1, mục nội dung vẫn còn chỗ trống … do dansokh new để lại: hãy điền vào",
        "dòng A.1, mục thời gian vẫn còn chỗ trống … do dansokh new để lại: hãy điền vào",
        "dòng A.1, mục đơn vị chủ trì vẫn còn chỗ trống … do dansokh new để lại: hãy điền vào",
    ]


def test_a_late_report_names_the_unit_that_asks(tmp_path):
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    results = tmp_path / "results" / "2025" / "Q1"
    results.mkdir(parents=True)
    (results / "gia-lam.yaml").write_text(
        "kind: result\nunit: gia-lam\nyear: 2025\nperiod: Q1\nreported: \"2025-04-14\"\n"
        "figures:\n  - {indicator: new_users_iud, value: 10}\n",
        encoding="utf-8",
    )
    completed = dansokh("validate", "plans", "results", cwd=tmp_path)
    late = [line for line in completed.stdout.splitlines() if " K006 " in line]
    assert late == [
        "results/2025/Q1/gia-lam.yaml:5:11: K006 Gia Lâm báo cáo quý I năm 2025 ngày 14/04/2025, muộn 5 ngày:"
        " thành phố Hà Nội yêu cầu gửi trước ngày 10/04/2025"
    ], completed.stdout


def test_the_unit_argument_is_named_in_vietnamese(tmp_path):
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    completed = dansokh("progress", "khong-co", "--period", "6m", "--results", str(ROOT / "examples" / "results-2025"), cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.startswith("ĐƠN_VỊ: 'khong-co' không khớp với kế hoạch, mã đơn vị hay tên đơn vị nào;"), completed.stderr


def test_a_moved_row_of_the_form_names_its_indicator(tmp_path):
    import openpyxl

    from dansokh.read.form import COLUMNS, FIRST_ROW, SHEET

    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    made = dansokh("form", "Cự Khối", "--period", "6m", "--year", "2025", "-o", "f.xlsx", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    workbook = openpyxl.load_workbook(tmp_path / "f.xlsx")
    sheet = workbook[SHEET]
    rows = {sheet.cell(r, COLUMNS["key"]).value: r for r in range(FIRST_ROW, sheet.max_row + 1)}
    sheet.insert_rows(rows["new_users_iud"])  # as a person inserts a row in Excel
    workbook.save(tmp_path / "f.xlsx")
    completed = dansokh("import", "f.xlsx", "--into", "kq", cwd=tmp_path)
    assert completed.returncode == 1
    row = rows["new_users_iud"]
    assert f"f.xlsx:Biểu mẫu!B{row}: F004 dòng {row} phải là chỉ tiêu Dụng cụ tử cung (đặt vòng);" in completed.stdout, completed.stdout
    assert "new_users_iud" not in completed.stdout


def test_vietnamese_file_names_in_vietnamese_english_in_english(real_plans):
    root = real_plans.parent
    vietnamese = dansokh("render", "all", "--plan", "long-bien", "--year", "2025", "-o", "ra/", cwd=root)
    assert vietnamese.stdout.splitlines() == ["ra/long-bien-phu-luc-1.md", "ra/long-bien-phu-luc-2.md"], vietnamese
    again = dansokh("render", "phu-luc-2", "--plan", "long-bien", "--year", "2025", "-f", "xlsx", cwd=root)
    assert again.stdout.splitlines() == ["long-bien-phu-luc-2.xlsx"]
    missing = dansokh("render", "phuluc9", "--plan", "long-bien", "--year", "2025", cwd=root)
    assert missing.returncode == 2 and "long-bien không có phuluc9; kế hoạch có: phuluc1 (TIẾN ĐỘ THỰC HIỆN), phuluc2 (" in missing.stderr
    assert "appendix" not in missing.stderr
    report = dansokh("render", "report", "--plan", "long-bien", "--year", "2025", "--period", "6m", "--results",
                     str(ROOT / "examples" / "results-2025"), "-f", "xlsx", cwd=root)
    assert report.stdout.splitlines() == ["long-bien-2025-Q2-bao-cao.xlsx"], report
    environment = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    english = subprocess.run([sys.executable, "-m", "dansokh", "--lang", "en", "render", "all", "--plan", "long-bien", "--year",
                              "2025", "-o", "en/"], cwd=root, capture_output=True, text=True, env=environment, check=False)
    assert english.stdout.splitlines() == ["en/long-bien-appendix1.md", "en/long-bien-appendix2.md"]


# --- tables that fit the terminal --------------------------------------------------------------


def boxed_headers(text: str) -> list[list[str]]:
    """The column headers of every boxed table in ``text``, their wrapped lines joined."""
    tables: list[list[str]] = []
    inside: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("┏"):
            inside = []
        elif line.startswith("┡") and inside is not None:
            tables.append([" ".join(" ".join(part).split()) for part in zip(*inside)])
            inside = None
        elif inside is not None and line.startswith("┃"):
            inside.append([cell.strip() for cell in line.strip("┃").split("┃")])
    return tables


def widest_line(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


@pytest.mark.parametrize("columns", [80, 100])
def test_allocate_and_progress_fit_the_terminal_with_every_header(columns, tmp_path):
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    allocate = dansokh("allocate", "--from", "city", "--to", "long-bien", cwd=tmp_path, columns=columns)
    assert allocate.returncode == 0, allocate.stderr
    assert widest_line(allocate.stdout) <= columns
    assert boxed_headers(allocate.stdout) == [["Chỉ tiêu", "Đơn vị", "Chiều", "thành phố Hà Nội giao", "quận Long Biên đặt",
                                               "quận Long Biên giao xuống", "Kết luận"]]
    progress = dansokh("progress", "long-bien", "--period", "6m", "--results", str(ROOT / "examples" / "results-2025"),
                       cwd=tmp_path, columns=columns)
    assert progress.returncode == 0, progress.stderr
    assert widest_line(progress.stdout) <= columns
    assert boxed_headers(progress.stdout) == [
        ["Chỉ tiêu", "Đơn vị", "Kế hoạch", "Kết quả", "% kế hoạch", "Tiến độ dự kiến", "Kết luận"],
        ["Thứ tự", "Đơn vị", "Ngày báo cáo", "Chỉ tiêu chậm", "Chậm nhất", "Kết luận"],
    ]
    assert "Cự Khối" in progress.stdout and "│ 13 " in progress.stdout  # rows wrap, none is lost


@pytest.mark.parametrize("columns", [60, 80, 100, 120])
def test_indicators_fit_the_terminal_and_drop_nothing(columns):
    from dansokh.model.catalogue import SHIPPED

    completed = dansokh("indicators", columns=columns)
    assert completed.returncode == 0 and widest_line(completed.stdout) <= columns
    lines = completed.stdout.splitlines()
    for key in SHIPPED.indicators:  # every key whole, at the start of a line
        assert any(line.split()[:1] == [key] for line in lines), (columns, key)
    text = " ".join(completed.stdout.split())
    assert "số liệu thời điểm: có thể giảm từ kỳ báo cáo này sang kỳ sau" in text  # the remarks, never dropped
    if lines[0].split()[:1] == ["mã"]:  # a table: every column is there
        header = " ".join(lines[0].split() + (lines[1].split() if not lines[1].startswith("third") else []))
        for word in ("mã", "tên", "đơn vị", "chiều", "loại"):
            assert word in header, (columns, header)
        assert "tối thiểu" in completed.stdout and "số lượng" in completed.stdout


# --- the sweep: common paths and error paths, no English ---------------------------------------

TELLTALES = ("Usage", "Try '", "Error", "Options", "Arguments", "Commands", "[required]", "[default", "Input should",
             "Field required", "Extra inputs", "Missing", "Invalid", "No such", "appendix", "should", "expected", "the ",
             " is not ", "malformed", "YAML:", " content", "'thanh-pho-lao-cai'", "VĂN_BẢN", "UNIT", "Q1 năm")

SWEEP = [
    ("validate",),
    ("validate", "--nope"),
    ("validate", "--jobs", "x"),
    ("allocate", "--year", "abc"),
    ("allocate", "--from", "city", "--to", "long-bien"),
    ("allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1200"),
    ("indicators",),
    ("rules", "K002"),
    ("render", "phuluc9", "--plan", "city"),
    ("render", "all", "--plan", "long-bien", "-o", "ra/"),
    ("progress", "khong-co", "--period", "Q1"),
    ("form", "Cự Khối", "--period", "6m", "-o", "f.xlsx"),
    ("import", "x.xlsx", "--into", "kq"),
    ("new", "--from", "long-bien", "--unit", "ngoc-thuy", "--dry-run"),
    ("crosswalk", "--from", "2026", "--to", "2025"),
    ("schema", "--bogus"),
    ("validate", "--help"),
    ("progress", "--help"),
]


def test_a_sweep_of_commands_in_vietnamese_shows_no_english(real_plans):
    root = real_plans.parent
    plan = real_plans / "2025" / "long-bien.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 2025\n", "year: 2025\nbogus: 1\n", 1), encoding="utf-8")
    (real_plans / "2025" / "tab.yaml").write_text("id: tab\nyear: 2025\nunit:\n\tname: x\n", encoding="utf-8")
    (real_plans / "2025" / "two.yaml").write_text("id: two\n---\nyear: 2025\n", encoding="utf-8")
    (real_plans / "2025" / "num.yaml").write_text('id: num\nyear: "2025x"\n', encoding="utf-8")
    (root / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    for arguments in SWEEP:
        completed = dansokh(*arguments, cwd=root, columns=100)
        assert "Traceback" not in completed.stderr, (arguments, completed.stderr)
        text = completed.stdout + completed.stderr
        if arguments[-1] == "--dry-run":  # the new plan's YAML: its keys are English by design; its comments are checked
            text = "\n".join(line.partition("#")[2] for line in text.splitlines())
        found = [word for word in TELLTALES if word in text]
        assert not found, (arguments, found, text)


def test_a_crosswalks_indicator_by_its_name_and_its_key():
    """A crosswalk's ``figures`` write keys: the message names the indicator, the key in brackets to find it."""
    from dansokh.model.catalogue import named

    assert named("new_users_iud") == "Dụng cụ tử cung (đặt vòng) (new_users_iud)"
    assert named("no_such_key") == "no_such_key"


@pytest.mark.parametrize(
    "english, vietnamese",
    [
        ("Invalid value for 'TỆP.xlsx': File 'f.xlsx' is not readable.", "Giá trị không hợp lệ cho 'TỆP.xlsx': không có quyền đọc 'f.xlsx'."),
        ("Invalid value for '--into': Directory 'kq' is not writable.", "Giá trị không hợp lệ cho '--into': không có quyền ghi vào 'kq'."),
    ],
)
def test_clicks_permission_reasons_in_vietnamese(english, vietnamese, vietnamese_mode):
    from dansokh.cli.usage import translate

    assert translate(english) == vietnamese


@pytest.mark.parametrize("arguments", [("rules", "K002"), ("rules",), ("diff", "HEAD")])
def test_rules_and_diff_fit_80_columns(arguments, real_plans):
    root = real_plans.parent
    if arguments[0] == "diff":  # a new plan since HEAD: a row with a long file name in it
        for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "plans"]):
            subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false", *step],
                           cwd=root, check=True, capture_output=True)
        assert dansokh("new", "--next", "long-bien", cwd=root).returncode == 0
    completed = dansokh(*arguments, cwd=root, columns=80)
    assert completed.returncode == 0, completed.stderr
    assert widest_line(completed.stdout) <= 80
    if arguments[0] == "diff":  # nothing cut to "…": the file name is there whole, folded if it must be
        assert "plans/2026/long-bien" in completed.stdout and "-2026.yaml" in completed.stdout and "…" not in completed.stdout
