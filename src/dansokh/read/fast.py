"""The fast read path: rapidyaml (a C++ parser) for the plain files that make up almost every
repository, the exact path (``loader``) for everything else.

The fast path accepts a strict subset of YAML and turns it into exactly the data the exact
path would build: mappings with text keys, lists, text, ``None``, ``True``/``False``, whole
numbers and decimals that keep their written digits.  Anything outside that subset (a tag,
an anchor, an alias, a duplicate key, text not in NFC, a tab, a number written with an
exponent, underscores or a base, a second document, a parse error, deep nesting) makes it
decline, and the file is read by the exact path, which reports each problem at its position.
Positions are never recorded here: a diagnostic that needs them reads the file again with the
exact path (``SourceMap``), as before.

rapidyaml is optional: without it (no wheel for the platform), every file takes the exact path,
with the same results, more slowly.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import deque
from decimal import Decimal
from typing import Any

from .chars import INVISIBLE

try:  # pragma: no cover - exercised by whichever environment the tests run in
    if os.environ.get("DANSOKH_EXACT_ONLY"):  # the exact path alone (to compare the two)
        raise ImportError
    import ryml as _ryml_module
    from ryml import _ryml

    _MAP, _SEQ, _STREAM, _NONE = _ryml_module.MAP, _ryml_module.SEQ, _ryml_module.STREAM, _ryml_module.NONE
    _VALNIL, _KEYNIL = _ryml_module.VALNIL, _ryml_module.KEYNIL
    _KEY_PLAIN = _ryml_module.KEY_PLAIN
    _FLOW = _ryml_module.FLOW_SL | _ryml_module.FLOW_ML
    _PLAIN_BITS = _ryml_module.VAL_PLAIN | _VALNIL
    _REFUSED = (  # anchors, aliases, tags, and scalars rapidyaml left unprocessed
        _ryml_module.KEYANCH
        | _ryml_module.VALANCH
        | _ryml_module.KEYREF
        | _ryml_module.VALREF
        | _ryml_module.KEYTAG
        | _ryml_module.VALTAG
        | _ryml_module.KEY_UNFILT
        | _ryml_module.VAL_UNFILT
    )
    _type, _key, _val = _ryml.Tree_type, _ryml.Tree_key, _ryml.Tree_val
    _first_child, _next_sibling = _ryml.Tree_first_child, _ryml.Tree_next_sibling
    _num_children, _root_id = _ryml.Tree_num_children, _ryml.Tree_root_id
    AVAILABLE = True
except (ImportError, AttributeError):  # pragma: no cover - no wheel here, or another rapidyaml
    AVAILABLE = False

MAX_DEPTH = 24  # deeper documents take the exact path, whatever limits it applies
MAX_DIGITS = 18  # longer numbers take the exact path, whatever bounds it applies

# YAML 1.2's core schema as ruamel resolves it (read.loader._Resolver): which plain scalars are
# numbers, booleans, nulls or timestamps.  Only the common forms are converted here.
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_PLAIN_INT = re.compile(r"[-+]?[0-9]+\Z")
_PLAIN_DECIMAL = re.compile(r"[-+]?[0-9]+\.[0-9]*\Z")
# Any other plain scalar starting like a number is handed to the exact path when YAML 1.2 could
# read it as a number (0x1F, 1e3, .5, 1_000, .inf): these are the resolver's own patterns.
_MAYBE_NUMBER = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?\Z
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\Z
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?\Z
    |[-+]?\.(?:inf|Inf|INF)\Z
    |\.(?:nan|NaN|NAN)\Z
    |[-+]?0b[0-1_]+\Z
    |[-+]?0o?[0-7_]+\Z
    |[-+]?[0-9_]+\Z
    |[-+]?0x[0-9a-fA-F_]+\Z""",
    re.X,
)
_NUMBER_START = frozenset("-+.0123456789")

# rapidyaml's node type bits
class _Decline(Exception):
    """The file is outside the fast path's subset: read it with the exact path."""


def _text(value: str) -> str:
    if value.isascii() or (unicodedata.is_normalized("NFC", value) and INVISIBLE.search(value) is None):
        return value
    raise _Decline  # the exact path reports it (Y009, Y012)


def _plain(value: str) -> Any:
    """A plain scalar as ruamel's YAML 1.2 resolution reads it, for the common forms."""
    if value in _NULL:
        return None
    first = value[0]
    if first in _NUMBER_START:
        if _PLAIN_INT.match(value):
            if len(value) > MAX_DIGITS:
                raise _Decline
            return int(value, 10)
        if _PLAIN_DECIMAL.match(value):
            if len(value) > MAX_DIGITS:
                raise _Decline
            return Decimal(value)
        if _MAYBE_NUMBER.match(value):
            raise _Decline
        return _text(value)
    if first in "tTfF":
        found = _BOOL.get(value)
        if found is not None:
            return found
    return _text(value)


_MEMO_LIMIT = 1 << 15
_scalars: dict[str, Any] = {}  # plain scalar text -> its value, shared across files
_texts: dict[str, str] = {}  # checked text (keys, quoted scalars) -> itself


# Where rapidyaml is more lenient than libyaml with plain scalars: one that starts with an
# indicator (``]oals``), or, inside a flow collection, one holding ``:`` ``?`` or a bracket
# (``[http://x]``, ``[37?]``).  The fast path steps aside for them.
_INDICATORS = frozenset("[]{},#&*!|>'\"%@`?:")
_FLOW_INDICATORS = re.compile(r"[\[\]{},?:]")


def _unusual_plain(text: str, flow: int) -> bool:
    return bool(text) and (text[0] in _INDICATORS or (bool(flow) and _FLOW_INDICATORS.search(text) is not None))


def _scalar(
    tree: Any, node: int, kind: int, flow: int, scalars: dict[str, Any] = _scalars, texts: dict[str, str] = _texts
) -> Any:
    text = str(_val(tree, node), "utf-8")
    if kind & _PLAIN_BITS:
        if _unusual_plain(text, flow):
            raise _Decline
        found = scalars.get(text, scalars)
        if found is scalars:
            found = scalars[text] = _plain(text)
        return found
    found = texts.get(text)
    if found is None:
        found = texts[text] = _text(text)
    return found


# The walk is three plain functions that take the tree (closures over it would form a cycle
# that keeps every tree alive until the garbage collector, which is paused while loading).
# ``flow`` is set inside a flow collection ([…] or {…}).
def _mapping(tree: Any, node: int, depth: int, flow: int, texts: dict[str, str] = _texts) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise _Decline
    type_, key_, following = _type, _key, _next_sibling
    result: dict[str, Any] = {}
    child = _first_child(tree, node)
    while child != _NONE:
        kind = type_(tree, child)
        if kind & _REFUSED or kind & _KEYNIL:
            raise _Decline
        text = str(key_(tree, child), "utf-8")
        if kind & _KEY_PLAIN and _unusual_plain(text, flow):
            raise _Decline
        key = texts.get(text)
        if key is None:
            key = texts[text] = _text(text)
        if key in result:
            raise _Decline  # a duplicate key: the exact path reports it
        if kind & _MAP:
            result[key] = _mapping(tree, child, depth + 1, flow or kind & _FLOW)
        elif kind & _SEQ:
            result[key] = _sequence(tree, child, depth + 1, flow or kind & _FLOW)
        else:
            result[key] = _scalar(tree, child, kind, flow)
        child = following(tree, child)
    return result


def _sequence(tree: Any, node: int, depth: int, flow: int) -> list[Any]:
    if depth > MAX_DEPTH:
        raise _Decline
    type_, following = _type, _next_sibling
    result: list[Any] = []
    append = result.append
    child = _first_child(tree, node)
    while child != _NONE:
        kind = type_(tree, child)
        if kind & _REFUSED:
            raise _Decline
        if kind & _MAP:
            append(_mapping(tree, child, depth + 1, flow or kind & _FLOW))
        elif kind & _SEQ:
            append(_sequence(tree, child, depth + 1, flow or kind & _FLOW))
        else:
            append(_scalar(tree, child, kind, flow))
        child = following(tree, child)
    return result


def _forget_if_full() -> None:
    if len(_scalars) > _MEMO_LIMIT or len(_texts) > _MEMO_LIMIT:
        _scalars.clear()
        _texts.clear()


def _root(tree: Any) -> tuple[int, int]:
    """The node and type of the document's top-level mapping, or decline."""
    node = _root_id(tree)
    kind = _type(tree, node)
    if kind & _STREAM == _STREAM:
        if _num_children(tree, node) != 1:
            raise _Decline
        node = _first_child(tree, node)
        kind = _type(tree, node)
    if not kind & _MAP:
        raise _Decline
    return node, kind


# Bytes that make the fast path step aside before parsing: a tab (libyaml refuses tabs where
# rapidyaml tolerates some), a document marker or directive line, a NUL or other control byte,
# a backslash (an escape), and the two shapes of flow collections below.
# every byte that is a tab, another control character or DEL, mapped to 0 (``bytes.translate``:
# a regular expression over ten thousand files took three times as long)
_CONTROL = bytes(0 if (byte < 0x20 and byte not in (0x0A, 0x0D)) or byte == 0x7F else 1 for byte in range(256))

# Where rapidyaml is more lenient than libyaml on one line: something after a closing bracket
# (``- {a: 1}  - {b: 2}``), a second entry after a quoted one (``- "a"  - b``), or a comment
# inside a flow collection (``{name: x #, y: 1}``).
_AFTER_BRACKET = re.compile(rb"[}\]][ \t]*[^\s#,\]}]")
_AFTER_QUOTE = re.compile(rb"[\"'][ \t]+-(?:[ \t]|$)", re.M)
_COMMENT_IN_FLOW = re.compile(rb"[\[{][^\]}\n]*[ \t]#")
# Characters libyaml refuses (C1 controls, U+FFFE, U+FFFF, a byte-order mark inside the text) or
# reads as line breaks (U+0085, U+2028, U+2029), which rapidyaml takes as text (found by
# tests/test_fuzz.py: a file the fast path read, whose positions libyaml could not then give)
_NOT_PLAIN_TEXT = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")
# A carriage return that is not the first half of CRLF: a line break to libyaml, text (in a comment,
# say) to rapidyaml
_LONE_CR = re.compile(rb"\r(?!\n)")


def _breaks_differently(raw: bytes) -> bool:
    """Whether libyaml would refuse a character of ``raw``, or break a line where rapidyaml does not."""
    if (b"\xc2" in raw or b"\xef" in raw or b"\xe2\x80\xa8" in raw or b"\xe2\x80\xa9" in raw) and _NOT_PLAIN_TEXT.search(raw):
        return True
    return b"\r" in raw and _LONE_CR.search(raw) is not None


def _unusual(raw: bytes) -> bool:
    if raw.startswith((b"---", b"...", b"%")) or b"\n---" in raw or b"\n..." in raw or b"\n%" in raw:
        return True
    if b"\\" in raw:  # an escape may hide a control character ("\x07"): the exact path reports it
        return True
    if b"\x00" in raw.translate(_CONTROL):
        return True
    if _AFTER_BRACKET.search(raw) is not None or _AFTER_QUOTE.search(raw) is not None:
        return True
    if _breaks_differently(raw):
        return True
    return b" #" in raw and _COMMENT_IN_FLOW.search(raw) is not None  # a tab before it is declined above


_null: int | None = None


def _parse(raw: bytes) -> Any:
    """rapidyaml's tree of ``raw``.  rapidyaml prints its parse errors to the process's standard
    error before raising them: the exact path reports them properly, so they are silenced."""
    global _null
    if _null is None:
        _null = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    os.dup2(_null, 2)
    try:
        return _ryml_module.parse_in_arena(raw)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def load(raw: bytes) -> dict[str, Any] | None:
    """The data of a plan file in the fast path's subset (UTF-8 bytes without a byte-order
    mark), or ``None`` when it must be read by the exact path."""
    if not AVAILABLE or _unusual(raw):
        return None
    try:
        tree = _parse(raw)
        node, kind = _root(tree)
        if kind & _REFUSED:
            return None
        _forget_if_full()
        return _mapping(tree, node, 1, kind & _FLOW)
    except _Decline:
        return None
    except Exception:  # rapidyaml's parse errors: the exact path reports them with their position
        return None


_COLUMN_ZERO = re.compile(rb"^[^\s#]", re.M)


def _head(raw: bytes, keys: frozenset[str]) -> bytes:
    """The beginning of a file that holds all its top-level ``keys``: up to the first top-level
    line after the last line that starts with one of them.  A top-level key stands at column 0,
    and a line at column 0 is a top-level key, a comment or a document marker, or else lies in
    a quoted scalar or a flow collection that the cut leaves unclosed, which makes the head fail
    to parse (and the whole file is read).  No cut where a key could hide: an escape (a
    backslash) or a complex key (``?``)."""
    if b"\\" in raw or b"\n?" in raw or raw.startswith(b"?"):
        return raw
    pattern = _heads.get(keys)
    if pattern is None:
        names = b"|".join(re.escape(key.encode()) for key in sorted(keys))
        pattern = _heads[keys] = re.compile(rb"^([\"']?)(?:" + names + rb")\1[ \t]*:", re.M)
    tail = deque(pattern.finditer(raw), maxlen=1)  # the last key's line
    last = tail[0] if tail else None
    if last is None:
        return raw
    end = raw.find(b"\n", last.end())
    following = _COLUMN_ZERO.search(raw, end + 1) if end >= 0 else None
    return raw[: following.start()] if following else raw


_heads: dict[frozenset[str], re.Pattern[bytes]] = {}


def top_values(raw: bytes, keys: frozenset[str]) -> dict[str, Any] | None:
    """Only the given top-level keys of a file, converted as ``load`` converts them: only the
    head of the file that holds them is parsed, and only they are walked (this is how the
    repository index reads ten thousand files in a fraction of a second).  ``None`` when the
    file is outside the subset."""
    if not AVAILABLE or _breaks_differently(raw):  # the whole file: a line break further on may end the head elsewhere
        return None
    raw = _head(raw, keys)
    if _unusual(raw):
        return None
    try:
        tree = _parse(raw)
        node, kind = _root(tree)
        if kind & _REFUSED:
            return None
        _forget_if_full()
        result: dict[str, Any] = {}
        seen: set[str] = set()
        wanted = len(keys)
        child = _first_child(tree, node)
        while child != _NONE:
            child_kind = _type(tree, child)
            if child_kind & _REFUSED or child_kind & _KEYNIL:
                return None
            key = _text(str(_key(tree, child), "utf-8"))
            if key in seen or (child_kind & _KEY_PLAIN and _unusual_plain(key, kind & _FLOW)):
                return None
            seen.add(key)
            if key in keys:
                wanted -= 1
                if child_kind & _MAP:
                    result[key] = _mapping(tree, child, 2, kind & _FLOW or child_kind & _FLOW)
                elif child_kind & _SEQ:
                    result[key] = _sequence(tree, child, 2, kind & _FLOW or child_kind & _FLOW)
                else:
                    result[key] = _scalar(tree, child, child_kind, kind & _FLOW)
                if not wanted:  # a key that came again later would not count: the first is kept
                    break
            child = _next_sibling(tree, child)
        return result
    except _Decline:
        return None
    except Exception:
        return None
