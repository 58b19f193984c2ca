"""GitHub Actions workflow commands: one annotation per diagnostic, on its line of the diff."""

from __future__ import annotations

from ..check.findings import Findings
from ..diagnostics import Severity
from .base import Reporter
from .paths import for_machines
from .safe import terminal_text, workflow_data, workflow_property
from .text import summary_line

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        for d in findings.diagnostics:
            # the data on one line each (a line break in a name is shown as \n); the related places
            # on lines of the annotation's own
            lines = [terminal_text(d.message)] + [terminal_text(f"{r.span}: {r.message}") for r in d.related]
            self.stream.write(
                f"::{_LEVEL[d.severity]} file={workflow_property(terminal_text(d.span.file))},line={d.span.line},"
                f"col={d.span.col},title={workflow_property(d.code)}::{workflow_data(chr(10).join(lines))}\n"
            )
        self.stream.write(terminal_text(summary_line(findings.summary)) + "\n")
