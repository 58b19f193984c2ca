"""The whole check: plans loaded (``load``) -> rules -> the findings.

The paths a user gives are the *report*; the repository they belong to is the *context*: loading
(``load``) reads the reported files and the files their checks need, each file checked on its own
by this stage's per-file job (``check.files``, handed to loading as ``JOB``).  Here the rules of
the repository and of the results run over what was loaded, inline suppressions apply, and the
diagnostics that stand in a reported file or point at one are kept (a ward's C001 points at the
district table that assigned the target).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import localcontext
from pathlib import Path
from typing import Any

from ..cascade.repository import Declared, LoadedPlan, Repository
from ..diagnostics import Diagnostic, Related, Rule, Severity, Span
from ..i18n import _
from ..load import Changed, FileJob, Loaded, Parts, Survey, load, load_parts, load_repository
from ..load.workers import collector_paused
from ..model.numbers import EXACT
from ..read.loader import DEFAULT_MAX_BYTES
from ..read.positions import Deferred, Located, SourceMap
from ..results.book import Book
from . import files, rules, suppress
from .findings import Findings
from .rules import PLAN_RULES, REPO_RULES, RESULT_RULES
from .selection import OPT_IN, Selection

__all__ = ["CHECK", "JOB", "Changed", "check", "check_parts", "load_checked", "validate"]

JOB = FileJob(
    namespace=files.namespace,
    check_file=files.check_file,
    decode=files.decode,
    header_of=files.header_of,
    cached_header=files.cached_header,
    bad_entry=files.BadEntry,
)
"""One file checked on its own (``check.files``): what loading is handed to do with each file."""


def _rules(loaded: Loaded, selection: Selection | None, first: str | None, skip: tuple[Rule, ...] = ()) -> tuple[list[Diagnostic], Book]:
    """The rules of the repository and of the results over what was loaded (opt-in ones only
    where ``selection`` names them; a selected rule that cannot run here says so at ``first``),
    after each loaded file's own diagnostics; no suppression applied yet."""
    diagnostics = list(loaded.diagnostics)
    repo = loaded.repository
    with localcontext(EXACT):  # sums and products of plan numbers, exact (model/numbers.py)
        for rule in REPO_RULES + tuple(r for r in PLAN_RULES if r.needs is not None):
            if rule.opt_in and (selection is None or not selection.runs(rule)):
                continue
            reason = rule.needs() if rule.needs is not None else None
            if reason is not None:  # selected, and cannot run here: said once, never a silent pass
                if first is not None:
                    message = _("not checked, and so not passed: {reason}").format(reason=reason)
                    diagnostics.append(rule.at(Span(first, 1, 1), message, severity=Severity.ERROR))
                continue
            if rule.scope == "repo" and rule not in skip:  # a plan rule ran on each file (check.files)
                diagnostics.extend(rule.check(rule, repo))  # type: ignore[misc]
        book = Book.build(repo, loaded.results)
        if book.results:
            for rule in RESULT_RULES:
                diagnostics.extend(rule.check(rule, book))  # type: ignore[misc]
    return diagnostics, book


def _settled(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics kept, each place a rule left to be found later (``Deferred``) found now:
    what leaves the check names plain spans."""
    kept = []
    for d in diagnostics:
        if isinstance(d.span, Deferred) or any(isinstance(r.span, Deferred) for r in d.related):
            related = tuple(Related(r.span.settled(), r.message) if isinstance(r.span, Deferred) else r for r in d.related)
            span = d.span.settled() if isinstance(d.span, Deferred) else d.span
            d = dataclasses.replace(d, span=span, related=related)
        kept.append(d)
    return kept


def _selected(findings: Findings, selection: Selection | None) -> None:
    if selection is not None:
        findings.diagnostics = selection.apply(findings.diagnostics)
    else:  # an opt-in plan rule ran on each file: its findings count only where it is selected
        findings.diagnostics = [d for d in findings.diagnostics if d.code not in OPT_IN]


def check(loaded: Loaded, selection: Selection | None = None) -> Findings:
    """The rules over the loaded plans (opt-in ones only where ``selection`` names them), inline
    suppressions, and the diagnostics of the reported files and those that point at one."""
    findings = Findings(notices=list(loaded.notices), inputs=loaded.every_file, survey=loaded.survey)
    repo = loaded.repository
    reported = set(loaded.report)
    diagnostics, findings.book = _rules(loaded, selection, loaded.report[0] if loaded.report else None)
    findings.repository = repo

    def shown(d: Diagnostic) -> bool:
        return d.file in reported or any(r.span.file in reported for r in d.related) or d.file not in loaded.read

    # kept before the suppressions apply, and again after: what a suppression matches stands in its own file,
    # so the findings are those of filtering once after them, without finding the places of what is dropped
    findings.diagnostics = _settled(d for d in suppress.apply([d for d in diagnostics if shown(d)], loaded.suppressions) if shown(d))
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
    _selected(findings, selection)
    return findings


_WHOLE: tuple[Rule, ...] = (rules.units.unit_hierarchy_cycle,)
"""The rules that need every unit of the repository at once: run once, over ``_Units``."""


@dataclass(frozen=True, slots=True)
class _UnitRef:
    id: str
    parent: str | None


@dataclass(slots=True)
class _Place(Located):
    """Where a plan's values stand, without the plan (what a rule over every unit keeps of it)."""

    source: SourceMap


class _Units:
    """The first declaration of every unit, in the repository's order, each with where it stands
    (``Repository.units`` for the rules in ``_WHOLE``, without the plans)."""

    def __init__(self) -> None:
        self.units: dict[str, list[Declared]] = {}

    def add(self, loaded: LoadedPlan) -> None:
        plan, place = loaded.plan, _Place(loaded.source)
        declared: list[tuple[_UnitRef, tuple[str | int, ...]]] = [(_UnitRef(plan.unit.id, plan.unit.parent), ("unit",))]
        declared += [(_UnitRef(u.id, u.parent or plan.unit.id), ("units", i)) for i, u in enumerate(plan.units)]
        for unit, path in declared:
            if unit.id not in self.units:
                self.units[unit.id] = [Declared(unit, place, path)]  # type: ignore[arg-type]

    def diagnostics(self) -> Iterator[Diagnostic]:
        repo = Repository(units=self.units)
        for rule in _WHOLE:
            yield from rule.check(rule, repo)  # type: ignore[misc]


def check_parts(parts: Parts, selection: Selection | None = None) -> Findings:
    """``check`` over a repository loaded a group at a time: each group's diagnostics that stand in
    its own files, its counts, the declarations of its units; the rules over every unit, the
    suppressions and the report's filter once, at the end.  The same findings as ``check`` of
    the whole repository loaded at once, holding one group's plans at a time."""
    findings = Findings(diagnostics=list(parts.diagnostics), notices=list(parts.notices), inputs=parts.every_file)
    reported = set(parts.report)
    first = parts.report[0] if parts.report else None
    foreign: set[tuple[Any, ...]] = set()  # diagnostics in no file of the repository: kept once
    suppressions: list[Any] = []
    units = _Units()
    summary = findings.summary
    outside: dict[str, str] = {}
    for part in parts:
        loaded, owned = part.loaded, part.owned
        diagnostics, _book = _rules(loaded, selection, first, _WHOLE)
        seen_here: set[tuple[Any, ...]] = set()
        for d in diagnostics:
            if d.file in owned:  # kept: its place found now, while its group's files are at hand (not held to the end)
                findings.diagnostics.extend(_settled([d]))
            elif d.file not in parts.shown:
                key = (d.sort_key(), d.message, d.related)
                if key not in foreign or key in seen_here:
                    foreign.add(key)
                    seen_here.add(key)
                    findings.diagnostics.extend(_settled([d]))
        suppressions.extend(loaded.suppressions)
        repo = loaded.repository
        for plan in repo.plans:
            if plan.file in owned:
                units.add(plan)
                summary.plans += plan.file in reported
        summary.results += sum(1 for r in loaded.results if r.file in owned and r.file in reported)
        for parent, child in repo.edges():
            if child.file in owned and (parent.file in reported or child.file in reported):
                summary.edges += 1
                for end in (parent, child):
                    if end.file not in reported:
                        outside[end.file] = end.plan.id
    findings.diagnostics.extend(units.diagnostics())
    findings.diagnostics = _settled(
        d
        for d in suppress.apply(findings.diagnostics, suppressions)
        if d.file in reported or any(r.span.file in reported for r in d.related) or d.file not in parts.shown
    )
    findings.files = list(parts.report)
    summary.files = len(parts.report)
    summary.outside = sorted(outside.values())
    _selected(findings, selection)
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
    survey: Survey | None = None,
) -> Findings:
    """Every check on every plan under ``paths``, each against its parent's and children's plans
    wherever they are in the repository (found from ``within`` where given, else from the first
    path); with ``changed``, on the changed plans and their neighbours instead.  Inline
    suppressions, then the selection of rules and severities, decide what is reported.
    ``cache_for`` gives the folder whose cache serves a repository read elsewhere (a staged tree);
    ``survey``, the repository's files as a load earlier in the run found them (``Findings.survey``)."""
    started = time.perf_counter()
    loaded: Loaded | Parts
    if changed is None:  # a whole repository is checked a group of files at a time
        loaded = load_parts(
            paths, JOB, max_bytes, overrides=overrides, use_cache=use_cache, jobs=jobs, within=within, cache_for=cache_for, survey=survey
        )
    else:
        loaded = load(
            paths, JOB, max_bytes, overrides=overrides, changed=changed, use_cache=use_cache, jobs=jobs,
            within=within, cache_for=cache_for,
        )
    with collector_paused():
        findings = check(loaded, selection) if isinstance(loaded, Loaded) else check_parts(loaded, selection)
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
