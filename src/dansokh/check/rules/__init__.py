"""The rule registry: every code dansokh reports, registered explicitly, never reused."""

from __future__ import annotations

from ...read.codes import LOAD_RULES
from . import cascade, crosswalk, official, results, tables, targets, units
from .base import Rule

ALL_RULES: tuple[Rule, ...] = (
    LOAD_RULES + tables.RULES + targets.RULES + units.RULES + cascade.RULES + results.RULES + official.RULES + crosswalk.RULES
)
PLAN_RULES = tuple(rule for rule in ALL_RULES if rule.scope == "plan")
REPO_RULES = tuple(rule for rule in ALL_RULES if rule.scope == "repo")
RESULT_RULES = tuple(rule for rule in ALL_RULES if rule.scope == "results")


def _check_unique(rules: tuple[Rule, ...]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.code in seen:
            raise RuntimeError(f"rule code {rule.code} is used by both {seen[rule.code]} and {rule.name}")
        seen[rule.code] = rule.name


_check_unique(ALL_RULES)
BY_CODE = {rule.code: rule for rule in ALL_RULES}
