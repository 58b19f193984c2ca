"""Hostile input on what the officer's year added: the repository's catalogue file, result files, a
filled results form (`dansokh import`), new plans (`dansokh new`), the years a plan's texts name.
The classes of tests/test_hostile.py, applied there: one diagnostic at its place (code, file, line or
cell) or a usage error, never a traceback, never a hang.  Writes are in test_nothing_lost.py."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import PLANS, ROOT, check_tuples, cli as invoke, edit, git, run, write_files
from dansokh.check.run import load_checked
from dansokh.read.form import FIRST_ROW, META, SHEET, read_form
from dansokh.read.limits import MAX_WORKBOOK_BYTES, MAX_WORKBOOK_UNPACKED
from dansokh.render.form import form_spec, render_form
from dansokh.write.form_import import result_from_form

EXAMPLES = ROOT / "examples" / "results-2025"
OUTSIDE = "plans/2025/bac-cuong.yaml:29:11: U004"  # Lào Cai city is not among the sources: a note on every run


def cli(*args: str, seconds: float = 60):
    """conftest's ``cli`` with ``--lang en`` before the command, as a user would type it."""
    return invoke("--lang", "en", *args, seconds=seconds)


@pytest.fixture
def with_results(in_tmp: Path) -> Path:
    """The real plans, with Q1 results of Long Biên and Ngọc Thụy among them."""
    shutil.copytree(PLANS, in_tmp / "plans")
    for unit in ("long-bien", "ngoc-thuy"):
        (in_tmp / "plans" / "results" / "Q1").mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / "Q1" / f"{unit}.yaml", in_tmp / "plans" / "results" / "Q1" / f"{unit}.yaml")
    return in_tmp


# --- the repository's catalogue file --------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize(("named", "kind"), [("pipe.yaml", "a FIFO"), ("/dev/zero", "a device")])
def test_a_catalogue_file_that_is_a_fifo_or_a_device_is_refused_not_waited_on(real_plans, named, kind):
    os.mkfifo("pipe.yaml")
    write_files(Path("."), {"dansokh.toml": f'catalogue = "{named}"\n'})
    if named.startswith("/"):  # outside the repository: the settings are refused before anything is opened
        result = cli("validate", "plans/", seconds=20)
        root = Path.cwd().resolve()
        assert (result.exit_code, result.stderr.strip()) == (2, (
            f"{root / 'dansokh.toml'}: catalogue = {named!r} is outside the repository ({root}); name a path inside"
            " it, relative to this file"
        ))
        os.symlink(named, "device.yaml")  # through a link inside it: the same
        write_files(Path("."), {"dansokh.toml": 'catalogue = "device.yaml"\n'})
        result = cli("validate", "plans/", seconds=20)
        assert result.exit_code == 2 and "catalogue = 'device.yaml' is outside the repository" in result.stderr
        return
    result = cli("validate", "plans/", seconds=20)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.endswith(f":1:1: Y002 cannot read the catalogue file named in the settings: not a regular file ({kind})")
    assert "Checked 5 files, 5 plans" in result.stdout  # the plans are checked with the shipped catalogue


CATALOGUE = "indicators:\n  - {key: visits, name: Lượt khám, unit: người, direction: floor, kind: count}\n" + "# padding\n" * 2000  # 20 kB: more than the plan checked


@pytest.mark.parametrize("where", ["settings", "option"])
def test_a_catalogue_file_over_the_plan_size_limit_is_Y006_and_not_used(real_plans, where):
    limit = len(CATALOGUE.encode()) - 1  # one byte short
    settings = 'catalogue = "catalogue.yaml"\n' + (f"max_file_size = {limit}\n" if where == "settings" else "")
    write_files(Path("."), {"dansokh.toml": settings, "catalogue.yaml": CATALOGUE})
    args = ["validate", "plans/2025/bac-cuong.yaml"] + (["--max-file-size", str(limit)] if where == "option" else [])
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == f"catalogue.yaml:1:1: Y006 the file has {limit + 1:,} bytes, over the limit of {limit:,}"
    assert "Y006" not in result.stdout.splitlines()[1]  # the plan is within the limit: checked (with the shipped catalogue)
    if where == "settings":  # `dansokh indicators` reads the catalogue under the same limit
        listed = cli("indicators", "-f", "csv")
        assert listed.exit_code == 1 and "visits" not in listed.stdout
        assert listed.stderr.strip() == f"catalogue.yaml:1:1: Y006 the file has {limit + 1:,} bytes, over the limit of {limit:,}"
    write_files(Path("."), {"dansokh.toml": settings.replace(str(limit), str(limit + 1))})
    result = cli(*[arg.replace(str(limit), str(limit + 1)) for arg in args])
    assert "catalogue.yaml" not in result.stdout  # within the limit: read and used
    assert "visits" in cli("indicators", "-f", "csv").stdout


CATALOGUE_CASES = {
    "a number out of the domain": (
        "units:\n  - {code: x, name: x, dimension: ratio, factor: 1E+999999999, kind: rate}\n",
        [("S003", 2)],
        "factor: 1E+999999999 is not a number a plan may hold",
    ),
    "NaN": ("units:\n  - {code: x, name: x, dimension: ratio, factor: .nan, kind: rate}\n", [("S003", 2)], "'.nan' is not a finite number"),
    "a year of twenty digits": (
        "indicators:\n  - {key: cpr, retired: 99999999999999999999}\n",
        [("S003", 2)],
        "retired: expected a year of four digits, like 2025",
    ),
    "a negative year": ("indicators:\n  - {key: cpr, retired: -5}\n", [("S003", 2)], "retired: expected a year of four digits"),
    "parts that go round": (
        "indicators:\n"
        "  - {key: a_total, name: A, unit: người, direction: floor, kind: count, parts: [b_total]}\n"
        "  - {key: b_total, name: B, unit: người, direction: floor, kind: count, parts: [a_total]}\n",
        [("S009", 2), ("S009", 3)],
        "'a_total' is among its own parts",
    ),
    "a total among its own parts": (
        "indicators:\n  - {key: new_users_total, parts: [new_users_total, new_users_iud]}\n",
        [("S009", 2)],
        "'new_users_total' is among its own parts",
    ),
    "a rate unit made a count": (
        'units:\n  - {code: "%", kind: count}\n',
        [("S009", 2)],
        "unit '%' cannot become a count: 'third_child_reduction', 'third_child_rate'",
    ),
    "nesting 5,000 deep": ("[" * 5000 + "\n", [("Y010", 1)], "nesting too deep"),
    "an escaped control character": ('indicators:\n  - {key: cpr, name: "CPR\\x07"}\n', [("S003", 2)], "control character U+0007"),
}


@pytest.mark.parametrize("case", CATALOGUE_CASES, ids=list(CATALOGUE_CASES))
def test_a_broken_catalogue_entry_is_reported_at_its_line_and_left_out(real_plans, case):
    text, expected, message = CATALOGUE_CASES[case]
    write_files(Path("."), {"dansokh.toml": 'catalogue = "catalogue.yaml"\n', "catalogue.yaml": text})
    result = cli("validate", "plans/")
    found = [(d.split(":")[3].split()[0], int(d.split(":")[1])) for d in result.stdout.splitlines() if d.startswith("catalogue.yaml:")]
    assert found == expected
    assert message in result.stdout
    assert result.exit_code == 1
    # the real plans are read with what the catalogue could give: no T008 over a rate, no crash
    assert f"{OUTSIDE} no 2025 plan" in result.stdout and "T008" not in result.stdout
    commands = (["indicators", "-f", "json"], ["schema"], ["allocate", "--from", "city", "--to", "long-bien"])
    assert [cli(*command).exit_code for command in commands] == [1, 1, 0]


# --- result files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1E+999999999", "value: 1E+999999999 is not a number a plan may hold"),
        ("9E+999999", "value: 9E+999999 is not a number a plan may hold"),
        ("1E-999999999", "value: 1E-999999999 is not a number a plan may hold"),
        ("9" * 5000, "value: 9.9999999…E+4999 is not a number a plan may hold"),
        (".nan", "'.nan' is not a finite number"),
        ("-.inf", "'-.inf' is not a finite number"),
    ],
)
def test_a_result_figure_out_of_the_domain_is_S003_at_its_line(with_results, value, message):
    path = with_results / "plans" / "results" / "Q1" / "long-bien.yaml"
    line = edit(path, "{indicator: new_users_iud, value: 256}", f"{{indicator: new_users_iud, value: {value}}}")
    result = cli("validate", "plans/")
    shown = [s for s in result.stdout.splitlines() if s.startswith("plans/results/Q1/long-bien.yaml") and " S003 " in s]
    assert [s.split(":")[1] for s in shown] == [str(line)] and message in shown[0]
    assert result.exit_code == 1 and len(result.stdout) < 20_000
    for command in (
        ["progress", "--period", "Q1", "-f", "json"],
        ["progress", "--period", "Q1", "long-bien"],
        ["render", "report", "--plan", "long-bien", "--period", "Q1", "-f", "xlsx", "-o", "out/"],
    ):
        result = cli(*command)  # the figures come from a result with an error: listed, nothing shown
        assert result.exit_code == 1 and " S003 " in result.stderr, (command, result.output)
        result = cli(*command, "--allow-errors")
        assert result.exit_code == 0, (command, result.output)


def test_a_rate_figure_given_in_a_count_unit_is_S006(with_results):
    path = with_results / "plans" / "results" / "Q1" / "long-bien.yaml"
    line = edit(path, "{indicator: prenatal_screening, value: 91.4,", "{indicator: prenatal_screening, unit: người, value: 91.4,")
    findings = run(["plans"])
    assert ("S006", "plans/results/Q1/long-bien.yaml", line) in check_tuples(findings)


# --- a filled results form ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    _, findings = load_checked([PLANS, EXAMPLES])
    return findings.book


@pytest.fixture
def form(book, tmp_path):
    """Ngọc Thụy's Q1 form, dated, with one figure: a function that spoils cells, saves, imports."""
    spec = form_spec(book, book.repo.unit("ngoc-thuy"), 2025, "Q1")
    rows = {line.indicator: FIRST_ROW + index for index, line in enumerate(spec.lines)}
    data = render_form(spec)

    def imported(cells: dict[str, object], meta: dict[str, object] | None = None) -> list[str]:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook[SHEET]
        sheet["C6"] = "08/04/2025"
        sheet[f"E{rows['new_users_iud']}"] = 12
        for ref, value in cells.items():
            sheet[ref] = value
        for ref, value in (meta or {}).items():
            workbook[META][ref] = value
        path = tmp_path / "f.xlsx"
        workbook.save(path)
        result = result_from_form(read_form(path, path.name), book)
        return [f"{p.span}: {p.code} {p.message}" for p in result.problems]

    return imported, rows


DOMAIN = "is not a figure dansokh takes: at most 15 digits before the decimal point and 6 after it"


def test_a_number_out_of_the_domain_is_F007_at_its_cell(form):
    imported, rows = form
    iud, prenatal = rows["new_users_iud"], rows["prenatal_screening"]
    assert imported({f"E{iud}": 1e308, f"F{prenatal}": 1e-7, f"G{prenatal}": 1234567890123456}) == [
        f"f.xlsx:{SHEET}!F{prenatal}: F007 0.0000001 {DOMAIN}",
        f"f.xlsx:{SHEET}!G{prenatal}: F007 1234567890123456 {DOMAIN}",
        f"f.xlsx:{SHEET}!E{iud}: F007 1E+308 {DOMAIN}",
    ]


def test_text_that_cannot_be_a_number_is_quoted_short(form):
    imported, rows = form
    iud = rows["new_users_iud"]
    problems = imported({f"E{iud}": "9" * 400})
    assert problems == [f"f.xlsx:{SHEET}!E{iud}: F007 '{'9' * 58}… is not a number: type the figure as a number (the cell is formatted as text, or holds words)"]


def test_a_control_character_in_a_text_cell_is_F009(form):
    imported, rows = form
    iud = rows["new_users_iud"]
    message = "the text holds the control character U+{code} (pasted from another program?); delete it and type the text again"
    assert imported({f"H{iud}": "a\x85b", "C8": "Trạm\x9f Y tế"}) == [
        f"f.xlsx:{SHEET}!C8: F009 {message.format(code='009F')}",
        f"f.xlsx:{SHEET}!H{iud}: F009 {message.format(code='0085')}",
    ]


@pytest.mark.parametrize(
    ("meta", "line", "what"),
    [
        ({"B4": "99999999999999999999"}, 4, "the year '99999999999999999999' is not a year"),
        ({"B4": "-1"}, 4, "the year '-1' is not a year"),
        ({"B5": "Q9"}, 5, "the period 'Q9' is not one of Q1, Q2, Q3, Y, Q4"),
        ({"B3": "../x"}, 3, "the unit '../x' is not an id"),
        ({"B3": None}, 3, "no 'unit' line"),
        ({"B7": "x"}, 7, "row 7 does not describe a row of the form"),
        ({"B7": 99999999999}, 7, "row 7 does not describe a row of the form"),
        ({"C7": "weird"}, 7, "row 7 does not describe a row of the form"),
        ({"A7": "row:nope"}, 7, "'nope' is not an indicator of the catalogue"),
        ({"D7": "kg"}, 7, "'kg' is not a unit of measure of the catalogue"),
        ({"D7": "người"}, 7, "'third_child_reduction' is not measured in 'người'"),
        ({"B8": 13}, 7, "two indicators in one row, or one indicator in two rows"),
    ],
)
def test_a_hidden_sheet_that_was_edited_is_one_F002_at_its_line(form, meta, line, what):
    imported, _rows = form
    assert imported({}, meta) == [
        f"f.xlsx:{META}!A{line}: F002 the hidden sheet '{META}' was changed ({what}): write a new form with"
        " `dansokh form UNIT --period P`"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_form_that_is_a_fifo_a_device_a_bomb_or_too_large_is_F001_and_not_opened(real_plans):
    os.mkfifo("pipe.xlsx")
    with zipfile.ZipFile("bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_WORKBOOK_UNPACKED + 1))
    Path("large.xlsx").write_bytes(b"PK" + b"\0" * MAX_WORKBOOK_BYTES)
    expected = {
        "pipe.xlsx": "cannot read the workbook: not a regular file (a FIFO)",
        "/dev/zero": "cannot read the workbook: not a regular file (a device)",
        "bomb.xlsx": f"cannot read the workbook: unpacked it would take more than {MAX_WORKBOOK_UNPACKED} bytes, far more than a results form",
        "large.xlsx": f"cannot read the workbook: it is larger than {MAX_WORKBOOK_BYTES} bytes, far larger than a results form",
    }
    for name, message in expected.items():
        result = cli("import", name, "-o", "out.yaml", seconds=20)
        assert result.exit_code == 1, name
        assert result.stdout.splitlines()[0].endswith(f": F001 {message}"), result.stdout
        assert not Path("out.yaml").exists()


# --- new plans ------------------------------------------------------------------------------------


def test_next_year_of_a_plan_of_9999_is_refused_with_what_would_be_wrong(real_plans):
    bac_cuong = real_plans / "2025" / "bac-cuong.yaml"
    bac_cuong.write_text(bac_cuong.read_text(encoding="utf-8").replace("year: 2025", "year: 9999", 1), encoding="utf-8")
    result = cli("new", "--next", "bac-cuong")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "the new plan would not be a valid plan (bac-cuong-10000.yaml:4: year: expected a year of four digits, like 2025;"
    )
    assert result.stderr.rstrip().endswith("; nothing was written")
    assert not (real_plans / "10000").exists() and not list(real_plans.rglob("bac-cuong-10000.yaml"))


@pytest.mark.parametrize(
    "args",
    [
        ["new", "--next", "{long}"],
        ["new", "--next", "long-bien", "--id", "{long}"],
        ["new", "--from", "long-bien", "--unit", "{long}"],
        ["allocate", "--from", "{long}", "--to", "long-bien"],
        ["diff", "--plan", "{long}"],
        ["progress", "--period", "{long}"],
        ["form", "{long}", "--period", "Q1"],
    ],
)
def test_a_name_of_100000_characters_is_quoted_short(real_plans, args):
    long = "Ngọc " * 20_000
    result = cli(*[arg.format(long=long) for arg in args])
    assert result.exit_code == 2
    assert len(result.stderr) < 400 and "Ngọc Ngọc" in result.stderr and "…" in result.stderr


# --- the years a plan's texts name (D004, dansokh new --next) -------------------------------------


def test_a_long_run_of_spaces_in_an_attached_line_costs_one_pass(real_plans):
    """``ngày`` then 300,000 spaces: the date pattern took the square of the run (a quarter of an
    hour for this line); one pass now.  The deadline bounds a hang, it measures nothing."""
    city = real_plans / "2025" / "city.yaml"
    old = 'attached: "(Kèm theo Kế hoạch số: /KH-UBND ngày /01/2025 của UBND thành phố Hà Nội)"'
    edit(city, old, 'attached: "(Kèm theo Kế hoạch số: /KH-UBND ngày' + " " * 300_000 + 'x của UBND thành phố Hà Nội năm 2025)"')
    assert cli("validate", "plans/", seconds=30).exit_code == 0
    assert cli("new", "--next", "city", "--dry-run", seconds=30).exit_code == 0


# --- the expected pace (dansokh.toml) -------------------------------------------------------------


@pytest.mark.parametrize("pace", ["[nan, 10, 20, 30]", "[10, 20, inf, 100]", "[-inf, 1, 2, 3]", "[1, 2, 3, 1e308]"])
def test_a_pace_that_is_no_share_is_a_usage_error(with_results, pace):
    write_files(with_results, {"dansokh.toml": f"[pace]\ncpr_modern = {pace}\n"})
    expected = 'configuration: pace of cpr_modern: expected "linear", "level" or four cumulative percentages, one per quarter, rising to at most 100'
    for command in (["progress", "--period", "Q1", "long-bien"], ["render", "report", "--plan", "long-bien", "--period", "Q1"]):
        result = cli(*command)
        assert result.exit_code == 2 and result.stderr.strip() == expected, command


# --- a path the file system cannot hold -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["new", "--next", "long-bien", "-o", "{long}.yaml"], 1, "cannot write {long}.yaml: File name too long"),
        (["new", "--next", "long-bien", "-o", "{long}/"], 1, "cannot write {long}/long-bien-2026.yaml: File name too long"),
        (["render", "appendix1", "--plan", "long-bien", "-o", "{long}.md"], 2, "cannot write {long}.md: File name too long"),
        (["schema", "-o", "{long}.json"], 2, "--output: cannot write {long}.json: File name too long"),
        (["diff", "HEAD", "--plans", "{long}"], 2, "dansokh diff: --plans {long}: no such file or folder at HEAD or in the working tree"),
    ],
)
def test_a_name_too_long_for_the_file_system_is_one_message(real_plans, args, code, message):
    git(real_plans.parent, "init", "-q")
    git(real_plans.parent, "commit", "-q", "--allow-empty", "-m", "x")
    long = "a" * 300
    result = cli(*[arg.format(long=long) for arg in args])
    assert result.exit_code == code
    assert result.stderr.strip().endswith(message.format(long=long)), result.stderr
