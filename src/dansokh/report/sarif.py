"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..check.findings import Findings
from ..check.rules import ALL_RULES
from ..diagnostics import Diagnostic, Severity
from .base import Reporter
from .paths import for_machines
from .safe import json_dump, uri

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _location(file: str, line: int, col: int, message: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri(file)},
            "region": {"startLine": line, "startColumn": col},
        }
    }
    if message:
        location["message"] = {"text": message}
    return location


class SarifReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
        rules = [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc or rule.summary},
                "defaultConfiguration": {"level": _LEVEL[rule.severity], **({"enabled": False} if rule.opt_in else {})},
            }
            for rule in ALL_RULES
        ]

        def entry(d: Diagnostic) -> dict[str, Any]:
            record: dict[str, Any] = {
                "ruleId": d.code,
                "level": _LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [_location(d.span.file, d.span.line, d.span.col)],
            }
            if d.code in index:
                record["ruleIndex"] = index[d.code]
            if d.related:
                record["relatedLocations"] = [
                    _location(r.span.file, r.span.line, r.span.col, r.message) | {"id": i}
                    for i, r in enumerate(d.related)
                ]
            return record

        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "dansokh", "version": __version__, "rules": rules}},
                    "results": [entry(d) for d in findings.diagnostics],
                }
            ],
        }
        json_dump(document, self.stream)
