"""The whole check: files -> loading -> typed plans -> rules -> one Result."""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Result
from .loader import DEFAULT_MAX_BYTES, discover, load_file
from .plans import parse_plan
from .rules import PLAN_RULES, REPO_RULES
from .rules.loading import NO_PLANS
from .source import Span
from .tree import LoadedPlan, Repository


def display_path(path: Path) -> str:
    """Paths as the user would type them: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def load_plans(paths: list[Path], result: Result, max_bytes: int = DEFAULT_MAX_BYTES) -> list[LoadedPlan]:
    files, empty = discover(paths)
    for folder in empty:
        result.diagnostics.append(NO_PLANS.at(Span(display_path(folder), 1, 1), "no plan files (*.yaml) here"))
    result.summary.files = len(files)
    plans: list[LoadedPlan] = []
    for file in files:
        loaded = load_file(file, display_path(file), max_bytes)
        result.diagnostics.extend(loaded.diagnostics)
        plan, problems = parse_plan(loaded)
        result.diagnostics.extend(problems)
        if plan is not None:
            plans.append(LoadedPlan(plan, loaded.source))
    result.summary.plans = len(plans)
    return plans


def check(plans: list[LoadedPlan], result: Result) -> Repository:
    for loaded in plans:
        for rule in PLAN_RULES:
            result.diagnostics.extend(rule.check(rule, loaded))  # type: ignore[misc]
    repo = Repository.build(plans)
    for rule in REPO_RULES:
        result.diagnostics.extend(rule.check(rule, repo))  # type: ignore[misc]
    result.summary.edges = len(repo.edges())
    return repo


def validate(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Result:
    result = Result()
    check(load_plans(paths, result, max_bytes), result)
    return result.finish()
