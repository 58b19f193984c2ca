"""The findings of a check as one JSON document, for scripts and other tools."""

from __future__ import annotations

from dataclasses import asdict

from ..check.findings import Findings
from .base import Reporter
from .paths import for_machines
from .safe import json_dump


class JsonReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        document = {
            "diagnostics": [d.to_dict() for d in findings.diagnostics],
            "summary": asdict(findings.summary),
        }
        json_dump(document, self.stream)
