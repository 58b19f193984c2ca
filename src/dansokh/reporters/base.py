from __future__ import annotations

from typing import IO

from ..diagnostics import Result


class Reporter:
    """Writes a Result to a stream."""

    def __init__(self, stream: IO[str], color: bool | None = None):
        self.stream = stream
        self.color = color

    def report(self, result: Result) -> None:  # pragma: no cover - interface
        raise NotImplementedError
