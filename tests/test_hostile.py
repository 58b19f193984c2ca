"""Hostile input, as a user or a broken tool would give it: one diagnostic at its place (or a usage
error, exit 2), never a traceback, never a hang, never a silent pass.  Each class of the issue has
its test here; writes and outputs are in test_nothing_lost.py, random mutations in test_fuzz.py."""

from __future__ import annotations

import io
import json
import os
import zipfile
from decimal import Context, Decimal, localcontext
from pathlib import Path

import openpyxl
import pytest

from conftest import SMALL_PLAN, check_tuples, cli, deadline, edit, line_of, run, write_files
from dansokh.check.run import load_checked
from dansokh.model.numbers import bounded, in_domain, vn
from dansokh.read.loader import load_text
from dansokh.render.docx import render_docx
from dansokh.render.view import build_view
from dansokh.render.xlsx import render_xlsx

CITY = "plans/2025/city.yaml"
LONG_BIEN = "plans/2025/long-bien.yaml"
BAC_CUONG = "plans/2025/bac-cuong.yaml"
OUTSIDE = ("U004", BAC_CUONG, 29)  # Lào Cai city is not among the sources: a note on every run

SMALL = SMALL_PLAN


# --- crashes: deep nesting ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "col"),
    [
        ("[" * 900 + "]" * 900 + "\n", 1, 101),
        ("{a: " * 5000 + "1" + "}" * 5000 + "\n", 1, 401),
        ("[" * 60000 + "]" * 60000 + "\n", 1, 101),  # deep enough to exhaust the C stack of the composer
        ("- " * 30000 + "x\n", 1, 201),
        ("".join(" " * i + f"k{i}:\n" for i in range(150)) + " " * 150 + "end\n", 101, 101),
    ],
    ids=["900-brackets", "5000-braces", "60000-brackets", "30000-dashes", "150-indented-mappings"],
)
def test_deep_nesting_is_one_diagnostic_and_the_other_files_are_checked(real_plans, content, line, col):
    (real_plans / "2025" / "deep.yaml").write_text(content, encoding="utf-8")
    result = run(["plans"])
    assert check_tuples(result) == [OUTSIDE, ("Y010", "plans/2025/deep.yaml", line)]
    deep = result.diagnostics[1]
    assert (deep.span.col, deep.message) == (col, "nesting too deep: more than 100 levels of lists and mappings")
    assert result.summary.plans == 5  # the five real plans were read and checked
    assert cli("allocate", "--from", "city", "--to", "long-bien").exit_code == 0
    assert cli("render", "appendix2", "--plan", "city").exit_code == 0


@pytest.mark.parametrize("long", ["# " + "-" * 1100, "# " + "[" * 1100, "title_note: '" + " " * 1100 + "'"])
def test_a_long_line_that_only_looks_deep_keeps_every_position(real_plans, long):
    """The cheap test for deep nesting (a long run of brackets, dashes or spaces) sends a file to
    the exact walk; a file that is not deep keeps its positions (they were lost: every diagnostic
    at 1:1)."""
    path = real_plans / "2025" / "long-bien.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(long + "\n" + text.replace("\nyear: 2025\n", "\nyear: 2025\nyeer: 2025\n", 1), encoding="utf-8")
    found = [(d.code, d.file, d.span.line, d.span.col) for d in run(["plans"]).diagnostics if "'yeer'" in d.message]
    assert found == [("S001", LONG_BIEN, line_of(path, "yeer: 2025"), 1)]


# --- crashes: numbers out of range ----------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "after", "count", "exits"),
    [
        (LONG_BIEN, "value: 90", "value: 1E+1000000", "indicator: prenatal_screening", 1, (1, 0)),
        (CITY, "[416950, 35600,", "[9E+999999, 9E+999999,", None, 2, (1, 1)),
        (BAC_CUONG, "count: 1199", "count: 1199\n    base: 1000000000000000000000000000", None, 1, (0, 0)),
        (CITY, "[0.15, 85, 90, 85, 89]", "[0.15000000000000000000000000001, 85, 90, 85, 89]", None, 1, (1, 1)),
        (BAC_CUONG, "value: 70", "value: 1E-400", None, 1, (0, 0)),
        (LONG_BIEN, "value: 90", "value: " + "9" * 5000, "indicator: prenatal_screening", 1, (1, 0)),
    ],
    ids=["1E+1000000", "two-9E+999999", "base-1e27", "29-decimals", "1E-400-with-count", "5000-digit-integer"],
)
def test_a_number_no_plan_may_hold_is_S003_at_its_cell(real_plans, file, old, new, after, count, exits):
    """S003 at the number's line; a broken city plan stops the city's allocation and rendering,
    a broken Long Biên plan the allocation to it, with the plan's file and `dansokh validate` (exit 1:
    the plans have errors); a broken Bắc Cường plan stops neither (exit 0)."""
    path = Path(file)
    line = line_of(path, old, after=after) + new.count("\n")  # an added line moves the number down
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    path.write_text(text[:start] + text[start:].replace(old, new, 1), encoding="utf-8")
    result = cli("validate", "plans/", "-f", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)["diagnostics"]
    s003 = [(d["code"], d["file"], d["line"]) for d in found if d["code"] == "S003"]
    assert s003 == [("S003", file, line)] * count
    assert all(len(d["message"]) < 200 and "a plan may hold" in d["message"] for d in found if d["code"] == "S003")
    allocated = cli("allocate", "--from", "city", "--to", "long-bien")
    rendered = cli("render", "all", "--plan", "city", "-f", "xlsx", "-o", "out/")
    assert (allocated.exit_code, rendered.exit_code) == exits, (allocated.output, rendered.output)
    if exits[0] == 1:
        option = "--from 'city'" if file == CITY else "--to 'long-bien'"
        assert allocated.stderr.strip() == f"{option}: the plan {file} has errors and could not be read; see them with dansokh validate {file}"


def test_a_schedule_time_with_thousands_of_digits_is_a_warning(real_plans):
    path = Path(LONG_BIEN)
    line = edit(path, 'time: "Tháng 6/2025"', f'time: "Tháng {"9" * 5000}/2025"')
    result = run(["plans"])
    assert ("D002", LONG_BIEN, line) in check_tuples(result) and not result.failed
    assert max(len(d.message) for d in result.diagnostics) < 300


def test_the_domain_is_15_digits_and_6_decimals():
    assert in_domain(Decimal("999999999999999.999999")) and in_domain(Decimal("-0.000001"))
    assert not in_domain(Decimal("1000000000000000")) and not in_domain(Decimal("0.0000001"))
    assert not in_domain(Decimal("NaN")) and not in_domain(Decimal("1E+16")) and not in_domain(10**15)
    assert bounded(Decimal("1E+999999999")) == "1E+999999999" and bounded(Decimal("0.00")) == "0.00"
    assert bounded(Decimal("-12345678901234567890123456789012345678901234567890")) == "-1.2345678…E+49"
    assert vn(Decimal("1E-999999999")) == "1E-999999999"
    assert bounded(Decimal("9" * 39 + "." + "2" * 40)) == "9.9999999…E+38"  # 79 digits, each side under 40
    assert len(bounded(Decimal("9" * 40))) == 40  # and 40 digits are still written out


def test_arithmetic_is_exact_at_the_top_of_the_domain_whatever_the_ambient_context(in_tmp):
    write_files(in_tmp, {"a.yaml": SMALL + """\
units: [{id: b, name: B, level: x}, {id: c, name: C, level: x}, {id: d, name: D, level: x}]
appendices:
  - kind: allocation
    title: Biểu
    columns: [{indicator: new_users_iud, label: Vòng}]
    rows:
      - {name: B, values: [333333333333333]}
      - {name: C, values: [333333333333333]}
      - {name: D, values: [333333333333333]}
      - {name: Tổng, total: true, values: [999999999999997]}
"""})
    with localcontext(Context(prec=3)):  # a caller's context must not round a plan's sums
        result = run(["a.yaml"])
    assert check_tuples(result) == [("T001", "a.yaml", 15)]
    assert result.diagnostics[0].message == (
        "column 'Vòng': the total row says 999,999,999,999,997, but its rows sum to 999,999,999,999,999"
        " (off by 2); correct the total or the row that is wrong"
    )


# --- crashes: text that validated clean and broke render ------------------------------------


def test_control_characters_from_escapes_are_refused_and_render_still_works(real_plans):
    srb = Path("plans/2025/long-bien-srb.yaml")
    line = edit(srb, "title: TIẾN ĐỘ CÁC HOẠT ĐỘNG", 'title: "T\\x07\\e\\0IẾN ĐỘ CÁC HOẠT ĐỘNG"')
    edit(srb, "issuer: UBND quận Long Biên", 'issuer: "UBND quận \\x1bLong Biên"')
    result = run(["plans"])
    assert [d.check_tuple() for d in result.diagnostics if d.code == "S003"] == [
        ("S003", "plans/2025/long-bien-srb.yaml", 8),
        ("S003", "plans/2025/long-bien-srb.yaml", line),
    ]
    assert "control character U+0007" in result.diagnostics[-1].message or any(
        "control character U+0007" in d.message for d in result.diagnostics
    )
    for fmt in ("xlsx", "docx"):
        rendered = cli("render", "appendix1", "--plan", "long-bien-srb", "-o", f"srb.{fmt}")
        assert rendered.exit_code == 0, rendered.output
        assert zipfile.ZipFile(f"srb.{fmt}").testzip() is None


def test_renderers_drop_characters_xml_cannot_hold_and_cut_the_title_property(real_plans):
    repo, _findings = load_checked([Path("plans")])
    loaded = repo.by_id["long-bien-srb"]
    appendix = loaded.plan.appendices[0].model_copy(update={"title": "T\x07\x1b\x00 " + "Đ" * 400})
    view = build_view(loaded.plan, "1", appendix)
    docx = zipfile.ZipFile(io.BytesIO(render_docx(view)))
    core = docx.read("docProps/core.xml").decode("utf-8")
    title = core.split("<dc:title>")[1].split("</dc:title>")[0]
    assert len(title) == 255 and "\x07" not in title
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(view))).active
    assert sheet["A1"].value == "T " + "Đ" * 400


# --- crashes: command-line values -----------------------------------------------------------


NOT_A_MIN = "expected UNIT=NUMBER with a unit of Long Biên and a whole number of at most 15 digits"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min", "=5"], NOT_A_MIN),
        (["--min", "cu-khoi=-5"], NOT_A_MIN),
        (["--min", "cu-khoi=²"], NOT_A_MIN),
        (["--min", "cu-khoi=" + "9" * 5000], NOT_A_MIN),
        (["--fixed", "cu-khoi=5", "--fixed", "Cự Khối=6"], "--fixed 'Cự Khối=6': cu-khoi is given twice; give each unit once"),
    ],
    ids=["no-unit", "negative", "superscript-two", "5000-digits", "fixed-twice"],
)
def test_a_bad_min_or_fixed_is_a_usage_error(real_plans, args, message):
    result = cli("allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1200", *args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert len(result.stderr) < 500


def test_a_severity_without_a_level_is_a_usage_error(real_plans):
    result = cli("validate", "--severity", "C001", "plans")
    assert (result.exit_code, result.stderr.strip()) == (2, "--severity 'C001': expected CODE=error|warning|info")


# --- crashes and hangs: --weights -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"unit,weight\ncu-khoi,NaN\n", "weights.csv:2: 'NaN' is not a number"),
        (b"unit,weight\ncu-khoi,sNaN\n", "weights.csv:2: 'sNaN' is not a number"),
        (b"unit,weight\ncu-khoi,Infinity\n", "weights.csv:2: 'Infinity' is not a number"),
        ("unit,weight\ncu-khoi,1\n".encode("utf-16"), "weights.csv:1: the file is not UTF-8 text"),
        ("unit,weight\nBô\u0300 Đê\u0300,1\n".encode("cp1258"), "weights.csv:2: the file is not UTF-8 text"),
        (b"unit,weight\ncu-khoi," + b"1" * 140_000 + b"\n", "weights.csv:2: not a CSV row: field larger than field limit"),
        (b"unit,weight\ncu-khoi,1E+999999999\n", "weights.csv:2: '1E+999999999' is not a weight dansokh takes"),
        (b"unit,weight\ncu-khoi,1E-999999999\n", "weights.csv:2: '1E-999999999' is not a weight dansokh takes"),
        (b"unit,weight\ncu-khoi,-3\n", "weights.csv:2: a weight cannot be negative (-3)"),
        ("unit,weight\ncu-khoi,3\nCự Khối,4\n".encode(), "weights.csv:3: 'Cự Khối' already has a weight (line 2)"),
    ],
    ids=["NaN", "sNaN", "Infinity", "utf-16", "cp1258", "128KiB-field", "1E+999999999", "1E-999999999", "negative", "twice"],
)
def test_a_weights_file_that_cannot_be_used_is_a_usage_error(real_plans, content, message):
    Path("weights.csv").write_bytes(content)
    result = cli("allocate", "--from", "long-bien", "--split", "new_users_iud", "--weights", "weights.csv", seconds=20)
    assert result.exit_code == 2
    assert result.stderr.startswith("--weights: ") and message in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_device_is_never_read_as_weights(real_plans):
    os.mkfifo("weights.csv")
    for path in ("weights.csv", "/dev/zero"):
        if not Path(path).exists():
            continue
        result = cli("allocate", "--from", "long-bien", "--split", "new_users_iud", "--weights", path, seconds=20)
        assert result.exit_code == 2 and "not a regular file" in result.stderr


# --- crashes: output and environment --------------------------------------------------------


def test_an_output_that_cannot_be_written_is_a_usage_error(real_plans):
    result = cli("validate", "--output", "/proc/nope/x", "plans")
    assert result.exit_code == 2 and result.stderr.startswith("--output: cannot write /proc/nope/x")


@pytest.mark.parametrize("epoch", ["abc", "99999999999999", "-5", "１２"])
def test_a_source_date_epoch_that_is_not_a_time_is_a_usage_error(real_plans, epoch):
    result = cli("validate", "plans", "--format", "junit", env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.stderr and result.stdout == ""


def test_a_settings_file_that_is_not_utf8_is_a_usage_error(real_plans):
    Path("dansokh.toml").write_bytes('lang = "vi"\n# Kế hoạch\n'.encode("utf-16"))
    result = cli("validate", "plans")
    assert result.exit_code == 2 and "dansokh.toml: not UTF-8 text" in result.stderr


# --- hangs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1E+999999999", "1E-999999999"])
def test_a_160_byte_file_with_a_billion_digit_number_is_quick_and_small(in_tmp, number):
    write_files(in_tmp, {"a.yaml": f"targets: [{{indicator: prenatal_screening, value: {number}}}]\n"})
    for fmt in ("text", "json", "sarif", "junit", "github"):
        result = cli("validate", "a.yaml", "-f", fmt, seconds=20)
        assert result.exit_code == 1 and len(result.stdout) < 100_000  # SARIF describes every rule with its help: 80 KB
    found = run(["a.yaml"])
    assert ("S003", "a.yaml", 1) in check_tuples(found)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_device_given_as_a_plan_or_settings_is_refused_not_waited_on(in_tmp):
    os.mkfifo("fifo.yaml")
    write_files(in_tmp, {"plans/a.yaml": SMALL})
    os.mkfifo("plans/pipe.yaml")
    result = cli("validate", "fifo.yaml", seconds=20)
    assert result.exit_code == 1 and result.stdout.startswith("fifo.yaml:1:1: Y002 cannot read the file: not a regular file (a FIFO)")
    if Path("/dev/zero").exists():
        result = cli("validate", "/dev/zero", seconds=20)
        assert result.exit_code == 1 and "not a regular file (a device)" in result.stdout
    os.mkfifo("settings.toml")
    result = cli("validate", "--config", "settings.toml", "plans", seconds=20)
    assert result.exit_code == 2 and "settings.toml: not a regular file" in result.stderr
    assert check_tuples(run(["plans"])) == [("Y011", "plans/pipe.yaml", 1)]


@pytest.mark.slow
def test_fifty_thousand_unknown_keys_are_reported_as_a_sample_in_linear_time(in_tmp):
    write_files(in_tmp, {"a.yaml": SMALL + "".join(f"key{i}: 1\n" for i in range(50_000))})
    with deadline(60):
        result = run(["a.yaml"])
    s001 = [d for d in result.diagnostics if d.code == "S001"]
    assert len(s001) == 101 and s001[-1].hidden == 49_900
    assert s001[-1].message == "… and 49900 more S001 in this file, not shown"
    assert (s001[0].span.line, s001[-1].span.line) == (6, 106)
    assert result.summary.errors == 50_000


def test_diagnostics_are_capped_per_rule_and_per_file(in_tmp):
    rows = "".join(f"  - {{indicator: prenatal_screening, value: {100 + i}}}\n" for i in range(1, 251))
    write_files(in_tmp, {"a.yaml": SMALL + "targets:\n" + rows})
    result = cli("validate", "a.yaml")
    lines = result.stdout.splitlines()
    assert sum(" T007 " in line for line in lines) == 101 and sum(" P001 " in line for line in lines) == 101
    assert "a.yaml:107:44: T007 … and 150 more T007 in this file, not shown" in lines
    assert "a.yaml:108:17: P001 … and 149 more P001 in this file, not shown" in lines
    assert lines[-1] == "Checked 1 file, 1 plan, 0 parent→child edges: 499 errors, 0 warnings, 0 notes."


# --- silently wrong -------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "col"), [("~\n", 1), ("null\n", 1), ("--- ~\n", 5)])
def test_a_file_of_only_null_is_not_a_checked_plan(in_tmp, content, col):
    write_files(in_tmp, {"a.yaml": content})
    result = cli("validate", "a.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"a.yaml:1:{col}: S003 the file holds only null: a plan is a YAML mapping"


def test_a_cycle_in_the_unit_hierarchy_is_an_error(real_plans):
    city = Path(CITY)
    line = edit(city, "  level: cấp tỉnh\n", "  level: cấp tỉnh\n  parent: long-bien\n") + 1
    result = run(["plans"])
    cycles = [d for d in result.diagnostics if d.code == "U007"]
    assert [d.check_tuple() for d in cycles] == [("U007", CITY, line)]
    assert cycles[0].message == "the parents of units go round in a circle: ha-noi → long-bien → ha-noi"
    assert cli("allocate", "--from", "city", "--to", "long-bien").exit_code == 0
    assert cli("render", "appendix2", "--plan", "city").exit_code == 0


def test_a_unit_that_is_its_own_parent_is_an_error(in_tmp):
    write_files(in_tmp, {"a.yaml": SMALL.replace("level: cấp tỉnh}", "level: cấp tỉnh, parent: a}")})
    assert check_tuples(run(["a.yaml"])) == [("U007", "a.yaml", 5)]
    assert run(["a.yaml"]).diagnostics[0].message == "unit 'a' is its own parent"


def test_impossible_counts_and_units(real_plans):
    lb = Path(LONG_BIEN)
    row = line_of(lb, '- {tt: "1", name: Ngọc Thuỵ, values: [0.00, 3.04, 25, 100')
    edit(lb, '- {tt: "1", name: Ngọc Thuỵ, values: [0.00, 3.04, 25, 100', '- {tt: "1", name: Ngọc Thuỵ, values: [0.00, 3.04, -25, 100')
    bc = Path(BAC_CUONG)
    count = edit(bc, "count: 1199", "count: -1199")
    average = edit(bc, "value: 15306", "value: 15306.5")
    result = run(["plans"])
    assert ("T008", LONG_BIEN, row) in check_tuples(result)
    assert {("T008", BAC_CUONG, count), ("T008", BAC_CUONG, average)} <= set(check_tuples(result))
    messages = {d.span.line: d.message for d in result.diagnostics if d.code == "T008"}
    assert messages[average] == "15,306.5 persons: a count is a whole number"
    assert messages[count] == "count -1,199: a number of people cannot be negative"


def test_a_rate_given_in_a_count_unit_is_S006(real_plans):
    line = edit(Path(LONG_BIEN), "value: 90", "value: 90\n    unit: người")
    result = run(["plans"])
    assert [d.check_tuple() for d in result.diagnostics if d.code == "S006"] == [("S006", LONG_BIEN, line + 1)]


def test_a_negative_weight_column_is_T008(in_tmp):
    write_files(in_tmp, {"w.yaml": SMALL + """\
units: [{id: x, name: X, level: cấp xã}, {id: y, name: Y, level: cấp xã}]
appendices:
  - kind: allocation
    title: Biểu
    columns:
      - {indicator: third_child_rate, label: Tỷ lệ, weight: average_population}
      - {indicator: average_population, label: Dân số}
    rows:
      - {name: X, values: [1.00, -100]}
      - {name: Y, values: [2.00, 200]}
"""})
    result = run(["w.yaml"])
    assert check_tuples(result) == [("T008", "w.yaml", 14)]
    assert result.diagnostics[0].message == "X: -100 persons in column 'Dân số': a count cannot be negative"


def folders_named_locked_unreadable(monkeypatch) -> None:
    """A folder named ``locked`` cannot be listed (the tests run as root, where chmod 000 does not
    stop reading)."""
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_discovery_says_what_it_skips(in_tmp, monkeypatch):
    write_files(in_tmp, {"plans/a.yaml": SMALL, "plans/locked/b.yaml": SMALL.replace("id: a", "id: b")})
    os.symlink("gone.yaml", "plans/dangling.yaml")
    os.symlink("loop.yaml", "plans/loop.yaml")
    os.symlink(".", "plans/again")
    os.mkfifo("plans/pipe.yaml")
    folders_named_locked_unreadable(monkeypatch)
    result = run(["plans"])
    assert check_tuples(result) == [
        ("Y011", "plans/again", 1),
        ("Y011", "plans/dangling.yaml", 1),
        ("Y011", "plans/locked", 1),
        ("Y011", "plans/loop.yaml", 1),
        ("Y011", "plans/pipe.yaml", 1),
    ]
    assert [d.message for d in result.diagnostics] == [
        "skipped: a symbolic link to a folder, not followed",
        "skipped: a broken symbolic link (to gone.yaml)",
        "skipped: cannot list the folder: Permission denied",
        "skipped: a symbolic link that cannot be followed: Too many levels of symbolic links",
        "skipped: a FIFO, not a plan file",
    ]
    assert (result.summary.files, result.summary.plans, result.failed) == (1, 1, False)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_folder_given_inside_the_plans_is_named_as_its_own_listing_names_it(in_tmp, monkeypatch):
    """A command given one year's folder takes its files from the listing of the plans folder
    (``names_within``): the same names, in the same order, and the same paths skipped, as listing
    the folder itself; a folder the plans' listing does not walk into (hidden, or outside it through
    a link) is listed on its own."""
    from dansokh.read.discover import names_within, plan_file_names

    write_files(in_tmp, {
        "plans/2025/a.yaml": SMALL, "plans/2025/d/b.yaml": SMALL, "plans/2025/locked/c.yaml": SMALL,
        "plans/2025/e/f/g.yaml": SMALL, "plans/.hidden/h.yaml": SMALL, "plans/2026/i.yaml": SMALL,
        "elsewhere/j.yaml": SMALL,
    })
    os.symlink("gone.yaml", "plans/2025/dangling.yaml")
    os.symlink(".", "plans/2025/again")
    os.symlink("2025", "plans/linked")
    os.symlink(os.path.join(in_tmp, "elsewhere"), "plans/2025/out")
    os.mkfifo("plans/2025/d/pipe.yaml")
    folders_named_locked_unreadable(monkeypatch)
    for top in ("plans", str(in_tmp / "plans")):
        skipped: list = []
        scans = {top: (plan_file_names(top, skipped), skipped)}
        for folder in ("plans/2025", "plans/2025/", "plans/2025/d", "plans/2025/locked", "plans/2025/e/f", "plans", "./plans/2026",
                       "plans/linked"):  # a link to a folder the listing walked into: the same files, named through it
            own: list = []
            assert names_within(folder, scans) == (plan_file_names(folder, own), own), folder
        for folder in ("plans/.hidden", "plans/2025/out", "elsewhere"):
            assert names_within(folder, scans) is None, folder
    result = run(["plans/2025"])
    assert [(code, file) for code, file, _line in check_tuples(result) if code == "Y011"] == [
        ("Y011", "plans/2025/again"),
        ("Y011", "plans/2025/d/pipe.yaml"),
        ("Y011", "plans/2025/dangling.yaml"),
        ("Y011", "plans/2025/locked"),
        ("Y011", "plans/2025/out"),
    ]


def test_a_raw_control_byte_is_reported_at_its_line_and_column():
    loaded = load_text("p.yaml", "id: a\ntitle: Kế hoạch\x07\n".encode())
    assert [(d.code, d.span.line, d.span.col) for d in loaded.diagnostics] == [("Y002", 2, 16)]
    assert loaded.diagnostics[0].message == "the control character U+0007 cannot be in a plan file: delete it"


def test_an_integer_of_5000_digits_is_out_of_range_not_text(in_tmp):
    write_files(in_tmp, {"a.yaml": SMALL.replace("year: 2025", "year: " + "2" * 5000)})
    result = run(["a.yaml"])
    assert check_tuples(result) == [("S003", "a.yaml", 2)]
    assert result.diagnostics[0].message == "year: expected a year of four digits, like 2025"


# --- minor ----------------------------------------------------------------------------------


def test_render_refuses_a_misspelt_appendix_and_an_unknown_suffix(real_plans):
    result = cli("render", "appendix-1", "--plan", "long-bien")
    assert result.exit_code == 2 and "long-bien has no appendix-1" in result.stderr
    result = cli("render", "appendix1", "--plan", "long-bien", "-o", "x.odt")
    assert result.exit_code == 2 and "not .odt" in result.stderr and not Path("x.odt").exists()
    result = cli("render", "appendix1", "--plan", "long-bien", "-f", "md", "-o", "x.docx")
    assert result.exit_code == 2 and "names a .docx file, but --format is md" in result.stderr


def test_markdown_never_passes_raw_html_through(real_plans):
    edit(Path("plans/2025/long-bien-srb.yaml"), "title: TIẾN ĐỘ", "title: <script>alert(1)</script> TIẾN ĐỘ")
    result = cli("render", "appendix1", "--plan", "long-bien-srb")
    assert result.exit_code == 0
    assert "<script>" not in result.stdout and "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in result.stdout  # entities: text in any Markdown


@pytest.mark.parametrize("fmt", ["md", "html", "xlsx", "docx"])
def test_a_plan_with_rows_of_the_wrong_width_still_renders_in_its_grid(real_plans, fmt):
    """Found by the fuzz test: a deleted column line left rows one value longer (T005), and docx
    raised IndexError.  Plans with errors are rendered, with a warning."""
    city = Path(CITY)
    text = city.read_text(encoding="utf-8")
    column = "      - {indicator: prenatal_screening, label: Tỷ lệ sàng lọc trước sinh 4 bệnh (%), unit: \"%\"}\n"
    assert column in text
    city.write_text(text.replace(column, "", 1), encoding="utf-8")
    assert "T005" in {d.code for d in run(["plans"]).diagnostics}
    result = cli("render", "appendix1", "--plan", "city", "-f", fmt, "-o", "out/")
    assert result.exit_code == 0, result.output
    assert "warning: plans/2025/city.yaml has" in result.stderr
