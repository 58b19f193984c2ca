"""A rule's documentation with its examples, as `dansokh rules CODE` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from rich.markup import escape

from ..check.examples import Changed
from ..check.findings import Findings
from ..check.rules.base import Rule
from ..diagnostics import Severity
from ..i18n import _, current, pgettext
from .safe import Console, terminal_width


@dataclass(frozen=True)
class RuleExample:
    """A rule's case, run both ways: as the case writes its files, and as the bases stand."""

    case: dict[str, Any]
    changes: list[Changed]
    failing: Findings
    passing: Findings


def severity_text(severity: Severity) -> str:
    """A severity as people read it (``--severity``, the configuration and JSON keep ``error`` etc.)."""
    return {
        Severity.ERROR: pgettext("severity", "error"),
        Severity.WARNING: pgettext("severity", "warning"),
        Severity.INFO: pgettext("severity", "info"),
    }[severity]


def _literals_bold(paragraph: str) -> str:
    """A paragraph as rich markup, its `literals` in bold rather than between backticks."""
    parts = paragraph.split("`")
    return "".join(f"[bold]{escape(part)}[/]" if index % 2 else escape(part) for index, part in enumerate(parts))


def write_rule(rule: Rule, example: RuleExample | None, stream: IO[str]) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=False, width=min(100, terminal_width(stream)))  # no wider than 100, to read
    if current() == "en":
        console.print(f"[bold]{rule.code}[/] {rule.name} ({severity_text(rule.severity)}): {escape(rule.summary)}")
    else:  # the rule's name is an English identifier: the summary says what it finds
        console.print(f"[bold]{rule.code}[/] ({severity_text(rule.severity)}): {escape(rule.summary)}")
    if rule.doc:
        console.print()
        for paragraph in rule.doc.split("\n\n"):
            console.print(_literals_bold(paragraph))
    if example is None:
        return
    case = example.case
    fails = escape(_("Fails"))
    console.print()
    console.print(f"[bold red]{fails}[/]: {escape(_(case['name']))}")
    form = "form" in case or "plan" in case  # an F rule's case: a form filled, changed and imported
    for change in example.changes:
        where = _("{file}, row {line}:") if form else _("{file}, line {line}:")
        console.print("  " + escape(where.format(file=change.file, line=change.line)))
        console.print(f"[red]  - {escape(change.before)}[/]")
        for line in change.after:
            console.print(f"[green]  + {escape(line)}[/]")
    if not example.changes:
        for name in case["files"]:
            as_written = isinstance(case["files"][name], str)
            console.print(
                "  " + escape(_("{file} (as written in the example)").format(file=name) if as_written else name)
            )
    for diagnostic in example.failing.diagnostics:
        if diagnostic.code == rule.code:
            console.print(f"  → {escape(str(diagnostic.span))}: {diagnostic.code} {escape(diagnostic.message)}")
    reported = sorted({d.code for d in example.passing.diagnostics})
    files = ", ".join(case.get("passing", case["files"]))
    if form:
        verdict = _("the form as it was filled, without the change: import reports no {code}.")
    elif reported:
        verdict = _("the same files as the base has them ({files}): validate reports no {code} (only {others}).")
    else:
        verdict = _("the same files as the base has them ({files}): validate reports no {code}.")
    passes = escape(_("Passes"))
    console.print()
    console.print(
        f"[bold green]{passes}[/]: " + escape(verdict.format(files=files, code=rule.code, others=", ".join(reported)))
    )
