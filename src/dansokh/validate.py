"""The whole check: files -> loading -> typed plans -> rules -> one Result."""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import suppress
from .diagnostics import Result
from .i18n import _
from .loader import DEFAULT_MAX_BYTES, discover, load_file, load_text
from .plans import parse_plan
from .rules import PLAN_RULES, REPO_RULES
from .rules.loading import NO_PLANS
from .selection import Selection
from .source import Span
from .tree import LoadedPlan, Repository


def display_path(path: Path) -> str:
    """Paths as the user would type them: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def load_plans(
    paths: list[Path],
    result: Result,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: dict[Path, str] | None = None,
) -> list[LoadedPlan]:
    """Load every plan under ``paths``; ``overrides`` stands in for files' text (a write
    about to happen is checked before it touches the disk)."""
    overrides = {path.resolve(): text for path, text in (overrides or {}).items()}
    files, empty = discover(paths)
    for folder in empty:
        result.diagnostics.append(NO_PLANS.at(Span(display_path(folder), 1, 1), _("no plan files (*.yaml) here")))
    result.summary.files = len(files)
    result.files = [display_path(file) for file in files]
    plans: list[LoadedPlan] = []
    for file in files:
        override = overrides.get(file.resolve())
        if override is not None:
            loaded = load_text(display_path(file), override.encode("utf-8"), max_bytes)
        else:
            loaded = load_file(file, display_path(file), max_bytes)
        result.diagnostics.extend(loaded.diagnostics)
        result.suppressions.extend(loaded.suppressions)
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


def validate(
    paths: list[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: dict[Path, str] | None = None,
    selection: Selection | None = None,
) -> Result:
    """Every check on every plan under ``paths``; inline suppressions, then the selection of
    rules and severities, decide what is reported."""
    started = time.perf_counter()
    result = Result()
    result.repository = check(load_plans(paths, result, max_bytes, overrides), result)
    result.diagnostics = suppress.apply(result.diagnostics, result.suppressions)
    if selection is not None:
        result.diagnostics = selection.apply(result.diagnostics)
    result.seconds = time.perf_counter() - started
    return result.finish()


def load_repository(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Repository, Result]:
    """The checked repository, for commands that work on plans (allocate, render)."""
    result = Result()
    repo = check(load_plans(paths, result, max_bytes), result)
    return repo, result.finish()
