"""The Result as one JSON document, for scripts and other tools."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..diagnostics import Result
from .base import Reporter


class JsonReporter(Reporter):
    def report(self, result: Result) -> None:
        document = {
            "diagnostics": [d.to_dict() for d in result.diagnostics],
            "summary": asdict(result.summary),
        }
        json.dump(document, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
