"""Where each value of a plan file stands: the source map, filled on demand.

A ``Path`` is the route to a value in the loaded data (``("targets", 0, "value")``); a
``SourceMap`` gives its ``Span`` (``dansokh.diagnostics``).
"""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Span

Path = tuple[str | int, ...]


class SourceMap:
    """Where each value (and each mapping key) of a loaded file stands.

    Positions are recorded only when first asked for: a clean national run never needs
    them, and recording them for every node of ten thousand files costs more time and
    memory than the parse.  ``filler`` re-reads the file's text to record them.
    """

    def __init__(self, file: str, filler: Callable[[SourceMap], None] | None = None):
        self.file = file
        self.filler = filler
        self._values: dict[Path, Span] = {}
        self._keys: dict[Path, Span] = {}
        self._ends: dict[Path, Span] = {}

    def _filled(self) -> SourceMap:
        if self.filler is not None:
            filler, self.filler = self.filler, None
            filler(self)
        return self

    @property
    def values(self) -> dict[Path, Span]:
        return self._filled()._values

    @property
    def keys(self) -> dict[Path, Span]:
        return self._filled()._keys

    @property
    def ends(self) -> dict[Path, Span]:
        return self._filled()._ends

    def value(self, path: Path) -> Span:
        """The span of the value at ``path``, or of the nearest enclosing value."""
        values = self.values
        while path not in values and path:
            path = path[:-1]
        return values.get(path, Span(self.file, 1, 1))

    def key(self, path: Path) -> Span:
        """The span of the key naming ``path``, falling back to its value."""
        return self.keys.get(path) or self.value(path)


class Located:
    """A typed file that remembers where its values stand (a plan, a result, a crosswalk): the
    subclass, a dataclass, has a ``source`` field; rules name positions through these three."""

    source: SourceMap

    @property
    def file(self) -> str:
        return self.source.file

    def span(self, path: Path) -> Span:
        return self.source.value(path)

    def key_span(self, path: Path) -> Span:
        return self.source.key(path)
