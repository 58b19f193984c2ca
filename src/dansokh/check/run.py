"""The whole check: plan files -> loading -> typed plans -> rules -> the findings."""

from __future__ import annotations

import time
from pathlib import Path

from ..cascade.repository import LoadedPlan, Repository
from ..cascade.results import Book, LoadedResult
from ..diagnostics import Span
from ..i18n import _
from ..model.parse import parse_plan, parse_result
from ..model.result import is_result
from ..read.codes import NO_PLANS
from ..read.discover import discover, display_path
from ..read.loader import DEFAULT_MAX_BYTES, load_file, load_text
from . import suppress
from .findings import Findings
from .rules import PLAN_RULES, REPO_RULES, RESULT_RULES
from .selection import Selection


def load_plans(
    paths: list[Path],
    findings: Findings,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: dict[Path, str] | None = None,
    results: list[LoadedResult] | None = None,
) -> list[LoadedPlan]:
    """Load every plan under ``paths``; ``overrides`` stands in for files' text (a write
    about to happen is checked before it touches the disk).  Result files (``kind: result``)
    among them go to ``results``."""
    results = [] if results is None else results
    overrides = {path.resolve(): text for path, text in (overrides or {}).items()}
    files, empty = discover(paths)
    for folder in empty:
        findings.diagnostics.append(NO_PLANS.at(Span(display_path(folder), 1, 1), _("no plan files (*.yaml) here")))
    findings.summary.files = len(files)
    findings.files = [display_path(file) for file in files]
    plans: list[LoadedPlan] = []
    for file in files:
        override = overrides.get(file.resolve())
        if override is not None:
            loaded = load_text(display_path(file), override.encode("utf-8"), max_bytes)
        else:
            loaded = load_file(file, display_path(file), max_bytes)
        findings.diagnostics.extend(loaded.diagnostics)
        findings.suppressions.extend(loaded.suppressions)
        if is_result(loaded.data):
            result, problems = parse_result(loaded)
            findings.diagnostics.extend(problems)
            if result is not None:
                results.append(LoadedResult(result, loaded.source))
            continue
        plan, problems = parse_plan(loaded)
        findings.diagnostics.extend(problems)
        if plan is not None:
            plans.append(LoadedPlan(plan, loaded.source))
    findings.summary.plans = len(plans)
    findings.summary.results = len(results)
    return plans


def check(plans: list[LoadedPlan], findings: Findings, results: list[LoadedResult] | None = None) -> Repository:
    for loaded in plans:
        for rule in PLAN_RULES:
            findings.diagnostics.extend(rule.check(rule, loaded))  # type: ignore[misc]
    repo = Repository.build(plans)
    for rule in REPO_RULES:
        findings.diagnostics.extend(rule.check(rule, repo))  # type: ignore[misc]
    findings.summary.edges = len(repo.edges())
    findings.book = book = Book.build(repo, results or [])
    if book.results:
        for rule in RESULT_RULES:
            findings.diagnostics.extend(rule.check(rule, book))  # type: ignore[misc]
    return repo


def validate(
    paths: list[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: dict[Path, str] | None = None,
    selection: Selection | None = None,
) -> Findings:
    """Every check on every plan under ``paths``; inline suppressions, then the selection of
    rules and severities, decide what is reported."""
    started = time.perf_counter()
    findings = Findings()
    results: list[LoadedResult] = []
    findings.repository = check(load_plans(paths, findings, max_bytes, overrides, results), findings, results)
    findings.diagnostics = suppress.apply(findings.diagnostics, findings.suppressions)
    if selection is not None:
        findings.diagnostics = selection.apply(findings.diagnostics)
    findings.seconds = time.perf_counter() - started
    return findings.finish()


def load_repository(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Repository, Findings]:
    """The checked repository, for commands that work on plans (allocate, render); the results
    among the paths are in ``findings.book``."""
    findings = Findings()
    results: list[LoadedResult] = []
    repo = check(load_plans(paths, findings, max_bytes, results=results), findings, results)
    return repo, findings.finish()
