"""Every rule, passing and failing, on small repositories described in tests/cases/rules.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import run, write_files
from dansokh.rules import ALL_RULES

CASES_FILE = Path(__file__).parent / "cases" / "rules.yaml"
SPEC = YAML(typ="safe").load(CASES_FILE.read_text(encoding="utf-8"))


def _text(spec: str | dict) -> str:
    if isinstance(spec, str):
        return spec
    text = SPEC["bases"][spec["base"]]
    for old, new in spec.get("replace", []):
        assert text.count(old) == 1, f"{old!r} must occur once in base {spec['base']!r}"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_rule_case(case, in_tmp):
    write_files(in_tmp, {name: _text(spec) for name, spec in case["files"].items()})
    result = run(["."])
    found = sorted(f"{d.code} {Path(d.span.file).as_posix()}:{d.span.line}" for d in result.diagnostics)
    assert found == sorted(case["expect"])


def test_every_check_has_a_failing_case():
    failing = {case.get("rule") for case in SPEC["cases"] if case.get("rule") in {e.split()[0] for e in case["expect"]}}
    checks = {rule.code for rule in ALL_RULES if rule.check is not None}
    assert checks - failing == set()
