"""The command line stays thin: one path from a problem to its message and exit status
(``cli/errors.py``), the heavy stages reached through ``cli/stages.py`` only, and the decisions
about what to load made by the stages (``results.progress.sums_from_below``)."""

from __future__ import annotations

import ast
import importlib
import json
import shutil
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from conftest import PLANS, ROOT
from dansokh.cascade.split import SplitError, WeightsError
from dansokh.check.run import load_checked
from dansokh.cli import app
from dansokh.cli.errors import ERRORS, FILENAME, STATUS, USAGE, exit_for, reported, status_of
from dansokh.cli.stages import MODULES
from dansokh.results.progress import sums_from_below
from dansokh.write.atomic import WriteRefused
from dansokh.write.output import OutputRefused

EXAMPLES = ROOT / "examples" / "results-2025"
STAGES = ROOT / "src" / "dansokh" / "cli" / "stages.py"
runner = CliRunner()


# --- cli/stages.py --------------------------------------------------------------------------------


def test_each_lazy_name_is_the_module_the_type_checker_sees():
    """The names the type checker reads (the imports under TYPE_CHECKING) are the modules
    ``MODULES`` imports when a command runs, and ``__all__`` lists each once."""
    tree = ast.parse(STAGES.read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    seen = {}
    for node in guarded.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 2, ast.unparse(node)
        for alias in node.names:
            seen[alias.asname or alias.name] = f"dansokh.{node.module}.{alias.name}"
    assert seen == MODULES
    from dansokh.cli import stages

    assert sorted(stages.__all__) == sorted(MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_lazy_name_gives_its_module(name):
    from dansokh.cli import stages

    assert getattr(stages, name) is importlib.import_module(MODULES[name])


def test_an_unknown_lazy_name_is_an_attribute_error():
    from dansokh.cli import stages

    name = "nothing"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        getattr(stages, name)


def test_the_command_line_imports_none_of_the_lazy_modules():
    """``import dansokh.cli`` (what ``dansokh --help`` runs) loads none of the modules ``stages`` defers."""
    code = f"import sys, dansokh.cli\nprint(','.join(m for m in {sorted(MODULES.values())!r} if m in sys.modules))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


# --- cli/errors.py --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STATUS))
def test_every_exception_errors_names_is_one(name):
    module, _dot, qualname = name.rpartition(".")
    kind = getattr(importlib.import_module(module), qualname)
    assert isinstance(kind, type) and issubclass(kind, Exception)
    assert STATUS[name] in (ERRORS, USAGE)


def test_a_subclass_has_its_own_status_before_its_base():
    assert status_of(WeightsError("x")) == USAGE  # a weights file given: a usage error
    assert status_of(SplitError("x")) == ERRORS  # a quota the plans cannot split: an error
    assert status_of(ValueError("x")) is None


def _exit(capsys, error, **how):
    exit = exit_for(error, **how)
    assert isinstance(exit, typer.Exit)
    return exit.exit_code, capsys.readouterr().err


def test_a_problem_becomes_its_message_and_status(capsys):
    assert _exit(capsys, OutputRefused("plans/a.yaml is a plan"), template="--output: {reason}") == (USAGE, "--output: plans/a.yaml is a plan\n")
    assert _exit(capsys, WriteRefused("changed while read")) == (ERRORS, "changed while read\n")
    denied = PermissionError(13, "Permission denied", "out/x.tmp")
    assert _exit(capsys, denied, writing="out/x.yaml") == (ERRORS, "cannot write out/x.yaml: Permission denied\n")
    assert _exit(capsys, denied, writing=FILENAME) == (ERRORS, "cannot write out/x.tmp: Permission denied\n")
    assert _exit(capsys, denied, reading="a.yaml", status=USAGE) == (USAGE, "cannot read a.yaml: Permission denied\n")


def test_a_bug_stays_a_traceback():
    """What no table names (a bug, an OSError where nothing is written or read) is not turned into a message."""
    with pytest.raises(KeyError):
        with reported("--output: {reason}"):
            raise KeyError("bug")
    with pytest.raises(PermissionError):
        with reported():
            raise PermissionError(13, "Permission denied")


# --- progress of one unit: every file only when a child's figures are its own children's sums ------


@pytest.fixture(scope="module")
def book():
    return load_checked([PLANS, EXAMPLES])[1].book


def test_a_child_without_its_own_report_needs_the_level_below(book):
    assert not sums_from_below(book, "ha-noi", 2025, "Q1")  # every district reported
    assert not sums_from_below(book, "long-bien", 2025, "Q1")  # every ward reported
    assert sums_from_below(book, "long-bien", 2025, "Q2")  # Cự Khối did not
    assert sums_from_below(book, "ha-noi", 2025, "Q2")  # only Long Biên reported
    assert not sums_from_below(book, "ngoc-thuy", 2025, "Q1")  # a ward has no children


def test_progress_of_a_unit_whose_child_did_not_report_is_the_same_as_among_every_unit(in_tmp):
    """Without Long Biên's own report its figures are its wards' sums, which a load of the city
    and its districts alone does not read: the city's progress reads every file and says what the
    progress of every unit says of it."""
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    (in_tmp / "results" / "Q1" / "long-bien.yaml").unlink()
    asked = ["--period", "Q1", "--year", "2025", "--results", "results", "-f", "json"]
    alone = runner.invoke(app, ["progress", "ha-noi", *asked])
    every = runner.invoke(app, ["progress", *asked])
    assert alone.exit_code == every.exit_code == 0, alone.output + every.output
    city = json.loads(alone.stdout)
    assert city == [entry for entry in json.loads(every.stdout) if entry["unit"] == "ha-noi"]
    long_bien = next(child for child in city[0]["children"] if child["unit"] == "long-bien")
    screening = next(line for line in long_bien["lines"] if line["indicator"] == "prenatal_screening")
    assert (screening["result"], screening["result_from"]) == ("91.43", "children")
