"""The pre-commit hook, installed by pre-commit itself from a git repository of dansokh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import PLANS, ROOT, git as shared_git

HOOKS = ROOT / ".pre-commit-hooks.yaml"
# what a checkout of dansokh needs to be pip-installed; the rest (tests, plans, .git …) is left out
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "tests", "plans", "benchmarks", "*.egg-info", "__pycache__", "build", "dist", ".*cache")


def git(cwd: Path, *args: str) -> str:
    return shared_git(cwd, *args).strip()


def test_the_hook_definition():
    (hook,) = YAML(typ="safe").load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "dansokh-validate"
    assert hook["entry"] == "dansokh validate --staged"  # what the commit holds (tests/test_staged.py)
    assert hook["language"] == "python"
    assert hook["files"] == r"(\.ya?ml|(^|/)dansokh\.toml|(^|/)pyproject\.toml)$"
    assert hook["pass_filenames"] is False
    assert hook["args"] == ["plans/"]


def _run(repo: Path, home: Path, *how: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *(how or ("--all-files",))],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow  # about 30 s: pre-commit builds the hook's environment (pip install of dansokh)
def test_pre_commit_runs_the_hook_on_a_plans_repository(tmp_path: Path):
    # dansokh as a hook repository: a git repository at some revision, as on a forge
    source = tmp_path / "dansokh"
    shutil.copytree(ROOT, source, ignore=SKIP)
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "dansokh")
    rev = git(source, "rev-parse", "HEAD")

    plans = tmp_path / "plans-repo"
    shutil.copytree(PLANS, plans / "plans")
    (plans / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: dansokh-validate\n", encoding="utf-8"
    )
    plan = plans / "plans" / "2025" / "long-bien.yaml"
    good = plan.read_text(encoding="utf-8")
    plan.write_text(good.replace("    value: 90\n", "    value: 190\n", 1), encoding="utf-8")
    git(plans, "init", "-q", "-b", "main")
    git(plans, "add", "-A")

    home = tmp_path / "pre-commit-home"
    failed = _run(plans, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "dansokh validate" in failed.stdout and "Failed" in failed.stdout
    assert "plans/2025/long-bien.yaml:51:12: T007 Tỷ lệ sàng lọc trước sinh (4 bệnh): 190% is not a percentage (0–100%)" in failed.stdout

    plan.write_text(good, encoding="utf-8")
    git(plans, "add", "-A")
    # an untracked draft with a mistake, and an unstaged one: not in the commit, not checked
    (plans / "plans" / "2025" / "draft.yaml").write_text("id: draft\nyear: twenty\n", encoding="utf-8")
    city = plans / "plans" / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("year: 2025", "year: twenty", 1), encoding="utf-8")
    passed = _run(plans, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    git(plans, "commit", "-q", "-m", "plans")  # as `git commit` runs it: the hook, on the staged files
    git(plans, "add", "plans/2025/city.yaml")
    blocked = _run(plans, home, "--files", "plans/2025/city.yaml")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "plans/2025/city.yaml" in blocked.stdout and "draft" not in blocked.stdout
