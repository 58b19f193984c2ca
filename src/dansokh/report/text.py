"""``file:line:col: CODE message``, one per line, coloured only on a terminal."""

from __future__ import annotations

from rich.markup import escape

from ..check.findings import Findings, Summary
from ..diagnostics import Diagnostic, Severity
from ..i18n import _, ngettext
from ..model.numbers import number
from .base import Reporter
from .safe import Console

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


LISTED = 5  # plans outside the given paths named in the summary; the others are counted


def _edges(summary: Summary) -> str:
    """``3 parent→child edges``, and the plans outside the given paths they reached:
    ``1 parent→child edge (against 1 plan outside the given paths: long-bien)``."""
    edges = ngettext("{count} parent→child edge", "{count} parent→child edges", summary.edges).format(
        count=number(summary.edges)
    )
    outside = summary.outside
    if not outside:
        return edges
    names = ", ".join(outside[:LISTED])
    if len(outside) > LISTED:
        more = len(outside) - LISTED
        names = ngettext("{names} and {count} more", "{names} and {count} more", more).format(
            names=names, count=number(more)
        )
    return ngettext(
        "{edges} (against {count} plan outside the given paths: {names})",
        "{edges} (against {count} plans outside the given paths: {names})",
        len(outside),
    ).format(edges=edges, count=number(len(outside)), names=names)


def summary_line(summary: Summary) -> str:
    """``Checked 5 files, 5 plans, 3 parent→child edges: 0 errors, 0 warnings, 1 note.``
    (and ``, 90 results`` after the plans where there are results)."""
    if summary.results:
        template = _("Checked {files}, {plans}, {results}, {edges}: {errors}, {warnings}, {notes}.")
    else:
        template = _("Checked {files}, {plans}, {edges}: {errors}, {warnings}, {notes}.")
    return template.format(
        results=ngettext("{count} result", "{count} results", summary.results).format(count=number(summary.results)),
        files=ngettext("{count} file", "{count} files", summary.files).format(count=number(summary.files)),
        plans=ngettext("{count} plan", "{count} plans", summary.plans).format(count=number(summary.plans)),
        edges=_edges(summary),
        errors=ngettext("{count} error", "{count} errors", summary.errors).format(count=number(summary.errors)),
        warnings=ngettext("{count} warning", "{count} warnings", summary.warnings).format(count=number(summary.warnings)),
        notes=ngettext("{count} note", "{count} notes", summary.infos).format(count=number(summary.infos)),
    )


class TextReporter(Reporter):
    def report(self, findings: Findings) -> None:
        console = self.diagnostics(findings.diagnostics)
        style = "bold red" if findings.failed else "bold green"
        console.print(f"[{style}]{escape(summary_line(findings.summary))}[/]")

    def diagnostics(self, diagnostics: list[Diagnostic]) -> Console:
        """The diagnostics alone, one per line with their related places (``report`` adds the summary)."""
        console = Console(
            file=self.stream, highlight=False, soft_wrap=True, force_terminal=self.color, no_color=self.color is False
        )
        for diagnostic in diagnostics:
            style = _STYLE[diagnostic.severity]
            console.print(
                f"[bold]{escape(str(diagnostic.span))}[/]: [{style}]{diagnostic.code}[/] {escape(diagnostic.message)}"
            )
            for related in diagnostic.related:
                console.print(f"    [dim]{escape(str(related.span))}: {escape(related.message)}[/]")
        return console
