"""Builds can be told apart: the version comes from git (setuptools-scm), ``dansokh --version``
names the commit, and a build without git has a version all the same (pyproject.toml)."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import dansokh
from conftest import ROOT, cli, git

cli_app = importlib.import_module("dansokh.cli.app")  # the module (dansokh.cli.app is also the Typer app's name)

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# what a checkout needs to be built; tests, plans, .git and the rest are left out
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "tests", "plans", "benchmarks", "*.egg-info", "__pycache__", "build", "dist", ".*cache", "_version.py")


def test_the_version_comes_from_git_with_a_fallback():
    assert "version" not in PYPROJECT["project"] and PYPROJECT["project"]["dynamic"] == ["version"]
    assert any(r.startswith("setuptools-scm") for r in PYPROJECT["build-system"]["requires"])
    scm = PYPROJECT["tool"]["setuptools_scm"]
    assert scm["fallback_version"] == "0.1.1.dev0"  # above the 0.1.0 every commit used to be
    assert scm["version_file"] == "src/dansokh/_version.py"
    assert "src/dansokh/_version.py" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("commit", "dirty", "line", "version"),
    [
        ("g1a2b3c4d5e6f", False, "dansokh 0.2.0 (commit 1a2b3c4)", "0.2.0"),
        ("g1a2b3c4d5e6f", True, "dansokh 0.2.0 (commit 1a2b3c4, dirty: changes not committed)", "0.2.0"),
        (None, None, "dansokh 0.2.0", "0.2.0"),
        # a build from an sdist knows its commit from its version only
        (None, None, "dansokh 0.2.1.dev3+g1a2b3c4d5 (commit 1a2b3c4)", "0.2.1.dev3+g1a2b3c4d5"),
        (None, None, "dansokh 0.2.1.dev3+g1a2b3c4d5.d20261204 (commit 1a2b3c4, dirty: changes not committed)", "0.2.1.dev3+g1a2b3c4d5.d20261204"),
    ],
)
def test_the_version_line_names_the_commit_when_known(monkeypatch, tmp_path, commit, dirty, line, version):
    monkeypatch.setattr(dansokh, "__version__", version)
    monkeypatch.setattr(cli_app, "__version__", version)
    monkeypatch.setattr(dansokh, "__commit__", commit)
    monkeypatch.setattr(dansokh, "__dirty__", dirty)
    monkeypatch.setattr(cli_app, "__file__", str(tmp_path / "src" / "dansokh" / "cli" / "app.py"))  # not a checkout
    assert cli_app.version_line() == line
    assert cli("--version").stdout == line + "\n"


def test_in_a_checkout_the_commit_is_the_one_checked_out_now(monkeypatch, tmp_path):
    checkout = tmp_path / "dansokh"
    (checkout / "src" / "dansokh" / "cli").mkdir(parents=True)
    (checkout / "src" / "dansokh" / "__init__.py").write_text("", encoding="utf-8")
    git(checkout, "init", "-q", "-b", "main")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "one")
    head = git(checkout, "rev-parse", "--short=7", "HEAD").strip()
    monkeypatch.setattr(dansokh, "__commit__", "g0000000")
    monkeypatch.setattr(cli_app, "__file__", str(checkout / "src" / "dansokh" / "cli" / "app.py"))
    assert cli_app.version_line() == f"dansokh {dansokh.__version__} (commit {head})"
    (checkout / "src" / "dansokh" / "__init__.py").write_text("# changed\n", encoding="utf-8")
    assert cli_app.version_line() == f"dansokh {dansokh.__version__} (commit {head}, dirty: changes not committed)"


def test_this_dansokh_names_its_commit():
    """The dansokh under test was installed from this checkout: its line names a commit."""
    line = cli("--version").stdout
    assert re.fullmatch(r"dansokh \S+ \(commit [0-9a-f]{7,}(, dirty: changes not committed)?\)\n", line), line
    if (ROOT / ".git").exists():
        assert git(ROOT, "rev-parse", "HEAD").startswith(line.split("commit ")[1][:7])


def _wheel(source: Path, out: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("dansokh-*.whl")
    return wheel.name


@pytest.mark.slow  # two builds of the wheel, some 20 s each
def test_a_build_from_git_and_one_without(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    # an archive without git: the fallback version
    assert _wheel(source, tmp_path / "plain").startswith("dansokh-0.1.1.dev0-")
    # a clone without tags: the commits counted and the commit itself
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "one")
    head = git(source, "rev-parse", "--short=9", "HEAD").strip()
    assert _wheel(source, tmp_path / "untagged").startswith(f"dansokh-0.1.1.dev1+g{head}-")
    # a release tag: its version alone
    git(source, "tag", "v0.2.0")
    wheel = tmp_path / "tagged" / _wheel(source, tmp_path / "tagged")
    assert wheel.name.startswith("dansokh-0.2.0-")
    with zipfile.ZipFile(wheel) as archive:
        written = archive.read("dansokh/_version.py").decode("utf-8")
    assert '__version__ = "0.2.0"' in written and f"__commit__ = 'g{head}" in written and "__dirty__ = False" in written
