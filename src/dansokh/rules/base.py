"""What a rule is: a stable code, a name, a one-line summary and a check."""

from __future__ import annotations

import inspect

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Related, Severity
from ..i18n import _, doc_paragraphs
from ..source import Path, Span

if TYPE_CHECKING:
    from ..tree import LoadedPlan, Repository


@dataclass(frozen=True)
class Rule:
    """A family of problem.  ``scope`` says what the check receives:
    ``load`` (raised by the loader itself), ``plan`` (one plan) or ``repo`` (the whole tree).

    ``source_summary`` and ``source_doc`` are the English text (the message ids);
    ``summary`` and ``doc`` are that text in the current language."""

    code: str
    name: str
    source_summary: str
    scope: str
    severity: Severity = Severity.ERROR
    check: Callable[..., Iterator[Diagnostic]] | None = None
    source_doc: str = ""

    @property
    def summary(self) -> str:
        return _(self.source_summary)

    @property
    def doc(self) -> str:
        """The documentation, translated paragraph by paragraph."""
        return "\n\n".join(_(paragraph) for paragraph in self.source_doc.split("\n\n")) if self.source_doc else ""

    def at(self, span: Span, message: str, *related: Related, severity: Severity | None = None) -> Diagnostic:
        return Diagnostic(self.code, message, span, severity or self.severity, tuple(related))


def _doc(function: Callable[..., object]) -> str:
    """A docstring as paragraphs of single lines, for the terminal to wrap."""
    return "\n\n".join(doc_paragraphs(inspect.cleandoc(function.__doc__ or "")))


def plan_rule(code: str, name: str, summary: str, severity: Severity = Severity.ERROR):
    """Declare a check over one plan; the function's docstring is its documentation."""

    def wrap(function: Callable[["Rule", "LoadedPlan"], Iterator[Diagnostic]]) -> Rule:
        return Rule(code, name, summary, "plan", severity, function, _doc(function))

    return wrap


def repo_rule(code: str, name: str, summary: str, severity: Severity = Severity.ERROR):
    """Declare a check over the whole repository of plans."""

    def wrap(function: Callable[["Rule", "Repository"], Iterator[Diagnostic]]) -> Rule:
        return Rule(code, name, summary, "repo", severity, function, _doc(function))

    return wrap


def fmt(value: Any) -> str:
    """A number as the message shows it: plain digits, no exponent."""
    return format(value, "f") if hasattr(value, "as_tuple") else str(value)


__all__ = ["Rule", "plan_rule", "repo_rule", "fmt", "Path", "Span", "Related", "Severity", "Diagnostic"]
