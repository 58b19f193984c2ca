"""Result files written the one way dansokh writes them, atomically, never over a different result.

``result_text`` is the canonical text of a result: keys in the model's order, one figure a
line, text in double quotes (a JSON string is a YAML double-quoted scalar, so no text can
become a number, a date or a formula), numbers with the digits they were given.  The same
figures always give the same bytes, which is what lets ``dansokh import`` say whether a
form brings anything new.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..i18n import _
from ..model.numbers import plain
from ..model.result import ResultFile
from ..read.files import read_bounded
from ..read.limits import REREAD_LIMIT
from .atomic import digest, write_atomic


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def normal(value: Decimal) -> Decimal:
    """``24.0`` -> ``24``, ``87.50`` -> ``87.5``: a result is a number, and trailing zeros are not
    data (a spreadsheet keeps none), so the same figure is always written the same way."""
    reduced = value.normalize()
    return reduced.quantize(Decimal(1)) if reduced == reduced.to_integral_value() else reduced


def _number(value: Decimal) -> str:
    return plain(normal(value))


def result_text(result: ResultFile) -> str:
    lines = [
        "kind: result",
        f"unit: {result.unit}",
        f"year: {result.year}",
        f"period: {_text(result.period)}",
        f"reported: {_text(result.reported)}",
    ]
    if result.document is not None:
        parts = [f"kind: {_text(result.document.kind)}"]
        for key in ("number", "date", "issuer"):
            value = getattr(result.document, key)
            if value is not None:
                parts.append(f"{key}: {_text(value)}")
        lines.append("document: {" + ", ".join(parts) + "}")
    if result.plan is not None:
        lines.append(f"plan: {result.plan}")
    if result.note is not None:
        lines.append(f"note: {_text(result.note)}")
    if not result.figures:
        lines.append("figures: []")
    else:
        lines.append("figures:")
        for figure in result.figures:
            parts = [f"indicator: {figure.indicator}"]
            for key in ("value", "numerator", "denominator"):
                value = getattr(figure, key)
                if value is not None:
                    parts.append(f"{key}: {_number(value)}")
            if figure.unit is not None:
                parts.append(f"unit: {_text(figure.unit)}")
            if figure.note is not None:
                parts.append(f"note: {_text(figure.note)}")
            lines.append("  - {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"


class ResultExists(RuntimeError):
    """A different result is already on disk at the path; ``--force`` replaces it."""


@dataclass(frozen=True)
class Written:
    path: Path
    status: str  # "created", "replaced" or "unchanged"


def split_header(text: str) -> tuple[str, str]:
    """The comment lines a result file starts with (a label, a note of who corrected what), and the rest."""
    lines = text.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    return "".join(lines[:count]), "".join(lines[count:])


def write_result(path: Path, result: ResultFile, force: bool = False) -> Written:
    """Write ``result`` to ``path`` atomically.  The same result already there is left alone;
    a different one is replaced only with ``force``, keeping the comment lines the file starts with."""
    text = result_text(result)
    if os.path.islink(path) or os.path.exists(path) and not os.path.isfile(path):  # never raise on a name too long
        raise ResultExists(_("{path} is not a regular file; nothing was written").format(path=path))
    if os.path.exists(path):
        current = read_bounded(path, REREAD_LIMIT)
        header, body = split_header(current.decode("utf-8", errors="replace"))
        if body == text:
            return Written(path, "unchanged")
        text = header + text
        if not force:
            raise ResultExists(
                _("{path} already holds a different result; nothing was written (--force replaces it)").format(path=path)
            )
        write_atomic(path, text, digest(current))
        return Written(path, "replaced")
    write_atomic(path, text)
    return Written(path, "created")
