"""The findings of one check: the diagnostics reported, and a summary of what was checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Severity, more
from ..read.limits import MAX_PER_FILE, MAX_PER_RULE

if TYPE_CHECKING:
    from ..load.loader import Survey


@dataclass
class Summary:
    files: int = 0
    plans: int = 0
    edges: int = 0
    results: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    outside: list[str] = field(default_factory=list)  # ids of the plans outside the report that edges were checked against


@dataclass
class Findings:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    files: list[str] = field(default_factory=list)
    suppressions: list[Any] = field(default_factory=list)
    repository: Any = None  # the checked Repository, for callers that filter by the hierarchy
    book: Any = None  # the checked results (results.book.Book)
    seconds: float = 0.0  # how long the check took
    notices: list[str] = field(default_factory=list)  # what the user is told beside the report (a cache refused)
    inputs: list[str] = field(default_factory=list)  # every file of the repository: never an output, read or not
    survey: Survey | None = None  # the repository's files as the load found them, for a second check in the same run

    def finish(self) -> Findings:
        """Sorted, capped (``cap``) and counted: the summary counts what the capped lines stand for."""
        self.diagnostics = cap(sorted(self.diagnostics, key=Diagnostic.sort_key))
        counts = {s: 0 for s in Severity}
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity] += diagnostic.hidden or 1
        self.summary.errors = counts[Severity.ERROR]
        self.summary.warnings = counts[Severity.WARNING]
        self.summary.infos = counts[Severity.INFO]
        return self

    @property
    def failed(self) -> bool:
        return self.summary.errors > 0


def cap(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """At most MAX_PER_RULE diagnostics of one code and MAX_PER_FILE in all for one file (in
    order); the rest of each code become one "and N more" line at the first one not shown.
    Idempotent: an "and N more" line met again is merged, never counted as shown."""
    per_rule: dict[tuple[str, str], int] = {}
    per_file: dict[str, int] = {}
    hidden: dict[tuple[str, str], list] = {}
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        file = diagnostic.span.file
        key = (file, diagnostic.code)
        if diagnostic.hidden:
            entry = hidden.setdefault(key, [0, diagnostic])
            entry[0] += diagnostic.hidden
        elif per_rule.get(key, 0) < MAX_PER_RULE and per_file.get(file, 0) < MAX_PER_FILE:
            per_rule[key] = per_rule.get(key, 0) + 1
            per_file[file] = per_file.get(file, 0) + 1
            kept.append(diagnostic)
        else:
            entry = hidden.setdefault(key, [0, diagnostic])
            entry[0] += 1
    if not hidden:
        return kept
    kept += [more(first.code, first.span, count, first.severity) for count, first in hidden.values()]
    return sorted(kept, key=Diagnostic.sort_key)
