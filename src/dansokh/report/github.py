"""GitHub Actions workflow commands: one annotation per diagnostic, on its line of the diff."""

from __future__ import annotations

from ..check.findings import Findings
from ..diagnostics import Severity
from .base import Reporter
from .text import summary_line

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def report(self, findings: Findings) -> None:
        for d in findings.diagnostics:
            message = d.message + "".join(f"\n{r.span}: {r.message}" for r in d.related)
            self.stream.write(
                f"::{_LEVEL[d.severity]} file={_property(d.span.file)},line={d.span.line},col={d.span.col},"
                f"title={_property(d.code)}::{_data(message)}\n"
            )
        self.stream.write(summary_line(findings.summary) + "\n")
