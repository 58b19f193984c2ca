"""Applying inline suppressions to the diagnostics of a check.

A reason is required, and a suppression that silences nothing is itself reported
(X002), so that stale ones do not pile up.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..i18n import _
from ..read.codes import SUPPRESSION_UNUSED, SUPPRESSION_WITHOUT_REASON
from ..read.suppressions import Suppression


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
