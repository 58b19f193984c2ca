"""Every command on the real plans and the examples, against golden files: what a user sees stays
byte for byte what it was while the code beneath it moves (how plans are loaded, which files a
command reads).  The golden files were written before the loading stage was taken out of the
check; regenerate them with ``--update-golden`` only for a change of output meant as one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dansokh import __version__
from dansokh.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FORMATS = ["text", "json", "github", "sarif", "junit", "codeclimate", "rdjson", "markdown"]


def _run(arguments: list[str]) -> str:
    """What the command printed (standard output, then standard error) and its exit status."""
    result = CliRunner().invoke(app, arguments, env={"COLUMNS": "120", "SOURCE_DATE_EPOCH": "1767225600"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    text = f"$ dansokh {' '.join(arguments)}\nexit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    text = re.sub(r'time="[0-9.]+"', 'time="…"', text)  # JUnit's seconds
    text = text.replace(__version__, "VERSION")  # a commit moves the version (SARIF, JUnit)
    return re.sub(r"\(([0-9a-f]{7,40})\)", "(REV)", text)  # the temporary repository's commits


@pytest.fixture
def plans_2025(in_tmp: Path) -> Path:
    """The repository's 2025 plans and the illustrative 2025 results."""
    shutil.copytree(ROOT / "plans", in_tmp / "plans")
    shutil.copytree(EXAMPLES / "results-2025" / "Q1", in_tmp / "results" / "2025" / "Q1")
    shutil.copytree(EXAMPLES / "results-2025" / "Q2", in_tmp / "results" / "2025" / "Q2")
    return in_tmp


@pytest.fixture
def reformed(plans_2025: Path) -> Path:
    """After the 2025 reform: 2025's plans and results beside the 2026 example's."""
    reform = EXAMPLES / "reform-2026"
    shutil.copytree(reform / "plans" / "2026", plans_2025 / "plans" / "2026")
    shutil.copytree(reform / "plans" / "crosswalks", plans_2025 / "plans" / "crosswalks")
    shutil.copytree(reform / "results" / "2026", plans_2025 / "results" / "2026")
    shutil.copy(reform / "dansokh.toml", plans_2025 / "dansokh.toml")
    return plans_2025


COMMANDS_2025 = {
    **{f"validate-{f}": ["validate", "plans", "results", "--format", f] for f in FORMATS},
    "validate-one-plan": ["validate", "plans/2025/long-bien.yaml"],
    "allocate-from": ["allocate", "--from", "city"],  # a usage error
    "allocate-to": ["allocate", "--from", "city", "--to", "long-bien", "--format", "json"],
    "allocate-split": ["allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1200", "--format", "csv"],
    "render-md-city": ["render", "all", "--plan", "city", "--format", "md"],
    "render-md-long-bien": ["render", "appendix1", "--plan", "long-bien"],
    "progress-unit": ["progress", "long-bien", "--period", "Q2", "--results", "results"],
    "progress-all": ["progress", "--period", "Q1", "--results", "results", "--format", "csv"],
    "render-report": ["render", "report", "--plan", "long-bien", "--period", "Q2", "--results", "results"],
    "indicators": ["indicators"],
    "new-next": ["new", "--next", "city", "--dry-run"],
    "new-next-ward": ["new", "--next", "long-bien", "--dry-run"],
    "new-child": ["new", "--from", "long-bien", "--unit", "bo-de", "--dry-run"],
    # a command reads only the plans it names and their neighbours; what it refuses stays refused
    "new-id-of-a-plan-not-read": ["new", "--next", "bac-cuong", "--id", "long-bien", "--dry-run"],
    "render-over-a-plan-not-read": ["render", "all", "--plan", "bac-cuong", "--format", "md", "--output", "plans/2025/long-bien.yaml"],
    "allocate-a-unit-without-a-plan": ["allocate", "--from", "ngoc-thuy", "--split", "new_users_iud"],
    "render-by-name": ["render", "appendix1", "--plan", "Long Biên"],
}

COMMANDS_REFORMED = {
    "validate": ["validate", "plans", "results"],
    "diff-carried": ["diff", "--plan", "ha-noi-2026"],
    "crosswalk-carry": ["crosswalk", "--carry", "city"],
    "allocate-by-last-year": ["allocate", "--from", "ha-noi-2026", "--split", "new_users_iud", "--by", "city:new_users_iud", "--whole", "36000"],
    "crosswalk-propose": ["crosswalk", "--from", "2025", "--to", "2026", "--unit", "long-bien", "--dry-run"],
    "progress-last-year": ["progress", "long-bien-2026", "--period", "Q1", "--last-year", "--results", "results"],
    "new-next": ["new", "--next", "ha-noi-2026", "--dry-run"],
    "render-md": ["render", "all", "--plan", "ha-noi-2026", "--format", "md"],
    "render-report": ["render", "report", "--plan", "long-bien-2026", "--period", "Q1", "--results", "results"],
}


@pytest.mark.parametrize("name", COMMANDS_2025)
def test_commands_on_the_2025_plans(name: str, plans_2025: Path, golden) -> None:
    golden(f"commands/2025-{name}.txt", _run(COMMANDS_2025[name]))


@pytest.mark.parametrize("name", COMMANDS_REFORMED)
def test_commands_after_the_reform(name: str, reformed: Path, golden) -> None:
    golden(f"commands/reform-{name}.txt", _run(COMMANDS_REFORMED[name]))


def test_render_html_and_a_new_plan_written(plans_2025: Path, golden) -> None:
    rendered = plans_2025 / "out.html"
    shown = _run(["render", "appendix1", "--plan", "long-bien", "--format", "html", "--output", str(rendered.name)])
    golden("commands/2025-render-html.txt", shown + rendered.read_text(encoding="utf-8"))
    made = _run(["new", "--next", "long-bien", "--output", "new"])
    written = sorted(p for p in (plans_2025 / "new").rglob("*") if p.is_file())
    golden("commands/2025-new-written.txt", made + "".join(f"=== {p.name}\n{p.read_text(encoding='utf-8')}" for p in written))


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *arguments],
        cwd=folder, check=True, capture_output=True,
    )


def test_diff_between_revisions(plans_2025: Path, golden) -> None:
    _git(plans_2025, "init", "-q")
    _git(plans_2025, "add", "plans")
    _git(plans_2025, "commit", "-q", "-m", "2025")
    city = plans_2025 / "plans" / "2025" / "city.yaml"
    text = city.read_text(encoding="utf-8")
    assert "    value: 89\n" in text
    city.write_text(text.replace("    value: 89\n", "    value: 91\n", 1), encoding="utf-8")
    _git(plans_2025, "commit", "-q", "-am", "elderly checkups raised")
    shown = _run(["diff", "HEAD~1", "HEAD"]) + _run(["diff", "HEAD~1", "HEAD", "--plan", "city", "--format", "json"])
    golden("commands/2025-diff-revisions.txt", shown + _run(["validate", "plans", "--changed-since", "HEAD~1"]))
