"""One name for each output format across commands (issue 22): ``text`` for tables people read,
``markdown``, ``json``, ``csv``.  The other spellings commands had (``table``, ``md``) keep
working, so that nobody's CI breaks: ``--format`` offers them, and they mean these."""

from __future__ import annotations

ALIASES = {"table": "text", "md": "markdown"}  # the other spelling -> the one name


def format_name(value: str) -> str:
    """``table`` -> ``text``, ``md`` -> ``markdown``; any other name as it is."""
    return ALIASES.get(value, value)
