"""A new plan's data as the text of a plan file, in the layout of the repository's plans.

Small mappings that are one record each (a unit, a table's column and row, a report's due date)
are written on one line, ``{id: ngoc-thuy, name: Ngọc Thụy, level: cấp xã}``; the rest as blocks.
Text is written plain where YAML reads it back as the same text, and in double quotes otherwise
(a JSON string is a YAML double-quoted scalar): a code that looks like a number (``tt: "1"``), a
year-only date (``date: "2026"``), a text with ``: `` or `` #`` in it.  Numbers keep their written
digits (``0.00``).  A remark goes at the end of its value's line (``value: 90  # năm 2025: 90``).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from ..read.positions import Path

# the paths (with any list index as "*") of mappings written on one line
_FLOW = {
    ("unit",),
    ("units", "*"),
    ("appendices", "*", "columns"),
    ("appendices", "*", "columns", "*"),
    ("appendices", "*", "rows", "*"),
    ("reporting", "reports", "*"),
}
_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_NOT_TEXT = re.compile(
    r"^(?:[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0[xob][\da-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|\d{4}-\d\d?-\d\d?.*)$"
)


def scalar(value: Any, flow: bool = False) -> str:
    """One value as YAML writes it (see the module's docstring)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain = (
        text
        and _PLAIN_START.match(text)
        and text == text.strip()
        and not _NOT_TEXT.match(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not any(ch in text for ch in "\n\r\t\"'\\")
        and not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029\ufeff" for ch in text)
        and not (flow and any(ch in text for ch in ",[]{}"))
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def _pattern(path: Path) -> tuple[str, ...]:
    return tuple("*" if isinstance(part, int) else part for part in path)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return scalar(value, flow=True)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _entry(key: str, value: Any, parent: Path, indent: int, comments: dict[Path, str], out: list[str], lead: str) -> None:
    path = parent + (key,)
    if isinstance(value, dict) and value and _pattern(path) not in _FLOW:
        remark = f"  # {comments[path]}" if path in comments else ""
        out.append(f"{lead}{key}:{remark}")
        for inner_key, item in value.items():
            _entry(inner_key, item, path, indent + 2, comments, out, " " * (indent + 2))
        return
    if isinstance(value, list) and value and (
        not all(_is_scalar(item) for item in value) or any(isinstance(item, str) for item in value)
    ):
        remark = f"  # {comments[path]}" if path in comments else ""
        out.append(f"{lead}{key}:{remark}")
        for index, item in enumerate(value):
            _item(item, path + (index,), indent + 2, comments, out)
        return
    remark = f"  # {comments[path]}" if path in comments else ""
    out.append(f"{lead}{key}: {_flow(value)}{remark}")


def _item(value: Any, path: Path, indent: int, comments: dict[Path, str], out: list[str]) -> None:
    pad = " " * indent
    remark = f"  # {comments[path]}" if path in comments else ""
    if isinstance(value, dict) and value and _pattern(path) not in _FLOW:
        items = list(value.items())
        _entry(items[0][0], items[0][1], path, indent + 2, comments, out, pad + "- ")
        for key, item in items[1:]:
            _entry(key, item, path, indent + 2, comments, out, " " * (indent + 2))
        return
    if isinstance(value, list) and value and not all(_is_scalar(item) for item in value):
        out.append(f"{pad}-{remark}")
        for index, item in enumerate(value):
            _item(item, path + (index,), indent + 2, comments, out)
        return
    out.append(f"{pad}- {_flow(value)}{remark}")


def plan_text(data: dict[str, Any], comments: dict[Path, str] | None = None, header: list[str] | None = None) -> str:
    """The text of a plan file holding ``data``, with ``comments`` at the end of their values'
    lines and ``header`` as the file's opening comment."""
    comments = comments or {}
    out = [f"# {line}" if line else "#" for line in header or []]
    for key, value in data.items():
        _entry(key, value, (), 0, comments, out, "")
    return "\n".join(out) + "\n"
