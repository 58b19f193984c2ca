from __future__ import annotations

from typing import IO

from ..check.findings import Findings


class ReportError(Exception):
    """The report cannot be made as the environment asks (a usage error); nothing was written."""


class Reporter:
    """Writes the findings of a check to a stream."""

    def __init__(self, stream: IO[str], color: bool | None = None):
        self.stream = stream
        self.color = color

    def report(self, findings: Findings) -> None:  # pragma: no cover - interface
        raise NotImplementedError
