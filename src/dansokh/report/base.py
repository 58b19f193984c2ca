from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from ..check.findings import Findings


class ReportError(Exception):
    """The report cannot be made as the environment asks (a usage error); nothing was written."""


@dataclass(frozen=True)
class Context:
    """What a report says beside the findings, as the command found it: the commit checked
    (short) and whether the checked files differ from it; the base of the links to the rules'
    documentation (``docs_url``)."""

    commit: str | None = None
    uncommitted: bool = False
    docs_url: str | None = None

    @property
    def rules_url(self) -> str | None:
        """The link to the rules' documentation: the README's "Rule codes" section."""
        return f"{self.docs_url}#rule-codes" if self.docs_url else None


class Reporter:
    """Writes the findings of a check to a stream."""

    def __init__(self, stream: IO[str], color: bool | None = None, context: Context | None = None):
        self.stream = stream
        self.color = color
        self.context = context or Context()

    def report(self, findings: Findings) -> None:  # pragma: no cover - interface
        raise NotImplementedError
