"""`dansokh progress` over many units: a summary by default (issue 22), every unit's tables with
--detail; the JSON writer that keeps a national progress quick writes json.dump's very bytes."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PLANS, ROOT
from dansokh.cli import app
from dansokh.report.safe import json_dump

EXAMPLES = ROOT / "examples" / "results-2025"
runner = CliRunner()


@pytest.fixture
def example(in_tmp: Path) -> Path:
    shutil.copytree(PLANS, in_tmp / "plans")
    shutil.copytree(EXAMPLES, in_tmp / "results")
    return in_tmp


def _progress(*options: str) -> str:
    result = runner.invoke(app, ["progress", "--period", "Q1", "--results", "results", *options], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_summary_counts_every_units_verdicts_as_the_json_records_them(example):
    records = json.loads(_progress("-f", "json"))
    assert len(records) == 45
    iud = Counter(line["verdict"] for record in records for line in record["lines"] if line["indicator"] == "new_users_iud")
    out = _progress("--summary")
    assert "45 units with targets; reported: " in out
    row = [line for line in out.splitlines() if line.startswith("│ Dụng cụ tử cung")][-1]  # the summary's, after the top unit's
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    counted = [iud["achieved"], iud["on track"], iud["behind"], iud["not achieved"], iud["no result"]]
    assert cells[1:7] == [str(sum(counted)), *map(str, counted)]
    assert "Every unit's tables: --detail (45 units)" in out
    assert out.count("most behind first") == 1  # the table of the unit at the top (Hà Nội), its children ranked


def test_the_summary_names_the_furthest_behind_with_their_figures_in_vietnamese(example):
    result = runner.invoke(
        app, ["--lang", "vi", "progress", "--period", "Q1", "--results", "results", "--summary"], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "quý I năm 2025: 45 đơn vị có chỉ tiêu; đã báo cáo: " in out
    row = [line for line in out.splitlines() if line.startswith("│ Thuốc uống tránh thai")][-1]
    assert "Ba Đình (ba-dinh): 18,3% / 25,0%" in row  # the furthest behind first, Vietnamese numbers
    assert "Bảng của từng đơn vị: --detail (45 đơn vị)" in out


def test_more_units_than_many_make_the_summary_the_default_and_detail_the_tables(example, monkeypatch):
    tables = _progress()
    assert "units with targets" not in tables and tables.count("most behind first") > 1  # 45 units: every table, as before
    monkeypatch.setattr("dansokh.results.summary.MANY", 44)
    assert "45 units with targets" in _progress()
    assert _progress("--detail") == tables
    assert "units with targets" not in _progress_unit("long-bien")  # a unit named: its tables


def _progress_unit(unit: str) -> str:
    result = runner.invoke(app, ["progress", unit, "--period", "Q1", "--results", "results"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "document",
    [
        {}, [], "x", 5, None, True, (1, 2), [[[]]], {"a": {}, "b": []},
        {"a": [1, 2.5, None, True, False, "é\n\"\\\u2028", {"d": [[]]}], 3: "k", None: 1, 1.5: 2, True: 3},
        {"tên\ud800": ["\x00\x1f"]}, [float("nan"), float("inf"), -0.0, 1e300, 10**30],
    ],
)
def test_the_json_writer_writes_json_dumps_bytes(document):
    """The indented writer against json.dump's own, which writes the compact form (indent=None)."""
    written, compact = io.StringIO(), io.StringIO()
    json_dump(document, written)
    json_dump(document, compact, indent=None)
    assert written.getvalue() == json.dumps(json.loads(compact.getvalue()), ensure_ascii=False, indent=2) + "\n"


def test_the_json_writer_fails_as_json_does_on_what_json_cannot_write():
    from decimal import Decimal

    with pytest.raises(TypeError):
        json_dump({"a": Decimal(1)}, io.StringIO())


@pytest.mark.parametrize(
    ("command", "name", "other"),
    [
        (["indicators"], "text", "table"),
        (["progress", "long-bien", "--period", "Q1", "--results", "results"], "text", "table"),
        (["allocate", "--from", "long-bien", "--to", "ngoc-thuy"], "text", "table"),
        (["validate", "plans"], "markdown", "md"),
    ],
)
def test_every_format_has_one_name_and_the_old_spelling_still_works(example, command, name, other):
    """Issue 22: ``text`` for the tables people read everywhere, ``markdown`` everywhere; ``table``
    and ``md`` keep working (nobody's CI breaks), and write the same bytes."""
    named = runner.invoke(app, [*command, "--format", name], env={"COLUMNS": "200"})
    spelled = runner.invoke(app, [*command, "-f", other], env={"COLUMNS": "200"})
    assert named.exit_code == spelled.exit_code == 0, named.output + spelled.output
    assert named.stdout == spelled.stdout and named.stdout


def test_render_takes_markdown_for_md(example):
    named = runner.invoke(app, ["render", "appendix2", "--plan", "long-bien", "--format", "markdown"])
    spelled = runner.invoke(app, ["render", "appendix2", "--plan", "long-bien", "--format", "md"])
    assert named.exit_code == spelled.exit_code == 0, named.output
    assert named.stdout == spelled.stdout and named.stdout
