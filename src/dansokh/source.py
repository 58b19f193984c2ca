"""Positions in plan files.

``Span`` is 1-based, as editors and ``file:line:col`` show it.  ruamel's marks are
0-based: this module is the one place where they are converted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

Path = tuple[str | int, ...]


class Span(NamedTuple):
    """A position; a named tuple because a national run makes millions of them."""

    file: str
    line: int
    col: int

    @classmethod
    def from_mark(cls, file: str, mark: Any) -> "Span":
        return cls(file, mark.line + 1, mark.column + 1)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a loaded file stands."""

    file: str
    values: dict[Path, Span] = field(default_factory=dict)
    keys: dict[Path, Span] = field(default_factory=dict)
    ends: dict[Path, Span] = field(default_factory=dict)

    def value(self, path: Path) -> Span:
        """The span of the value at ``path``, or of the nearest enclosing value."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Span(self.file, 1, 1))

    def key(self, path: Path) -> Span:
        """The span of the key naming ``path``, falling back to its value."""
        return self.keys.get(path) or self.value(path)
