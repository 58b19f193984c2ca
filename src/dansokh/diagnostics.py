"""What every stage reports a problem with: a position, a diagnostic record, and the rule it belongs to.

``Span`` is a position in a plan file; ``Diagnostic`` is the one record fed to every
reporter and every test assertion; ``Rule`` is a family of problem with a stable code.
Part of the foundation of the house.

May import: i18n.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple, Protocol, Self

from .i18n import _, ngettext

MAX_TEXT_IN_MESSAGE = 60
"""Characters of a value a message quotes before it is shortened with "…" (the README's promise)."""


def shorten(text: Any, width: int = MAX_TEXT_IN_MESSAGE) -> Any:
    """``text`` as a message quotes it: at most ``width`` characters (a value that is not text,
    a number or ``None``, as it is).  Every value from a file that a message quotes goes through
    here (``read.limits`` and ``config`` take it from here)."""
    if not isinstance(text, str) or len(text) <= width:
        return text
    return text[: width - 1] + "…"


class Span(NamedTuple):
    """A position, 1-based as editors and ``file:line:col`` show it; a named tuple because a
    national run makes millions of them.  ruamel's marks are 0-based: ``from_mark`` is the one
    place where they are converted."""

    file: str
    line: int
    col: int

    @classmethod
    def from_mark(cls, file: str, mark: Any) -> Span:
        return cls(file, mark.line + 1, mark.column + 1)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class Place(Protocol):
    """Where a diagnostic stands: a ``Span`` in a text file, or a cell of a workbook
    (``read.form.CellSpan``, shown as ``form.xlsx:Biểu mẫu!E12``), which a reporter places
    by the same file, line and column."""

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def col(self) -> int: ...

    def _replace(self, *, file: str) -> Self:
        """The same place in a file named anew (a named tuple's own method): machine formats
        name files from the repository's root (``report.paths``)."""
        ...


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Related:
    span: Place
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Place
    severity: Severity = Severity.ERROR
    related: tuple[Related, ...] = ()
    hidden: int = 0  # an "and N more" line: the number of diagnostics of its code it stands for

    @property
    def file(self) -> str:
        return self.span.file

    def check_tuple(self) -> tuple[str, str, int]:
        """(code, file, line): what a test usually asserts."""
        return (self.code, self.span.file, self.span.line)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.span.file, self.span.line, self.span.col, self.code)

    def to_dict(self) -> dict[str, Any]:
        record = {
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
        if self.hidden:
            record["more"] = self.hidden
        return record


def more(code: str, span: Place, count: int, severity: Severity = Severity.ERROR) -> Diagnostic:
    """One line standing for ``count`` diagnostics of ``code`` in one file that are not shown
    (``dansokh.read.limits``: a broken file reports a sample, never a flood)."""
    message = ngettext(
        "… and {count} more {code} in this file, not shown",
        "… and {count} more {code} in this file, not shown",
        count,
    ).format(count=count, code=code)
    return Diagnostic(code, message, span, severity, (), count)


_LITERAL = re.compile(r"``(.+?)``")


@dataclass(frozen=True)
class Rule:
    """A family of problem.  ``scope`` says what the check receives:
    ``load`` (raised by the loader itself), ``plan`` (one plan) or ``repo`` (the whole tree).
    An ``opt_in`` rule runs only where a repository or the command line selects it;
    ``needs`` says why it cannot run here (a package not installed), or ``None`` when it can.

    ``source_summary`` and ``source_doc`` are the English text (the message ids);
    ``summary`` and ``doc`` are that text in the current language."""

    code: str
    name: str
    source_summary: str
    scope: str
    severity: Severity = Severity.ERROR
    check: Callable[..., Iterator[Diagnostic]] | None = None
    source_doc: str = ""
    opt_in: bool = False
    needs: Callable[[], str | None] | None = None

    @property
    def summary(self) -> str:
        return _(self.source_summary)

    @property
    def doc(self) -> str:
        """The documentation, translated paragraph by paragraph."""
        if not self.source_doc:
            return ""
        text = "\n\n".join(_(paragraph) for paragraph in self.source_doc.split("\n\n"))
        return _LITERAL.sub(r"`\1`", text)  # the docstrings' ``literal`` as Markdown writes it

    def at(self, span: Place, message: str, *related: Related, severity: Severity | None = None) -> Diagnostic:
        return Diagnostic(self.code, message, span, severity or self.severity, tuple(related))
