"""``progress`` in JSON, written straight from its records: the bytes ``report.safe.json_dump``
writes (``json.dump(indent=2)``'s), faster where a national run writes 20,000 unit records and
hundreds of thousands of lines whose texts (indicators, units, verdicts, names) recur: each text
is made safe and encoded once, each number written once, a flat record joined in one go."""

from __future__ import annotations

import io
from collections.abc import Callable
from json.encoder import encode_basestring  # the C function where there is one: '"text"', not ASCII-escaped
from typing import IO, Any

from .safe import json_dump, unicode_text


class Writer:
    """One document's JSON text, with the texts it has encoded already."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        found = self.texts.get(value)
        if found is None:
            found = self.texts[value] = encode_basestring(unicode_text(value))
        return found

    def value(self, value: Any, newline: str) -> str:
        """``value`` as ``json_dump`` writes it, on a line that starts with ``newline``."""
        if type(value) is str:
            return self.text(value)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if type(value) is int:
            return int.__repr__(value)
        if type(value) is dict and value and all(type(key) is str for key in value):
            inner = newline + "  "
            return (
                "{" + inner
                + ("," + inner).join(f"{self.text(key)}: {self.value(item, inner)}" for key, item in value.items())
                + newline + "}"
            )
        if type(value) is list and value:
            inner = newline + "  "
            return "[" + inner + ("," + inner).join(self.value(item, inner) for item in value) + newline + "]"
        return _dumped(value).replace("\n", newline)  # anything else (empty, a float, a tuple…): as json_dump writes it


def _dumped(value: Any) -> str:
    """``value`` as ``json_dump`` writes it at the start of a line (a JSON text holds no line
    break but those of its layout, so it can be indented further by replacing them)."""
    buffer = io.StringIO()
    json_dump(value, buffer)
    return buffer.getvalue()[:-1]


def write_records(records: list[Any], stream: IO[str], record: Callable[[Any], dict[str, Any]]) -> None:
    """``json_dump([record(item) for item in records], stream)``, one record in memory at a time."""
    if not records:
        stream.write("[]\n")
        return
    writer = Writer()
    separator = "[\n  "
    for item in records:  # each record written as it is made: a country's document is hundreds of megabytes
        stream.write(separator + writer.value(record(item), "\n  "))
        separator = ",\n  "
    stream.write("\n]\n")
