"""The rule registry: every code dansokh reports, registered explicitly, never reused.

``EVERY_RULE`` is what `dansokh rules`, the README's table and the catalogues are made from:
the codes `validate` reports (``ALL_RULES``) and then the F codes `dansokh import` reports at a
workbook's cells (``IMPORT_RULES``, read.form_codes).
"""

from __future__ import annotations

from ...read.codes import LOAD_RULES
from ...read.form_codes import FORM_RULES
from . import cascade, crosswalk, official, results, tables, targets, units
from .base import Rule

ALL_RULES: tuple[Rule, ...] = (
    LOAD_RULES + tables.RULES + targets.RULES + units.RULES + cascade.RULES + results.RULES + official.RULES + crosswalk.RULES
)
"""Every code ``validate`` reports (what --select and --ignore choose from, and SARIF lists)."""
IMPORT_RULES: tuple[Rule, ...] = FORM_RULES
"""The codes `dansokh import` reports at a workbook's cells (F), beside K codes at their cells."""
EVERY_RULE: tuple[Rule, ...] = ALL_RULES + IMPORT_RULES
PLAN_RULES = tuple(rule for rule in ALL_RULES if rule.scope == "plan")
REPO_RULES = tuple(rule for rule in ALL_RULES if rule.scope == "repo")
RESULT_RULES = tuple(rule for rule in ALL_RULES if rule.scope == "results")


def _check_unique(rules: tuple[Rule, ...]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.code in seen:
            raise RuntimeError(f"rule code {rule.code} is used by both {seen[rule.code]} and {rule.name}")
        seen[rule.code] = rule.name


_check_unique(EVERY_RULE)
BY_CODE = {rule.code: rule for rule in ALL_RULES}
