"""YAML files into plain data and a source map; every problem becomes a diagnostic.

Reading uses ruamel's C-backed safe composer (libyaml), which gives every node
its position without the cost of round-trip loading.  The node tree is turned
into data here, so that duplicate keys, aliases and tags are caught with their
positions, and numbers keep their written digits (``0.00`` stays ``Decimal("0.00")``).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path as FsPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers
from ruamel.yaml.tag import Tag

from ..diagnostics import Diagnostic
from ..i18n import _
from . import codes, fast
from .chars import INVISIBLE
from .files import read_bounded
from .limits import DEFAULT_MAX_BYTES, MAX_DEPTH, shorten
from .positions import Path, SourceMap, Span
from .suppressions import Suppression, scan
from .yaml_problems import explain, indentation

__all__ = ["DEFAULT_MAX_BYTES", "PlanFile", "load_file", "load_text"]

# Control characters that double-quoted escapes ("\x07", "\0", "\e", "\N") can put in text
# (libyaml refuses them written raw): no officer means them, and XML (docx, xlsx) cannot hold them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Composing recurses in C for every level of nesting: tens of thousands of levels exhaust the
# stack.  Depth is at most the number of [ and { plus twice the longest run of spaces and
# indicators (- ? :) at the start of a line; below these bounds composing is safe, and the
# builder refuses anything deeper than MAX_DEPTH.  Above them the events are walked first.
_SAFE_FLOW = 1000
_SAFE_RUN = 1000
_STRUCTURE = bytes(
    ord(" ") if byte in b" \t?:-" else ord("[") if byte in b"[{" else ord("x") for byte in range(256)
)
_LONG_RUN = b" " * _SAFE_RUN


def _might_be_deep(raw: bytes) -> bool:
    if len(raw) <= _SAFE_FLOW:
        return False
    shape = raw.translate(_STRUCTURE)
    return shape.count(b"[") > _SAFE_FLOW or _LONG_RUN in shape


_STD = "tag:yaml.org,2002:"


@dataclass
class PlanFile:
    """A plan file as read: its data (``None`` when it could not be read), where each part stands,
    the problems met while reading it, and its inline suppressions."""

    file: str
    data: Any
    source: SourceMap
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)


_TAGS = {name: Tag(suffix=_STD + name) for name in ("str", "seq", "map", "null", "bool", "int", "float", "timestamp")}


def _implicit_table() -> dict[str, list[tuple[Tag, Any]]]:
    """YAML 1.2's implicit scalar types, by first character, resolved to shared tags.  The
    patterns' ``match`` is taken once here: ruamel wraps each pattern in a lazy proxy that
    costs a Python call on every use (a million and more in a national run)."""
    table: dict[str, list[tuple[Tag, Any]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        name = tag.removeprefix(_STD)
        if (1, 2) in versions and name in _TAGS:
            for char in first:
                table.setdefault(char, []).append((_TAGS[name], regexp.match))
    return table


class _Resolver(VersionedResolver):
    """ruamel's YAML 1.2 resolution without its per-node version lookup: the
    C composer calls this for every node, and the lookup was half the parse."""

    _implicit = _implicit_table()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, match in self._implicit.get(value[:1], ()):
                    if match(value):
                        return tag
            return _TAGS["str"]
        return _TAGS["seq"] if kind is SequenceNode else _TAGS["map"]


_shared: YAML | None = None


def _yaml() -> YAML:
    """One YAML instance for every file: making one scans for plug-ins, which cost more than
    parsing a small plan."""
    global _shared
    if _shared is None:
        _shared = YAML(typ="safe")  # picks the C parser when ruamel.yaml.clib is installed
        _shared.Resolver = _Resolver
    _shared.doc_infos.clear()
    return _shared


_SHARED = {id(tag): tag.suffix for tag in _TAGS.values()}


def _tag_of(node: Node) -> str:
    return _SHARED.get(id(node.ctag)) or str(node.ctag)


def _tag_is(node: Node, name: str) -> bool:
    return _tag_of(node) == _STD + name


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    col = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, col


class _Builder:
    """Walks a composed node tree once, building data; with a source map, also
    recording where every value and key stands."""

    def __init__(
        self, file: str, diagnostics: list[Diagnostic], source: SourceMap | None = None, escapes: bool = True
    ):
        self.file = file
        # where values, keys and their ends stand: recorded only with a source map (a path is given then)
        self.values: dict[Path, Span] = source._values if source is not None else {}
        self.keys: dict[Path, Span] = source._keys if source is not None else {}
        self.ends: dict[Path, Span] = source._ends if source is not None else {}
        self.diagnostics = diagnostics
        self.warned_nfc = False
        # the text has a backslash: a quoted escape may hide a control character
        self.text: Callable[[str, Node], str] = self.text_without_controls if escapes else self.plain_text
        self.depth = 0
        self.too_deep = False

    def span(self, node: Node) -> Span:
        return Span.from_mark(self.file, node.start_mark)

    def build(self, node: Node, path: Path | None) -> Any:
        if path is not None:
            self.values[path] = self.span(node)
        if isinstance(node, ScalarNode):
            if path is not None:
                self.ends[path] = Span.from_mark(self.file, node.end_mark)
            return self.scalar(node)
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        # a sequence: the composer makes no other kind of node
        if not _tag_is(node, "seq"):
            self.tag_error(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.nested_too_deep(node)
            return None
        if path is None:
            result = [self.build(item, None) for item in node.value]
        else:
            result = [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        self.depth -= 1
        return result

    def nested_too_deep(self, node: Node) -> None:
        """Stop here (the file's data is dropped): one diagnostic at the first level too deep."""
        self.depth -= 1
        if not self.too_deep:
            self.too_deep = True
            self.diagnostics.append(codes.TOO_DEEP.at(self.span(node), _too_deep_message()))

    def mapping(self, node: MappingNode, path: Path | None) -> dict[str, Any] | None:
        if not _tag_is(node, "map"):
            self.tag_error(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.nested_too_deep(node)
            return None
        result: dict[str, Any] = {}
        first_keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.diagnostics.append(
                    codes.WRONG_VALUE.at(self.span(key_node), _("a mapping key must be plain text"))
                )
                continue
            key = self.text(key_node.value, key_node)
            if key in first_keys:
                line = first_keys[key].start_mark.line + 1
                self.diagnostics.append(
                    codes.DUPLICATE_KEY.at(
                        self.span(key_node),
                        _("duplicate key {key!r} (first at line {line}); the first is kept").format(key=shorten(key), line=line),
                    )
                )
                continue
            first_keys[key] = key_node
            if path is None:
                result[key] = self.build(value_node, None)
            else:
                self.keys[path + (key,)] = self.span(key_node)
                result[key] = self.build(value_node, path + (key,))
        self.depth -= 1
        return result

    def tag_error(self, node: Node) -> None:
        self.diagnostics.append(codes.TAG.at(
                self.span(node), _("explicit tag {tag} is not allowed").format(tag=str(node.ctag).replace(_STD, "!!"))
            ))

    def text_without_controls(self, value: str, node: Node) -> str:
        if CONTROL.search(value):
            value = self.without_controls(value, node)
        return self.plain_text(value, node)

    def plain_text(self, value: str, node: Node) -> str:
        if value.isascii():
            return value
        found = INVISIBLE.search(value)
        if found is not None:
            char = found.group()
            self.diagnostics.append(
                codes.INVISIBLE_CHARACTER.at(
                    self.span(node),
                    _("{value!r} holds {code} ({name}), a character a reader cannot see; delete it").format(
                        value=shorten(value), code=f"U+{ord(char):04X}", name=unicodedata.name(char, "")
                    ),
                )
            )
        if unicodedata.is_normalized("NFC", value):
            return value
        if not self.warned_nfc:
            self.warned_nfc = True
            self.diagnostics.append(
                codes.NOT_NFC.at(
                    self.span(node),
                    _(
                        "{text!r} is typed in the character set \"Unicode tổ hợp\" (decomposed, the first such text"
                        " of the file); dansokh reads it correctly, but fix it: in Unikey choose the character set"
                        " \"Unicode dựng sẵn\" and type it again, or convert it with Unikey's converter"
                        " (Ctrl+Shift+F6) from \"Unicode tổ hợp\" to \"Unicode dựng sẵn\""
                    ).format(text=shorten(unicodedata.normalize("NFC", value))),
                )
            )
        return unicodedata.normalize("NFC", value)

    def without_controls(self, value: str, node: Node) -> str:
        """The text without its control characters, which are reported."""
        found = CONTROL.search(value)
        assert found is not None  # called where CONTROL found one
        self.diagnostics.append(
            codes.WRONG_VALUE.at(
                self.span(node),
                _("the text holds the control character {code} (from an escape such as \\x07); remove it").format(
                    code=f"U+{ord(found.group()):04X}"
                ),
            )
        )
        return CONTROL.sub("", value)

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = _tag_of(node), node.value
        if tag == _STD + "str" or tag == _STD + "timestamp":
            return self.text(value, node)
        if tag == _STD + "null":
            return None
        if tag == _STD + "bool":
            return value.lower() == "true"
        if tag == _STD + "int":
            digits = value.replace("_", "")
            try:
                if digits.lstrip("+-")[:2].lower() in ("0x", "0o", "0b"):
                    return int(digits, 0)
                return int(digits, 10)
            except ValueError:
                if digits.lstrip("+-").isdigit():  # beyond int()'s digit limit: the model says it is too large
                    return Decimal(digits)
        elif tag == _STD + "float":
            try:
                number = Decimal(value.replace("_", ""))
                if number.is_finite():
                    return number
            except InvalidOperation:
                pass
            self.diagnostics.append(
                codes.WRONG_VALUE.at(self.span(node), _("{value!r} is not a finite number").format(value=shorten(value)))
            )
            return None
        else:
            self.tag_error(node)
        return value


def _first_problem(yaml: YAML, text: str, depth_too: bool) -> tuple[Any, Any]:
    """The first alias, or the first list or mapping nested deeper than MAX_DEPTH (with
    ``depth_too``), by walking the events: no tree is built, so nothing recurses."""
    depth = 0
    for event in yaml.parse(text):
        if isinstance(event, AliasEvent):
            return codes.ALIAS, event
        if depth_too:
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return codes.TOO_DEEP, event
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    return None, None


def _too_deep_message() -> str:
    return _("nesting too deep: more than {limit} levels of lists and mappings").format(limit=MAX_DEPTH)


def load_text(file: str, raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> PlanFile:
    """Turn one file's bytes into data, never raising on bad input."""
    source = SourceMap(file)
    loaded = PlanFile(file, None, source)
    start = Span(file, 1, 1)
    if len(raw) > max_bytes:
        return too_large(file, len(raw), max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, col = _position_of_byte(raw, error.start)
        loaded.diagnostics.append(
            codes.NOT_UTF8.at(
                Span(file, line, col),
                _("byte 0x{byte:02x} is not UTF-8; save the file as UTF-8").format(byte=raw[error.start]),
            )
        )
        return loaded
    loaded.suppressions = scan(file, text)
    data = fast.load(raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw)
    if data is not None:  # the fast path's subset: nothing to report while reading
        loaded.data = data
        source.filler = _position_filler(file, text)
        return loaded
    yaml = _yaml()
    try:
        deep = _might_be_deep(raw)
        if deep or "*" in text:
            problem, event = _first_problem(yaml, text, deep)
            if problem is codes.ALIAS:
                loaded.diagnostics.append(
                    codes.ALIAS.at(
                        Span.from_mark(file, event.start_mark),
                        _("alias *{anchor} is not allowed: write the value out").format(anchor=shorten(event.anchor)),
                    )
                )
                return loaded
            if problem is codes.TOO_DEEP:
                loaded.diagnostics.append(codes.TOO_DEEP.at(Span.from_mark(file, event.start_mark), _too_deep_message()))
                return loaded
        node = yaml.compose(text)
    except ReaderError as error:  # a raw control character: libyaml gives its byte offset
        line, col = _position_of_byte(text.encode("utf-8"), error.position)
        loaded.diagnostics.append(
            codes.MALFORMED.at(
                Span(file, line, col),
                _("the control character {code} cannot be in a plan file: delete it").format(
                    code=f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character),
                ),
            )
        )
        return loaded
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = Span.from_mark(file, mark) if mark is not None else start
        slip = indentation(text, mark.line, error.problem) if error.problem_mark is not None else None
        if slip is not None:  # a key indented one space off: said as such, at the key
            loaded.diagnostics.append(codes.MALFORMED.at(Span(file, mark.line + 1, slip[1] + 1), slip[0]))
            return loaded
        at = getattr(mark, "index", None)
        character = text[at] if isinstance(at, int) and 0 <= at < len(text) else None
        loaded.diagnostics.append(codes.MALFORMED.at(span, explain(error.problem, error.context, character)))
        return loaded
    except YAMLError as error:  # unmarked errors, e.g. a second document
        loaded.diagnostics.append(codes.MALFORMED.at(start, explain((str(error).splitlines() or [""])[0], None)))
        return loaded
    if node is None:
        loaded.diagnostics.append(codes.EMPTY.at(start, _("the file is empty: a plan is a YAML mapping")))
        return loaded
    escapes = "\\" in text
    builder = _Builder(file, loaded.diagnostics, escapes=escapes)
    loaded.data = builder.build(node, None)
    if builder.too_deep:
        loaded.data = None
        return loaded
    if loaded.data is None:  # a file of only ~ or null
        loaded.diagnostics.append(
            codes.WRONG_VALUE.at(Span.from_mark(file, node.start_mark), _("the file holds only null: a plan is a YAML mapping"))
        )
        return loaded
    source.filler = _position_filler(file, text)
    return loaded


def _position_filler(file: str, text: str) -> Callable[[SourceMap], None]:
    def record_positions(source: SourceMap) -> None:
        _record(file, source, lambda: text)

    return record_positions


def source_map(file: str, raw: Callable[[], bytes]) -> SourceMap:
    """The source map of a file read earlier (maybe in another process, maybe from the cache):
    positions are recorded when first asked for, from the bytes ``raw()`` gives (read again
    only then: ten thousand files' text would otherwise stay in memory for a few diagnostics)."""

    def record_positions(source: SourceMap) -> None:
        _record(file, source, lambda: raw().decode("utf-8-sig"))

    return SourceMap(file, record_positions)


def _record(file: str, source: SourceMap, text: Callable[[], str]) -> None:
    """Record the positions of a file's values.  The file was read before; should it no longer
    read (changed on disk since, or a YAML the fast reader took and libyaml refuses), positions
    stay unknown and diagnostics stand at the nearest known place (1:1): never a traceback.
    Only positions are kept: the data and the problems were taken when the file was read."""
    try:
        written = text()
        yaml = _yaml()
        if _might_be_deep(written.encode("utf-8")) and _first_problem(yaml, written, True)[0] is not None:
            return  # changed into a file the C composer cannot nest into (a long line alone is no reason)
        node = yaml.compose(written)
    except (YAMLError, OSError, UnicodeDecodeError, RecursionError):
        return
    _Builder(file, [], source).build(node, ())


def load_file(path: FsPath, display: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> PlanFile:
    name = display or str(path)
    try:
        raw = read_bounded(path, max_bytes)
    except OSError as error:
        loaded = PlanFile(name, None, SourceMap(name))
        loaded.diagnostics.append(codes.MALFORMED.at(
                Span(name, 1, 1), _("cannot read the file: {reason}").format(reason=error.strerror or error)
            ))
        return loaded
    if len(raw) > max_bytes:
        return _too_large(name, max(len(raw), _size_on_disk(path)), max_bytes)
    return load_text(name, raw, max_bytes)


def _size_on_disk(path: FsPath) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _too_large(name: str, size: int, max_bytes: int) -> PlanFile:
    loaded = PlanFile(name, None, SourceMap(name))
    loaded.diagnostics.append(
        codes.TOO_LARGE.at(Span(name, 1, 1), _too_large_message(size, max_bytes))
    )
    return loaded


def too_large(file: str, size: int, max_bytes: int) -> PlanFile:
    """A file of ``size`` bytes over the limit, never read: its Y006 and no data (a blob of
    git history is refused by its size alone, as a file on disk by its first bytes over the limit)."""
    loaded = PlanFile(file, None, SourceMap(file))
    loaded.diagnostics.append(codes.TOO_LARGE.at(Span(file, 1, 1), _too_large_message(size, max_bytes)))
    return loaded


def _too_large_message(size: int, max_bytes: int) -> str:
    return _("the file has {size:,} bytes, over the limit of {limit:,}").format(size=size, limit=max_bytes)
