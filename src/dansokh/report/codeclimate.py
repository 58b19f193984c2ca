"""GitLab's Code Quality report (``artifacts:reports:codequality``): a JSON array of issues in
the subset of the Code Climate format GitLab reads.

Severities: an error is ``major``, a warning ``minor``, a note ``info`` (GitLab's widget sorts
by them; the pipeline's verdict is dansokh's exit status).  Fingerprints are the SARIF ones
(``locate.Locator.fingerprints``): a finding keeps its fingerprint when lines move above it, so
the merge request widget shows only what the change brings or resolves."""

from __future__ import annotations

from typing import Any

from ..check.findings import Findings
from ..diagnostics import Severity
from .base import Reporter
from .locate import Locator, machine_path
from .paths import for_machines
from .safe import json_dump

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


class CodeClimateReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        issues: list[dict[str, Any]] = []
        fingerprints = Locator().fingerprints(findings.diagnostics)
        for d, fingerprint in zip(findings.diagnostics, fingerprints):
            description = d.message
            if d.related:
                description += "".join(f"\n{r.span}: {r.message}" for r in d.related)
            issues.append(
                {
                    "type": "issue",
                    "description": f"{d.code} {description}",
                    "check_name": d.code,
                    "fingerprint": fingerprint,
                    "severity": SEVERITY[d.severity],
                    "location": {
                        "path": machine_path(d.span.file),
                        "lines": {"begin": d.span.line},
                    },
                }
            )
        json_dump(issues, self.stream)
