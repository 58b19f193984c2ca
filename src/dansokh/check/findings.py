"""The findings of one check: the diagnostics reported, and a summary of what was checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Severity


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
    book: Any = None  # the checked results (cascade.results.Book)
    seconds: float = 0.0  # how long the check took

    def finish(self) -> "Findings":
        self.diagnostics.sort(key=Diagnostic.sort_key)
        counts = {s: 0 for s in Severity}
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity] += 1
        self.summary.errors = counts[Severity.ERROR]
        self.summary.warnings = counts[Severity.WARNING]
        self.summary.infos = counts[Severity.INFO]
        return self

    @property
    def failed(self) -> bool:
        return self.summary.errors > 0
