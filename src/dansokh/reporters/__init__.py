"""Reporters turn one Result into one output format; they never decide anything."""

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
