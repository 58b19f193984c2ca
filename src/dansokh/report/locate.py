"""Where a diagnostic stands, as machine formats name it: the file's path, a URI, the logical
place in the file, a fingerprint that survives lines moving, and a column in UTF-8 bytes.

One place for the paths the machine formats print (``machine_path``): SARIF, Code Quality,
reviewdog's rdjson, JUnit and the Markdown summary all go through it.

Columns: dansokh counts columns in Unicode code points (``Span.col`` is ruamel's mark + 1, an
index into the decoded line), which SARIF calls ``unicodeCodePoints``; reviewdog counts UTF-8
bytes, which ``byte_column`` gives from the file's line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from ..diagnostics import Diagnostic
from ..read.files import read_bounded
from ..read.limits import DEFAULT_MAX_BYTES
from .paths import on_disk

FINGERPRINT = "dansokh/v1"
"""The key of ``partialFingerprints`` (SARIF) under which dansokh's fingerprint is written."""


def machine_path(file: str) -> str:
    """The path a machine format prints for a diagnostic's file, as ``report.paths.for_machines``
    named it (from the repository's root), with ``/`` between folders whatever the system."""
    return file.replace("\\", "/")


def uri(path: str) -> str:
    """A relative file name as an RFC 3986 URI reference (SARIF's ``artifactLocation.uri``):
    every byte of its UTF-8 but the unreserved characters and ``/`` percent-encoded (a space as
    ``%20``, ``đ`` as ``%C4%91``, ``%`` as ``%25``, ``:`` as ``%3A`` so that no first folder reads
    as a scheme); a byte that was not UTF-8 as that byte (``%FF``)."""
    out = bytearray()
    for char in machine_path(path):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8 (surrogateescape)
            out.append(code - 0xDC00)
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate: the replacement character
            out += "\ufffd".encode("utf-8")
        else:
            out += char.encode("utf-8")
    return quote(bytes(out), safe="/")


_NAMING_KEYS = ("id", "name", "unit", "indicator", "key", "title")


def _route(data: object, route: tuple) -> str:
    """A route as text, an item of a list named by what names it where it can be
    (``appendices/[name=Ba Đình]/values/5``: inserting a row above leaves it as it is), else by
    its index."""
    steps = []
    for step in route:
        named = None
        if isinstance(step, int) and isinstance(data, list) and 0 <= step < len(data) and isinstance(data[step], dict):
            item = data[step]
            named = next((f"[{key}={item[key]}]" for key in _NAMING_KEYS if isinstance(item.get(key), (str, int)) and not isinstance(item.get(key), bool)), None)
        steps.append(named or str(step))
        try:
            data = data[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            data = None
    return "/".join(steps)


class Locator:
    """The places of one report's diagnostics: each reported file read once (as the check read
    it: a regular file, bounded), during the report only."""

    def __init__(self) -> None:
        self._raw: dict[str, bytes | None] = {}
        self._places: dict[str, tuple[object, dict[tuple[int, int], tuple]]] = {}

    def raw(self, file: str) -> bytes | None:
        if file not in self._raw:
            try:
                raw: bytes | None = read_bounded(Path(on_disk(file)), DEFAULT_MAX_BYTES)  # a machine path: from the repository's root
            except (OSError, ValueError):
                raw = None
            self._raw[file] = None if raw is None or len(raw) > DEFAULT_MAX_BYTES else raw
        return self._raw[file]

    def line_text(self, file: str, line: int) -> str | None:
        raw = self.raw(file)
        if raw is None:
            return None
        lines = raw.decode("utf-8-sig", errors="replace").splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    def places(self, file: str) -> tuple[object, dict[tuple[int, int], tuple]]:
        """The data of ``file`` and each position of a value or a key in it -> the route to it
        (``("targets", 0, "value")``); nothing when the file does not read as YAML."""
        if file in self._places:
            return self._places[file]
        from ..read.loader import load_text

        data: object = None
        places: dict[tuple[int, int], tuple] = {}
        raw = self.raw(file)
        if raw is not None:
            loaded = load_text(file, raw)
            data = loaded.data
            for mapping in (loaded.source.keys, loaded.source.values):  # the value's route wins where both stand
                for route, span in mapping.items():
                    key = (span.line, span.col)
                    if key not in places or len(route) >= len(places[key]):
                        places[key] = route
        self._places[file] = (data, places)
        return data, places

    def logical_place(self, file: str, line: int, col: int) -> str:
        """What a diagnostic at ``line:col`` of ``file`` is about, without its line number: the
        route to the key or value there (``appendices/[title=…]/rows/[name=Ba Đình]/values/5``);
        else the nearest one before it on the same line; else the line's text without its
        blanks; else nothing."""
        data, places = self.places(file)
        if (line, col) in places:
            return _route(data, places[(line, col)])
        before = [(c, route) for (row, c), route in places.items() if row == line and c <= col]
        if before:
            return _route(data, max(before, key=lambda found: found[0])[1])
        text = self.line_text(file, line)
        return " ".join(text.split()) if text is not None else ""

    def fingerprints(self, diagnostics: list[Diagnostic]) -> list[str]:
        """A fingerprint per diagnostic that stays the same when lines are added or removed above
        it: a digest of its code, file and logical place (never its line), and of how many equal
        ones came before it in the file."""
        seen: dict[tuple[str, str, str], int] = {}
        found = []
        for d in diagnostics:
            key = (d.code, machine_path(d.span.file), self.logical_place(d.span.file, d.span.line, d.span.col))
            seen[key] = seen.get(key, 0) + 1
            text = "\0".join((*key, str(seen[key])))
            found.append(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32])
        return found

    def byte_column(self, file: str, line: int, col: int) -> int:
        """``col`` (code points, 1-based) as UTF-8 bytes from the start of the line, 1-based, as
        reviewdog counts; ``col`` itself when the line cannot be read."""
        text = self.line_text(file, line)
        if text is None:
            return col
        return len(text[: col - 1].encode("utf-8", "surrogatepass")) + 1
