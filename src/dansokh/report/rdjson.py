"""reviewdog's Diagnostic Format as one JSON document (``rdjson``), for ``reviewdog -f=rdjson``.

Columns are UTF-8 bytes, as the format counts them (``locate.Locator.byte_column``); each
diagnostic names its rule code, with a link to the rules' documentation where ``docs_url`` is
set."""

from __future__ import annotations

from typing import Any

from ..check.findings import Findings
from ..diagnostics import Severity
from .base import Reporter
from .locate import Locator, machine_path
from .paths import for_machines
from .safe import json_dump

SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


class RdjsonReporter(Reporter):
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        locator = Locator()
        diagnostics: list[dict[str, Any]] = []
        link = self.context.rules_url
        for d in findings.diagnostics:
            message = d.message + "".join(f"\n{r.span}: {r.message}" for r in d.related)
            code: dict[str, Any] = {"value": d.code}
            if link:
                code["url"] = link
            diagnostics.append(
                {
                    "message": message,
                    "location": {
                        "path": machine_path(d.span.file),
                        "range": {
                            "start": {"line": d.span.line, "column": locator.byte_column(d.span.file, d.span.line, d.span.col)}
                        },
                    },
                    "severity": SEVERITY[d.severity],
                    "code": code,
                }
            )
        json_dump({"source": {"name": "dansokh"}, "diagnostics": diagnostics}, self.stream)
