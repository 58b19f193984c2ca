"""Reporters: the findings of a check, an edge, a split, a diff, the catalogue or a rule's
documentation in one output format each.  Reporters turn what the stages below decided into text; they never decide.

``REPORTERS`` maps the ``--format`` of ``validate`` to its reporter class.

May import: i18n, diagnostics, config, read, model, cascade, check, vcs.
"""

from __future__ import annotations

import os

from .base import Reporter
from .github import GithubReporter
from .json import JsonReporter
from .junit import JunitReporter
from .sarif import SarifReporter
from .text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
}


def pick(name: str) -> type[Reporter]:
    """``auto`` is ``github`` under GitHub Actions, ``text`` elsewhere."""
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return REPORTERS[name]

__all__ = ["REPORTERS", "Reporter", "pick"]
