"""``file:line:col: CODE message``, one per line, coloured only on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from ..diagnostics import Result, Severity, Summary
from .base import Reporter

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def summary_line(summary: Summary) -> str:
    return (
        f"Checked {_plural(summary.files, 'file')}, {_plural(summary.plans, 'plan')},"
        f" {_plural(summary.edges, 'parent→child edge')}: {_plural(summary.errors, 'error')},"
        f" {_plural(summary.warnings, 'warning')}, {_plural(summary.infos, 'note')}."
    )


class TextReporter(Reporter):
    def report(self, result: Result) -> None:
        console = Console(
            file=self.stream, highlight=False, soft_wrap=True, force_terminal=self.color, no_color=self.color is False
        )
        for diagnostic in result.diagnostics:
            style = _STYLE[diagnostic.severity]
            console.print(
                f"[bold]{escape(str(diagnostic.span))}[/]: [{style}]{diagnostic.code}[/] {escape(diagnostic.message)}"
            )
            for related in diagnostic.related:
                console.print(f"    [dim]{escape(str(related.span))}: {escape(related.message)}[/]")
        style = "bold red" if result.failed else "bold green"
        console.print(f"[{style}]{escape(summary_line(result.summary))}[/]")
