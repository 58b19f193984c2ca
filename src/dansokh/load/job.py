"""What loading is handed to do: the work on one file (a check's, in ``check.files``) and what
turns the loaded whole into a command's findings (the check of the repository, in ``check.run``).

Loading reads files, keeps the cache and runs workers; what a file's text *means* (its header,
its diagnostics, its typed data) is the job's.  The functions are plain module functions, so that
a worker process can be handed them (a spawned one receives them by name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..diagnostics import Diagnostic
from ..read.index import Header

if TYPE_CHECKING:
    from .loader import Loaded


class Decoded(Protocol):
    """A file as its job checked it on its own: what loading needs of it."""

    header: Header
    data: dict[str, Any] | None  # the typed data as JSON-able values, when it is valid
    diagnostics: list[Diagnostic]
    suppressions: list[Any]
    carried: bool  # False: the data could not travel as JSON; read the file again
    result: bool  # a result file's data
    crosswalk: bool  # a crosswalk's data


@dataclass(frozen=True)
class FileJob:
    """The work on one file: ``check_file(name, raw, max_bytes)`` gives a text (what the cache
    keeps and a worker sends back), ``decode(name, text, fresh)`` reads it back, ``header_of`` and
    ``cached_header`` take the header out of a result text or a cached header; each raises
    ``bad_entry`` for a text that is not one (the file is then checked again here).
    ``check_keeping``: the same work handing over more (a command's, never validate's: it would
    keep what validate drops).
    ``namespace()`` names the cache entries this job's texts are valid for."""

    namespace: Callable[[], str]
    check_file: Callable[[str, bytes, int], str]
    decode: Callable[[str, str, bool], Decoded]
    header_of: Callable[[str], Header]
    cached_header: Callable[[Any], Header | None]  # a header entry's text, or its list (the cache's snapshot)
    bad_entry: type[Exception]
    check_keeping: Callable[[str, bytes, int], tuple[str, Any]] | None = None
    """The same work as ``check_file``, also giving what the command keeps of the file beyond the
    text (the site: a plan's appendices, from the whole plan the worker typed); ``None`` for a
    file it keeps nothing of.  Loading hands it over by file (``Loaded.kept``) and never caches
    it: a file the cache answers for has nothing kept (the command reads it itself)."""


Findings_co = TypeVar("Findings_co", covariant=True)


class Check(Protocol[Findings_co]):
    """What a command loads plans for: the per-file ``job``, and ``conclude``, which turns the
    loaded plans into the command's findings (the rules over the repository)."""

    @property
    def job(self) -> FileJob: ...

    def conclude(self, loaded: Loaded) -> Findings_co: ...
