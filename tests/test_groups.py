"""A whole repository is checked a group of files at a time (``load.Loader.parts``,
``check.run.check_parts``), each group with the files its checks need, then dropped: what it
reports is byte for byte what the repository loaded at once reports, and no group holds the
country.  Groups of one file here, so that every edge, declaration and result crosses groups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, write_files
from dansokh.check import examples
from dansokh.check.run import JOB, check, validate
from dansokh.cli import app
from dansokh.load import Parts, load, load_parts, loader

runner = CliRunner()


def _at_once(path: Path) -> tuple[list[dict], dict]:
    findings = check(load([path], JOB, use_cache=False)).finish()
    return [d.to_dict() for d in findings.diagnostics], vars(findings.summary)


def _in_groups(path: Path) -> tuple[list[dict], dict]:
    findings = validate([path], use_cache=False)
    return [d.to_dict() for d in findings.diagnostics], vars(findings.summary)


@pytest.fixture
def groups_of(monkeypatch):
    def size(files: int) -> None:
        monkeypatch.setattr(loader, "GROUP_FILES", files)

    return size


def test_every_rule_example_in_groups_of_one_file_says_what_it_says_at_once(tmp_path, groups_of, monkeypatch):
    groups_of(1)
    for index, case in enumerate(examples.examples()["cases"]):
        for passing in (False, True):
            folder = tmp_path / f"case{index}-{passing}"
            write_files(folder, {**examples.files_of(case, passing), "dansokh.toml": 'plans = ["."]\n'})
            monkeypatch.chdir(folder)
            assert _in_groups(Path(".")) == _at_once(Path(".")), (case.get("rule"), passing)


@pytest.mark.parametrize("folder", ["plans", "examples/results-2025", "examples/reform-2026", "examples/january-2026"])
def test_the_real_plans_and_examples_in_groups_say_what_they_say_at_once(folder, groups_of, monkeypatch):
    monkeypatch.chdir(ROOT)
    groups_of(1)
    assert _in_groups(Path(folder)) == _at_once(Path(folder))


@pytest.fixture
def country(in_tmp) -> Path:
    """Two generated provinces with their results, and problems that cross groups: assignments
    not met, a name no unit has, a plan id used twice, units whose parents go round in a circle
    through three plans, figures that do not add up, an ignored finding and a stale ignore."""
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "repo", "--provinces", "2", "--results"],
        check=True,
        capture_output=True,
    )
    plans = sorted(Path("repo/2025").rglob("*.yaml"))
    for index, path in enumerate(plans[::7]):
        text = path.read_text(encoding="utf-8")
        if index % 3 == 0:
            text = text.replace("value: 1", "value: 0", 1)
        elif index % 3 == 1:
            text = text.replace("name: ", "name: Khác ", 1)
        else:
            text = text.replace("year: 2025", "year: 2025  # dansokh: ignore[C001] checked by hand", 1)
        path.write_text(text, encoding="utf-8")
    first, last = plans[3], plans[-2]
    plan_id = next(line for line in first.read_text(encoding="utf-8").splitlines() if line.startswith("id: "))
    text = last.read_text(encoding="utf-8")
    last.write_text(text.replace(next(line for line in text.splitlines() if line.startswith("id: ")), plan_id, 1), encoding="utf-8")
    province = Path("repo/2025/p01/p01.yaml")
    province.write_text(province.read_text(encoding="utf-8").replace("parent: viet-nam}", "parent: p01-d01-c01}", 1), encoding="utf-8")
    results = sorted(Path("repo/results").rglob("*.yaml"))
    for path in results[::11]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("value: ", "value: 9", 1), encoding="utf-8")
    return Path("repo")


@pytest.mark.slow
def test_a_country_in_groups_prints_the_bytes_it_prints_at_once(country, groups_of):
    outputs = {}
    for size in (1, 7, 100_000):
        groups_of(size)
        for fmt in ("text", "json"):
            result = runner.invoke(app, ["validate", str(country), "--no-cache", "--format", fmt])
            assert result.exit_code == 1
            outputs[(size, fmt)] = result.stdout_bytes
    for fmt in ("text", "json"):
        assert outputs[(1, fmt)] == outputs[(7, fmt)] == outputs[(100_000, fmt)]
    for code in ("C001", "U003", "U005", "U007", "K00", "X002"):
        assert code.encode() in outputs[(1, "text")]
    assert _in_groups(country) == _at_once(country)


def test_no_group_holds_the_country(country, groups_of):
    """A group holds its own files and their context (their parents, their children, their
    siblings' declarations), never every plan."""
    groups_of(20)
    parts = load_parts([country], JOB, use_cache=False)
    assert isinstance(parts, Parts)
    plans = len(list(Path("repo/2025").rglob("*.yaml")))
    held = [len(part.loaded.repository.plans) for part in parts]
    assert len(held) > 10
    assert max(held) < plans // 3
