"""The findings of a check as one JSON document, for scripts and other tools."""

from __future__ import annotations

from dataclasses import asdict

from ..check.findings import Findings
from .base import Reporter
from .safe import json_dump


class JsonReporter(Reporter):
    def report(self, findings: Findings) -> None:
        document = {
            "diagnostics": [d.to_dict() for d in findings.diagnostics],
            "summary": asdict(findings.summary),
        }
        json_dump(document, self.stream)
