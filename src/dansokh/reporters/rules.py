"""A rule's documentation with its examples, as `dansokh rules CODE` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console
from rich.markup import escape

from ..diagnostics import Result
from ..examples import Changed
from ..rules.base import Rule


@dataclass(frozen=True)
class RuleExample:
    """A rule's case, run both ways: as the case writes its files, and as the bases stand."""

    case: dict[str, Any]
    changes: list[Changed]
    failing: Result
    passing: Result


def write_rule(rule: Rule, example: RuleExample | None, stream: IO[str]) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=False, width=100)
    console.print(f"[bold]{rule.code}[/] {rule.name} ({rule.severity.value}): {escape(rule.summary)}")
    if rule.doc:
        console.print()
        for paragraph in rule.doc.split("\n\n"):
            console.print(escape(paragraph))
    if example is None:
        return
    case = example.case
    console.print(f"\n[bold red]Fails[/]: {escape(case['name'])}")
    for change in example.changes:
        console.print(f"  {change.file}, line {change.line}:")
        console.print(f"[red]  - {escape(change.before)}[/]")
        for line in change.after:
            console.print(f"[green]  + {escape(line)}[/]")
    if not example.changes:
        for name in case["files"]:
            console.print(f"  {escape(name)}" + (" (as written in the example)" if isinstance(case["files"][name], str) else ""))
    for diagnostic in example.failing.diagnostics:
        if diagnostic.code == rule.code:
            console.print(f"  → {escape(str(diagnostic.span))}: {diagnostic.code} {escape(diagnostic.message)}")
    reported = sorted({d.code for d in example.passing.diagnostics})
    console.print(
        f"\n[bold green]Passes[/]: the same files as the base has them"
        f" ({', '.join(case.get('passing', case['files']))}): validate reports no {rule.code}"
        + (f" (only {', '.join(reported)})" if reported else "")
        + "."
    )
