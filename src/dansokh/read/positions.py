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

    def place(self, path: Path) -> Deferred:
        """``span``, found only when first asked for: what a rule over a whole book of results
        names, where most of what it finds in the context's files is dropped unread."""
        return Deferred(self.source, path)


class Deferred:
    """The place of a value whose file is known now and whose line and column are found when
    first asked for (``SourceMap.value``): a check keeps or drops a diagnostic by its file, and
    recording a file's positions costs a parse.  ``settled`` is the ``Span`` it stands for."""

    __slots__ = ("_path", "_source", "_span")

    def __init__(self, source: SourceMap, path: Path):
        self._source = source
        self._path = path
        self._span: Span | None = None

    @property
    def file(self) -> str:
        return self._source.file if self._span is None else self._span.file

    def settled(self) -> Span:
        if self._span is None:
            self._span = self._source.value(self._path)
        return self._span

    @property
    def line(self) -> int:
        return self.settled().line

    @property
    def col(self) -> int:
        return self.settled().col

    def _replace(self, *, file: str) -> Deferred:
        """The same place in a file named anew (``Place``), found now."""
        renamed = Deferred(self._source, self._path)
        renamed._span = self.settled()._replace(file=file)
        return renamed

    def __eq__(self, other: object) -> bool:
        return self.settled() == (other.settled() if isinstance(other, Deferred) else other)

    def __hash__(self) -> int:
        return hash(self.settled())

    def __str__(self) -> str:
        return str(self.settled())

    def __repr__(self) -> str:
        return f"Deferred({self.settled()!r})"
