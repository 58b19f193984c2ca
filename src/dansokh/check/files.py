"""One plan file checked on its own, as one JSON text: what the cache keeps and what a worker
process sends back.

``check_file`` reads a file, types it and runs the rules that need only that plan (every
``plan`` rule); the result is everything a run needs from the file without reading it again: its
header (for the repository index), its data when it is a valid plan (for the cascade), the
diagnostics found so far and its inline suppressions.  Positions inside diagnostics are kept as
line and column; the file's name is given back when the result is decoded, so an entry serves a
renamed file too.  Decimal numbers travel as text and are restored where the plan format has
numbers; a plan whose data would not come back equal is not carried (the run reads it itself).

A result text may come from the cache, which is data like any other: ``decode`` and
``cached_header`` take nothing on trust (the shape and type of every part, each code a registered
one, each message and name without control characters, each number in the number domain) and
raise ``BadEntry`` for anything else, never another error: the run then checks the file itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..cascade.repository import LoadedPlan
from ..diagnostics import Diagnostic, Place, Related, Severity, Span
from ..model import official
from ..model.catalogue import active
from ..model.crosswalk import is_crosswalk
from ..model.numbers import EXACT, in_domain
from ..model.parse import parse_crosswalk, parse_plan, parse_result
from ..model.result import is_result
from ..read import fast
from ..read.index import Header
from ..read.loader import load_text
from ..read.suppressions import Suppression
from .rules import BY_CODE, PLAN_RULES


@cache
def _code() -> str:
    """dansokh's version, its code and message catalogues and shipped data (an edited checkout is
    a different dansokh), and the fast reader in use."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{fast.AVAILABLE}\0".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".mo", ".yaml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def namespace() -> str:
    """A digest of everything that decides what a cache entry holds: dansokh itself (``_code``),
    the catalogue in force (the shipped one, or a repository's over it) and the official list of
    units the plan rules read (its version, or none installed)."""
    units = official.library_version() if official.available() else None
    return hashlib.blake2b(f"{_code()}\0{active().digest}\0{units}".encode(), digest_size=16).hexdigest()


@dataclass
class FileResult:
    """A file as checked on its own (see the module's docstring)."""

    header: Header
    data: dict[str, Any] | None  # the plan's outline (see ``outline``), when it is a valid plan
    diagnostics: list[Diagnostic]
    suppressions: list[Suppression]
    carried: bool = True  # False: the data could not travel as JSON; read the file again
    result: bool = False  # the data is a valid result file's, not a plan's
    crosswalk: bool = False  # the data is a valid crosswalk's


def outline(data: dict[str, Any]) -> dict[str, Any]:
    """A valid plan's data without what only its own checks read (its schedules, goals and
    duties), still a valid plan: the cascade of a national repository holds ten thousand plans
    at once, and this is what it keeps of each.  A schedule before an allocation table leaves
    an empty one in its place, so that the table keeps its position (``appendices.1.rows…``)."""
    kept = {key: value for key, value in data.items() if key not in ("goals", "duties")}
    appendices = data.get("appendices")
    if isinstance(appendices, list):
        tables = [i for i, a in enumerate(appendices) if not (isinstance(a, dict) and a.get("kind") == "schedule")]
        kept["appendices"] = [
            appendix if index in tables else {"kind": "schedule", "title": appendix.get("title"), "sections": []}
            for index, appendix in enumerate(appendices[: tables[-1] + 1] if tables else [])
        ]
    return kept


class BadEntry(ValueError):
    """A result text that is not one ``check_file`` writes (a damaged or crafted cache entry)."""


_DECIMALS: dict[Any, Decimal] = {}  # one Decimal object per written number: a plan holds thousands


def _number(value: Any) -> Any:
    """A number of a plan's data as one shared ``Decimal`` (text from JSON, or a whole number),
    in the number domain (``BadEntry`` else: the data is validated as checked already);
    anything else as it is."""
    if type(value) is str or type(value) is int:
        found = _DECIMALS.get(value)
        if found is None:
            try:
                found = Decimal(value)
            except (InvalidOperation, ValueError):
                raise BadEntry("not a number") from None
            if not in_domain(found):
                raise BadEntry("a number outside the domain")
            if len(_DECIMALS) > 1 << 16:
                _DECIMALS.clear()
            _DECIMALS[value] = found
        return found
    return value


# what a result text may hold: every part checked, as the cache is untrusted ---------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")  # controls, line and bidi marks
_TEXT_LIMIT = 100_000
_POSITION_LIMIT = 1 << 31
_SEVERITIES = frozenset(s.value for s in Severity)
_REQUIRED = frozenset({"header", "plan", "diagnostics", "suppressions", "data"})
_KEYS = _REQUIRED | {"result", "crosswalk"}


def _text(value: Any) -> str:
    if type(value) is not str or len(value) > _TEXT_LIMIT or _UNSAFE.search(value):
        raise BadEntry("not a text")
    return value


def _position(value: Any) -> int:
    if type(value) is not int or not 0 <= value < _POSITION_LIMIT:
        raise BadEntry("not a position")
    return value


def _list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise BadEntry("not a list")
    return value


def _load(text: Any) -> Any:
    if type(text) is not str:
        raise BadEntry("not a text")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, too deep, an integer of thousands of digits
        raise BadEntry("not JSON") from None


def _name(value: Any) -> Any:
    """A name of a header, as the file states it (the index only chooses what to read with it)."""
    if value is not None and (type(value) is not str or len(value) > _TEXT_LIMIT):
        raise BadEntry("not a name")
    return value


def _header(item: Any) -> Header:
    plan_id, year, unit, parent, declares, result, crosswalk = _list(item, 7)
    if type(year) is not int and year is not None or type(result) is not bool or type(declares) is not list:
        raise BadEntry("not a header")
    for value in (plan_id, unit, parent):
        if value is not None and type(value) is not str:
            raise BadEntry("not a header")
    for declared in declares:
        if type(declared) is not list or len(declared) != 2 or type(declared[0]) is not str:
            raise BadEntry("not a header")
        _name(declared[1])
    if crosswalk is not None:
        for side in _list(crosswalk, 2):
            if side is not None and (type(_list(side, 2)[0]) is not int or _name(side[1]) is None):
                raise BadEntry("not a header")
    return Header.from_list(item)


def cached_header(entry: Any) -> Header | None:
    """A header the cache gave back (``Header.to_json``, or the list ``Header.to_list`` in the
    cache's snapshot), or ``None`` when it is not one."""
    try:
        return _header(entry if type(entry) is list else _load(entry))
    except BadEntry:
        return None


def _items(value: Any) -> list[Any] | tuple[()]:
    return value if type(value) is list else ()


def _restore_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Decimal numbers back from their text, where the plan format has them; the texts that
    recur in every target and column (indicator keys, units) shared, not one copy per plan."""
    intern, number = sys.intern, _number
    for target in _items(data.get("targets")):
        if type(target) is dict:
            if "value" in target:
                target["value"] = number(target["value"])
            indicator = target.get("indicator")
            if type(indicator) is str:
                target["indicator"] = intern(indicator)
    for appendix in _items(data.get("appendices")):
        if type(appendix) is not dict:
            continue
        for column in _items(appendix.get("columns")):
            if type(column) is dict and type(column.get("indicator")) is str:
                column["indicator"] = intern(column["indicator"])
        for row in _items(appendix.get("rows")):
            values = row.get("values") if type(row) is dict else None
            if type(values) is list:
                values[:] = [number(value) for value in values]
    return data


def _span(span: Place) -> list[int]:
    return [span.line, span.col]


def _encode_diagnostic(diagnostic: Diagnostic) -> list[Any]:
    encoded = [
        diagnostic.code,
        diagnostic.severity.value,
        diagnostic.message,
        *_span(diagnostic.span),
        [[*_span(r.span), r.message, None if r.span.file == diagnostic.span.file else r.span.file] for r in diagnostic.related],
    ]
    if diagnostic.hidden:  # an "and N more" line: the number it stands for travels with it
        encoded.append(diagnostic.hidden)
    return encoded


def _decode_diagnostic(file: str, item: Any, text: Any = _text) -> Diagnostic:
    if type(item) is not list or len(item) not in (6, 7):
        raise BadEntry("not a diagnostic")
    code, severity, message, line, col, related, *hidden = item
    if type(code) is not str or code not in BY_CODE or type(severity) is not str or severity not in _SEVERITIES:
        raise BadEntry("not a diagnostic")
    if hidden and (type(hidden[0]) is not int or not 0 < hidden[0] < _POSITION_LIMIT):
        raise BadEntry("not a diagnostic")
    pointed = []
    for entry in _list(related):
        r_line, r_col, r_message, other = _list(entry, 4)
        pointed.append(Related(Span((None if other is None else text(other)) or file, _position(r_line), _position(r_col)), text(r_message)))
    return Diagnostic(
        code,
        text(message),
        Span(file, _position(line), _position(col)),
        Severity(severity),
        tuple(pointed),
        hidden[0] if hidden else 0,
    )


def _decode_suppression(file: str, item: Any, text: Any = _text) -> Suppression:
    line, col, applies_to, codes, reason = _list(item, 5)
    return Suppression(
        Span(file, _position(line), _position(col)),
        _position(applies_to),
        tuple(text(code) for code in _list(codes)),
        text(reason),
    )


def _restore_result_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """A result file's Decimal numbers back from their text."""
    for figure in _items(data.get("figures")):
        if type(figure) is dict:
            for key in ("value", "numerator", "denominator"):
                if key in figure:
                    figure[key] = _number(figure[key])
    return data


def _restore_crosswalk_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """A crosswalk's Decimal numbers (the figures of its parts) back from their text."""
    for entry in _items(data.get("units")):
        for part in _items(entry.get("parts")) if type(entry) is dict else ():
            figures = part.get("figures") if type(part) is dict else None
            if type(figures) is dict:
                for key in list(figures):
                    figures[key] = _number(figures[key])
    return data


def check_file(name: str, raw: bytes, max_bytes: int) -> str:
    """Read, type and check one file on its own; the result as JSON (see ``decode``)."""
    return _checked(name, raw, max_bytes, None)[0]


def check_file_keeping(keep: Callable[[LoadedPlan, bytes], Any], name: str, raw: bytes, max_bytes: int) -> tuple[str, Any]:
    """``check_file``, and what ``keep`` takes of the whole plan while it is at hand (``None``
    for a file that is not a valid plan): what a command shows beyond the outline (the site: the
    appendices, schedules and all), without reading and typing the file again.  ``keep`` is given
    the typed plan with its source map and the file's bytes; what it gives goes to the command,
    never into the cache (``load.job.FileJob.check_keeping``)."""
    return _checked(name, raw, max_bytes, keep)


def _checked(name: str, raw: bytes, max_bytes: int, keep: Callable[[LoadedPlan, bytes], Any] | None) -> tuple[str, Any]:
    loaded = load_text(name, raw, max_bytes)
    if is_result(loaded.data) or is_crosswalk(loaded.data):
        # a result or a crosswalk: typed here, checked beside the plans (results rules, W rules)
        crosswalk = is_crosswalk(loaded.data)
        typed, problems = (parse_crosswalk if crosswalk else parse_result)(loaded)
        data_text = None
        if typed is not None:
            data_text = json.dumps(loaded.data, ensure_ascii=False, default=str, separators=(",", ":"))
        body = {
            "header": Header.of(loaded.data).to_list(),
            "plan": False,
            "result": typed is not None and not crosswalk,
            "crosswalk": typed is not None and crosswalk,
            "diagnostics": [_encode_diagnostic(d) for d in loaded.diagnostics + problems],
            "suppressions": [[*_span(s.span), s.applies_to, list(s.codes), s.reason] for s in loaded.suppressions],
        }
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return text[:-1] + ',"data":' + (data_text or "null") + "}", None
    plan, problems = parse_plan(loaded)
    diagnostics = loaded.diagnostics + problems
    data_text = None
    kept = None
    if plan is not None:
        as_loaded = LoadedPlan(plan, loaded.source)
        with localcontext(EXACT):  # sums and products of plan numbers, exact (model/numbers.py)
            for rule in PLAN_RULES:
                if rule.needs is not None and rule.needs() is not None:
                    continue  # cannot run here: where it is selected, the run says so (check.run)
                diagnostics.extend(rule.check(rule, as_loaded))  # type: ignore[misc]
        # Decimal numbers go as text and come back where the plan format has numbers; should a
        # number ever stand elsewhere, the outline would not validate and the run reads the file
        # itself (``check.run``): never a wrong plan.
        data_text = json.dumps(outline(loaded.data), ensure_ascii=False, default=str, separators=(",", ":"))
        if keep is not None:
            kept = keep(as_loaded, raw)
    header = Header.of(loaded.data)
    body = {
        "header": header.to_list(),
        "plan": plan is not None,
        "diagnostics": [_encode_diagnostic(d) for d in diagnostics],
        "suppressions": [[*_span(s.span), s.applies_to, list(s.codes), s.reason] for s in loaded.suppressions],
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    # the data goes last, as it was encoded above: decoding it is the parent's largest cost
    return text[:-1] + ',"data":' + (data_text or "null") + "}", kept


def _body(text: Any) -> dict[str, Any]:
    body = _load(text)
    if type(body) is not dict or not _REQUIRED <= body.keys() <= _KEYS:
        raise BadEntry("not a result")
    return body


def header_of(text: str) -> Header:
    """The header of a result text (``BadEntry`` when it is not one)."""
    return _header(_body(text)["header"])


def _typed_text(value: Any) -> str:
    if type(value) is not str:
        raise BadEntry("not a text")
    return value


def decode(name: str, text: str, fresh: bool = False) -> FileResult:
    """A result text (``check_file``'s, maybe through the cache) as a ``FileResult`` for the file
    ``name``; ``BadEntry`` when it is not one (see the module's docstring).  ``fresh``: the text
    ``check_file`` gave in this run, whose messages may quote what the file holds (a line break in
    a value): their types are checked, not their characters."""
    text_of = _typed_text if fresh else _text
    body = _body(text)
    header = _header(body["header"])
    kinds = [body["plan"], body.get("result", False), body.get("crosswalk", False)]
    data = body["data"]
    if any(type(kind) is not bool for kind in kinds) or sum(kinds) > 1 or (data is not None and (type(data) is not dict or not any(kinds))):
        raise BadEntry("not a result")
    if body.get("crosswalk"):
        restore = _restore_crosswalk_numbers
    else:
        restore = _restore_result_numbers if body.get("result") else _restore_numbers
    return FileResult(
        header,
        restore(data) if data is not None else None,
        [_decode_diagnostic(name, item, text_of) for item in _list(body["diagnostics"])],
        [_decode_suppression(name, item, text_of) for item in _list(body["suppressions"])],
        carried=data is not None or not any(kinds),
        result=bool(body.get("result")),
        crosswalk=bool(body.get("crosswalk")),
    )
