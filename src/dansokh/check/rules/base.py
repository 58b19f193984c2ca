"""Declaring a rule: ``plan_rule`` and ``repo_rule`` make a ``Rule`` of a check function whose
docstring is its documentation; ``fmt`` writes a number in a message."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...diagnostics import Diagnostic, Related, Rule, Severity, Span
from ...i18n import doc_paragraphs
from ...model.numbers import difference, number, quantity
from ...read.positions import Path

if TYPE_CHECKING:
    from ...cascade.repository import LoadedPlan, Repository


def _doc(function: Callable[..., object]) -> str:
    """A docstring as paragraphs of single lines, for the terminal to wrap."""
    return "\n\n".join(doc_paragraphs(inspect.cleandoc(function.__doc__ or "")))


def plan_rule(
    code: str,
    name: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    *,
    opt_in: bool = False,
    needs: Callable[[], str | None] | None = None,
):
    """Declare a check over one plan; the function's docstring is its documentation.  ``opt_in``
    and ``needs`` as for ``repo_rule``: an opt-in plan rule's findings are kept only where it is
    selected, and a rule that cannot run here is not run (the run says so where it is selected)."""

    def wrap(function: Callable[[Rule, LoadedPlan], Iterator[Diagnostic]]) -> Rule:
        return Rule(code, name, summary, "plan", severity, function, _doc(function), opt_in, needs)

    return wrap


def repo_rule(
    code: str,
    name: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    *,
    opt_in: bool = False,
    needs: Callable[[], str | None] | None = None,
):
    """Declare a check over the whole repository of plans; ``opt_in``: run only where selected;
    ``needs``: why it cannot run here, or ``None`` (``diagnostics.Rule``)."""

    def wrap(function: Callable[[Rule, Repository], Iterator[Diagnostic]]) -> Rule:
        return Rule(code, name, summary, "repo", severity, function, _doc(function), opt_in, needs)

    return wrap


def results_rule(code: str, name: str, summary: str, severity: Severity = Severity.ERROR):
    """Declare a check over the results and the plans they report against (a ``results.book.Book``)."""

    def wrap(function: Callable[[Rule, Any], Iterator[Diagnostic]]) -> Rule:
        return Rule(code, name, summary, "results", severity, function, _doc(function))

    return wrap


def fmt(value: Any) -> str:
    """A number as the message shows it: in the reader's language (3,04 in Vietnamese,
    3.04 in English), the written digits kept, no exponent."""
    return number(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else str(value)


__all__ = ["Rule", "plan_rule", "repo_rule", "results_rule", "fmt", "quantity", "difference", "Path", "Span", "Related", "Severity", "Diagnostic"]
