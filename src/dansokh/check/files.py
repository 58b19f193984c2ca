"""One plan file checked on its own, as one JSON text: what the cache keeps and what a worker
process sends back.

``check_file`` reads a file, types it and runs the rules that need only that plan (every
``plan`` rule); the result is everything a run needs from the file without reading it again: its
header (for the repository index), its data when it is a valid plan (for the cascade), the
diagnostics found so far and its inline suppressions.  Positions inside diagnostics are kept as
line and column; the file's name is given back when the result is decoded, so an entry serves a
renamed file too.  Decimal numbers travel as text and are restored where the plan format has
numbers; a plan whose data would not come back equal is not carried (the run reads it itself).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..cascade.repository import LoadedPlan
from ..diagnostics import Diagnostic, Related, Severity, Span
from ..model import official
from ..model.catalogue import active
from ..model.crosswalk import is_crosswalk
from ..model.numbers import EXACT
from ..model.parse import parse_crosswalk, parse_plan, parse_result
from ..model.result import is_result
from ..read import fast
from ..read.index import HEADER_KEYS, Header
from ..read.loader import load_text
from ..read.suppressions import Suppression
from .rules import PLAN_RULES


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


def file_digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


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


_DECIMALS: dict[Any, Decimal] = {}  # one Decimal object per written number: a plan holds thousands


def _number(value: Any) -> Any:
    """A number of a plan's data as one shared ``Decimal`` (text from JSON, or a whole number);
    anything else as it is."""
    if type(value) is str or type(value) is int:
        found = _DECIMALS.get(value)
        if found is None:
            if len(_DECIMALS) > 1 << 16:
                _DECIMALS.clear()
            found = _DECIMALS[value] = Decimal(value)
        return found
    return value


def _restore_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Decimal numbers back from their text, where the plan format has them; the texts that
    recur in every target and column (indicator keys, units) shared, not one copy per plan."""
    intern, number = sys.intern, _number
    for target in data.get("targets") or ():
        if type(target) is dict:
            if "value" in target:
                target["value"] = number(target["value"])
            indicator = target.get("indicator")
            if type(indicator) is str:
                target["indicator"] = intern(indicator)
    for appendix in data.get("appendices") or ():
        if type(appendix) is not dict:
            continue
        for column in appendix.get("columns") or ():
            if type(column) is dict and type(column.get("indicator")) is str:
                column["indicator"] = intern(column["indicator"])
        for row in appendix.get("rows") or ():
            values = row.get("values") if type(row) is dict else None
            if type(values) is list:
                values[:] = [number(value) for value in values]
    return data


def _span(span: Span) -> list[int]:
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


def _decode_diagnostic(file: str, item: list[Any]) -> Diagnostic:
    code, severity, message, line, col, related, *hidden = item
    return Diagnostic(
        code,
        message,
        Span(file, line, col),
        Severity(severity),
        tuple(Related(Span(other or file, r_line, r_col), r_message) for r_line, r_col, r_message, other in related),
        hidden[0] if hidden else 0,
    )


def _restore_result_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """A result file's Decimal numbers back from their text."""
    for figure in data.get("figures") or ():
        if type(figure) is dict:
            for key in ("value", "numerator", "denominator"):
                if key in figure:
                    figure[key] = _number(figure[key])
    return data


def _restore_crosswalk_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """A crosswalk's Decimal numbers (the figures of its parts) back from their text."""
    for entry in data.get("units") or ():
        for part in (entry.get("parts") or ()) if type(entry) is dict else ():
            figures = part.get("figures") if type(part) is dict else None
            if type(figures) is dict:
                for key in list(figures):
                    figures[key] = _number(figures[key])
    return data


def check_file(name: str, raw: bytes, max_bytes: int) -> str:
    """Read, type and check one file on its own; the result as JSON (see ``decode``)."""
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
        return text[:-1] + ',"data":' + (data_text or "null") + "}"
    plan, problems = parse_plan(loaded)
    diagnostics = loaded.diagnostics + problems
    data_text = None
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
    header = Header.of(loaded.data)
    body = {
        "header": header.to_list(),
        "plan": plan is not None,
        "diagnostics": [_encode_diagnostic(d) for d in diagnostics],
        "suppressions": [[*_span(s.span), s.applies_to, list(s.codes), s.reason] for s in loaded.suppressions],
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    # the data goes last, as it was encoded above: decoding it is the parent's largest cost
    return text[:-1] + ',"data":' + (data_text or "null") + "}"


def header_of(text: str) -> Header:
    return Header.from_list(json.loads(text)["header"])


def decode(name: str, text: str) -> FileResult:
    body = json.loads(text)
    header = Header.from_list(body["header"])
    data = body["data"]
    if body.get("crosswalk"):
        restore = _restore_crosswalk_numbers
    else:
        restore = _restore_result_numbers if body.get("result") else _restore_numbers
    return FileResult(
        header,
        restore(data) if data is not None else None,
        [_decode_diagnostic(name, item) for item in body["diagnostics"]],
        [Suppression(Span(name, line, col), applies_to, tuple(codes), reason) for line, col, applies_to, codes, reason in body["suppressions"]],
        carried=data is not None or not (body["plan"] or body.get("result") or body.get("crosswalk")),
        result=bool(body.get("result")),
        crosswalk=bool(body.get("crosswalk")),
    )


def read_header(raw: bytes) -> Header | None:
    """A file's header, read by the fast path's header reader without walking the rest of the
    file; ``None`` when the file is outside the fast path's subset (check it whole)."""
    values = fast.top_values(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw, HEADER_KEYS)
    return None if values is None else Header.of(values)
