"""``dansokh schema``: the JSON Schema of a plan file, checked with the jsonschema library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML
from typer.testing import CliRunner

from conftest import PLANS
from dansokh.cli import app
from dansokh.model.catalogue import CATALOGUE, UNITS
from dansokh.model.schema import plan_schema

runner = CliRunner()
PLAN_FILES = sorted((PLANS / "2025").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = plan_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _load(text: str):
    """As an editor or check-jsonschema reads a plan: plain YAML 1.2, numbers as floats."""
    return YAML(typ="safe", pure=True).load(text)


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.name)
def test_the_plans_validate_against_the_schema(validator, path: Path):
    errors = list(validator.iter_errors(_load(path.read_text(encoding="utf-8"))))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_there_are_plans_to_check():
    assert len(PLAN_FILES) == 5


def test_numbers_are_numbers_ids_have_patterns_keys_have_descriptions():
    schema = plan_schema()
    target = schema["$defs"]["Target"]["properties"]
    assert target["value"]["type"] == "number"
    assert schema["$defs"]["AllocationRow"]["properties"]["values"]["items"] == {
        "anyOf": [{"type": "number"}, {"type": "null"}]
    }
    assert schema["properties"]["id"]["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
    assert schema["$defs"]["UnitDecl"]["properties"]["id"]["pattern"] == schema["properties"]["id"]["pattern"]
    assert target["indicator"]["enum"] == list(CATALOGUE)
    assert target["indicator"]["enumDescriptions"][list(CATALOGUE).index("new_users_iud")] == "Dụng cụ tử cung (đặt vòng)"
    assert target["unit"]["anyOf"][0]["enum"] == list(UNITS)
    assert "dansokh indicators" in target["indicator"]["description"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$defs"]["Target"]["additionalProperties"] is False
    assert "string" not in json.dumps(target["value"])


MINIMAL = {
    "id": "a",
    "year": 2025,
    "scope": "annual",
    "document": {"issuer": "UBND A", "title": "Kế hoạch A", "signer": {}},
    "unit": {"id": "a", "name": "A", "level": "cấp tỉnh"},
    "targets": [{"indicator": "prenatal_screening", "value": 90}],
    "appendices": [
        {
            "kind": "allocation",
            "title": "Biểu",
            "columns": [{"indicator": "new_users_iud", "label": "Dụng cụ tử cung"}],
            "rows": [{"tt": "1", "name": "B", "values": [0.15]}, {"name": "Tổng", "total": True, "values": [None]}],
        }
    ],
}


@pytest.mark.parametrize(
    "change, where",
    [
        ({"yeer": 2025}, []),
        ({"id": "Long Biên"}, ["id"]),
        ({"year": "2025"}, ["year"]),
        ({"targets": [{"indicator": "prenatal_screenin", "value": 90}]}, ["targets", 0, "indicator"]),
        ({"targets": [{"indicator": "prenatal_screening", "value": "90"}]}, ["targets", 0, "value"]),
        ({"targets": [{"indicator": "prenatal_screening", "value": True}]}, ["targets", 0, "value"]),
        ({"targets": [{"indicator": "prenatal_screening", "value": 90, "unit": "phần trăm"}]}, ["targets", 0, "unit"]),
        ({"document": {"issuer": "x", "title": "x", "signer": {}, "date": "03/01/2025"}}, ["document", "date"]),
    ],
)
def test_the_schema_rejects_what_dansokh_rejects(validator, change, where):
    assert list(validator.iter_errors(MINIMAL)) == []
    errors = list(validator.iter_errors({**MINIMAL, **change}))
    assert errors and list(errors[0].absolute_path) == where


def test_a_code_written_as_a_number_is_rejected(validator):
    plan = json.loads(json.dumps(MINIMAL))
    plan["appendices"][0]["rows"][0]["tt"] = 1
    assert not validator.is_valid(plan)


def test_the_schema_command(in_tmp):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == plan_schema()
    result = runner.invoke(app, ["schema", "--output", "plan.schema.json"])
    assert result.exit_code == 0 and result.output == ""
    assert json.loads((in_tmp / "plan.schema.json").read_text(encoding="utf-8")) == plan_schema()
