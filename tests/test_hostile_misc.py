"""Hostile input, the rest of issue 19: a new plan created atomically (an interruption leaves nothing
at its path), settings of the wrong type or pointing outside the repository, history blobs larger than
a plan may be and submodules in `diff` and `--changed-since`, values quoted whole, a plan with errors
named on the command line.  Each case: the exit status, the exact message, code and file."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from conftest import SMALL_PLAN, cli, git, write_files
from dansokh.cli.app import version_line

NGOC_THUY = Path("plans/2025/ngoc-thuy-2025.yaml")


# --- a new plan is created atomically --------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("new", "--from", "long-bien", "--unit", "ngoc-thuy"), ("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--write")],
    ids=["new", "allocate-write"],
)
def test_a_new_plan_is_never_at_its_path_before_it_is_whole(real_plans, monkeypatch, command):
    """While the text is flushed to disk (where a kill or a power cut may stop the run), nothing is
    at the plan's path: an interruption leaves no empty plan to block the next `dansokh new`."""
    seen: list[bool] = []
    real_fsync = os.fsync

    def flushing(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):  # the text, not the folder after the link
            seen.append(os.path.lexists(NGOC_THUY))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", flushing)
    result = cli(*command)
    assert result.exit_code == 0, result.output
    assert seen and not any(seen)
    assert NGOC_THUY.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_new_plan_interrupted_leaves_nothing(real_plans, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert sorted(p.name for p in NGOC_THUY.parent.iterdir()) == sorted(p.name for p in (real_plans / "2025").iterdir())
    assert not NGOC_THUY.exists()
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV])
def test_a_new_plan_where_hard_links_are_not_supported(real_plans, monkeypatch, code):
    def no_links(source, target, *args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", no_links)
    result = cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"wrote {NGOC_THUY} (plan ngoc-thuy-2025, 2025)"
    assert NGOC_THUY.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []


def test_a_file_taken_while_the_plan_is_written_is_kept(real_plans, monkeypatch):
    """Another program creates the file while dansokh writes its text: refused, its bytes stay."""
    real_fsync = os.fsync

    def another_program_writes(fd):
        real_fsync(fd)
        if not NGOC_THUY.exists():
            NGOC_THUY.write_text("# someone else's\n", encoding="utf-8")

    monkeypatch.setattr(os, "fsync", another_program_writes)
    result = cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"{NGOC_THUY} exists already; nothing was written (choose another file with -o)"
    assert NGOC_THUY.read_text(encoding="utf-8") == "# someone else's\n"
    assert [p.name for p in NGOC_THUY.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("content", [b"", b"\n  \n"], ids=["empty", "blank"])
def test_an_empty_file_left_by_an_older_dansokh_is_named_with_what_to_do(real_plans, content):
    NGOC_THUY.write_bytes(content)
    for command in (("new", "--from", "long-bien", "--unit", "ngoc-thuy"), ("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--write")):
        result = cli(*command)
        assert result.exit_code == 1, command
        assert result.stderr.strip().splitlines()[-1] == (
            f"{NGOC_THUY} exists already and is empty (a plan whose writing was interrupted, perhaps by an older"
            " dansokh); nothing was written: delete it and run the command again, or choose another file with -o"
        )
        assert NGOC_THUY.read_bytes() == content


# --- settings: wrong types, not TOML, outside the repository -----------------------------------


def dansokh_main(capsys, *args: str) -> tuple[int, str, str]:
    """Run the `dansokh` command as a shell does (``main()``: the settings are read before the
    arguments are parsed); its exit status, standard output and standard error."""
    from dansokh.cli.app import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("tool = 5\n", "tool must be a table ([tool]), not a number"),
        ("[tool]\ndansokh = 5\n", "tool.dansokh must be a table of settings ([tool.dansokh]), not a number"),
        ('tool.dansokh = "x"\n', "tool.dansokh must be a table of settings ([tool.dansokh]), not a text"),
        ("tool.dansokh = [1, 2]\n", "tool.dansokh must be a table of settings ([tool.dansokh]), not a list"),
        ("tool = [true]\n", "tool must be a table ([tool]), not a list"),
        ("[tool.dansokh]\nlang = 5\n", 'lang must be "vi" or "en"'),
        ("[tool.dansokh]\nplans = 5\n", "plans must be a list of folders"),
        ("[tool.dansokh\n", "Expected ']' at the end of a table declaration (at line 1, column 14)"),
    ],
    ids=["tool-number", "dansokh-number", "dansokh-text", "dansokh-list", "tool-list", "lang", "plans", "not-toml"],
)
def test_a_pyproject_that_cannot_be_used_is_a_usage_error_and_version_and_help_still_work(real_plans, capsys, content, message):
    Path("pyproject.toml").write_text(content, encoding="utf-8")
    expected = f"{Path('pyproject.toml').resolve()}: {message}"
    for command in (["validate", "plans"], ["render", "appendix2", "--plan", "city"], ["indicators"]):
        code, out, err = dansokh_main(capsys, *command)
        assert (code, out, err.strip()) == (2, "", expected), command
    result = cli("validate", "plans")  # through the callback, as tests and embedders call it
    assert (result.exit_code, result.stderr.strip()) == (2, expected)
    code, out, err = dansokh_main(capsys, "--version")
    assert (code, out, err) == (0, version_line() + "\n", "")
    for command in (["--help"], ["validate", "--help"], ["new", "--help"]):
        code, out, err = dansokh_main(capsys, *command)
        assert (code, err) == (0, ""), command
        assert "Usage: dansokh" in out
    assert cli("validate", "--help").exit_code == 0 and cli("--version").stdout == version_line() + "\n"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("select = 5", "select must be a list of rule codes or prefixes"),
        ("extend_select = [1]", "extend_select must be a list of rule codes or prefixes"),
        ("ignore = {a = 1}", "ignore must be a list of rule codes or prefixes"),
        ("severity = 5", 'severity must map codes to "error", "warning" or "info"'),
        ("severity = {C002 = 5}", 'severity must map codes to "error", "warning" or "info"'),
        ('severity = {C002 = "bogus"}', 'severity must map codes to "error", "warning" or "info"'),
        ("lang = []", 'lang must be "vi" or "en"'),
        ("default_plan = 5", "default_plan must be a plan id, unit id or name"),
        ('max_file_size = "5"', "max_file_size must be a positive number of bytes"),
        ("max_file_size = 1e3", "max_file_size must be a positive number of bytes"),
        ("format = []", "format must be one of auto, text, json, github, sarif, junit, codeclimate, rdjson, markdown"),
        ("pace = 5", "pace must be a table of indicator = pace"),
        ('plans = [""]', "plans must be a list of folders"),
        ("catalogue = []", "catalogue must name a file (catalogue.yaml)"),
        ("docs_url = 5", "docs_url must be the http(s) address of dansokh's README, without #… (https://HOST/PATH/dansokh/blob/COMMIT/README.md)"),
    ],
)
def test_every_setting_of_the_wrong_type_is_a_usage_error_naming_file_and_key(real_plans, capsys, setting, message):
    Path("dansokh.toml").write_text(setting + "\n", encoding="utf-8")
    code, out, err = dansokh_main(capsys, "validate", "plans")
    assert (code, out, err.strip()) == (2, "", f"{Path('dansokh.toml').resolve()}: {message}")
    assert dansokh_main(capsys, "--version")[:2] == (0, version_line() + "\n")


def test_a_severity_for_a_code_that_names_no_rule_says_so(real_plans, capsys):
    Path("dansokh.toml").write_text('severity = {ZZZ9 = "error"}\n', encoding="utf-8")
    code, out, err = dansokh_main(capsys, "validate", "plans")
    assert (code, out, err.strip()) == (2, "", "severity: 'ZZZ9' names no rule (see `dansokh rules`)")


@pytest.mark.parametrize(
    ("setting", "key", "value"),
    [
        ('plans = ["/"]', "plans", "/"),
        ('plans = ["plans", "../.."]', "plans", "../.."),
        ('catalogue = "/etc/hostname"', "catalogue", "/etc/hostname"),
        ('plans = ["plans/up"]', "plans", "plans/up"),  # a link inside, to the top of the disk
        ('catalogue = "plans/up/etc/hostname"', "catalogue", "plans/up/etc/hostname"),
    ],
)
def test_a_setting_pointing_outside_the_repository_is_a_usage_error(real_plans, capsys, setting, key, value):
    os.symlink("/", "plans/up")
    Path("dansokh.toml").write_text(setting + "\n", encoding="utf-8")
    root = Path.cwd().resolve()
    expected = (
        f"{root / 'dansokh.toml'}: {key} = {value!r} is outside the repository ({root}); name a path inside it,"
        " relative to this file"
    )
    for command in (["validate", "plans"], ["validate", "plans/2025/city.yaml"], ["allocate", "--from", "city", "--to", "long-bien"], ["indicators"]):
        code, out, err = dansokh_main(capsys, *command)
        assert (code, out, err.strip()) == (2, "", expected), command
    result = cli("validate", "plans/2025/city.yaml")  # the repository found from the path given
    assert (result.exit_code, result.stderr.strip()) == (2, expected)


def test_a_setting_inside_the_repository_through_a_link_is_used(real_plans, capsys):
    os.symlink("plans", "kept")
    Path("dansokh.toml").write_text('plans = ["kept"]\n', encoding="utf-8")
    code, out, err = dansokh_main(capsys, "validate", "plans")
    assert code == 0, err


# --- history: blobs larger than a plan may be, submodules ---------------------------------------


@pytest.fixture
def small_repo(in_tmp):
    """A git repository of one small plan (commit 1), then a file just over a 1,000-byte limit
    beside it (commit 2)."""
    write_files(in_tmp, {"plans/2025/a.yaml": SMALL_PLAN})
    git(in_tmp, "init", "-q", "-b", "main")
    git(in_tmp, "add", "-A")
    git(in_tmp, "commit", "-q", "-m", "a")
    write_files(in_tmp, {"plans/2025/big.yaml": "# " + "x" * 998 + "\n"})  # 1,001 bytes
    git(in_tmp, "add", "-A")
    git(in_tmp, "commit", "-q", "-m", "big")
    return in_tmp


def _short(rev: str) -> str:
    return git(Path.cwd(), "rev-parse", "--short=7", rev).strip()


def test_a_blob_over_the_size_limit_is_Y006_and_never_read(small_repo, monkeypatch):
    from dansokh.vcs import git as vcs_git

    big = git(small_repo, "rev-parse", "HEAD:plans/2025/big.yaml").strip()
    calls: list[tuple[list[str], bytes | None]] = []
    real = vcs_git._git

    def recorded(args, cwd=None, data=None):
        calls.append((list(args), data))
        return real(args, cwd, data)

    monkeypatch.setattr(vcs_git, "_git", recorded)
    Path("plans/2025/big.yaml").unlink()  # the big file only in history
    result = cli("diff", "HEAD", "--max-file-size", "1000")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"plans/2025/big.yaml at HEAD ({_short('HEAD')}) was not read and not compared: Y006 the file has 1,001"
        " bytes, over the limit of 1,000 (--max-file-size)"
    )
    assert not any(big.encode() in (data or b"") or "show" in args for args, data in calls)  # its bytes never asked for
    assert [args[:2] for args, _data in calls if args[0] == "cat-file" and args[1] == "--batch"] == [["cat-file", "--batch"]]  # one read for all

    document = json.loads(cli("diff", "HEAD", "--max-file-size", "1000", "--format", "json").stdout)
    assert document["skipped"] == {"old": ["plans/2025/big.yaml"], "new": []}
    # the limit of the settings, as validate's
    Path("dansokh.toml").write_text("max_file_size = 1000\n", encoding="utf-8")
    assert "Y006 the file has 1,001 bytes, over the limit of 1,000" in cli("diff", "HEAD").stdout


def test_a_file_over_the_size_limit_in_the_work_tree_is_Y006(small_repo):
    result = cli("diff", "HEAD~1", "--max-file-size", "1000")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "plans/2025/big.yaml at the working tree was not read and not compared: Y006 the file has 1,001 bytes,"
        " over the limit of 1,000 (--max-file-size)"
    )


def _submodule(repo: Path, path: str) -> None:
    """Add a local repository of one plan as a submodule at ``path``, and commit it (the big
    file gone the commit before)."""
    git(repo, "rm", "-q", "plans/2025/big.yaml")
    git(repo, "commit", "-q", "-m", "no big file")
    other = repo.parent / f"{repo.name}-other"
    write_files(other, {"plans/b.yaml": SMALL_PLAN.replace("id: a", "id: b")})
    git(other, "init", "-q", "-b", "main")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "b")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other), path)
    git(repo, "commit", "-q", "-m", "a submodule")


@pytest.mark.parametrize("path", ["plans/2025/sub.yaml", "plans/hanoi"])
def test_a_submodule_is_never_read_as_a_plan_file_and_is_named_by_diff(small_repo, path):
    _submodule(small_repo, path)
    for args, side in ((("HEAD~1", "HEAD"), f"HEAD ({_short('HEAD')})"), (("HEAD~1",), "the working tree")):
        result = cli("diff", *args)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == (
            f"{path} at {side} is a git submodule: its plans belong to another repository and were not compared"
            " (run dansokh diff inside it)."
        )
    document = json.loads(cli("diff", "HEAD~1", "HEAD", "--format", "json").stdout)
    assert document["submodules"] == {"old": [], "new": [path]} and document["changes"] == []


@pytest.mark.parametrize("path", ["plans/2025/sub.yaml", "plans/hanoi"])
def test_changed_since_names_a_submodule_it_does_not_check(small_repo, path):
    _submodule(small_repo, path)
    result = cli("validate", "plans", "--changed-since", "HEAD~1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{path}:1:1: Y011 skipped: a git submodule that changed; its plans belong to another repository and were"
        " not checked (run dansokh validate inside it)"
    )


# --- values quoted in messages: at most 60 characters -------------------------------------------

HUGE = "Q" * 2_000_000  # a 2 MB name
SHORT = "'" + "Q" * 59 + "…'"  # as a message quotes it


def _messages(result) -> list[str]:
    """``CODE message`` of each diagnostic line (their positions depend on the long lines)."""
    lines = [line for line in result.stdout.splitlines() if ": " in line and not line.startswith(" ")]
    return [line.split(": ", 1)[1] for line in lines if line.split(": ", 1)[1][:1].isupper() and line.split(": ", 1)[1][1:4].isdigit()]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (f"units:\n  - {{code: '{HUGE}', name: x, dimension: people, kind: count}}\n",
         "S003 code: at most 60 characters, not 2,000,000; shorten it"),
        (f"indicators:\n  - {{key: implants_ward, name: '{HUGE}', unit: người, direction: floor, kind: count}}\n",
         "S003 name: at most 200 characters, not 2,000,000; shorten it"),
        (f"indicators:\n  - {{key: {HUGE.lower()}, name: x, unit: người, direction: floor, kind: count}}\n",
         "S003 key: at most 60 characters, not 2,000,000; shorten it"),
        (f"indicators:\n  - {{key: visits_ward, name: x, unit: '{HUGE}', direction: floor, kind: count}}\n",
         f"S005 unknown unit {SHORT} (known: %, ‰, người, buổi, lượt, trẻ trai/100 trẻ gái); add it under units:"),
        (f"indicators:\n  - {{key: talks_ward, name: x, unit: người, direction: floor, kind: count, '{HUGE}': 1}}\n",
         f"S001 unknown key {SHORT}"),
        (f"indicators:\n  - {{key: talks_ward, name: x, unit: người, direction: floor, kind: count}}\n"
         f"  - {{key: '{HUGE}', name: x, unit: người, direction: floor, kind: count}}\n",
         "S003 key: at most 60 characters, not 2,000,000; shorten it"),
    ],
    ids=["unit-code", "indicator-name", "indicator-key", "unknown-unit", "unknown-key", "key-not-a-key"],
)
def test_a_2mb_name_in_a_catalogue_file_is_never_quoted_whole(real_plans, entry, message):
    write_files(Path.cwd(), {"dansokh.toml": 'catalogue = "catalogue.yaml"\n', "catalogue.yaml": entry})
    result = cli("validate", "plans")
    assert result.exit_code == 1
    assert max(len(line) for line in result.output.splitlines()) < 300
    assert _messages(result) == [
        message,
        "U004 no 2025 plan of thành phố Lào Cai in this repository; what it assigned to phường Bắc Cường cannot be checked",
    ]


def test_a_2mb_name_in_a_plan_is_never_quoted_whole(real_plans):
    plan = real_plans / "2025" / "long-bien.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("  name: Long Biên\n", f"  name: '{HUGE}'\n", 1)
    text = text.replace("year: 2025\n", f"year: 2025\n'{HUGE}': 1\n", 1)
    plan.write_text(text, encoding="utf-8")
    city = real_plans / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("unit: người", f"unit: '{HUGE}'", 1), encoding="utf-8")
    result = cli("validate", "plans")
    assert result.exit_code == 1
    assert max(len(line) for line in result.output.splitlines()) < 400
    found = _messages(result)
    assert f"S001 unknown key {SHORT}" in found
    assert "S003 name: at most 200 characters, not 2,000,000: a unit's name as the documents write it" in found
    assert [m for m in found if "unknown unit" in m] == [f"S005 unknown unit {SHORT} (known: %, ‰, người, buổi, lượt, trẻ trai/100 trẻ gái)"], found


# --- a plan with errors, named on the command line ----------------------------------------------


LONG_BIEN = "plans/2025/long-bien.yaml"
BROKEN = "the plan {file} has errors and could not be read; see them with dansokh validate {file}"


@pytest.mark.parametrize(
    ("command", "option", "text"),
    [
        (("render", "appendix2", "--plan", "long-bien"), "--plan", "long-bien"),
        (("new", "--next", "long-bien", "--dry-run"), "--next", "long-bien"),
        (("diff", "--plan", "long-bien"), "--plan", "long-bien"),
        (("allocate", "--from", "long-bien", "--to", "ngoc-thuy"), "--from", "long-bien"),
        (("allocate", "--from", "city", "--to", "long-bien"), "--to", "long-bien"),
        (("allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1200"), "--from", "long-bien"),
    ],
    ids=["render", "new-next", "diff-plan", "allocate-from", "allocate-to", "allocate-split"],
)
def test_a_plan_with_one_error_is_said_to_have_errors_not_to_be_missing(real_plans, command, option, text):
    plan = Path(LONG_BIEN)
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 2025\n", "year: 2025\nyeer: 2025\n", 1), encoding="utf-8")
    result = cli(*command)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"{option} {text!r}: " + BROKEN.format(file=LONG_BIEN)
    validated = cli("validate", LONG_BIEN)
    assert validated.exit_code == 1 and f"{LONG_BIEN}:5:1: S001 unknown key 'yeer'; did you mean 'year'?" in validated.stdout


def test_a_childs_plan_with_errors_is_never_started_again_beside_it(real_plans):
    cli("new", "--from", "long-bien", "--unit", "ngoc-thuy")
    NGOC_THUY.write_text(NGOC_THUY.read_text(encoding="utf-8").replace("year: 2025\n", "year: 2025\nyeer: 2025\n", 1), encoding="utf-8")
    before = sorted(p.name for p in NGOC_THUY.parent.iterdir())
    for command, option in ((("new", "--from", "long-bien", "--unit", "ngoc-thuy", "-o", "other.yaml"), "--unit"),
                            (("allocate", "--from", "long-bien", "--to", "ngoc-thuy", "--write"), "--to")):
        result = cli(*command)
        assert result.exit_code == 1, result.output
        assert result.stderr.strip() == f"{option} 'ngoc-thuy': " + BROKEN.format(file=NGOC_THUY)
    assert sorted(p.name for p in NGOC_THUY.parent.iterdir()) == before and not Path("other.yaml").exists()
