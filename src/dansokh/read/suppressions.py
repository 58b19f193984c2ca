"""Inline suppression comments, found while reading a file:
``# dansokh: ignore[C001] the city agreed to 85 % in writing``.

The comment silences the named codes on its own line, or on the next line when it
stands alone; ``dansokh.check.suppress`` applies them to the diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Span

_COMMENT = re.compile(r"(?:^|\s)#\s*dansokh:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass(frozen=True)
class Suppression:
    span: Span
    applies_to: int  # the line it silences
    codes: tuple[str, ...]
    reason: str


def scan(file: str, text: str) -> list[Suppression]:
    if "dansokh:" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.search(line)
        if not match:
            continue
        codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
        alone = not line[: match.start()].strip()
        col = line.index("#", match.start()) + 1
        found.append(Suppression(Span(file, number, col), number + 1 if alone else number, codes, match.group(2).strip()))
    return found
