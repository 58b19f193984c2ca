"""The findings as Markdown: a GitHub job summary (``$GITHUB_STEP_SUMMARY``) and the head of the
note a workflow posts on a pull or merge request.

It counts the errors, warnings and notes, names the commit checked (its short hash; and says so
when the files checked differ from it), and lists the diagnostics in a table, every cell through
``safe.markdown_text`` like the diff's comment.  It starts with the diff's marker, so that the
note made of it and the diff is found and updated by the same workflow step."""

from __future__ import annotations

from ..check.findings import Findings
from ..diagnostics import Severity
from ..i18n import _, ngettext
from ..model.numbers import number
from .base import Reporter
from .diff import MARKER
from .locate import machine_path
from .paths import for_machines
from .safe import markdown_text

MAX_ROWS = 100
"""Diagnostics listed; a pull request's comment holds at most 65,536 characters."""

_MARK = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}


def counts(findings: Findings) -> str:
    summary = findings.summary
    return ", ".join(
        (
            ngettext("{count} error", "{count} errors", summary.errors).format(count=number(summary.errors)),
            ngettext("{count} warning", "{count} warnings", summary.warnings).format(count=number(summary.warnings)),
            ngettext("{count} note", "{count} notes", summary.infos).format(count=number(summary.infos)),
        )
    )


class MarkdownReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        write = self.stream.write
        context = self.context
        if context.commit and context.uncommitted:
            title = _("dansokh validate, commit {commit} with changes not committed: {counts}")
        elif context.commit:
            title = _("dansokh validate, commit {commit}: {counts}")
        else:
            title = _("dansokh validate: {counts}")
        mark = "❌" if findings.failed else "✅"
        write(f"{MARKER}\n### {mark} {markdown_text(title.format(commit=context.commit, counts=counts(findings)))}\n\n")
        files = ngettext("{count} file checked.", "{count} files checked.", findings.summary.files)
        write(markdown_text(files.format(count=number(findings.summary.files))) + "\n")
        shown = findings.diagnostics[:MAX_ROWS]
        if shown:
            columns = (_("file"), _("line"), _("code"), _("message"))
            write("\n| | " + " | ".join(markdown_text(c) for c in columns) + " |\n|---|---|---|---|---|\n")
            for d in shown:
                cells = (machine_path(d.span.file), str(d.span.line), d.code, d.message)
                write(f"| {_MARK[d.severity]} | " + " | ".join(markdown_text(cell) for cell in cells) + " |\n")
        rest = len(findings.diagnostics) - len(shown)
        if rest > 0:
            more = ngettext("… and {count} more: see the job's log.", "… and {count} more: see the job's log.", rest)
            write("\n" + markdown_text(more.format(count=number(rest))) + "\n")
        write("\n")
