"""The documents stay true: every command the README and the officers' guide show is run here,
on files the repository has, and prints what the document says it prints; the CI examples
install what exists and fail only where they should; nothing names a folder of one machine."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import ROOT

README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "huong-dan-su-dung.md"
BIN = str(Path(sys.executable).parent)  # where pip put the dansokh command


def _environment(home: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in ("DANSOKH_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    return {
        **keep,
        "HOME": str(home),
        "PATH": BIN + os.pathsep + keep.get("PATH", ""),
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "Cán bộ dân số",
        "GIT_AUTHOR_EMAIL": "dansokh@example.invalid",
        "GIT_COMMITTER_NAME": "Cán bộ dân số",
        "GIT_COMMITTER_EMAIL": "dansokh@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        **extra,
    }


def _console_blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each ```console block as (command, the lines shown after it) pairs."""
    blocks = []
    for block in re.findall(r"^[ \t]*```console\n(.*?)^[ \t]*```", text, re.MULTILINE | re.DOTALL):
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        blocks.append(steps)
    return blocks


def _region(text: str, name: str) -> str:
    return text.split(f"<!-- walkthrough: {name} -->", 1)[1].split("<!-- /walkthrough -->", 1)[0]


def _squeeze(line: str) -> str:
    return " ".join(line.split())


def assert_shows(expected: list[str], actual: str) -> None:
    """The lines a document shows appear in the output, in order; "…" stands for what the
    document leaves out (whole lines, or part of a line)."""
    lines = [_squeeze(line) for line in actual.splitlines()]
    position = 0
    for want in expected:
        if not want.strip() or want.strip() == "…":
            continue
        pattern = re.compile("^" + ".*".join(re.escape(_squeeze(part)) for part in want.split("…")) + "$")
        for index in range(position, len(lines)):
            if pattern.match(lines[index]):
                position = index + 1
                break
        else:
            raise AssertionError(f"not in the output (after line {position}): {want!r}\n--- output ---\n{actual}")


def run_script(steps: list[tuple[str, list[str]]], cwd: Path, env: dict[str, str]) -> list[tuple[str, int]]:
    """Run the commands in one shell, as a person types them one after another."""
    script = ["set -u"]
    for index, (command, _) in enumerate(steps):
        script += [f"echo '@@step {index}'", f"{{ {command} ; }} 2>&1", "echo \"@@exit $?\""]
    completed = subprocess.run(
        ["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    outputs = []
    for chunk in completed.stdout.split("@@step ")[1:]:
        body, _, status = chunk.partition("@@exit ")
        outputs.append((body.split("\n", 1)[1] if "\n" in body else "", int(status.strip().splitlines()[0])))
    assert len(outputs) == len(steps), completed.stdout + completed.stderr
    return outputs


# --- the officers' guide: January, then a quarter ------------------------------------------

# the exit status of each command of the January walk-through, in order
JANUARY = [
    ("export DANSOKH_LANG=vi", 0),
    ("cp -r examples/january-2026 ~/thang-1-2026", 0),
    ("cd ~/thang-1-2026", 0),
    ('git init -q && git add -A && git commit -qm "Bản nháp tháng 1"', 0),
    ("dansokh validate", 1),  # the draft is below what the city assigned
    ("dansokh allocate --from city-2026 --to long-bien", 1),
    ("dansokh allocate --from city-2026 --to long-bien --write", 0),
    ('dansokh allocate --from long-bien-2026 --split new_users_iud --whole 1200 --min "Cự Khối=80" --write', 0),
    ("dansokh validate", 0),
    ("dansokh diff HEAD", 0),
    ('git commit -qam "Kế hoạch 2026 trình ký" && git tag trinh-ky', 0),
    ("dansokh render phuluc2 --plan long-bien-2026 -f docx", 0),
    ("dansokh diff trinh-ky", 0),
]


@pytest.mark.slow
def test_the_january_and_quarter_walk_throughs_run_as_written(tmp_path):
    text = GUIDE.read_text(encoding="utf-8")
    steps = [step for region in ("january", "quarter") for block in _console_blocks(_region(text, region)) for step in block]
    assert [command for command, _ in steps] == [command for command, _ in JANUARY]
    home = tmp_path / "home"
    home.mkdir()
    outputs = run_script(steps, ROOT, _environment(home))
    for (command, shown), (output, status), (_, expected) in zip(steps, outputs, JANUARY):
        assert status == expected, (command, output)
        assert_shows(shown, output)
    folder = home / "thang-1-2026"
    assert (folder / "long-bien-2026-phu-luc-2.docx").read_bytes().startswith(b"PK")  # in Vietnamese, a Vietnamese file name
    written = (folder / "plans" / "2026" / "long-bien-2026.yaml").read_text(encoding="utf-8")
    assert "value: 87         # năm trước: 90" in written and "{tt: \"13\", name: Cự Khối, values: [80, 400]}" in written
    assert (ROOT / "examples" / "january-2026" / "plans" / "2026" / "long-bien-2026.yaml").read_text(
        encoding="utf-8"
    ).count("value: 80 ") == 1  # the example itself is untouched


FORM_FIGURES = re.compile(r"<!-- form-figures: (?P<file>\S+) -->\n(?P<table>(?:\|.*\n)+)")


def form_figures(text: str) -> tuple[str, dict[str, object]]:
    """The workbook a document has the reader fill, and what goes in each cell, from its table
    (``| F14, G14 | what | 7, 232 |``): a day as dd/mm/yyyy is a date (Excel reads it so), digits a
    number, anything else text."""
    import datetime as dt

    match = FORM_FIGURES.search(text)
    assert match is not None, "no <!-- form-figures: FILE --> table"
    cells: dict[str, object] = {}
    for line in match["table"].splitlines()[2:]:
        refs, _what, typed = (part.strip() for part in line.strip("|").split("|"))
        values = [typed] if len(refs.split(",")) == 1 else [v.strip() for v in typed.split(",")]
        assert len(values) == len(refs.split(",")), line
        for ref, value in zip((r.strip() for r in refs.split(",")), values):
            if re.fullmatch(r"\d\d/\d\d/\d{4}", value):
                cells[ref] = dt.datetime.strptime(value, "%d/%m/%Y").date()
            elif re.fullmatch(r"\d+", value):
                cells[ref] = int(value)
            else:
                cells[ref] = value
    return match["file"], cells


@pytest.mark.slow
def test_the_guides_results_walk_through_runs_as_written(tmp_path):
    """The guide's "Báo cáo kết quả thực hiện": the commands in one shell, as written; between the
    two blocks the workbook is filled with exactly the figures of the guide's table, cell by cell,
    through openpyxl as a person types them in Excel; then import, validate ("0 lỗi") and the report."""
    import openpyxl

    region = _region(GUIDE.read_text(encoding="utf-8"), "results")
    first, second = _console_blocks(region)
    home = tmp_path / "home"
    home.mkdir()
    env = _environment(home, DANSOKH_TODAY="2025-07-09")  # the day Cự Khối sends its six months
    for (command, shown), (output, status) in zip(first, run_script(first, ROOT, env)):
        assert status == 0, (command, output)
        assert_shows(shown, output)
    name, cells = form_figures(region)
    workbook = openpyxl.load_workbook(home / name)
    sheet = workbook["Biểu mẫu"]
    for ref, value in cells.items():
        assert sheet[ref].protection.locked is False, ref  # a yellow cell
        sheet[ref] = value
    workbook.save(home / name)
    for (command, shown), (output, status) in zip(second, run_script(second, ROOT, {**env, "DANSOKH_LANG": "vi"})):
        assert status == 0, (command, output)
        assert_shows(shown, output)
    written = (home / "ket-qua-2025" / "Q2" / "cu-khoi.yaml").read_text(encoding="utf-8")
    assert written == GUIDE_RESULT
    assert (home / "bao-cao-6-thang.docx").read_bytes()[:2] == b"PK"


GUIDE_RESULT = """\
kind: result
unit: cu-khoi
year: 2025
period: "Q2"
reported: "2025-07-09"
document: {kind: "Báo cáo", date: "2025-07-09", issuer: "UBND phường Cự Khối"}
figures:
  - {indicator: third_child_rate, numerator: 7, denominator: 232}
  - {indicator: prenatal_screening, numerator: 166, denominator: 186}
  - {indicator: newborn_screening, numerator: 275, denominator: 292}
  - {indicator: premarital_checkup, numerator: 112, denominator: 128}
  - {indicator: elderly_checkup, numerator: 962, denominator: 2254}
  - {indicator: elderly_health_records, numerator: 1914, denominator: 1927}
  - {indicator: cpr_modern, numerator: 4696, denominator: 6391}
  - {indicator: direct_communication_sessions, value: 6}
  - {indicator: new_users_total, value: 214}
  - {indicator: new_users_iud, value: 25}
  - {indicator: new_users_implant, value: 1}
  - {indicator: new_users_injectable, value: 0}
  - {indicator: new_users_pill, value: 56}
  - {indicator: new_users_condom, value: 132}
"""
"""What the guide's table makes of Cự Khối's six months: the figures typed, nothing else."""


# the README's walk-through "After the 2025 reform", and the officers' guide's: the exit status of each command
REFORM = [
    ("cp -r examples/reform-2026 ~/after-reform && cp -r plans/2025 ~/after-reform/plans/ && cp -r examples/results-2025 ~/after-reform/results/2025", 0),
    ("cd ~/after-reform", 0),
    ("dansokh crosswalk --from 2025 --to 2026 --unit long-bien --into proposal", 0),
    ("dansokh crosswalk --form long-bien.xlsx --crosswalk long-bien-2025-2026", 0),
    ("dansokh import long-bien.xlsx", 0),
    ("dansokh validate", 0),
    ("dansokh crosswalk --carry long-bien --indicator new_users_iud --indicator third_child_rate", 0),
    ("dansokh allocate --from ha-noi-2026 --split new_users_iud --by city:new_users_iud --whole 36000", 0),
    ("dansokh diff --plan ha-noi-2026 --against long-bien", 0),
    ("dansokh progress bo-de-00118 --period Q1 --last-year --results results", 0),
    ("mv plans/2026/ha-noi-2026.yaml ha-noi-2026-example.yaml", 0),
    ('dansokh new --next "Việt Hưng" --dry-run', 0),
    ("dansokh new --next city --id ha-noi-2026", 0),
    ('grep "name: Bồ Đề" plans/2026/ha-noi-2026.yaml', 0),
    ("dansokh validate", 0),
]


@pytest.mark.slow
def test_the_readme_walk_through_after_the_reform_runs_as_written(tmp_path):
    text = README.read_text(encoding="utf-8")
    steps = [step for block in _console_blocks(_region(text, "reform")) for step in block]
    assert [command for command, _ in steps] == [command for command, _ in REFORM]
    home = tmp_path / "home"
    home.mkdir()
    outputs = run_script(steps, ROOT, _environment(home, DANSOKH_TODAY="2026-04-08"))  # the first quarter of the new wards is due
    for (command, shown), (output, status), (_, expected) in zip(steps, outputs, REFORM):
        assert status == expected, (command, output)
        assert_shows(shown, output)
    proposal = (home / "after-reform" / "proposal" / "long-bien-2025-2026.yaml").read_text(encoding="utf-8")
    assert proposal.count("\n    by: undecided") == 12


@pytest.mark.slow
def test_the_guides_walk_through_after_the_reform_runs_as_written(tmp_path):
    text = GUIDE.read_text(encoding="utf-8")
    steps = [step for block in _console_blocks(_region(text, "reform")) for step in block]
    expected = [("export DANSOKH_LANG=vi", 0)] + [
        (command.replace("after-reform", "sau-sap-xep").replace("--into proposal", "--into de-xuat"), status)
        for command, status in REFORM
    ]
    assert [command for command, _ in steps] == [command for command, _ in expected]
    home = tmp_path / "home"
    home.mkdir()
    outputs = run_script(steps, ROOT, _environment(home, DANSOKH_TODAY="2026-04-08"))
    for (command, shown), (output, status), (_, status_expected) in zip(steps, outputs, expected):
        assert status == status_expected, (command, output)
        assert_shows(shown, output)


def test_the_examples_are_labelled_illustrative():
    for path in (ROOT / "examples").rglob("*.yaml"):
        assert "ILLUSTRATIVE" in path.read_text(encoding="utf-8").split("\n", 1)[0], path


# the exit status of each command of the guide's walk-through of new plans, in order
LIFECYCLE = [
    ("export DANSOKH_LANG=vi", 0),
    ("mkdir ~/ke-hoach-phuong && cp -r plans ~/ke-hoach-phuong/ && cd ~/ke-hoach-phuong", 0),
    ('git init -q && git add -A && git commit -qm "Kế hoạch năm 2025"', 0),
    ('dansokh allocate --from long-bien --to "Ngọc Thụy"', 0),
    ('dansokh new --from long-bien --unit "Ngọc Thụy"', 0),
    ("dansokh validate plans/2025/ngoc-thuy-2025.yaml", 0),
    ("dansokh new --next long-bien", 0),
    ("dansokh diff --plan long-bien-2026", 0),
    ("cat > dansokh.toml", 0),
    ("cat > catalogue.yaml", 0),
    ("dansokh indicators", 0),
]


@pytest.mark.slow
def test_the_guides_walk_through_of_new_plans_runs_as_written(tmp_path):
    steps = _steps_in_order(_region(GUIDE.read_text(encoding="utf-8"), "lifecycle"))
    assert [command.split(" <<")[0] for command, _ in steps] == [command for command, _ in LIFECYCLE]
    home = tmp_path / "home"
    home.mkdir()
    outputs = run_script(steps, ROOT, _environment(home))
    for (command, shown), (output, status), (_, expected) in zip(steps, outputs, LIFECYCLE):
        assert status == expected, (command, output)
        assert_shows(shown, output)
    assert (home / "ke-hoach-phuong" / "plans" / "2026" / "long-bien-2026.yaml").exists()


MISTAKE = re.compile(r"<!-- mistake: (?P<file>\S+) \| (?P<old>.+?) \| (?P<new>.+?) -->\n```console\n(?P<block>.*?)```", re.DOTALL)


def test_the_five_commonest_mistakes_give_the_messages_the_guide_shows(tmp_path):
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Năm lỗi thường gặp và cách sửa", 1)[1]
    mistakes = list(MISTAKE.finditer(section.split("\n## ", 1)[0]))
    assert section.split("\n## ", 1)[0].count("\n### ") == 5
    assert len(mistakes) == 7  # the first mistake in three forms: a value, a row of a table, a count
    for number, mistake in enumerate(mistakes, 1):
        work = tmp_path / str(number)
        shutil.copytree(ROOT / "plans", work / "plans")
        path = work / mistake["file"]
        old, new = (mistake[k].replace("\\n", "\n") for k in ("old", "new"))
        original = path.read_text(encoding="utf-8")
        assert old in original, (number, old)
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        [[(command, shown)]] = _console_blocks("```console\n" + mistake["block"] + "```")
        assert command == "dansokh validate"
        completed = subprocess.run(
            [sys.executable, "-m", "dansokh", "validate"], cwd=work, env=_environment(tmp_path, DANSOKH_LANG="vi"),
            capture_output=True, text=True,
        )
        assert completed.returncode == 1, completed.stdout
        assert_shows(shown, completed.stdout)
        diagnostic = re.compile(r"^\S+:\d+:\d+: [A-Z]\d{3} ")
        codes = {line.split()[1] for line in completed.stdout.splitlines() if diagnostic.match(line)}
        assert codes - {"U004"} == {line.split()[1] for line in shown if diagnostic.match(line)}, number


# --- the README --------------------------------------------------------------------------


def test_the_readme_first_plan_is_checked_as_the_readme_shows(tmp_path):
    text = README.read_text(encoding="utf-8")
    marker = re.search(r"<!-- first-plan: (\S+) -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert marker is not None
    path = tmp_path / marker[1]
    path.parent.mkdir(parents=True)
    path.write_text(marker[2], encoding="utf-8")
    section = text.split("## From nothing to a checked plan", 1)[1].split("\n## ", 1)[0]
    first, fixed = _console_blocks(section)
    env = _environment(tmp_path)
    (command, shown), = first
    completed = subprocess.run(command.split(), cwd=tmp_path, env=env, capture_output=True, text=True)
    assert completed.returncode == 1
    assert completed.stdout.splitlines() == shown
    path.write_text(marker[2].replace("value: 90,0", "value: 90.0"), encoding="utf-8")
    (command, shown), = fixed
    completed = subprocess.run(command.split(), cwd=tmp_path, env=env, capture_output=True, text=True)
    assert completed.returncode == 0 and completed.stdout.splitlines() == shown


_FILE_OR_CONSOLE = re.compile(
    r"<!-- file: (?P<file>\S+) -->\n```\w*\n(?P<text>.*?)^```|^```console\n(?P<console>.*?)^```", re.MULTILINE | re.DOTALL
)


def _steps_in_order(region: str) -> list[tuple[str, list[str]]]:
    """The commands of a walk-through in order; a file the document shows whole (``<!-- file: NAME -->``
    before its block) is written at its place, as the reader would save it."""
    steps: list[tuple[str, list[str]]] = []
    for match in _FILE_OR_CONSOLE.finditer(region):
        if match["file"]:
            steps.append((f"cat > {match['file']} <<< {shlex.quote(match['text'].rstrip(chr(10)))}", []))
        else:
            [block] = _console_blocks("```console\n" + match["console"] + "```")
            steps.extend(block)
    return steps


# the exit status of each command of the README's walk-through of a plan's year, in order
YEAR = [
    ("mkdir ~/ke-hoach && cp -r plans ~/ke-hoach/ && cd ~/ke-hoach", 0),
    ('git init -q && git add -A && git commit -qm "Kế hoạch năm 2025"', 0),
    ("dansokh allocate --from long-bien --to ngoc-thuy", 0),  # no plan yet: what was assigned
    ("dansokh new --from long-bien --unit ngoc-thuy", 0),
    ("dansokh validate plans/2025/ngoc-thuy-2025.yaml", 0),  # warnings only: the blanks
    ("dansokh new --next long-bien", 0),
    ("dansokh diff --plan long-bien-2026", 0),
    ("dansokh allocate --from long-bien-2026 --split new_users_iud --whole 1200 --write", 0),
    ("dansokh diff --plan long-bien-2026", 0),
    ("cat > dansokh.toml", 0),
    ("cat > catalogue.yaml", 0),
    ("dansokh indicators --format csv", 0),
    ("dansokh validate plans/2026", 0),
]


@pytest.mark.slow
def test_the_readme_walk_through_of_a_plans_year_runs_as_written(tmp_path):
    steps = _steps_in_order(_region(README.read_text(encoding="utf-8"), "year"))
    assert [command.split(" <<")[0] for command, _ in steps] == [command for command, _ in YEAR]
    home = tmp_path / "home"
    home.mkdir()
    outputs = run_script(steps, ROOT, _environment(home))
    for (command, shown), (output, status), (_, expected) in zip(steps, outputs, YEAR):
        assert status == expected, (command, output)
        assert_shows(shown, output)
    folder = home / "ke-hoach" / "plans"
    ward = (folder / "2025" / "ngoc-thuy-2025.yaml").read_text(encoding="utf-8")
    assert "value: 1900  # quận Long Biên giao 1.900 người (kế hoạch long-bien, Phụ lục 2)" in ward
    assert "value: 90  # năm 2025: 90%" in (folder / "2026" / "long-bien-2026.yaml").read_text(encoding="utf-8")
    assert not (ROOT / "plans" / "2026").exists()  # the repository's own plans are untouched


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=_environment(cwd), check=True, capture_output=True)


@pytest.mark.slow
def test_the_readme_local_pre_commit_hook_runs_the_installed_dansokh(tmp_path):
    text = README.read_text(encoding="utf-8")
    config = text.split("<!-- pre-commit-local -->\n```yaml\n", 1)[1].split("```", 1)[0]
    repo = tmp_path / "ke-hoach"
    shutil.copytree(ROOT / "plans", repo / "plans")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    env = _environment(tmp_path, PRE_COMMIT_HOME=str(tmp_path / "cache"), PRE_COMMIT_COLOR="never")
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    passed = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "dansokh validate" in passed.stdout and "Passed" in passed.stdout
    plan = repo / "plans" / "2025" / "long-bien.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("value: 90\n", "value: 90,0\n", 1), encoding="utf-8")
    not_staged = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert not_staged.returncode == 0, not_staged.stdout  # the hook checks what the commit holds
    _git(repo, "add", "-A")
    failed = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert failed.returncode == 1 and "S003" in failed.stdout


def test_the_readme_names_no_placeholder_release():
    text = README.read_text(encoding="utf-8")
    assert "rev: v0.1.0" not in text and not re.search(r"OWNER/dansokh@(?!COMMIT\b)", text)  # an action pinned to a commit
    assert "rev: COMMIT" in text and "repo: local" in text and "language: system" in text


# --- the CI examples ---------------------------------------------------------------------


def _yaml(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_the_github_workflow_installs_a_pin_and_makes_sarif_optional():
    workflow = _yaml(ROOT / "docs" / "github-actions.yml")
    assert set(workflow["on"]["pull_request"]["paths"]) >= {"plans/**", "dansokh.toml", "templates/**", "pyproject.toml"}
    assert workflow["env"]["DANSOKH"] == "dansokh @ git+https://HOST/PATH/dansokh@COMMIT"
    steps = {step.get("name", step.get("uses")): step for step in workflow["jobs"]["dansokh"]["steps"]}
    assert steps["Install dansokh"]["run"] == 'python -m pip install "$DANSOKH"'
    upload = steps["Upload SARIF (optional)"]
    assert upload["continue-on-error"] is True and "vars.DANSOKH_CODE_SCANNING == 'true'" in upload["if"]
    assert "--output-format sarif=dansokh.sarif" in steps["Validate"]["run"]  # written by the one run
    assert "--edit-last" in steps["Post the errors and what changed"]["run"]
    assert "OWNER" not in (ROOT / "docs" / "github-actions.yml").read_text(encoding="utf-8")


def test_the_gitlab_job_updates_one_note():
    job = _yaml(ROOT / "docs" / "gitlab-ci.yml")["dansokh"]
    assert job["variables"]["DANSOKH"] == "dansokh @ git+https://HOST/PATH/dansokh@COMMIT"
    script = "\n".join(job["script"])
    assert "--request PUT" in script and "--request POST" in script and "<!-- dansokh diff -->" in script
    assert "OWNER" not in (ROOT / "docs" / "gitlab-ci.yml").read_text(encoding="utf-8")


def test_the_gitlab_note_finder_picks_our_note():
    """The one-line Python in the GitLab job that finds the note to update."""
    job = _yaml(ROOT / "docs" / "gitlab-ci.yml")["dansokh"]
    found_finder = re.search(r"python -c '([^']+)'", "\n".join(job["script"]))
    assert found_finder is not None
    finder = found_finder[1]
    notes = '[{"id": 7, "body": "LGTM"}, {"id": 5, "body": "<!-- dansokh diff -->\\n| a |"}]'
    found = subprocess.run([sys.executable, "-c", finder], input=notes, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "5"
    none = subprocess.run([sys.executable, "-c", finder], input="[]", capture_output=True, text=True, check=True)
    assert none.stdout.strip() == ""


def test_the_diff_markdown_starts_with_the_marker_the_ci_examples_look_for():
    from dansokh.report.diff import MARKER

    assert MARKER == "<!-- dansokh diff -->"
    assert MARKER in (ROOT / "docs" / "gitlab-ci.yml").read_text(encoding="utf-8")



def test_the_github_workflow_publishes_the_site_on_every_push_to_the_default_branch():
    workflow = _yaml(ROOT / "docs" / "github-actions.yml")
    assert workflow["on"]["push"]["branches"] == ["main"] and "paths" not in workflow["on"]["push"]
    job = workflow["jobs"]["site"]
    assert job["if"] == "github.event_name == 'push' && github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert "needs" not in job  # a plan with errors is published, its errors on its page
    assert job["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert job["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert job["concurrency"]["group"] == "pages"
    uses = [step.get("uses", step.get("name")) for step in job["steps"]]
    assert uses == ["actions/checkout@v4", "actions/setup-python@v5", "Install dansokh", "Build the site",
                    "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"]
    checkout, _, install, build, upload, deploy = job["steps"]
    assert checkout["with"]["fetch-depth"] == 0
    assert install["run"] == 'python -m pip install "$DANSOKH"'  # the one line to edit, at the top
    assert 'dansokh site "${paths[@]}" "${since[@]}" -o public/' in build["run"]
    assert build["env"]["BEFORE"] == "${{ github.event.before }}"
    assert upload["with"]["path"] == "public/"
    assert deploy["id"] == "deployment"


def test_the_gitlab_pages_job_publishes_the_site_from_the_default_branch():
    text = (ROOT / "docs" / "gitlab-ci.yml").read_text(encoding="utf-8")
    jobs = _yaml(ROOT / "docs" / "gitlab-ci.yml")
    job = jobs["pages"]  # GitLab Pages publishes the artifact of the job named pages
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert job["variables"]["DANSOKH"] == jobs["dansokh"]["variables"]["DANSOKH"]
    assert text.count("git+https://HOST/PATH/dansokh@COMMIT") == 1  # the one line to edit
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert 'python -m pip install -q "$DANSOKH"' in job["before_script"]
    assert 'dansokh site "${paths[@]}" "${since[@]}" -o public/' in job["script"]
    assert job["artifacts"]["paths"] == ["public"]
    assert "chromium" in job["before_script"][0]  # each appendix's PDF


def test_the_readme_shows_the_city_page_of_the_site():
    """The picture `python -m tests.browser.screenshot` takes: a PNG, small, of a browser window."""
    import struct

    assert "](docs/img/site-city.png)" in README.read_text(encoding="utf-8")
    picture = (ROOT / "docs" / "img" / "site-city.png").read_bytes()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and picture[12:16] == b"IHDR"
    width, height = struct.unpack(">II", picture[16:24])
    assert (width, height) == (1024, 720)
    assert len(picture) < 200 * 1024


def test_the_guide_says_how_an_officer_reads_the_site():
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("\n## Đọc trang web kế hoạch\n", 1)[1].split("\n## ", 1)[0]
    for what in ("Trang chủ", "cấp trên giao", "C001", "Dụng cụ tử cung", "ngoc thuy", "index.html", "Q2"):
        assert what in section, what
    assert "#đọc-trang-web-kế-hoạch" in README.read_text(encoding="utf-8")

# --- nothing names a folder of this machine ------------------------------------------------


def test_nothing_shipped_names_a_folder_of_one_machine():
    roots = [ROOT / "plans", ROOT / "examples", ROOT / "docs", ROOT / "templates", ROOT / "src"]
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"] + [p for r in roots for p in r.rglob("*") if p.is_file()]
    for path in files:
        if path.suffix in (".mo", ".pyc", ".png", ".docx", ".xlsx", ".pdf") or "egg-info" in str(path):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for name in ("work", "tmp", "home", "root"):  # spelt in parts, so that this file names none of them
            folder = f"/{name}/"
            assert folder not in text, (path, folder)


def test_plan_files_name_their_source_document():
    for path in (ROOT / "plans").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith("# Source: Kế hoạch"), path


def test_vietnamese_messages_use_words_an_officer_knows():
    from babel.messages.pofile import read_po

    catalogue = read_po((ROOT / "src" / "dansokh" / "i18n" / "locale" / "vi" / "LC_MESSAGES" / "dansokh.po").open("rb"))
    for message in catalogue:
        text = message.string if isinstance(message.string, str) else " ".join(message.string or ())
        if not text or "U004" in " ".join(message.auto_comments) or "not in the repository" in str(message.id) \
                or "Lào Cai" in str(message.id):
            continue  # U004's wording belongs to the repository-context work (issue 10)
        for word in ("khóa", "ánh xạ", "bí danh", "kho git", " kho;", " kho "):
            assert word not in text, (word, text)
