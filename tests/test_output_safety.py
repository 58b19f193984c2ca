"""Outputs that carry injection (issue 19): whatever a unit's name or a file's name holds, every
output shows it as data.  A CSV cell is never a formula, the pull request's comment never HTML or
Markdown, a CI log never a workflow command, a terminal never a control sequence or an emoji; JSON,
SARIF and JUnit are valid UTF-8 (and XML) whatever a file name's bytes; invisible characters in a
plan are reported (Y012)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from conftest import PLANS, ROOT, SMALL_PLAN, cli, git, new_year
from dansokh.report.safe import csv_cell, markdown_text, terminal_text

SCHEMAS = ROOT / "tests" / "schemas"

# the wards of Long Biên renamed as an attacker would name them
NAMES = {
    "Ngọc Lâm": '=HYPERLINK("http://x")',
    "Bồ Đề": "@SUM(1)",
    "Đức Giang": "<img src=x onerror=alert(1)> <!-- c",
    "Việt Hưng": "Việt\n::error ::owned",
    "Giang Biên": ":cross_mark: Giang",
    "Phúc Đồng": "Phúc\u200dĐồng",
    "Gia Thụy": "Gia \u202eThụy",
    "Phúc Lợi": "-2+3",
}
ROW_NAMES = {"Gia Thụy": "Gia Thuỵ"}  # as Phụ lục 2 writes it


def between(name: str) -> Callable[[re.Match[str]], str]:
    """What ``re.subn`` puts for a match: its first group, ``name``, then the rest of its groups."""
    return lambda match: match.group(1) + name + "".join(match.groups()[1:])


@pytest.fixture
def hostile(in_tmp: Path) -> Path:
    """The reform example with the real 2025 plans and results, its wards renamed (NAMES), in git."""
    shutil.copytree(ROOT / "examples" / "reform-2026", in_tmp, dirs_exist_ok=True)
    shutil.copytree(PLANS / "2025", in_tmp / "plans" / "2025")
    shutil.copytree(ROOT / "examples" / "results-2025", in_tmp / "results" / "2025")
    plan = in_tmp / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    for old, new in NAMES.items():
        quoted = json.dumps(new, ensure_ascii=False)  # a YAML double-quoted string
        text, declared = re.subn(r"(\{id: [a-z-]+, name: )" + re.escape(old) + "(,)", between(quoted), text)
        text, rows = re.subn(r"(name: )" + re.escape(ROW_NAMES.get(old, old)) + "(, values)", between(quoted), text)
        assert (declared, rows) == (1, 1), old
    plan.write_text(text, encoding="utf-8")
    crosswalk = in_tmp / "plans" / "crosswalks" / "long-bien-2025-2026.yaml"  # its old units named as the plan names them
    text = crosswalk.read_text(encoding="utf-8")
    for old, new in NAMES.items():
        text, count = re.subn(r"(?m)^(    name: )" + re.escape(old) + "$", between(json.dumps(new, ensure_ascii=False)), text)
        assert count == 1, old
    crosswalk.write_text(text, encoding="utf-8")
    git(in_tmp, "init", "-q", ".")
    git(in_tmp, "add", "-A")
    git(in_tmp, "commit", "-q", "-m", "hostile names")
    return in_tmp


ANNOTATION = re.compile(r"::(error|warning|notice) file=[^,:\n]*,line=[0-9]+,col=[0-9]+,title=[A-Z][0-9]{3}::")


def _unsafe_lines(text: str) -> list[str]:
    """What a terminal or a CI log must never receive: a line that is a workflow command (but
    dansokh's own annotations), a control (ESC …), a direction override or a joiner, an emoji
    made from a code."""
    problems = [line for line in text.splitlines() if line.lstrip().startswith("::") and not ANNOTATION.match(line)]
    problems += [repr(c) for c in set(text) if c in "\x1b\u202e\u200d\u2066\x85" or 0xD800 <= ord(c) <= 0xDFFF]
    return problems + (["❌"] if "❌" in text else [])


# --- the safety functions, one class of input each ----------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\\r=1"),
        ("Việt\n::error ::owned", "Việt\\n::error ::owned"),
        ("\n=1", "\\n=1"),
        ("  =1+1", "'  =1+1"),
        ("\u00a0@SUM(1)", "'\u00a0@SUM(1)"),
        ("-2.6", "-2.6"),  # a number as plain() writes it stays a number
        ("-5", "-5"),
        ("100", "100"),
        ("Ngọc Thụy (85%) + Bồ Đề (15%)", "Ngọc Thụy (85%) + Bồ Đề (15%)"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (True, True),
    ],
)
def test_a_csv_cell_a_spreadsheet_would_run_starts_with_a_quote(cell, written):
    assert csv_cell(cell) == written


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\n::error ::owned", "a\\n::error ::owned"),
        ("a\r::add-mask::x", "a\\r::add-mask::x"),
        ("a\x85b\u2028c", "a\\x85b\\u2028c"),
        ("Gia \u202eThụy", "Gia \\u202eThụy"),
        ("Phúc\u200dĐồng", "Phúc\\u200dĐồng"),
        ("\u2066x\u2069\u200b\ufeff", "\\u2066x\\u2069\\u200b\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("plans/\udcffbad.yaml", "plans/\\xffbad.yaml"),
        ("Ngọc Thụy :cross_mark:", "Ngọc Thụy :cross_mark:"),
    ],
)
def test_terminal_text_shows_controls_and_invisible_characters_as_escapes(text, shown):
    assert terminal_text(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<!-- c", "&lt;!-- c"),
        ('<a href="http://x">y</a>', '&lt;a href="http:&#8203;//x"&gt;y&lt;/a&gt;'),
        ("[y](javascript:alert(1))", "\\[y\\](javascript:alert(1))"),
        ("![y](http://x/t.png)", "!\\[y\\](http:&#8203;//x/t.png)"),
        ("**b** _i_ `c` ~s~ $x$", "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~s\\~ \\$x\\$"),
        ("a | b \\ c", "a \\| b \\\\ c"),
        ("@dansokh/maintainers hi", "@&#8203;dansokh/maintainers hi"),
        (":cross_mark: :x:", ":&#8203;cross\\_mark: :&#8203;x:"),
        ("www.x.com", "www&#8203;.x.com"),
        ("a\n::error ::owned", "a ::error ::owned"),
        ("Gia \u202eThụy", "Gia \\\\u202eThụy"),
        ("- a", "\\- a"),
        ("1. a", "1\\. a"),
        ("::error ::owned: Ngọc Thụy (85%)", "\\::error ::&#8203;owned: Ngọc Thụy (85%)"),
        ("0.00 → 0.01", "0.00 → 0.01"),
        ("Ngọc Thụy (85%) + Bồ Đề (15%)", "Ngọc Thụy (85%) + Bồ Đề (15%)"),
    ],
)
def test_markdown_text_is_text_in_a_pull_request_comment(text, shown):
    assert markdown_text(text) == shown


# --- CSV ------------------------------------------------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_allocate_split_csv_writes_names_that_a_spreadsheet_would_run_as_text(hostile):
    result = cli("allocate", "--from", "long-bien", "--split", "new_users_iud", "-f", "csv")
    assert result.exit_code == 0, result.output
    names = {row["unit"]: row["name"] for row in _csv(result.stdout)}
    assert names["ngoc-lam"] == '\'=HYPERLINK("http://x")'
    assert names["bo-de"] == "'@SUM(1)"
    assert names["phuc-loi"] == "'-2+3"
    assert names["duc-giang"] == "<img src=x onerror=alert(1)> <!-- c"  # not a formula: as it is
    assert names["viet-hung"] == "Việt\\n::error ::owned"  # a row is one line
    assert not [line for line in result.stdout.splitlines() if line.lstrip().startswith("::")]
    assert names["phuc-dong"] == "Phúc\u200dĐồng"  # data, as it is (Y012 reports it in the plan)
    assert '\n\'=HYPERLINK(""http://x"")' not in result.stdout
    assert 'ngoc-lam,"\'=HYPERLINK(""http://x"")",85,85,85\n' in result.stdout  # the weights stay numbers


def test_progress_csv_writes_names_that_a_spreadsheet_would_run_as_text(hostile):
    result = cli("progress", "long-bien", "--period", "Q2", "--results", "results", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv(result.stdout)
    names = {row["unit"]: row["name"] for row in rows}
    assert (names["ngoc-lam"], names["bo-de"], names["phuc-loi"]) == ('\'=HYPERLINK("http://x")', "'@SUM(1)", "'-2+3")
    gaps = [row["gap_points"] for row in rows if row["gap_points"].startswith("-")]
    assert gaps and all(re.fullmatch(r"-[0-9.]+", gap) for gap in gaps)  # negative numbers stay numbers


def test_crosswalk_carry_csv_writes_sources_that_a_spreadsheet_would_run_as_text(hostile):
    result = cli("crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud", "-f", "csv")
    assert result.exit_code == 0, result.output
    sources = {row["unit"]: row["sources"] for row in _csv(result.stdout)}
    assert sources["long-bien-00145"].startswith("'@SUM(1) (33.3%) + Long Biên (50%)")
    assert sources["hong-ha-00097"] == "Ngọc Thụy (50%) + @SUM(1) (33.3%)"  # the @ is not first: a plain text


def test_indicators_csv_writes_names_that_a_spreadsheet_would_run_as_text(in_tmp):
    shutil.copytree(PLANS, in_tmp / "plans")
    (in_tmp / "dansokh.toml").write_text('catalogue = "catalogue.yaml"\n', encoding="utf-8")
    (in_tmp / "catalogue.yaml").write_text(
        "indicators:\n"
        '  - {key: visits_a, name: "=cmd|\' /C calc\'!A0", unit: người, direction: floor, kind: count}\n'
        '  - {key: visits_b, name: "@SUM(1)", unit: người, direction: floor, kind: count}\n'
        '  - {key: visits_c, name: " +1+1", unit: người, direction: floor, kind: count}\n',
        encoding="utf-8",
    )
    result = cli("indicators", "-f", "csv")
    assert result.exit_code == 0, result.output
    names = {row["key"]: row["name"] for row in _csv(result.stdout)}
    assert (names["visits_a"], names["visits_b"], names["visits_c"]) == ("'=cmd|' /C calc'!A0", "'@SUM(1)", "' +1+1")


# --- the pull request's comment -------------------------------------------------------------------


def _changed(root: Path) -> None:
    """Every ward's first figure in Phụ lục 2 changed, in the working tree."""
    plan = root / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(re.sub(r'(tt: "(?:[2-9]|1[0-9])", name: .*?values: \[)0\.00', r"\g<1>0.01", text), encoding="utf-8")


def test_the_pull_request_comment_shows_html_markdown_and_mentions_as_text(hostile):
    _changed(hostile)
    result = cli("diff", "HEAD", "--format", "markdown")
    assert result.exit_code == 0, result.output
    rows = {line.split(" | ")[1] for line in result.stdout.splitlines() if line.startswith("| Phụ lục 2 |")}
    assert rows >= {
        '=HYPERLINK("http:&#8203;//x")',
        "@&#8203;SUM(1)",
        "&lt;img src=x onerror=alert(1)&gt; &lt;!-- c",
        "Việt ::error ::owned",
        ":&#8203;cross\\_mark: Giang",
        "Phúc\\\\u200dĐồng",
        "Gia \\\\u202eThụy",
    }
    assert "<img" not in result.stdout and result.stdout.count("<!--") == 1  # the marker only
    assert result.stdout.startswith("<!-- dansokh diff -->\n")
    assert "| Phụ lục 2 | -2+3 | Mức giảm tỷ lệ sinh con thứ 3 trở lên so với năm trước | 0.00 → 0.01 | ‰ |" in result.stdout


# --- terminals and CI logs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "HEAD"],
        ["allocate", "--from", "long-bien", "--split", "new_users_iud"],
        ["allocate", "--from", "city", "--to", "long-bien"],
        ["progress", "long-bien", "--period", "Q2", "--results", "results"],
        ["crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud"],
        ["validate", "plans", "--format", "text"],
        ["validate", "plans", "--format", "github"],
    ],
    ids=" ".join,
)
def test_no_name_reaches_a_terminal_or_a_log_as_a_command_a_control_or_an_emoji(hostile, args):
    _changed(hostile)
    result = cli(*args)
    assert result.exit_code in (0, 1), result.output
    assert _unsafe_lines(result.stdout) == [] and _unsafe_lines(result.stderr) == []
    assert "\\n::error ::owned" in result.stdout or "%0A" in result.stdout or args[0] in ("allocate", "progress")


def test_the_text_table_shows_the_names_escaped(hostile):
    _changed(hostile)
    out = cli("diff", "HEAD").stdout
    for shown in ('=HYPERLINK("http://x")', "Việt\\n::error ::owned", ":cross_mark: Giang", "Phúc\\u200dĐồng", "Gia \\u202eThụy"):
        assert f"long-bien  Phụ lục 2  {shown} " in out
    out = cli("crosswalk", "--carry", "long-bien", "--indicator", "new_users_iud").stdout
    assert "  Việt Hưng: Thượng Thanh (50%) + <img src=x onerror=alert(1)> <!-- c (50%) + Việt\\n::error ::owned (50%)" in out


def test_rich_markup_in_a_name_is_text(hostile):
    plan = hostile / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8").replace("name: Cự Khối,", 'name: "[link=http://x]Cự Khối[/link]",', 1)
    plan.write_text(text.replace("name: Cự Khối, values", 'name: "[link=http://x]Cự Khối[/link]", values'), encoding="utf-8")
    result = cli("allocate", "--from", "long-bien", "--split", "new_users_iud", env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "[link=http://x]Cự Khối[/link]" in result.stdout and "\x1b]8;" not in result.stdout


# --- validate: every format, whatever the file names ----------------------------------------------

FILE_NAMES = [
    '=HYPERLINK("x").yaml',
    "@SUM(1).yaml",
    "<img src=x onerror=alert(1)>.yaml",
    "<!--.yaml",
    "a\n::error ::owned.yaml",
    "\x1b[31mred.yaml",
    ":cross_mark:.yaml",
    "\u200d\u202e.yaml",
]
NOT_UTF8 = b"\xff\xfe.yaml"


@pytest.fixture
def named(in_tmp: Path) -> Path:
    """A plans folder of plans each missing its scope (one S002), named as an attacker would."""
    folder = in_tmp / "plans"
    folder.mkdir()
    plan = SMALL_PLAN.replace("scope: annual\n", "")
    for index, name in enumerate(FILE_NAMES):
        (folder / name).write_text(plan.replace("id: a", f"id: a{index}"), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), NOT_UTF8), "wb") as file:
        file.write(plan.replace("id: a", "id: bytes").encode("utf-8"))
    return folder


SHOWN = sorted(
    [
        'plans/=HYPERLINK("x").yaml',
        "plans/@SUM(1).yaml",
        "plans/<img src=x onerror=alert(1)>.yaml",
        "plans/<!--.yaml",
        "plans/a\\n::error ::owned.yaml",
        "plans/\\x1b[31mred.yaml",
        "plans/:cross_mark:.yaml",
        "plans/\\u200d\\u202e.yaml",
        "plans/\\xff\\xfe.yaml",
    ]
)


UNSEEN = "a character a reader cannot see; rename the file"
NAMES_REPORTED = [  # Y012: what a file's name holds that a reader cannot see
    f"plans/\\u200d\\u202e.yaml:1:1: Y012 the file's name holds U+200D (ZERO WIDTH JOINER), {UNSEEN}",
    f"plans/\\x1b[31mred.yaml:1:1: Y012 the file's name holds U+001B (a control character), {UNSEEN}",
    "plans/\\xff\\xfe.yaml:1:1: Y012 the file's name is not UTF-8 (the byte 0xFF); rename the file",
    f"plans/a\\n::error ::owned.yaml:1:1: Y012 the file's name holds U+000A (a control character), {UNSEEN}",
]


def test_validate_text_shows_each_file_name_on_its_line(named):
    result = cli("validate", "plans", "--no-cache")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sorted(line for line in lines if " S002 " in line) == sorted(f"{name}:1:1: S002 missing key 'scope'" for name in SHOWN)
    assert sorted(line for line in lines if " Y012 " in line) == NAMES_REPORTED
    assert len(lines) == 9 + 4 + 1
    assert _unsafe_lines(result.stdout) == []


def test_validate_github_annotations_escape_the_file_names(named):
    result = cli("validate", "plans", "--format", "github", "--no-cache")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 14 and lines[-1].startswith("Checked 9 files")
    assert all(ANNOTATION.match(line) for line in lines[:-1])
    assert "::error file=plans/a\\n%3A%3Aerror %3A%3Aowned.yaml,line=1,col=1,title=S002::missing key 'scope'" in lines
    assert "::error file=plans/\\x1b[31mred.yaml,line=1,col=1,title=S002::missing key 'scope'" in lines
    assert "::error file=plans/\\xff\\xfe.yaml,line=1,col=1,title=S002::missing key 'scope'" in lines
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "-o"])
def test_validate_json_and_sarif_are_valid_utf8_whatever_the_file_names(named, to_file):
    for fmt in ("json", "sarif"):
        args = ["validate", "plans", "--format", fmt, "--no-cache"]
        result = cli(*args, *(["-o", f"out.{fmt}"] if to_file else []))
        assert result.exit_code == 1, result.output
        data = Path(f"out.{fmt}").read_bytes() if to_file else result.stdout_bytes
        document = json.loads(data.decode("utf-8"))  # strict: valid UTF-8
        if fmt == "json":
            # data as it is (JSON escapes the controls itself); the bytes that are not UTF-8 as \xff
            assert sorted(d["file"] for d in document["diagnostics"] if d["code"] == "S002") == sorted(
                [f"plans/{name}" for name in FILE_NAMES] + ["plans/\\xff\\xfe.yaml"]
            )
        else:
            schema = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
            jsonschema.Draft4Validator(schema).validate(document)
            results = [r for r in document["runs"][0]["results"] if r["ruleId"] == "S002"]
            uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
            assert uris == sorted([  # RFC 3986: all but the unreserved characters and / percent-encoded
                "plans/%3DHYPERLINK%28%22x%22%29.yaml",
                "plans/%40SUM%281%29.yaml",
                "plans/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.yaml",
                "plans/%3C%21--.yaml",
                "plans/a%0A%3A%3Aerror%20%3A%3Aowned.yaml",
                "plans/%1B%5B31mred.yaml",
                "plans/%3Across_mark%3A.yaml",
                "plans/%E2%80%8D%E2%80%AE.yaml",
                "plans/%FF%FE.yaml",
            ])


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "-o"])
def test_validate_junit_is_well_formed_xml_whatever_the_file_names(named, to_file):
    result = cli("validate", "plans", "--format", "junit", "--no-cache", *(["-o", "out.xml"] if to_file else []))
    assert result.exit_code == 1, result.output
    data = (Path("out.xml").read_bytes() if to_file else result.stdout_bytes).decode("utf-8")
    xmlschema.XMLSchema(SCHEMAS / "JUnit-file-line.xsd").validate(data)
    cases = ET.fromstring(data).iter("testcase")
    assert sorted({case.get("file", "") for case in cases}) == SHOWN


def test_validate_text_to_a_file_whatever_the_file_names(named):
    result = cli("validate", "plans", "--no-cache", "-o", "out.txt")
    assert result.exit_code == 1, result.output
    lines = Path("out.txt").read_bytes().decode("utf-8").splitlines()
    assert sorted(line for line in lines if " S002 " in line) == sorted(f"{name}:1:1: S002 missing key 'scope'" for name in SHOWN)
    assert sorted(line for line in lines if " Y012 " in line) == NAMES_REPORTED


# --- Y012: invisible characters in a plan ---------------------------------------------------------


def test_invisible_characters_in_a_plan_are_reported_where_they_stand(in_tmp):
    (in_tmp / "plans").mkdir()
    (in_tmp / "plans" / "a.yaml").write_text(
        SMALL_PLAN.replace("title: Kế hoạch A", 'title: "Kế hoạch \\u202eA :cross_mark:"').replace(
            "name: A,", "name: A\u200dB,"
        ),
        encoding="utf-8",
    )
    for env in ({}, {"DANSOKH_EXACT_ONLY": "1"}):  # the fast reader steps aside, the exact one reports
        result = cli("validate", "plans", "--no-cache", env=env)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [
            "plans/a.yaml:4:52: Y012 'Kế hoạch \\u202eA :cross_mark:' holds U+202E (RIGHT-TO-LEFT OVERRIDE), a"
            " character a reader cannot see; delete it",
            "plans/a.yaml:5:21: Y012 'A\\u200dB' holds U+200D (ZERO WIDTH JOINER), a character a reader cannot see;"
            " delete it",
            "Checked 1 file, 1 plan, 0 parent→child edges: 0 errors, 2 warnings, 0 notes.",
        ]


def test_messages_on_standard_error_show_names_escaped_and_keep_their_listing(hostile):
    plan = hostile / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("{id: thach-ban, name: Thạch Bàn,", '{id: thach-ban, name: "Việt\\n::error ::owned",'), encoding="utf-8")
    result = cli("allocate", "--from", "long-bien", "--to", "Việt\n::error ::owned")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "'Việt\\n::error ::owned' matches several units; name one by its id:",
        "  - cấp xã Việt\\n::error ::owned (viet-hung, in Long Biên)",
        "  - cấp xã Việt\\n::error ::owned (thach-ban, in Long Biên)",
    ]
    result = cli("allocate", "--from", "long-bien", "--to", "viet-hung")
    assert "--to 'viet-hung': Việt\\n::error ::owned (viet-hung) has no 2025 plan" in result.stderr.splitlines()
    assert _unsafe_lines(result.stderr) == [] and _unsafe_lines(result.stdout) == []


def test_the_diff_of_a_change_shows_a_comments_direction_override_as_an_escape(real_plans):
    draft = new_year(real_plans)
    text = draft.read_text(encoding="utf-8")
    line = "    value: 80         # năm trước: 90"
    assert line in text
    draft.write_text(text.replace(line, line + " \u202e09 :cross_mark:", 1), encoding="utf-8")  # a comment: no Y012
    result = cli("allocate", "--from", "city-2026", "--to", "long-bien", "--write", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "-    value: 80         # năm trước: 90 \\u202e09 :cross_mark:" in result.stdout.splitlines()
    assert "+    value: 87         # năm trước: 90 \\u202e09 :cross_mark:" in result.stdout.splitlines()
    assert _unsafe_lines(result.stdout) == []


# --- rendered documents: Markdown and Excel -------------------------------------------------------

LINK = "[bấm](javascript:alert(1))"


@pytest.fixture
def hostile_texts(hostile: Path) -> Path:
    """The hostile wards, and a schedule text of Phụ lục 3 holding a link, a pipe and a line break."""
    plan = hostile / "plans" / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    old = 'time: "Tháng 6/2025"'
    text, count = text.replace(old, "time: " + json.dumps(LINK + " | a\nb", ensure_ascii=False)), text.count(old)
    assert count == 1
    plan.write_text(text, encoding="utf-8")
    return hostile


_CELL_BORDER = re.compile(r"(?<!\\)\|")


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def test_render_md_shows_html_links_and_pipes_in_plan_text_as_text(hostile_texts):
    result = cli("render", "all", "--plan", "long-bien", "--year", "2025", "-f", "md")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "<img" not in out and "<!--" not in out and not re.search(r"(?<!\\)\]\(", out)  # no link
    assert "| &lt;img src=x onerror=alert(1)&gt; &lt;!-- c |" in out
    assert "\\[bấm\\](javascript:alert(1)) \\| a b" in out  # the link is text, the pipe no column, the line break a blank
    assert "Việt ::error ::owned" in out
    rows = _table_rows(out)
    at = next(i for i, line in enumerate(rows) if "bấm" in line)
    assert len(_CELL_BORDER.findall(rows[at])) == len(_CELL_BORDER.findall(rows[at - 1])) == 6  # five columns
    assert "'=HYPERLINK" not in out  # Markdown is not a spreadsheet: the name as it is
    assert '=HYPERLINK("http:&#8203;//x")' in out


def test_render_report_md_shows_unit_names_as_text(hostile):
    result = cli("render", "report", "--plan", "long-bien", "--period", "Q2", "--results", "results", "-f", "md")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "<img" not in out and "<!--" not in out
    assert "&lt;img src=x onerror=alert(1)&gt; &lt;!-- c" in out


def test_the_results_form_writes_text_starting_with_a_formula_character_as_text():
    import io
    import zipfile
    from decimal import Decimal

    import openpyxl

    from dansokh.render.form import FormLine, FormSpec, render_form

    spec = FormSpec("ngoc-lam", "=cmd|' /C calc'!A0", 2025, "Q2", None, [
        FormLine("new_users_iud", "@SUM(1)", "người", Decimal(5)),
        FormLine("new_users_implant", "+1+1", "người", Decimal(5)),
    ])
    data = render_form(spec)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert len(sheets) == 2 and not any("<f>" in sheet for sheet in sheets)  # no formula, the hidden sheet too
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Biểu mẫu"]
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert (cells["=cmd|' /C calc'!A0 (ngoc-lam)"], cells["@SUM(1)"], cells["+1+1"]) == ("s", "s", "s")


def test_render_xlsx_writes_a_name_starting_with_an_equals_sign_as_text(hostile):
    import openpyxl

    result = cli("render", "appendix2", "--plan", "long-bien", "--year", "2025", "-o", "a2.xlsx")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(hostile / "a2.xlsx").active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert (cells['=HYPERLINK("http://x")'], cells["@SUM(1)"], cells["-2+3"]) == ("s", "s", "s")


# --- file names given on the command line, echoed -----------------------------------------------

ODD = "a\x1b[2Jb\n::error ::owned "  # ESC, a line break and a workflow command in a file name
ODD_SHOWN = "a\\x1b[2Jb\\n::error ::owned "


def _filled_form(name: str) -> None:
    import openpyxl

    assert cli("form", "Ngọc Thụy", "--period", "Q1", "--year", "2025", "-o", name).exit_code == 0
    book = openpyxl.load_workbook(name)
    book.worksheets[0]["C6"] = "08/04/2025"
    book.save(name)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["form", "Ngọc Thụy", "--period", "Q1", "--year", "2025", "-o", ODD + ".xlsx"], ODD_SHOWN + ".xlsx"),
        (["import", "form.xlsx", "-o", ODD + ".yaml"], f"wrote {ODD_SHOWN}.yaml"),
        (["render", "report", "--plan", "long-bien", "--period", "Q2", "--results", "results", "-o", ODD + ".md"], ODD_SHOWN + ".md"),
        (["render", "appendix2", "--plan", "long-bien", "--year", "2025", "-o", ODD + ".md"], ODD_SHOWN + ".md"),
        # a plan file's name holding a control is Y012: nothing written, the name escaped in each line
        (["new", "--from", "long-bien", "--unit", "bo-de", "-o", ODD + ".yaml"], "not written: the new plan would not validate (the errors above)"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else "",
)
def test_a_file_name_given_on_the_command_line_is_echoed_escaped(hostile, args, said):
    if args[0] == "import":
        _filled_form("form.xlsx")
    result = cli(*args)
    assert result.exit_code == (1 if args[0] == "new" else 0), result.output
    assert (result.stderr if args[0] == "new" else result.stdout).splitlines()[-1] == said
    assert _unsafe_lines(result.stdout) == [] and _unsafe_lines(result.stderr) == []
    assert Path(args[-1]).is_file() == (args[0] != "new")
    if args[0] == "new":
        assert result.stdout.startswith(f"{ODD_SHOWN}.yaml:1:1: Y012 the file's name holds U+001B (a control character)")
