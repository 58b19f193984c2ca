from __future__ import annotations

from typing import IO

from ..check.findings import Findings


class Reporter:
    """Writes the findings of a check to a stream."""

    def __init__(self, stream: IO[str], color: bool | None = None):
        self.stream = stream
        self.color = color

    def report(self, findings: Findings) -> None:  # pragma: no cover - interface
        raise NotImplementedError
