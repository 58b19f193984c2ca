"""One diagnostic record, fed to every reporter and every test assertion."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .source import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    related: tuple[Related, ...] = ()

    @property
    def file(self) -> str:
        return self.span.file

    def check_tuple(self) -> tuple[str, str, int]:
        """(code, file, line): what a test usually asserts."""
        return (self.code, self.span.file, self.span.line)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.span.file, self.span.line, self.span.col, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.col,
            "related": [
                {"file": r.span.file, "line": r.span.line, "column": r.span.col, "message": r.message}
                for r in self.related
            ],
        }


@dataclass
class Summary:
    files: int = 0
    plans: int = 0
    edges: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0


@dataclass
class Result:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    files: list[str] = field(default_factory=list)
    suppressions: list[Any] = field(default_factory=list)
    repository: Any = None  # the checked Repository, for callers that filter by the hierarchy
    seconds: float = 0.0  # how long the check took

    def finish(self) -> "Result":
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
