"""``dansokh validate --staged``: the pre-commit hook checks what is committed (the index, with
its dansokh.toml), never what lies in the working folder beside it: an untracked draft does not
block an unrelated commit, an untracked dansokh.toml cannot let a broken plan through, a staged fix
passes whatever is broken in the working tree, and a partially staged file is checked as staged.

Each repository is a real git repository; the hook's command runs as pre-commit runs it (a
process in the repository, the hook's entry and args), without pre-commit's own stash of the
unstaged changes, which dansokh does not need."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import PLANS, ROOT, SMALL_PLAN, git, line_of

LONG_BIEN = "plans/2025/long-bien.yaml"
SCREENING = "    value: 90\n"  # Long Biên's prenatal screening; the city assigned it 87 %
OUTSIDE = "plans/2025/bac-cuong.yaml:29:11: U004"  # a note of the real plans (Lào Cai is not among them)


def hook(repo: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The hook's command, as pre-commit runs it: its entry and its args in a process of its own."""
    (definition,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = definition["entry"].split()
    assert entry[0] == "dansokh"
    command = [sys.executable, "-m", "dansokh", *entry[1:], *(args or definition["args"])]
    env = {**os.environ, "DANSOKH_LANG": "en", "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(command, cwd=cwd or repo, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A plans repository with the real plans committed."""
    root = tmp_path / "plans-repo"
    shutil.copytree(PLANS, root / "plans")
    (root / ".gitignore").write_text(".dansokh_cache/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plans")
    return root


def lowered(repo: Path) -> tuple[str, int]:
    """Long Biên's prenatal screening below what the city assigned: C001 (and T006), an error."""
    plan = repo / LONG_BIEN
    text = plan.read_text(encoding="utf-8")
    line = line_of(plan, "value: 90", after="indicator: prenatal_screening")
    return text.replace(SCREENING, "    value: 86\n", 1), line


def test_the_hook_checks_the_index(repo):
    (definition,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert definition["entry"] == "dansokh validate --staged"
    assert definition["args"] == ["plans/"]


def test_an_untracked_draft_does_not_block_an_unrelated_commit(repo):
    (repo / "plans" / "2025" / "draft.yaml").write_text("id: draft\nyear: twenty\n", encoding="utf-8")
    working = subprocess.run([sys.executable, "-m", "dansokh", "validate", "plans/"], cwd=repo, capture_output=True, text=True,
                             env={**os.environ, "DANSOKH_LANG": "en"})
    assert working.returncode == 1 and "plans/2025/draft.yaml" in working.stdout  # the working folder has it
    done = hook(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "draft" not in done.stdout
    assert done.stdout.splitlines()[-1] == (
        "Checked 5 files, 5 plans, 3 parent→child edges: 0 errors, 0 warnings, 1 note."
    )


def test_an_untracked_settings_file_cannot_let_a_broken_plan_through(repo):
    broken, line = lowered(repo)
    (repo / LONG_BIEN).write_text(broken, encoding="utf-8")
    git(repo, "add", LONG_BIEN)
    (repo / "dansokh.toml").write_text('ignore = ["C001", "T006"]\n', encoding="utf-8")  # not added
    working = subprocess.run([sys.executable, "-m", "dansokh", "validate", "plans/"], cwd=repo, capture_output=True, text=True,
                             env={**os.environ, "DANSOKH_LANG": "en"})
    assert working.returncode == 0  # what the hook used to check
    done = hook(repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{LONG_BIEN}:{line}:12: C001 " in done.stdout


def test_a_staged_settings_file_is_in_force(repo):
    broken, _line = lowered(repo)
    (repo / LONG_BIEN).write_text(broken, encoding="utf-8")
    (repo / "dansokh.toml").write_text('ignore = ["C001", "T006"]\n', encoding="utf-8")
    git(repo, "add", LONG_BIEN, "dansokh.toml")
    (repo / "dansokh.toml").write_text("", encoding="utf-8")  # its unstaged change is not what is committed
    done = hook(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "C001" not in done.stdout


def test_a_staged_fix_passes_whatever_is_broken_in_the_working_tree(repo):
    plan = repo / LONG_BIEN
    good = plan.read_text(encoding="utf-8")
    broken, _line = lowered(repo)
    plan.write_text(broken, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    plan.write_text(good, encoding="utf-8")
    git(repo, "add", LONG_BIEN)  # the fix, staged
    plan.write_text(good.replace(SCREENING, "    value: nine\n", 1), encoding="utf-8")  # and a new mistake, not staged
    done = hook(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "long-bien" not in done.stdout


def test_a_partially_staged_file_is_checked_as_staged(repo):
    plan = repo / LONG_BIEN
    good = plan.read_text(encoding="utf-8")
    broken, line = lowered(repo)
    plan.write_text(broken, encoding="utf-8")
    git(repo, "add", LONG_BIEN)  # the mistake is staged
    plan.write_text("# a comment first\n" + good, encoding="utf-8")  # the fix is not: the working tree is clean
    done = hook(repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{LONG_BIEN}:{line}:12: C001 " in done.stdout  # at the staged text's line, not the working tree's
    assert done.stdout.splitlines()[-1].startswith("Checked 5 files, 5 plans, 3 parent→child edges: 2 errors")


def test_a_file_removed_from_the_index_is_not_checked_and_a_deleted_one_still_is(repo):
    git(repo, "rm", "-q", "--cached", "plans/2025/bac-cuong.yaml")  # still on disk, no longer committed
    broken, line = lowered(repo)
    (repo / LONG_BIEN).write_text(broken, encoding="utf-8")
    git(repo, "add", LONG_BIEN)
    (repo / LONG_BIEN).unlink()  # deleted in the working tree, not in the index
    done = hook(repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert OUTSIDE not in done.stdout and "bac-cuong" not in done.stdout
    assert f"{LONG_BIEN}:{line}:12: C001 " in done.stdout
    assert done.stdout.splitlines()[-1].startswith("Checked 4 files, 4 plans")


def test_staged_files_passed_by_name_from_a_subfolder(repo):
    broken, line = lowered(repo)
    (repo / LONG_BIEN).write_text(broken, encoding="utf-8")
    git(repo, "add", LONG_BIEN)
    (repo / LONG_BIEN).write_text(broken.replace("value: 86", "value: 90", 1), encoding="utf-8")
    done = hook(repo, "long-bien.yaml", cwd=repo / "plans" / "2025")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"long-bien.yaml:{line}:12: C001 ")
    assert "(against 1 plan outside the given paths: city)" in done.stdout


def test_a_staged_file_over_the_size_limit_is_never_read(repo):
    (repo / "plans" / "2025" / "huge.yaml").write_bytes(b"id: huge\n" + b"#" * 300000 + b"\n")
    git(repo, "add", "-A")
    (repo / "plans" / "2025" / "huge.yaml").write_text("id: huge\n", encoding="utf-8")  # the working tree's is small
    done = hook(repo, "--max-file-size", "200000", "plans/")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[1] == "plans/2025/huge.yaml:1:1: Y006 the file has 300,010 bytes, over the limit of 200,000"


def test_a_staged_symbolic_link_and_a_catalogue_are_read_as_staged(repo):
    (repo / "extra").mkdir()
    (repo / "extra" / "a.yaml").write_text(SMALL_PLAN, encoding="utf-8")
    os.symlink("../../extra/a.yaml", repo / "plans" / "2025" / "a.yaml")
    git(repo, "add", "-A")
    (repo / "extra" / "a.yaml").write_text("id: a\nyear: [\n", encoding="utf-8")  # unstaged breakage through the link
    done = hook(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("Checked 6 files, 6 plans")


def test_outside_a_git_repository_or_with_changed_since_it_is_a_usage_error(tmp_path, repo):
    folder = tmp_path / "no-git"
    shutil.copytree(PLANS, folder / "plans")
    done = hook(folder)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("--staged: not a git repository: ")
    done = hook(repo, "--changed-since", "HEAD", "plans/")
    assert (done.returncode, done.stdout) == (2, "")
    assert "--staged and --changed-since" in done.stderr


def test_a_path_that_is_not_staged_is_a_usage_error(repo):
    (repo / "drafts").mkdir()
    (repo / "drafts" / "x.yaml").write_text(SMALL_PLAN, encoding="utf-8")
    done = hook(repo, "drafts/x.yaml")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == "--staged: drafts/x.yaml is not in the index (git add it to commit it, or check it without --staged)"


def test_the_report_file_is_written_in_the_working_folder_and_never_over_a_plan(repo):
    done = hook(repo, "--format", "json", "--output", "report.json", "plans/")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / "report.json").read_text(encoding="utf-8").startswith("{")
    before = (repo / LONG_BIEN).read_bytes()
    done = hook(repo, "--output", LONG_BIEN, "plans/")
    assert done.returncode == 2
    assert (repo / LONG_BIEN).read_bytes() == before


def test_the_cache_of_the_repository_serves_the_staged_run(repo):
    first = hook(repo)
    assert first.returncode == 0, first.stdout + first.stderr
    databases = sorted(p.name for p in (repo / ".dansokh_cache").glob("plans-*.sqlite3"))
    assert len(databases) == 1
    second = hook(repo)
    assert second.stdout == first.stdout
    assert sorted(p.name for p in (repo / ".dansokh_cache").glob("plans-*.sqlite3")) == databases


def test_the_staged_tree_is_removed_afterwards(repo, tmp_path):
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    done = hook(repo, env={"TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert os.listdir(temporary) == []
