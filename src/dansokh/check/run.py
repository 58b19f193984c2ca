"""The whole check: plan files -> loading -> typed plans -> rules -> the findings.

The paths a user gives are the *report*; the repository they belong to is the *context*.  Each
plan under the paths is checked against its parent's plan and its children's plans wherever they
are in the repository, and only the files that check needs are loaded (``read.index``): one
commune of ten thousand is checked by reading its district's plan and its siblings', not the
country's.  Diagnostics are reported when they stand in a reported file or point at one (a
ward's C001 points at the district table that assigned the target).

Loading goes through the cache (``read.cache``), and what the cache lacks is read and checked
file by file (``check.files``), in worker processes when there is enough of it; results are
merged in the repository's order, so the output never depends on scheduling.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import localcontext
from pathlib import Path
from typing import Any

from .. import i18n
from ..cascade.crosswalk import LoadedCrosswalk
from ..cascade.repository import Broken, LoadedPlan, Repository
from ..cascade.results import Book, LoadedResult
from ..diagnostics import Diagnostic, Severity, Span
from ..i18n import _
from ..model.catalogue import Catalogue, activate, active
from ..model.catalogue_file import use_catalogue
from ..model.crosswalk import Crosswalk
from ..model.numbers import EXACT
from ..model.parse import parse_crosswalk, parse_plan, parse_result
from ..model.plan import CHECKED, Plan
from ..model.result import ResultFile
from ..read import codes
from ..read.cache import Cache
from ..read.chars import file_name_problem
from ..read.codes import INVISIBLE_CHARACTER, NO_PLANS, SKIPPED_PATH
from ..read.discover import Skipped, discover, display_path, plan_file_names
from ..read.files import read_bounded
from ..read.index import Header, Index
from ..read.limits import REREAD_LIMIT
from ..read.loader import DEFAULT_MAX_BYTES, load_text, source_map
from ..read.loader import _too_large_message  # the one wording of Y006
from . import files as checked_files
from . import suppress
from .findings import Findings
from .rules import PLAN_RULES, REPO_RULES, RESULT_RULES
from .selection import OPT_IN, Selection

PARALLEL_MIN = 200  # fewer files to read than this are read in this process
_IN_CACHE = "in the cache"  # a result the cache has, not yet fetched


def default_jobs() -> int:
    count = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    return max(1, min(count, 8))


@dataclass(frozen=True)
class Changed:
    """What ``--changed-since`` found: the files changed since a revision (absolute paths, as
    text), and the headers of the plans deleted since then."""

    files: frozenset[str]
    deleted: tuple[Header, ...] = ()
    submodules: tuple[str, ...] = ()  # absolute: submodules that changed (another repository's plans, not checked)


@dataclass
class _File:
    path: str  # absolute
    raw: bytes | None = None
    size: int = 0
    error: str | None = None  # why it could not be read
    digest: bytes | None = None
    header: Header | None = None
    result: str | None = None  # check.files' JSON
    cached: bool = False  # the result came from the cache: untrusted (check.files.decode)
    name: str = ""  # as shown to the user (relative to the working folder)

    def reader(self, kept: bool) -> Callable[[], bytes]:
        """The bytes of this file for positions asked for later: ``kept`` in memory (a text that
        is not on disk), else read again (a file edited meanwhile gives its new positions)."""
        if kept:
            raw = self.raw
            return lambda: raw  # type: ignore[return-value]
        path = self.path
        return lambda: read_bounded(Path(path), REREAD_LIMIT)

    def display(self) -> str:
        if not self.name:
            self.name = display_path(self.path)
        return self.name


# worker processes --------------------------------------------------------------------------

_INHERITED: list[tuple[Any, ...]] = []  # a forked worker's tasks, inherited instead of sent


def _start_worker(lang: str, catalogue: Catalogue) -> None:
    i18n.setup(lang)
    activate(catalogue)  # a spawned worker starts with the shipped catalogue; a forked one has it


def _run_inherited(function: Callable[..., Any], index: int) -> Any:
    return function(*_INHERITED[index])


def _star(call: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    function, arguments = call
    return function(*arguments)


def _parallel(function: Callable[..., Any], tasks: list[tuple[Any, ...]], jobs: int) -> Iterator[Any]:
    """``function`` over ``tasks``, in worker processes when there are enough of them; results
    in the order of the tasks, as they come (the caller works on them while the workers go on)."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN:
        for task in tasks:
            yield function(*task)
        return
    global _INHERITED
    chunk = max(1, min(64, len(tasks) // (jobs * 8)))
    if sys.platform.startswith("linux"):  # fork: the workers inherit the code and the tasks
        context = multiprocessing.get_context("fork")
        _INHERITED = tasks
        calls: Any = ((_run_inherited, (function, i)) for i in range(len(tasks)))
    else:
        context = multiprocessing.get_context("spawn")
        calls = ((function, task) for task in tasks)
    try:
        with context.Pool(jobs, _start_worker, (i18n.current(), active())) as pool:
            yield from pool.imap(_star, calls, chunk)
    finally:
        _INHERITED = []


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading builds millions of long-lived objects and no cycles: the cyclic garbage
    collector would spend a third of the run finding nothing.  Afterwards the objects are
    moved out of its sight (``gc.freeze``), or re-enabling it would examine them all at once;
    they are still freed as soon as nothing refers to them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# the run -----------------------------------------------------------------------------------


class _Run:
    selection: Selection | None = None  # which opt-in rules run (none without a selection)

    def __init__(
        self,
        paths: list[Path],
        max_bytes: int,
        overrides: dict[Path, str] | None,
        use_cache: bool,
        jobs: int | None,
        outline: bool,
        within: Path | None = None,
        cache_for: Callable[[Path], Path] | None = None,
    ):
        from ..read.root import find_root

        self.findings = Findings()
        self.max_bytes = max_bytes
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        self.outline = outline
        self.overrides = {str(path.resolve()): text for path, text in (overrides or {}).items()}
        self.given_names: dict[str, str] = {}
        for argument in paths:
            skipped: list[Skipped] = []
            given, empty = discover([argument], skipped)
            for folder in empty:
                self.findings.diagnostics.append(
                    NO_PLANS.at(Span(display_path(folder), 1, 1), _("no plan files (*.yaml) here"))
                )
            for entry in skipped:  # what the user's paths hold and cannot be read as plans: said, not hidden
                self.findings.diagnostics.append(
                    SKIPPED_PATH.at(Span(display_path(entry.path), 1, 1), _("skipped: {reason}").format(reason=entry.reason))
                )
            base = argument.resolve()  # once per argument, not once per file
            for path in given:
                resolved = base if path == argument else base / path.relative_to(argument)
                name = self.given_names.setdefault(str(resolved), display_path(path))
                problem = file_name_problem(name)
                if problem is not None:  # a name that shows other than it is, or not at all
                    self.findings.diagnostics.append(INVISIBLE_CHARACTER.at(Span(name, 1, 1), problem))
        self.given = list(self.given_names)
        self.arguments = [argument.resolve() for argument in paths]
        self.root = find_root([within] if within is not None else paths)
        catalogue = self.root.catalogue
        # the repository's catalogue is in force for the whole run; its problems are reported whatever the paths
        self.findings.diagnostics.extend(use_catalogue(catalogue, display_path(catalogue) if catalogue else None, self.max_bytes))
        found: dict[str, None] = {}
        for folder in self.root.plan_folders:
            found.update(dict.fromkeys(plan_file_names(str(folder))))
        found.update(dict.fromkeys(self.given))
        if catalogue is not None:  # a catalogue among the plans is not a plan
            found.pop(str(catalogue), None)
            self.given_names.pop(str(catalogue), None)
            self.given = list(self.given_names)
        ordered = sorted(found, key=lambda p: p.split(os.sep))  # the order of their paths' parts
        self.files = [_File(path) for path in ordered]
        self.number = {file.path: n for n, file in enumerate(self.files)}
        for path, name in self.given_names.items():
            self.files[self.number[path]].name = name
        self.cache: Cache | None = None
        if use_cache:
            # a staged tree (``vcs.staged``) is served by the cache of the work tree it stands for
            cache_root = cache_for(self.root.path) if cache_for is not None else self.root.path
            self.cache, notice = Cache.open(cache_root, checked_files.namespace())
            if notice is not None:
                self.findings.notices.append(notice)

    # reading ------------------------------------------------------------------------------

    def read(self, numbers: Sequence[int]) -> None:
        for n in numbers:
            file = self.files[n]
            if file.raw is not None or file.error is not None:
                continue
            override = self.overrides.get(file.path)
            if override is not None:
                file.raw = override.encode("utf-8")
            else:
                try:  # a regular file only (a FIFO would block, /dev/zero never end), and no more than needed
                    raw = read_bounded(Path(file.path), self.max_bytes)
                except OSError as error:  # NotARegularFile among them
                    file.error = error.strerror or str(error)
                    continue
                if len(raw) > self.max_bytes:
                    file.size = _size_on_disk(file.path, len(raw))
                    continue
                file.raw = raw
            file.size = len(file.raw)
            if file.size <= self.max_bytes:
                file.digest = checked_files.file_digest(file.raw)

    def headers(self, numbers: Sequence[int]) -> None:
        """Every file's header: from the cache, else read by the fast header reader (in worker
        processes for many files), else from checking the file whole."""
        self.read(numbers)
        wanted = [n for n in numbers if self.files[n].header is None and self.files[n].digest is not None]
        cached = self.cache.headers([self.files[n].digest for n in wanted]) if self.cache else {}  # type: ignore[misc]
        missing = []
        for n in wanted:
            body = cached.get(self.files[n].digest)  # type: ignore[arg-type]
            self.files[n].header = checked_files.cached_header(body) if body is not None else None  # None: read it again
            if self.files[n].header is None:
                missing.append(n)
        read = list(_parallel(checked_files.read_header, [(self.files[n].raw,) for n in missing], self.jobs))
        whole = []
        for n, header in zip(missing, read):
            if header is None:
                whole.append(n)
            else:
                self.files[n].header = header
        self.check_all(whole)
        for n in whole:
            file = self.files[n]
            try:
                file.header = checked_files.header_of(file.result)  # type: ignore[arg-type]
            except checked_files.BadEntry:  # a cached result that is not one: check the file here
                file.result = checked_files.check_file(file.display(), file.raw, self.max_bytes)  # type: ignore[arg-type]
                file.cached = False
                file.header = checked_files.header_of(file.result)
        if self.cache and missing:
            self.cache.put_headers({self.files[n].digest: self.files[n].header.to_json() for n in missing})  # type: ignore[misc, union-attr]
        for n in numbers:
            if self.files[n].header is None:
                self.files[n].header = Header()  # unreadable or too large: not a plan

    def check(self, numbers: Sequence[int]) -> Iterator[int]:
        """Every file checked on its own: from the cache, else now (in worker processes for many);
        yields the files checked now as their results come in."""
        self.read(numbers)
        wanted = [n for n in numbers if self.files[n].result is None and self.files[n].digest is not None]
        lang = i18n.current()
        known = self.cache.known([self.files[n].digest for n in wanted], lang) if self.cache else set()  # type: ignore[misc]
        missing = []
        for n in wanted:
            if self.files[n].digest in known:
                self.files[n].result = _IN_CACHE  # fetched when its turn comes (``fetch``)
            else:
                missing.append(n)
        done = _parallel(
            checked_files.check_file,
            [(self.files[n].display(), self.files[n].raw, self.max_bytes) for n in missing],
            self.jobs,
        )
        fresh: dict[bytes, str] = {}
        try:
            for n, body in zip(missing, done):
                self.files[n].result = body
                fresh[self.files[n].digest] = body  # type: ignore[index]
                yield n
        finally:
            if self.cache and fresh:
                self.cache.put_results(fresh, lang)

    def check_all(self, numbers: Sequence[int]) -> None:
        for _n in self.check(numbers):
            pass
        self.fetch(numbers)

    def fetch(self, numbers: Sequence[int]) -> None:
        """The cached results of these files, read from the cache now (a few hundred at a time:
        the whole repository's would be a second copy of it in memory)."""
        waiting = [n for n in numbers if self.files[n].result is _IN_CACHE]
        if not waiting:
            return
        bodies = self.cache.results([self.files[n].digest for n in waiting], i18n.current()) if self.cache else {}  # type: ignore[misc]
        for n in waiting:
            file = self.files[n]
            body = bodies.get(file.digest)  # type: ignore[arg-type]
            # an entry that went bad since it was listed: check the file here
            file.cached = body is not None
            file.result = body if body is not None else checked_files.check_file(file.display(), file.raw, self.max_bytes)  # type: ignore[arg-type]

    # checking -----------------------------------------------------------------------------

    def loaded(self, numbers: Sequence[int]) -> tuple[list[LoadedPlan], dict[int, list[Diagnostic]], list[Any]]:
        """The plans of the files (in the repository's order), each file's own diagnostics, and
        every inline suppression; the result files' typed results go to ``self.results``."""
        plans: list[LoadedPlan] = []
        self.results: list[LoadedResult] = []
        self.crosswalks: list[LoadedCrosswalk] = []
        own: dict[int, list[Diagnostic]] = {}
        suppressions: list[Any] = []
        self.read(numbers)
        arriving = self.check(numbers)
        next(arriving, None)  # lists what the cache has and starts the workers on the rest
        for position, n in enumerate(numbers):
            file = self.files[n]
            if file.result is _IN_CACHE:
                self.fetch(numbers[position : position + 512])
            while file.result is None and file.digest is not None and next(arriving, None) is not None:
                pass
            name = file.display()
            if file.result is None:
                if file.error is not None:
                    message = _("cannot read the file: {reason}").format(reason=file.error)
                    own[n] = [codes.MALFORMED.at(Span(name, 1, 1), message)]
                else:
                    own[n] = [codes.TOO_LARGE.at(Span(name, 1, 1), _too_large_message(file.size, self.max_bytes))]
                continue
            try:
                result = checked_files.decode(name, file.result, fresh=not file.cached)
            except checked_files.BadEntry:  # not an entry as dansokh writes them: check the file again
                result = checked_files.decode(name, checked_files.check_file(name, file.raw, self.max_bytes), fresh=True)  # type: ignore[arg-type]
            own[n] = result.diagnostics
            suppressions.extend(result.suppressions)
            if file.header is None:
                file.header = result.header
            file.result = None  # decoded: the text is of no more use
            if result.crosswalk:  # a crosswalk: checked beside the plans (W rules)
                walk = None
                if result.data is not None:
                    try:
                        walk = Crosswalk.model_validate(result.data)
                    except ValueError:
                        walk = None
                if walk is None:
                    walk, _problems = parse_crosswalk(load_text(name, file.raw, self.max_bytes))  # type: ignore[arg-type]
                if walk is not None:
                    self.crosswalks.append(LoadedCrosswalk(walk, source_map(name, file.reader(file.path in self.overrides))))
                if file.path not in self.overrides:
                    file.raw = None
                continue
            if result.result:  # a result file
                typed = None
                if result.data is not None:
                    try:
                        typed = ResultFile.model_validate(result.data, context=CHECKED)
                    except ValueError:
                        typed = None
                if typed is None:
                    typed, _problems = parse_result(load_text(name, file.raw, self.max_bytes))  # type: ignore[arg-type]
                if typed is not None:
                    self.results.append(LoadedResult(typed, source_map(name, file.reader(file.path in self.overrides))))
                if file.path not in self.overrides:
                    file.raw = None
                continue
            if result.data is not None and self.outline:
                try:
                    plan = Plan.model_validate(result.data, context=CHECKED)
                except ValueError:  # not what a valid plan's outline looks like: read the file here
                    plan, _problems = parse_plan(load_text(name, file.raw, self.max_bytes))  # type: ignore[arg-type]
            elif not result.carried or (result.data is not None and not self.outline):
                # the whole plan (render needs its schedules), or data JSON could not carry: read it here
                plan, _problems = parse_plan(load_text(name, file.raw, self.max_bytes))  # type: ignore[arg-type]
            else:
                continue
            if plan is not None:
                plans.append(LoadedPlan(plan, source_map(name, file.reader(file.path in self.overrides))))
            if file.path not in self.overrides:
                file.raw = None  # read again if a diagnostic needs its positions
        for _n in arriving:  # to its end, which writes the fresh results into the cache
            pass
        return plans, own, suppressions

    def run(self, report: Sequence[int], changed: Changed | None = None) -> Findings:
        findings = self.findings
        everything = range(len(self.files))
        if changed is not None or len(report) < len(self.files) // 2:
            self.headers(everything)
            index = Index([file.header for file in self.files])  # type: ignore[misc]
            if changed is not None:
                report = sorted(self._changed_report(report, changed, index))
                findings.diagnostics.extend(self._submodules(changed))
            needed = sorted(index.context(report)) if len(report) < len(self.files) // 2 else list(everything)
        else:
            needed = list(everything)
        plans, own, suppressions = self.loaded(needed)
        reported = {self.files[n].display() for n in report}
        for n in report:
            findings.diagnostics.extend(own[n])
        with localcontext(EXACT):  # sums and products of plan numbers, exact (model/numbers.py)
            repo = Repository.build(plans)
            repo.crosswalks = self.crosswalks
            repo.broken = self._broken(needed, plans)
            for rule in REPO_RULES + tuple(r for r in PLAN_RULES if r.needs is not None):
                if rule.opt_in and (self.selection is None or not self.selection.runs(rule)):
                    continue
                reason = rule.needs() if rule.needs is not None else None
                if reason is not None:  # selected, and cannot run here: said once, never a silent pass
                    if report:
                        where = Span(self.files[report[0]].display(), 1, 1)
                        message = _("not checked, and so not passed: {reason}").format(reason=reason)
                        findings.diagnostics.append(rule.at(where, message, severity=Severity.ERROR))
                    continue
                if rule.scope == "repo":  # a plan rule ran on each file (check.files)
                    findings.diagnostics.extend(rule.check(rule, repo))  # type: ignore[misc]
            findings.repository = repo
            findings.book = book = Book.build(repo, self.results)
            if book.results:
                for rule in RESULT_RULES:
                    findings.diagnostics.extend(rule.check(rule, book))  # type: ignore[misc]
        loaded_names = {self.files[n].display() for n in needed}
        findings.diagnostics = [
            d
            for d in suppress.apply(findings.diagnostics, suppressions)
            if d.file in reported
            or any(r.span.file in reported for r in d.related)
            or d.file not in loaded_names
        ]
        summary = findings.summary
        findings.files = [self.files[n].display() for n in report]
        summary.files = len(report)
        summary.plans = sum(1 for p in plans if p.file in reported)
        summary.results = sum(1 for r in self.results if r.file in reported)
        outside: dict[str, str] = {}
        for parent, child in repo.edges():
            if parent.file in reported or child.file in reported:
                summary.edges += 1
                for end in (parent, child):
                    if end.file not in reported:
                        outside[end.file] = end.plan.id
        summary.outside = sorted(outside.values())
        if self.cache:
            if len(needed) == len(self.files):
                self.cache.keep_only({file.digest for file in self.files if file.digest is not None})
            self.cache.close()
        return findings

    def _broken(self, needed: Sequence[int], plans: list[LoadedPlan]) -> list[Broken]:
        """The files read whose header is a plan's but that gave no plan (their errors are theirs)."""
        typed = {loaded.file for loaded in plans}
        broken = []
        for n in needed:
            file = self.files[n]
            header = file.header
            name = file.display()
            if header is not None and not header.result and header.crosswalk is None and (header.id or header.unit) and name not in typed:
                broken.append(Broken(name, header.id, header.unit, header.year))
        return broken

    def _submodules(self, changed: Changed) -> Iterator[Diagnostic]:
        """A submodule under the given paths that changed: its plans are another repository's,
        not checked here; said (Y011), never passed in silence."""
        for name in changed.submodules:
            path = Path(name)
            if any(path == argument or path.is_relative_to(argument) for argument in self.arguments):
                yield SKIPPED_PATH.at(
                    Span(display_path(path), 1, 1),
                    _("skipped: a git submodule that changed; its plans belong to another repository and were not"
                      " checked (run dansokh validate inside it)"),
                )

    def _changed_report(self, given: Sequence[int], changed: Changed, index: Index) -> set[int]:
        """The changed plans among the given files, and the plans of their parent and child units."""
        mine = {n for n in given if self.files[n].path in changed.files}
        report = mine | index.neighbours(mine)
        for header in changed.deleted:
            report |= index.neighbours_of(header)
        return report

    def report_numbers(self) -> list[int]:
        return [self.number[path] for path in self.given]


def _size_on_disk(path: str, read: int) -> int:
    try:
        return max(read, os.stat(path).st_size)
    except OSError:
        return read


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
    with _collector_paused():
        run = _Run(paths, max_bytes, overrides, use_cache, jobs, outline=True, within=within, cache_for=cache_for)
        run.selection = selection
        findings = run.run(run.report_numbers(), changed)
    if selection is not None:
        findings.diagnostics = selection.apply(findings.diagnostics)
    else:  # an opt-in plan rule ran on each file: its findings count only where it is selected
        findings.diagnostics = [d for d in findings.diagnostics if d.code not in OPT_IN]
    findings.seconds = time.perf_counter() - started
    return findings.finish()


def load_repository(
    paths: list[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    whole: bool = True,
    use_cache: bool = True,
    jobs: int | None = None,
) -> tuple[Repository, Findings]:
    """The checked repository of every plan under ``paths`` (for allocate and render); with
    ``whole=False`` its plans are outlines (``check.files.outline``): enough for the cascade."""
    with _collector_paused():
        run = _Run(paths, max_bytes, None, use_cache, jobs, outline=not whole)
        findings = run.run(list(range(len(run.files))) if not run.given else run.report_numbers())
    findings.diagnostics = [d for d in findings.diagnostics if d.code not in OPT_IN]  # no selection here
    return findings.repository, findings.finish()
