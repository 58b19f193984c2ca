"""Machine formats name files from the repository's root, whatever the working folder (a CI step
with ``working-directory:``); the text format names them from the working folder, as people type
them (``dansokh.report.paths``)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import PLANS, cli, git, line_of
from dansokh.report.paths import machine_path

LONG_BIEN = "plans/2025/long-bien.yaml"
CITY = "plans/2025/city.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository of the real plans, Long Biên's screening lowered below the city's 87 %
    (C001 at Long Biên, related to the city's table); the run works in plans/2025."""
    root = tmp_path / "repo"
    shutil.copytree(PLANS, root / "plans")
    plan = root / LONG_BIEN
    plan.write_text(plan.read_text(encoding="utf-8").replace("    value: 90\n", "    value: 86\n", 1), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    monkeypatch.chdir(root / "plans" / "2025")
    return root


def _line(repo: Path) -> int:
    return line_of(repo / LONG_BIEN, "value: 86", after="indicator: prenatal_screening")


def test_json_from_a_subfolder_names_files_from_the_root(repo):
    result = cli("validate", "--format", "json", ".", "--no-cache")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    below = next(d for d in document["diagnostics"] if d["code"] == "C001")
    assert (below["file"], below["line"]) == (LONG_BIEN, _line(repo))
    assert [r["file"] for r in below["related"]] == [CITY]
    assert {d["file"] for d in document["diagnostics"]} <= {LONG_BIEN, "plans/2025/bac-cuong.yaml"}


def test_github_from_a_subfolder_annotates_files_from_the_root(repo):
    result = cli("validate", "--format", "github", "long-bien.yaml", "--no-cache")
    assert result.exit_code == 1
    assert f"::error file={LONG_BIEN},line={_line(repo)},col=12,title=C001::" in result.stdout
    assert "file=long-bien.yaml" not in result.stdout


def test_sarif_from_a_subfolder_locates_files_from_the_root(repo):
    result = cli("validate", "--format", "sarif", "long-bien.yaml", "--no-cache")
    assert result.exit_code == 1
    (run,) = json.loads(result.stdout)["runs"]
    below = next(r for r in run["results"] if r["ruleId"] == "C001")
    assert below["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == LONG_BIEN
    assert below["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == CITY


def test_junit_from_a_subfolder_names_test_cases_from_the_root(repo):
    result = cli("validate", "--format", "junit", ".", "--no-cache")
    assert result.exit_code == 1
    cases = list(ET.fromstring(result.stdout.encode("utf-8")).iter("testcase"))
    files = sorted({case.get("file", "") or case.get("name", "") for case in cases})  # a case per finding, a passing one per clean file
    assert files == sorted(f"plans/2025/{name}" for name in ("bac-cuong.yaml", "city.yaml", "long-bien-directive-11.yaml", "long-bien-srb.yaml", "long-bien.yaml"))
    assert all(case.get("name", "").startswith("plans/2025/") for case in cases)


def test_the_text_format_stays_relative_to_the_working_folder(repo):
    result = cli("validate", "--format", "text", "long-bien.yaml", "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"long-bien.yaml:{_line(repo)}:12: C001 ")


def test_an_output_file_from_a_subfolder_too(repo):
    result = cli("validate", "--format", "json", "--output", "../../report.json", "long-bien.yaml", "--no-cache")
    assert result.exit_code == 1
    document = json.loads((repo / "report.json").read_text(encoding="utf-8"))
    assert {d["file"] for d in document["diagnostics"]} == {LONG_BIEN}


def test_from_above_the_repository_and_outside_git(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("validate", "--format", "json", "repo/plans", "--no-cache")
    assert {d["file"] for d in json.loads(result.stdout)["diagnostics"]} == {LONG_BIEN, "plans/2025/bac-cuong.yaml"}
    shutil.rmtree(repo / ".git")  # no git work tree: the names as the check gave them
    result = cli("validate", "--format", "json", "repo/plans", "--no-cache")
    assert {d["file"] for d in json.loads(result.stdout)["diagnostics"]} == {f"repo/{LONG_BIEN}", "repo/plans/2025/bac-cuong.yaml"}


def test_machine_path_uses_slashes_and_the_nearest_work_tree(repo, monkeypatch):
    assert machine_path("long-bien.yaml") == LONG_BIEN
    assert machine_path(str(repo / CITY)) == CITY
    assert machine_path("../../plans/2025/../2025/city.yaml") == CITY
    (repo / "plans" / "sub").mkdir()
    (repo / "plans" / "sub" / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a submodule's work tree
    assert machine_path("../sub/x.yaml") == "x.yaml"


def test_staged_from_a_subfolder_names_files_from_the_root(repo):
    git(repo, "add", "-A")
    result = cli("validate", "--staged", "--format", "github", "long-bien.yaml")
    assert result.exit_code == 1, result.output
    assert f"::error file={LONG_BIEN},line={_line(repo)},col=12,title=C001::" in result.stdout
