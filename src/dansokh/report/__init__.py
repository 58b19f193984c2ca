"""Reporters: the findings of a check, an edge, a split, a diff, the catalogue or a rule's
documentation in one output format each.  Reporters turn what the stages below decided into text; they never decide.

``REPORTERS`` maps the ``--format`` of ``validate`` to its reporter class.

May import: i18n, diagnostics, config, read, model, cascade, official, reform, results, compare, load, check, vcs.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from .base import Reporter

_CLASSES = {  # imported when picked: the CLI's messages use report.safe without loading every rule
    "text": ("text", "TextReporter"),
    "json": ("json", "JsonReporter"),
    "github": ("github", "GithubReporter"),
    "sarif": ("sarif", "SarifReporter"),
    "junit": ("junit", "JunitReporter"),
    "codeclimate": ("codeclimate", "CodeClimateReporter"),
    "rdjson": ("rdjson", "RdjsonReporter"),
    "markdown": ("markdown", "MarkdownReporter"),
}


def _load(name: str) -> type[Reporter]:
    module, cls = _CLASSES[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), cls)


def __getattr__(name: str) -> Any:
    if name == "REPORTERS":
        return {key: _load(key) for key in _CLASSES}
    raise AttributeError(name)


def pick(name: str) -> type[Reporter]:
    """``auto`` is ``github`` under GitHub Actions, ``text`` elsewhere; ``md`` is ``markdown``
    (``format_names``)."""
    from .format_names import format_name

    name = format_name(name)
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return _load(name)

__all__ = ["REPORTERS", "Reporter", "pick"]
