"""The whole check: plans loaded (``load``) -> rules -> the findings.

The paths a user gives are the *report*; the repository they belong to is the *context*: loading
(``load``) reads the reported files and the files their checks need, each file checked on its own
by this stage's per-file job (``check.files``, handed to loading as ``JOB``).  Here the rules of
the repository and of the results run over what was loaded, inline suppressions apply, and the
diagnostics that stand in a reported file or point at one are kept (a ward's C001 points at the
district table that assigned the target).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import localcontext
from pathlib import Path

from ..cascade.repository import Repository
from ..cascade.results import Book
from ..diagnostics import Severity, Span
from ..i18n import _
from ..load import Changed, FileJob, Loaded, load, load_repository
from ..load.workers import collector_paused
from ..model.numbers import EXACT
from ..read.loader import DEFAULT_MAX_BYTES
from . import files, suppress
from .findings import Findings
from .rules import PLAN_RULES, REPO_RULES, RESULT_RULES
from .selection import OPT_IN, Selection

__all__ = ["CHECK", "JOB", "Changed", "check", "load_checked", "validate"]

JOB = FileJob(
    namespace=files.namespace,
    check_file=files.check_file,
    decode=files.decode,
    header_of=files.header_of,
    cached_header=files.cached_header,
    bad_entry=files.BadEntry,
)
"""One file checked on its own (``check.files``): what loading is handed to do with each file."""


def check(loaded: Loaded, selection: Selection | None = None) -> Findings:
    """The rules over the loaded plans (opt-in ones only where ``selection`` names them), inline
    suppressions, and the diagnostics of the reported files and those that point at one."""
    findings = Findings(diagnostics=list(loaded.diagnostics), notices=list(loaded.notices), inputs=loaded.every_file)
    repo = loaded.repository
    reported = set(loaded.report)
    with localcontext(EXACT):  # sums and products of plan numbers, exact (model/numbers.py)
        for rule in REPO_RULES + tuple(r for r in PLAN_RULES if r.needs is not None):
            if rule.opt_in and (selection is None or not selection.runs(rule)):
                continue
            reason = rule.needs() if rule.needs is not None else None
            if reason is not None:  # selected, and cannot run here: said once, never a silent pass
                if loaded.report:
                    where = Span(loaded.report[0], 1, 1)
                    message = _("not checked, and so not passed: {reason}").format(reason=reason)
                    findings.diagnostics.append(rule.at(where, message, severity=Severity.ERROR))
                continue
            if rule.scope == "repo":  # a plan rule ran on each file (check.files)
                findings.diagnostics.extend(rule.check(rule, repo))  # type: ignore[misc]
        findings.repository = repo
        findings.book = book = Book.build(repo, loaded.results)
        if book.results:
            for rule in RESULT_RULES:
                findings.diagnostics.extend(rule.check(rule, book))  # type: ignore[misc]
    findings.diagnostics = [
        d
        for d in suppress.apply(findings.diagnostics, loaded.suppressions)
        if d.file in reported or any(r.span.file in reported for r in d.related) or d.file not in loaded.read
    ]
    summary = findings.summary
    findings.files = list(loaded.report)
    summary.files = len(loaded.report)
    summary.plans = sum(1 for p in repo.plans if p.file in reported)
    summary.results = sum(1 for r in loaded.results if r.file in reported)
    outside: dict[str, str] = {}
    for parent, child in repo.edges():
        if parent.file in reported or child.file in reported:
            summary.edges += 1
            for end in (parent, child):
                if end.file not in reported:
                    outside[end.file] = end.plan.id
    summary.outside = sorted(outside.values())
    if selection is not None:
        findings.diagnostics = selection.apply(findings.diagnostics)
    else:  # an opt-in plan rule ran on each file: its findings count only where it is selected
        findings.diagnostics = [d for d in findings.diagnostics if d.code not in OPT_IN]
    return findings


@dataclass(frozen=True)
class _Check:
    """The check as loading takes it (``load.Check``): this stage's per-file job, and the rules
    over what was loaded, no opt-in rule selected."""

    job: FileJob = JOB

    def conclude(self, loaded: Loaded) -> Findings:
        return check(loaded).finish()


CHECK = _Check()
"""What a command hands ``load.load_repository``: its plans come back checked."""


def validate(
    paths: list[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: dict[Path, str] | None = None,
    selection: Selection | None = None,
    *,
    changed: Changed | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    within: Path | None = None,
    cache_for: Callable[[Path], Path] | None = None,
) -> Findings:
    """Every check on every plan under ``paths``, each against its parent's and children's plans
    wherever they are in the repository (found from ``within`` where given, else from the first
    path); with ``changed``, on the changed plans and their neighbours instead.  Inline
    suppressions, then the selection of rules and severities, decide what is reported.
    ``cache_for`` gives the folder whose cache serves a repository read elsewhere (a staged tree)."""
    started = time.perf_counter()
    loaded = load(
        paths, JOB, max_bytes, overrides=overrides, changed=changed, use_cache=use_cache, jobs=jobs,
        within=within, cache_for=cache_for,
    )
    with collector_paused():
        findings = check(loaded, selection)
    findings.seconds = time.perf_counter() - started
    return findings.finish()


def load_checked(
    paths: list[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    whole: bool = True,
    focus: Iterable[str] = (),
    use_cache: bool = True,
    jobs: int | None = None,
) -> tuple[Repository, Findings]:
    """The repository of the plans under ``paths``, checked, and the check's findings: what a
    command works on (``load.load_repository`` with this stage's check); ``whole=False``: the plans
    as outlines, enough for the cascade; ``focus``: only the files the named plans' or units'
    check needs are read."""
    return load_repository(CHECK, paths, max_bytes, whole=whole, focus=focus, use_cache=use_cache, jobs=jobs)
