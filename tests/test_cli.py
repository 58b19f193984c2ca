"""The command line: output format, exit codes, rule listing."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from typer.testing import CliRunner

from conftest import ROOT, write_files
from dansokh.check.rules import ALL_RULES, EVERY_RULE, IMPORT_RULES
from dansokh.cli import app

runner = CliRunner()

PLAN = """\
id: a
year: 2025
scope: annual
document: {issuer: UBND A, symbol: KH-UBND, title: Kế hoạch A, signer: {}}
unit: {id: a, name: A, level: cấp tỉnh}
targets:
  - {indicator: prenatal_screening, value: 190}
"""


def test_validate_prints_file_line_col_code_message_and_exits_1(in_tmp):
    write_files(in_tmp, {"plans/a.yaml": PLAN})
    result = runner.invoke(app, ["validate", "plans"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "plans/a.yaml:7:44: T007 Tỷ lệ sàng lọc trước sinh (4 bệnh): 190% is not a percentage (0–100%)",
        "Checked 1 file, 1 plan, 0 parent→child edges: 1 error, 0 warnings, 0 notes.",
    ]


def test_validate_clean_exits_0(in_tmp):
    write_files(in_tmp, {"a.yaml": PLAN.replace("190", "90")})
    result = runner.invoke(app, ["validate", "a.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings, 0 notes.")


def test_json_format_carries_the_same_record(in_tmp):
    write_files(in_tmp, {"a.yaml": PLAN})
    result = runner.invoke(app, ["validate", "--format", "json", "a.yaml"])
    document = json.loads(result.output)
    assert document["diagnostics"] == [
        {
            "code": "T007",
            "severity": "error",
            "message": "Tỷ lệ sàng lọc trước sinh (4 bệnh): 190% is not a percentage (0–100%)",
            "file": "a.yaml",
            "line": 7,
            "column": 44,
            "related": [],
        }
    ]
    assert document["summary"]["errors"] == 1


def test_usage_errors_exit_2(in_tmp):
    assert runner.invoke(app, ["validate", "no-such-folder"]).exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--format", "xml", "."]).exit_code == 2
    assert runner.invoke(app, ["rules", "Z999"]).exit_code == 2


def test_rules_lists_every_code_and_documents_one():
    listing = runner.invoke(app, ["rules"]).output
    # every code validate reports, then the ones `dansokh import` reports at a workbook's cells
    assert [rule.code for rule in EVERY_RULE] == [rule.code for rule in ALL_RULES + IMPORT_RULES] == re.findall(r"^([A-Z]\d{3}) ", listing, re.MULTILINE)
    assert runner.invoke(app, ["rules", "F007"]).output.startswith("F007 not-a-number (error)")
    one = runner.invoke(app, ["rules", "c001"]).output
    assert one.startswith("C001 below-assignment (error)")
    assert "Gia Lâm 82%" in one


def test_indicators_lists_the_catalogue():
    output = runner.invoke(app, ["indicators"]).output
    assert "sex_ratio_at_birth" in output and "ceiling" in output


def test_python_dash_m(in_tmp):
    write_files(in_tmp, {"a.yaml": PLAN.replace("190", "90")})
    completed = subprocess.run([sys.executable, "-m", "dansokh", "validate", "a.yaml"], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_readme_lists_every_rule_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| ([A-Z]\d{3}) \| ([a-z0-9-]+) \| (\w+) \| (.+) \|$", readme, re.MULTILINE)
    assert table == [(r.code, r.name, r.severity.value, r.summary) for r in EVERY_RULE]  # as `dansokh rules`


def test_readme_quickstart_is_two_lines():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("dansokh validate plans/")
    run_line = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert run_line == lines[1]
