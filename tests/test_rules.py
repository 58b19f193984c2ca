"""Every rule, passing and failing, on the small repositories of src/dansokh/check/examples.yaml."""

from __future__ import annotations

import ast
import re
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


# --- rule codes are the Rule objects' ---------------------------------------------------------

SRC = Path(__file__).resolve().parent.parent / "src" / "dansokh"
CODE = re.compile(r"^[A-Z]\d{3}$")
DEFINERS = {"Rule", "plan_rule", "repo_rule", "results_rule"}


def _loose_codes(source: str) -> set[str]:
    """The rule codes written as string literals, other than where a rule is defined."""
    tree = ast.parse(source)
    defining = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and node.args and getattr(node.func, "id", getattr(node.func, "attr", None)) in DEFINERS
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value) and id(node) not in defining
    }


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_rule_code_is_a_loose_string(path):
    """A rule's code is written once, where the rule is defined; elsewhere ``rule.code``."""
    assert _loose_codes(path.read_text(encoding="utf-8")) == set()


def test_the_check_of_loose_codes_sees_them():
    source = 'R = Rule("T001", "x", "y")\n@plan_rule("T002", "n", "s")\ndef f(): return d.code == "T001"\n'
    assert _loose_codes(source) == {"T001"}
