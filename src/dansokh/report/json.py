"""The findings of a check as one JSON document, for scripts and other tools."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..check.findings import Findings
from .base import Reporter


class JsonReporter(Reporter):
    def report(self, findings: Findings) -> None:
        document = {
            "diagnostics": [d.to_dict() for d in findings.diagnostics],
            "summary": asdict(findings.summary),
        }
        json.dump(document, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
