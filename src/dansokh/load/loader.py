"""Loading a repository: discovery, the files' headers and index, the cache, the job on each file.

The paths a user gives are the *report*; the repository they belong to is the *context*.  When the
report is a small part of the repository (a few plans given, ``--changed-since``, a command about
one plan), every file's header is taken from the cache or read without walking the rest of the
file, and the index (``read.index``) names the files the checks of the report need: one commune of
ten thousand is loaded by reading its district's plan and its siblings', not the country's.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import localcontext
from pathlib import Path
from typing import Any, TypeVar

from .. import i18n
from ..cascade.repository import Broken, LoadedCrosswalk, LoadedPlan, Repository
from ..diagnostics import Diagnostic, Span
from ..i18n import _
from ..model.catalogue_file import use_catalogue
from ..model.crosswalk import Crosswalk
from ..model.numbers import EXACT
from ..model.parse import parse_crosswalk, parse_plan, parse_result
from ..model.plan import CHECKED, Plan
from ..model.result import ResultFile
from ..read import codes, fast
from ..read.cache import Cache, Stamps
from ..read.chars import file_name_problem
from ..read.codes import INVISIBLE_CHARACTER, NO_PLANS, SKIPPED_PATH
from ..read.discover import Scan, Skipped, display_path, names_within, path_order, plan_file_names
from ..read.files import read_bounded
from ..read.index import HEADER_KEYS, Header, Index
from ..read.limits import REREAD_LIMIT
from ..read.loader import (
    DEFAULT_MAX_BYTES,
    _too_large_message,  # the one wording of Y006
    load_text,
    source_map,
)
from ..read.root import find_root
from ..results.book import LoadedResult
from .job import Check, FileJob
from .workers import collector_paused, default_jobs, parallel

_IN_CACHE = "in the cache"  # a result the cache has, not yet fetched
_WRITTEN_AT_ONCE = 1024  # fresh results written into the cache this many at a time
GROUP_FILES = 512
"""A whole repository is checked this many files at a time (``Loader.parts``), each group with the
files its checks need, then dropped: what a check holds at once is bounded, whatever the repository's size."""
Findings = TypeVar("Findings")
Typed = TypeVar("Typed")  # a crosswalk or a result file


def file_digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def read_header(raw: bytes) -> Header | None:
    """A file's header, read by the fast path's header reader without walking the rest of the
    file; ``None`` when the file is outside the fast path's subset (check it whole)."""
    values = fast.top_values(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw, HEADER_KEYS)
    return None if values is None else Header.of(values)


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
    result: str | None = None  # the job's text for the file
    cached: bool = False  # the result came from the cache: untrusted (the job's decode checks it)
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


@dataclass(frozen=True)
class Survey:
    """The files of a repository as one load found them: each file's digest, size and header.  A
    second load in the same run (``dansokh new`` checking the plan it is about to write) starts
    from it instead of listing the plan folders and identifying every file again, which costs
    as much as the first load; what it changes is given to it as ``overrides``."""

    root: Path
    files: dict[str, tuple[bytes | None, int, Header | None]]  # absolute path -> digest, size, header


@dataclass
class Loaded:
    """What a load gives a check: the repository of the plans read (with its crosswalks and the
    plan files that gave no plan), the results, each reported file's own diagnostics and every
    inline suppression, and which files were reported and which read."""

    repository: Repository
    results: list[LoadedResult]
    diagnostics: list[Diagnostic]  # discovery, the catalogue, and the reported files' own
    suppressions: list[Any]
    report: list[str]  # the reported files, as shown, in the repository's order
    read: set[str]  # every file read (the report and its context), as shown
    notices: list[str] = field(default_factory=list)
    max_bytes: int = DEFAULT_MAX_BYTES
    every_file: list[str] = field(default_factory=list)  # every file of the repository, read or not (absolute)
    kept: dict[str, Any] = field(default_factory=dict)  # as shown -> what the job's ``check_keeping`` handed over
    survey: Survey | None = None  # the repository's files as this load found them, for a second load

    @property
    def plans(self) -> list[LoadedPlan]:
        return self.repository.plans


@dataclass
class _Typed:
    """One file as loading keeps it: its plan, result or crosswalk (or none of them), its own
    diagnostics and its inline suppressions."""

    diagnostics: list[Diagnostic]
    suppressions: list[Any]
    plan: LoadedPlan | None = None
    result: LoadedResult | None = None
    crosswalk: LoadedCrosswalk | None = None


@dataclass
class Part:
    """One group of a whole repository's files, loaded with every file its checks need: the
    ``loaded`` report is the group's reported files, its repository the plans of the group and of
    their context (their parents, children, siblings' declarations, plans of the same id), its
    suppressions the group's own; ``owned``: the group's files, as shown, reported or not.  A
    diagnostic that stands in an owned file is this part's to keep (every file is owned once)."""

    loaded: Loaded
    owned: set[str]


@dataclass
class Parts:
    """A whole repository loaded a group of files at a time (``parts``, an iterator: each group
    is typed when the check asks for it and dropped when it asks for the next), with what holds
    for the whole: discovery's and the catalogue's diagnostics, the notices, the reported files
    (as shown, in the repository's order), every file of the repository (absolute, and as shown)."""

    parts: Iterator[Part]
    diagnostics: list[Diagnostic]
    notices: list[str]
    report: list[str]
    every_file: list[str]
    shown: set[str]
    max_bytes: int = DEFAULT_MAX_BYTES

    def __iter__(self) -> Iterator[Part]:
        return self.parts


# the load -----------------------------------------------------------------------------------


class Loader:
    """One load: the files of the repository around ``paths``, numbered in the repository's order."""

    def __init__(
        self,
        paths: list[Path],
        job: FileJob,
        max_bytes: int = DEFAULT_MAX_BYTES,
        overrides: dict[Path, str] | None = None,
        use_cache: bool = True,
        jobs: int | None = None,
        outline: bool = True,
        within: Path | None = None,
        cache_for: Callable[[Path], Path] | None = None,
        survey: Survey | None = None,
    ):
        self.job = job
        self.diagnostics: list[Diagnostic] = []
        self.notices: list[str] = []
        self.max_bytes = max_bytes
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        self.outline = outline
        self.whole: set[int] | None = None  # the files read whole when not every plan is (``load``'s focus)
        self.overrides = {str(path.resolve()): text for path, text in (overrides or {}).items()}
        self.given_names: dict[str, str] = {}
        self.root = find_root([within] if within is not None else paths)
        known = survey if survey is not None and survey.root == self.root.path else None
        scans: dict[str, Scan] = {}
        for folder in self.root.plan_folders if known is None else ():  # the repository's files, each folder listed once
            skipped: list[Skipped] = []
            scans[str(folder)] = (plan_file_names(str(folder), skipped), skipped)
        for argument in paths:
            skipped = []
            if os.path.isdir(argument):  # strings, not a Path per file: that counts at ten thousand files
                within_scan = names_within(str(argument), scans)
                if within_scan is None:
                    names = plan_file_names(str(argument), skipped)
                else:
                    names, skipped = within_scan
                if not names:
                    self.diagnostics.append(NO_PLANS.at(Span(display_path(argument), 1, 1), _("no plan files (*.yaml) here")))
                # joined to the folder's own resolved and shown paths: a name under it holds no ``..``
                base, cut = os.path.join(str(argument.resolve()), ""), len(os.path.join(str(argument), ""))
                shown = display_path(argument)
                shown = "" if shown == os.curdir else os.path.join(shown, "")
                given = [(base + name[cut:], shown + name[cut:]) for name in names]
            else:
                given = [(str(argument.resolve()), display_path(argument))]
            for entry in skipped:  # what the user's paths hold and cannot be read as plans: said, not hidden
                self.diagnostics.append(
                    SKIPPED_PATH.at(Span(display_path(entry.path), 1, 1), _("skipped: {reason}").format(reason=entry.reason))
                )
            for resolved, shown_name in given:
                name = self.given_names.setdefault(resolved, shown_name)
                problem = file_name_problem(name)
                if problem is not None:  # a name that shows other than it is, or not at all
                    self.diagnostics.append(INVISIBLE_CHARACTER.at(Span(name, 1, 1), problem))
        self.given = list(self.given_names)
        self.kept: dict[int, Any] = {}  # what the job's ``check_keeping`` handed over, by file
        self.arguments = [argument.resolve() for argument in paths]
        catalogue = self.root.catalogue
        # the repository's catalogue is in force for the whole run; its problems are reported whatever the paths
        self.diagnostics.extend(use_catalogue(catalogue, display_path(catalogue) if catalogue else None, self.max_bytes))
        found: dict[str, None] = dict.fromkeys(known.files) if known is not None else {}
        for names, _skipped in scans.values():
            found.update(dict.fromkeys(names))
        found.update(dict.fromkeys(self.given))
        if catalogue is not None:  # a catalogue among the plans is not a plan
            found.pop(str(catalogue), None)
            self.given_names.pop(str(catalogue), None)
            self.given = list(self.given_names)
        ordered = sorted(found, key=path_order)
        self.files = [_File(path) for path in ordered]
        self.number = {file.path: n for n, file in enumerate(self.files)}
        for absolute, name in self.given_names.items():
            self.files[self.number[absolute]].name = name
        if known is not None:  # what the survey found of each file, but of a text given in its place
            for file in self.files:
                if file.path in known.files and file.path not in self.overrides:
                    file.digest, file.size, file.header = known.files[file.path]
        self.cache: Cache | None = None
        if use_cache:
            # a staged tree (``vcs.staged``) is served by the cache of the work tree it stands for
            cache_root = cache_for(self.root.path) if cache_for is not None else self.root.path
            self.cache, notice = Cache.open(cache_root, job.namespace())
            if notice is not None:
                self.notices.append(notice)

    # reading ------------------------------------------------------------------------------

    def read(self, numbers: Sequence[int], keep: bool = True) -> None:
        """The files' digests and sizes (or why they cannot be read), and their bytes where
        ``keep``; else only a given text's (``overrides``): a file's bytes are read again when
        its turn comes (``bytes_of``), not held for the whole repository."""
        for n in numbers:
            file = self.files[n]
            if file.raw is not None or file.error is not None or (not keep and file.digest is not None):
                continue
            file.digest = None  # of the bytes read now (a stamp's may be older)
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
                file.digest = file_digest(file.raw)
            if not keep and override is None:
                file.raw = None

    def bytes_of(self, file: _File) -> bytes:
        """A readable file's bytes: those read, else read again (a file changed since gets the
        digest of what is checked now, so that the cache keeps its entry under the right key)."""
        if file.raw is not None:
            return file.raw
        try:
            raw = read_bounded(Path(file.path), self.max_bytes)
        except OSError:  # gone since: checked as empty, its text is no longer there
            raw = b""
        if len(raw) <= self.max_bytes:
            digest = file_digest(raw)
            if digest != file.digest:
                file.digest, file.size = digest, len(raw)
        return raw

    def identify(self, numbers: Sequence[int]) -> tuple[Stamps, list[int]] | None:
        """Every file's digest: the cache's where the file's stamp is as the cache saw it (git's
        index: its bytes are not read), else from its bytes; the stamps, and the files read now,
        whose stamps are kept once their headers are known (``_keep_stamps``)."""
        if self.cache is None:
            self.read(numbers, keep=False)
            return None
        stamps = Stamps(self.cache, [self.files[n].path for n in numbers if self.files[n].digest is None and self.files[n].path not in self.overrides])
        for n in numbers:
            digest = stamps.digests.get(self.files[n].path)
            if digest is not None and self.files[n].raw is None and self.files[n].error is None:
                self.files[n].digest = digest
        unstamped = [n for n in numbers if self.files[n].digest is None]
        self.read(unstamped, keep=False)
        return stamps, unstamped

    def _keep_stamps(self, stamps: Stamps, unstamped: list[int], numbers: Sequence[int]) -> None:
        """The stamps of the files read now, for the next run: in a new snapshot with every file's
        header when the load is of every file and the snapshot served too few, else in rows."""
        fresh = {self.files[n].path: self.files[n].digest for n in unstamped if self.files[n].digest is not None and self.files[n].path not in self.overrides}
        if len(numbers) == len(self.files) and stamps.snapshot_stale:
            headers = {
                file.path: (file.digest, file.header.to_list())
                for file in self.files
                if file.digest is not None and file.header is not None and file.path not in self.overrides
            }
            stamps.save_snapshot(fresh, headers)  # type: ignore[arg-type]
        else:
            stamps.save(fresh)  # type: ignore[arg-type]

    def headers(self, numbers: Sequence[int]) -> None:
        """Every file's header: from the cache, else read by the fast header reader (in worker
        processes for many files), else from checking the file whole."""
        identified = self.identify(numbers)
        wanted = [n for n in numbers if self.files[n].header is None and self.files[n].digest is not None]
        cached = self.cache.headers([self.files[n].digest for n in wanted]) if self.cache else {}  # type: ignore[misc]
        missing = []
        for n in wanted:
            body = cached.get(self.files[n].digest)  # type: ignore[arg-type]
            self.files[n].header = self.job.cached_header(body) if body is not None else None  # None: read it again
            if self.files[n].header is None:
                missing.append(n)
        read = list(parallel(read_header, ((self.bytes_of(self.files[n]),) for n in missing), self.jobs, len(missing)))
        whole = []
        for n, header in zip(missing, read):
            if header is None:
                whole.append(n)
            else:
                self.files[n].header = header
        self.run_job_all(whole)
        for n in whole:
            file = self.files[n]
            try:
                file.header = self.job.header_of(file.result)  # type: ignore[arg-type]
            except self.job.bad_entry:  # a cached result that is not one: check the file here
                file.result = self.job.check_file(file.display(), self.bytes_of(file), self.max_bytes)
                file.cached = False
                file.header = self.job.header_of(file.result)
        if self.cache and missing:
            self.cache.put_headers({self.files[n].digest: self.files[n].header.to_json() for n in missing})  # type: ignore[misc, union-attr]
        if identified is not None:
            self._keep_stamps(*identified, numbers)
        for n in numbers:
            if self.files[n].header is None:
                self.files[n].header = Header()  # unreadable or too large: not a plan

    def run_job(self, numbers: Sequence[int]) -> Iterator[int]:
        """Every file checked on its own: from the cache, else now (in worker processes for many);
        yields the files checked now as their results come in."""
        self.read(numbers, keep=False)
        wanted = [n for n in numbers if self.files[n].result is None and self.files[n].digest is not None]
        lang = i18n.current()
        known = self.cache.known([self.files[n].digest for n in wanted], lang) if self.cache else set()  # type: ignore[misc]
        missing = []
        for n in wanted:
            if self.files[n].digest in known:
                self.files[n].result = _IN_CACHE  # fetched when its turn comes (``fetch``)
            else:
                missing.append(n)
        keeping = self.job.check_keeping
        done = parallel(
            keeping or self.job.check_file,
            ((file.display(), self.bytes_of(file), self.max_bytes) for file in (self.files[n] for n in missing)),
            self.jobs,
            len(missing),
        )
        fresh: dict[bytes, str] = {}
        try:
            for n, body in zip(missing, done):
                if keeping is not None:
                    body, kept = body
                    if kept is not None:
                        self.kept[n] = kept
                self.files[n].result = body
                if self.cache:
                    fresh[self.files[n].digest] = body  # type: ignore[index]
                    if len(fresh) >= _WRITTEN_AT_ONCE:  # a few at a time: not every text of the repository held
                        self.cache.put_results(fresh, lang)
                        fresh = {}
                yield n
        finally:
            if self.cache and fresh:
                self.cache.put_results(fresh, lang)

    def run_job_all(self, numbers: Sequence[int]) -> None:
        for _n in self.run_job(numbers):
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
            file.result = body if body is not None else self.job.check_file(file.display(), self.bytes_of(file), self.max_bytes)

    # typed plans ----------------------------------------------------------------------

    def typed_from(self, name: str, file: Any, data: Any, validate: Callable[[Any], Typed], parse: Callable[[Any], tuple[Typed | None, Any]]) -> Typed | None:
        """A crosswalk or a result typed from the data its check sent (``validate``), else, where that
        data is missing or not valid, from the file's own text (``parse``)."""
        if data is not None:
            try:
                return validate(data)
            except ValueError:
                pass
        typed, _problems = parse(load_text(name, self.bytes_of(file), self.max_bytes))
        return typed


    def typed(self, numbers: Sequence[int]) -> tuple[list[LoadedPlan], dict[int, list[Diagnostic]], list[Any]]:
        """The plans of the files (in the repository's order), each file's own diagnostics, and
        every inline suppression; the result files' typed results go to ``self.results``."""
        plans: list[LoadedPlan] = []
        self.results: list[LoadedResult] = []
        self.crosswalks: list[LoadedCrosswalk] = []
        own: dict[int, list[Diagnostic]] = {}
        suppressions: list[Any] = []
        self.read(numbers)
        arriving = self.run_job(numbers)
        next(arriving, None)  # lists what the cache has and starts the workers on the rest
        for position, n in enumerate(numbers):
            self._arrive(n, arriving, numbers[position : position + 512])
            typed = self._type(n)
            own[n] = typed.diagnostics
            suppressions.extend(typed.suppressions)
            if typed.plan is not None:
                plans.append(typed.plan)
            elif typed.result is not None:
                self.results.append(typed.result)
            elif typed.crosswalk is not None:
                self.crosswalks.append(typed.crosswalk)
        for _n in arriving:  # to its end, which writes the fresh results into the cache
            pass
        return plans, own, suppressions

    def _arrive(self, n: int, arriving: Iterator[int], batch: Sequence[int]) -> None:
        """Wait for the job's text of file ``n``: fetched from the cache (with the rest of
        ``batch``), or checked by the workers (``arriving`` yields the files as they are done)."""
        file = self.files[n]
        if file.result is _IN_CACHE:
            self.fetch(batch)
        while file.result is None and file.digest is not None and next(arriving, None) is not None:
            pass

    def _type(self, n: int) -> _Typed:
        """File ``n`` typed from the job's text: its plan (an outline, or whole), result or crosswalk,
        its own diagnostics and its inline suppressions; its text and bytes are dropped."""
        file = self.files[n]
        name = file.display()
        if file.result is None:
            if file.error is not None:
                message = _("cannot read the file: {reason}").format(reason=file.error)
                return _Typed([codes.MALFORMED.at(Span(name, 1, 1), message)], [])
            return _Typed([codes.TOO_LARGE.at(Span(name, 1, 1), _too_large_message(file.size, self.max_bytes))], [])
        try:
            result = self.job.decode(name, file.result, not file.cached)
        except self.job.bad_entry:  # not an entry as dansokh writes them: check the file again
            result = self.job.decode(name, self.job.check_file(name, self.bytes_of(file), self.max_bytes), True)
        typed = _Typed(result.diagnostics, result.suppressions)
        if file.header is None:
            file.header = result.header
        file.result = None  # decoded: the text is of no more use
        kept = file.path in self.overrides  # a text not on disk: its bytes stay for its positions
        if result.crosswalk:  # a crosswalk: checked beside the plans (W rules)
            walk = self.typed_from(name, file, result.data, Crosswalk.model_validate, parse_crosswalk)
            if walk is not None:
                typed.crosswalk = LoadedCrosswalk(walk, source_map(name, file.reader(kept)))
        elif result.result:  # a result file
            found = self.typed_from(
                name, file, result.data, lambda data: ResultFile.model_validate(data, context=CHECKED), parse_result
            )
            if found is not None:
                typed.result = LoadedResult(found, source_map(name, file.reader(kept)))
        else:
            plan: Plan | None = None
            outline = self.outline or (self.whole is not None and n not in self.whole)
            if result.data is not None and outline:
                try:
                    plan = Plan.model_validate(result.data, context=CHECKED)
                except ValueError:  # not what a valid plan's outline looks like: read the file here
                    plan, _problems = parse_plan(load_text(name, self.bytes_of(file), self.max_bytes))
            elif not result.carried or (result.data is not None and not outline):
                # the whole plan (render needs its schedules), or data JSON could not carry: read it here
                plan, _problems = parse_plan(load_text(name, self.bytes_of(file), self.max_bytes))
            if plan is not None:
                typed.plan = LoadedPlan(plan, source_map(name, file.reader(kept)))
        if not kept:
            file.raw = None  # read again if a diagnostic needs its positions
        return typed

    def load(self, report: Sequence[int], changed: Changed | None = None, focus: Iterable[str] = ()) -> Loaded:
        """The files of ``report`` loaded with the files their checks need (every file when the
        report is most of the repository); with ``changed``, the changed plans among them and
        their neighbours instead; with ``focus``, the plans of the units and plans it names
        instead (a name that is no plan's id nor unit's: every file)."""
        everything = range(len(self.files))
        focus = list(focus)
        if changed is not None or focus or len(report) < len(self.files) // 2:
            self.headers(everything)
            index = Index([file.header for file in self.files])  # type: ignore[misc]
            if changed is not None:
                report = sorted(self._changed_report(report, changed, index))
                self.diagnostics.extend(self._submodules(changed))
            elif focus:
                report = sorted(self._focus(focus, index, report))
                self.whole = set(report)  # the plans named; their neighbours' outlines are what a command reads of them
            needed = sorted(index.context(report)) if len(report) < len(self.files) // 2 else list(everything)
        else:
            needed = list(everything)
        plans, own, suppressions = self.typed(needed)
        for n in report:
            self.diagnostics.extend(own[n])
        with localcontext(EXACT):  # sums and products of plan numbers, exact (model/numbers.py)
            repo = Repository.build(plans)
        repo.crosswalks = self.crosswalks
        repo.broken = self._broken(needed, plans)
        repo.unread_ids = self.unread_ids(needed)
        if self.cache:
            if len(needed) == len(self.files):
                self.cache.keep_only({file.digest for file in self.files if file.digest is not None}, [file.path for file in self.files])
            self.cache.close()
        return Loaded(
            repo,
            self.results,
            self.diagnostics,
            suppressions,
            [self.files[n].display() for n in report],
            {self.files[n].display() for n in needed},
            self.notices,
            self.max_bytes,
            [file.path for file in self.files],
            {self.files[n].display(): kept for n, kept in self.kept.items()},
            self.survey(),
        )

    def survey(self) -> Survey:
        """The files as this load found them (for a second load in the same run)."""
        return Survey(self.root.path, {file.path: (file.digest, file.size, file.header) for file in self.files if file.path not in self.overrides})

    def parts(self, report: Sequence[int], size: int = GROUP_FILES) -> Parts:
        """The whole repository, checked ``size`` files at a time (see ``Parts``)."""
        everything = range(len(self.files))
        self.headers(everything)  # digests (a stamp's, else the bytes', not kept: read again in its turn)
        index = Index([file.header for file in self.files])  # type: ignore[misc]
        groups = _groups(index, max(1, size))
        return Parts(
            self._parts(groups, [sorted(index.context(group)) for group in groups], set(report)),
            self.diagnostics,
            self.notices,
            [self.files[n].display() for n in report],
            [file.path for file in self.files],
            {file.display() for file in self.files},
            self.max_bytes,
        )

    def _parts(self, groups: list[list[int]], needs: list[list[int]], report: set[int]) -> Iterator[Part]:
        """Each group loaded with the files it needs; a file typed once and kept only until the
        last group that needs it (a province's plan for the groups of its districts).  The files
        are checked in the order the groups first need them, so that what has come back and
        waits for its group is a group's worth, not the repository's."""
        last = {n: g for g, needed in enumerate(needs) for n in needed}
        kept: dict[int, _Typed] = {}
        arriving = self.run_job(list({n: None for needed in needs for n in needed}))
        next(arriving, None)  # lists what the cache has and starts the workers on the rest
        try:
            for g, (group, needed) in enumerate(zip(groups, needs)):
                waiting = [n for n in needed if n not in kept]
                for position, n in enumerate(waiting):
                    self._arrive(n, arriving, waiting[position : position + 512])
                    kept[n] = self._type(n)
                typed = [kept[n] for n in needed]
                plans = [t.plan for t in typed if t.plan is not None]
                with localcontext(EXACT):  # sums and products of plan numbers, exact (model/numbers.py)
                    repo = Repository.build(plans)
                repo.crosswalks = [t.crosswalk for t in typed if t.crosswalk is not None]
                mine = [n for n in group if n in report]
                loaded = Loaded(
                    repo,
                    [t.result for t in typed if t.result is not None],
                    [d for n in mine for d in kept[n].diagnostics],
                    [s for n in group for s in kept[n].suppressions],
                    [self.files[n].display() for n in mine],
                    {self.files[n].display() for n in needed},
                    max_bytes=self.max_bytes,
                )
                yield Part(loaded, {self.files[n].display() for n in group})
                for n in needed:
                    if last[n] == g:
                        del kept[n]
                        self.kept.pop(n, None)  # what a job hands over is a whole load's, not a group's
            for _n in arriving:  # to its end, which writes the fresh results into the cache
                pass
        finally:
            if self.cache:
                self.cache.keep_only({file.digest for file in self.files if file.digest is not None})
                self.cache.close()

    def unread_ids(self, needed: Sequence[int]) -> set[str]:
        if len(needed) == len(self.files):
            return set()
        read = set(needed)
        return {file.header.id for n, file in enumerate(self.files) if n not in read and file.header is not None and file.header.id}

    def _focus(self, names: list[str], index: Index, given: Sequence[int]) -> set[int] | Sequence[int]:
        """Every plan of the units named, by a unit's id or by one of its plans' ids (every year,
        so that a command can say which other years there are), and every crosswalk; the given
        files whole when a name is neither (a unit's name is known only from its plans)."""
        units: set[str] = set()
        for name in names:
            named = [index.headers[n].unit for n in index.by_id.get(name, ())] + ([name] if name in index.declarers else [])
            if not named or None in named:
                return given
            units.update(named)  # type: ignore[arg-type]
        chosen = {n for (unit, _year), numbers in index.plans.items() if unit in units for n in numbers}
        for unit in units - {index.headers[n].unit for n in chosen}:  # a unit without a plan: where it is declared
            chosen.update(index.declarers[unit])
        nothing = Header()
        unplaced = {n for n, header in enumerate(index.headers) if header == nothing}  # unreadable: any unit's
        return chosen | set(index.crosswalks) | unplaced

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


def _groups(index: Index, size: int) -> list[list[int]]:
    """The files of a repository in groups of about ``size``, in the repository's order, each
    result file with the plan of its unit and year (the plans of a province's subtree, its
    results with them: a group's context stays a group's, not the country's)."""
    groups: list[list[int]] = []
    home: dict[int, int] = {}
    placed = 0
    later = []
    for n, header in enumerate(index.headers):
        if header.result and header.unit is not None and header.year is not None and index.plans_of(header.unit, header.year):
            later.append(n)
            continue
        if placed % size == 0:
            groups.append([])
        groups[-1].append(n)
        home[n] = len(groups) - 1
        placed += 1
    for n in later:
        header = index.headers[n]
        groups[home[index.plans_of(header.unit, header.year)[0]]].append(n)  # type: ignore[arg-type]
    return [sorted(group) for group in groups]


def _size_on_disk(path: str, read: int) -> int:
    try:
        return max(read, os.stat(path).st_size)
    except OSError:
        return read


def load(
    paths: list[Path],
    job: FileJob,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    overrides: dict[Path, str] | None = None,
    changed: Changed | None = None,
    focus: Iterable[str] = (),
    every_file: bool = False,
    use_cache: bool = True,
    jobs: int | None = None,
    outline: bool = True,
    within: Path | None = None,
    cache_for: Callable[[Path], Path] | None = None,
) -> Loaded:
    """The files under ``paths`` loaded for their check, with the files of the repository that
    check needs (found from ``within`` where given, else from the first path); ``every_file``
    reports every file of the repository when ``paths`` name only its folder; ``outline`` keeps of
    each plan what the cascade needs (``False``: the whole plan, for rendering; with ``focus``,
    the named units' plans whole and their neighbours' outlines)."""
    with collector_paused():
        loader = Loader(paths, job, max_bytes, overrides, use_cache, jobs, outline, within, cache_for)
        report = list(range(len(loader.files))) if every_file and not loader.given else loader.report_numbers()
        return loader.load(report, changed, focus)


def load_parts(
    paths: list[Path],
    job: FileJob,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    overrides: dict[Path, str] | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    within: Path | None = None,
    cache_for: Callable[[Path], Path] | None = None,
    survey: Survey | None = None,
) -> Loaded | Parts:
    """``load``, for a check that keeps only its findings: where the report is most of the
    repository, its files come in groups of ``GROUP_FILES`` (``Parts``), each dropped before the
    next is typed; else the report and its context, loaded at once (``Loaded``).  ``survey``: the
    repository's files as a load of this run found them, not listed and identified again."""
    with collector_paused():
        loader = Loader(paths, job, max_bytes, overrides, use_cache, jobs, True, within, cache_for, survey)
        report = loader.report_numbers()
        if len(report) < len(loader.files) // 2:
            return loader.load(report)
        return loader.parts(report, GROUP_FILES)


def load_repository(
    check: Check[Findings],
    paths: list[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    whole: bool = True,
    focus: Iterable[str] = (),
    use_cache: bool = True,
    jobs: int | None = None,
) -> tuple[Repository, Findings]:
    """The checked repository of every plan under ``paths`` (for the commands); with
    ``whole=False`` its plans are outlines: enough for the cascade.  With ``focus`` (the plan or
    unit ids a command names) only those units' plans are reported, and only the files their check
    needs are read."""
    loaded = load(paths, check.job, max_bytes, focus=focus, every_file=True, use_cache=use_cache, jobs=jobs, outline=not whole)
    with collector_paused():
        return loaded.repository, check.conclude(loaded)
