"""SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning and the like).

Locations are relative URIs against ``%SRCROOT%`` (percent-encoded as RFC 3986 asks, by
``locate.uri``), columns in Unicode code points (``columnKind``), each result with a fingerprint
that survives lines moving (``partialFingerprints``), each rule with its documentation as
``dansokh rules CODE`` prints it and a link to the rules' section of the README (``helpUri``,
from the ``docs_url`` setting)."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..check.findings import Findings
from ..check.rules import ALL_RULES
from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from .base import Reporter
from .locate import FINGERPRINT, Locator, machine_path, uri
from .paths import for_machines
from .safe import json_dump

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"


def _location(file: str, line: int, col: int, message: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri(machine_path(file)), "uriBaseId": ROOT},
            "region": {"startLine": line, "startColumn": col},
        }
    }
    if message:
        location["message"] = {"text": message}
    return location


def rule_help(rule: Any) -> str:
    """A rule's help: what it finds, its documentation, and the command that shows its examples."""
    parts = [rule.summary] + ([rule.doc] if rule.doc else [])
    parts.append(_("Its failing and passing examples: dansokh rules {code}").format(code=rule.code))
    return "\n\n".join(parts)


class SarifReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
        link = self.context.rules_url
        rules = []
        for rule in ALL_RULES:
            described: dict[str, Any] = {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc or rule.summary},
                "help": {"text": rule_help(rule)},
                "defaultConfiguration": {"level": _LEVEL[rule.severity], **({"enabled": False} if rule.opt_in else {})},
            }
            if link:
                described["helpUri"] = link
            rules.append(described)

        def entry(d: Diagnostic, fingerprint: str) -> dict[str, Any]:
            record: dict[str, Any] = {
                "ruleId": d.code,
                "level": _LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [_location(d.span.file, d.span.line, d.span.col)],
                "partialFingerprints": {FINGERPRINT: fingerprint},
            }
            if d.code in index:
                record["ruleIndex"] = index[d.code]
            if d.related:
                record["relatedLocations"] = [
                    _location(r.span.file, r.span.line, r.span.col, r.message) | {"id": i}
                    for i, r in enumerate(d.related)
                ]
            return record

        fingerprints = Locator().fingerprints(findings.diagnostics)
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "dansokh", "version": __version__, "rules": rules}},
                    "originalUriBaseIds": {
                        ROOT: {"description": {"text": _("The top of the repository (its git work tree): file names are relative to it.")}}
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": [entry(d, f) for d, f in zip(findings.diagnostics, fingerprints)],
                }
            ],
        }
        json_dump(document, self.stream)
