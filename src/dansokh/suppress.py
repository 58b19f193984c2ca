"""Inline suppression: ``# dansokh: ignore[C001] the city agreed to 85 % in writing``.

The comment silences the named codes on its own line, or on the next line when it
stands alone.  A reason is required, and a suppression that silences nothing is
itself reported, so that stale ones do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .diagnostics import Diagnostic
from .i18n import _
from .rules.loading import SUPPRESSION_UNUSED, SUPPRESSION_WITHOUT_REASON
from .source import Span

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


def apply(diagnostics: list[Diagnostic], suppressions: list[Suppression]) -> list[Diagnostic]:
    """The diagnostics left after suppression, plus problems with the suppressions themselves."""
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for suppression in suppressions:
        by_line.setdefault((suppression.span.file, suppression.applies_to), []).append(suppression)
    used: set[Suppression] = set()
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        matches = [
            s
            for s in by_line.get((diagnostic.span.file, diagnostic.span.line), [])
            if s.reason and any(diagnostic.code == c or diagnostic.code.startswith(c) for c in s.codes)
        ]
        if matches:
            used.update(matches)
        else:
            kept.append(diagnostic)
    for suppression in suppressions:
        label = ", ".join(suppression.codes) or _("nothing")
        if not suppression.reason or not suppression.codes:
            kept.append(
                SUPPRESSION_WITHOUT_REASON.at(
                    suppression.span,
                    _("ignore[{codes}] needs codes and a reason after it: it suppresses nothing").format(codes=label),
                )
            )
        elif suppression not in used:
            kept.append(
                SUPPRESSION_UNUSED.at(
                    suppression.span, _("ignore[{codes}] suppresses nothing here").format(codes=label)
                )
            )
    return kept
