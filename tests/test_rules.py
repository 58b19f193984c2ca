"""Every rule, passing and failing, on the small repositories of src/dansokh/check/examples.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from dansokh.check import examples
from dansokh.check.rules import ALL_RULES

CASES = examples.examples()["cases"]


def found(result) -> list[str]:
    return sorted(f"{d.code} {Path(d.span.file).as_posix()}:{d.span.line}" for d in result.diagnostics)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case):
    assert found(examples.run(case)) == sorted(case["expect"])


@pytest.mark.parametrize("case", [c for c in CASES if c.get("rule")], ids=lambda c: f"{c['rule']} {c['name']}")
def test_the_passing_example_does_not_report_the_rule(case):
    assert [d for d in examples.run(case, passing=True).diagnostics if d.code == case["rule"]] == []


def test_every_rule_has_a_failing_case():
    failing = {case.get("rule") for case in CASES if case.get("rule") in {e.split()[0] for e in case["expect"]}}
    assert {rule.code for rule in ALL_RULES} - failing == set()
