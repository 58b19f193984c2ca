"""`validate` in CI: every output format, rule selection, configuration and inline suppression."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from typer.testing import CliRunner

from conftest import ROOT, line_of
from dansokh.cli import app

SCHEMAS = ROOT / "tests" / "schemas"
runner = CliRunner()


@pytest.fixture
def broken(real_plans: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real plans with Ba Đình's condom quota 15.500 -> 15.600 (T001 + T002 in city.yaml)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for reporter in ("sarif", "junit"):  # the goldens name a fixed version; each build has its own (pyproject.toml)
        monkeypatch.setattr(f"dansokh.report.{reporter}.__version__", "0.1.0")
    city = real_plans / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("2450, 15500]", "2450, 15600]"), encoding="utf-8")
    return city


def validate(*args: str):
    return runner.invoke(app, ["validate", "plans", *args])


def codes(output: str) -> list[str]:
    return re.findall(r": ([A-Z]\d{3}) ", output)


@pytest.mark.parametrize("name", ["text", "json", "github", "sarif", "junit"])
def test_each_format_against_its_golden_output(broken, golden, name):
    result = validate("--format", name)
    assert result.exit_code == 1
    output = re.sub(r'hostname="[^"]*"', 'hostname="HOST"', result.output)
    output = re.sub(r'(<testsuite [^>]*)time="[\d.]+"', r'\1time="0"', output)
    golden(f"formats/broken.{name}", output)


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(broken):
    document = json.loads(validate("--format", "sarif").output)
    schema = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    results = document["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("U004", "note"), ("T001", "error"), ("T002", "error")]
    region = results[2]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(broken, "name: Ba Đình, values: [18700")


def test_junit_is_valid_against_the_ant_junit_schema_with_file_and_line(broken):
    xml = validate("--format", "junit").output
    xmlschema.XMLSchema(SCHEMAS / "JUnit-file-line.xsd").validate(xml)
    assert '<testsuite name="dansokh validate" package="dansokh" id="0" timestamp="2026-01-01T00:00:00"' in xml
    # a case per diagnostic (2 errors, 1 note) and per file without any (3 of the 5)
    assert xml.count("<testcase ") == 6 and xml.count("<failure ") == 2 and xml.count("<skipped />") == 1
    assert f'file="plans/2025/city.yaml" line="{line_of(broken, "name: Ba Đình, values: [18700")}">' in xml
    assert '<failure message="Ba Đình: the total 18,700 is not the sum of its methods, 18,800 (off by 100)" type="T002">' in xml


def test_auto_is_github_under_github_actions(broken, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    line = f"::error file=plans/2025/city.yaml,line={line_of(broken, 'name: Tổng, total: true')},col=77,title=T001::"
    assert line in validate().output
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert "::error" not in validate().output


def test_output_file_is_written_whole(broken, in_tmp):
    result = validate("--format", "sarif", "--output", "out/dansokh.sarif")
    assert result.exit_code == 1 and result.output == ""
    assert json.loads((in_tmp / "out" / "dansokh.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert [p.name for p in (in_tmp / "out").iterdir()] == ["dansokh.sarif"]


def test_select_and_ignore_by_code_or_prefix(broken):
    assert codes(validate("--select", "T").output) == ["T001", "T002"]
    assert codes(validate("--select", "T,U", "--ignore", "T002").output) == ["U004", "T001"]
    assert codes(validate("--ignore", "T001", "--ignore", "U").output) == ["T002"]
    result = validate("--select", "T9")
    assert result.exit_code == 2 and "'T9' names no rule" in result.output


def test_severity_can_be_lowered_so_the_run_passes(broken):
    result = validate("--severity", "T=warning")
    assert result.exit_code == 0
    assert "0 errors, 2 warnings, 1 note." in result.output


def test_the_config_file_and_the_command_line_wins(broken, in_tmp):
    (in_tmp / "dansokh.toml").write_text('ignore = ["T002"]\nseverity = { U004 = "warning" }\n', encoding="utf-8")
    assert codes(validate().output) == ["U004", "T001"]
    assert "1 error, 1 warning, 0 notes." in validate().output
    assert codes(validate("--ignore", "T001").output) == ["U004", "T002"]  # the command line replaces the list
    assert "0 warnings, 1 note." in validate("--severity", "U004=info").output


def test_pyproject_tool_dansokh_is_read_too(broken, in_tmp):
    (in_tmp / "pyproject.toml").write_text('[project]\nname = "plans"\n\n[tool.dansokh]\nselect = ["T001"]\n', encoding="utf-8")
    assert codes(validate().output) == ["T001"]


def test_a_bad_config_is_a_usage_error_naming_the_file_and_key(broken, in_tmp):
    (in_tmp / "dansokh.toml").write_text('ignore = ["T002"]\nignroe = ["T001"]\n', encoding="utf-8")
    result = validate()
    assert result.exit_code == 2
    assert "dansokh.toml: unknown setting ignroe" in " ".join(result.output.split())


def test_inline_suppression_needs_a_reason_and_must_suppress_something(broken):
    text = broken.read_text(encoding="utf-8")
    row = "name: Ba Đình, values: [18700"
    with_reason = text.splitlines()
    index = line_of(broken, row) - 1
    with_reason[index] += "  # dansokh: ignore[T002] the district agreed the split in writing"
    broken.write_text("\n".join(with_reason) + "\n", encoding="utf-8")
    assert codes(validate().output) == ["U004", "T001"]

    without_reason = text.splitlines()
    without_reason[index] += "  # dansokh: ignore[T002]"
    broken.write_text("\n".join(without_reason) + "\n", encoding="utf-8")
    output = validate().output
    assert codes(output) == ["U004", "T001", "T002", "X001"]
    assert f"city.yaml:{index + 1}:76: X001 ignore[T002] needs codes and a reason after it" in output

    unused = text.splitlines()
    unused[index - 1] += "  # dansokh: ignore[C001] nothing to silence here"
    broken.write_text("\n".join(unused) + "\n", encoding="utf-8")
    assert "X002" in codes(validate().output)


def git(*args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], check=True, capture_output=True)


def test_changed_since_reports_what_touches_the_change(real_plans):
    """An old error in Bắc Cường is not this change's business; Long Biên's, under the changed city, is."""
    bac_cuong = real_plans / "2025" / "bac-cuong.yaml"
    bac_cuong.write_text(bac_cuong.read_text(encoding="utf-8").replace("value: 75", "value: 175", 1), encoding="utf-8")
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "start")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "plans")
    assert codes(validate().output) == ["U004", "T007"]
    city = real_plans / "2025" / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("Long Biên, values: [0.00, 87,", "Long Biên, values: [0.00, 92,"), encoding="utf-8")
    result = validate("--changed-since", "HEAD")
    assert result.exit_code == 1
    assert codes(result.output) == ["C001"]
    assert "plans/2025/long-bien.yaml:51:12: C001" in result.output
    assert validate("--changed-since", "no-such-rev").exit_code == 2
