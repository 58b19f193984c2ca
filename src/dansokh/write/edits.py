"""Changing a plan file by its text, so that only the changed values' lines differ.

Comments, key order, quoting and layout stay as the officer wrote them: an edit
replaces one scalar at its position, or inserts whole lines next to their siblings.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..read.positions import Path, SourceMap


@dataclass(frozen=True)
class TextEdit:
    line: int  # 1-based
    col: int
    end_line: int
    end_col: int
    text: str


def replace_value(source: SourceMap, path: Path, text: str) -> TextEdit:
    start, end = source.values[path], source.ends[path]
    return TextEdit(start.line, start.col, end.line, end.col, text)


def insert_lines(before_line: int, lines: list[str]) -> TextEdit:
    """Insert whole lines before ``before_line`` (one past the last line appends)."""
    return TextEdit(before_line, 1, before_line, 1, "".join(line + "\n" for line in lines))


def apply(text: str, edits: list[TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    joined = "".join(lines)

    def offset(line: int, col: int) -> int:
        return offsets[line - 1] + col - 1 if line <= len(lines) else offsets[-1]

    for edit in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        start, end = offset(edit.line, edit.col), offset(edit.end_line, edit.end_col)
        joined = joined[:start] + edit.text + joined[end:]
    return joined


def last_line_under(source: SourceMap, prefix: Path) -> int:
    """The last line holding a value under ``prefix``."""
    size = len(prefix)
    return max(span.line for path, span in source.ends.items() if path[:size] == prefix)


def item_lines(
    text: str, source: SourceMap, sequence: Path, count: int, fields: dict[str, str]
) -> tuple[int, list[str]]:
    """Lines for a new item appended to a block sequence of ``count`` items, in the style of
    its last item: a one-line flow mapping if the last item is one, else a block mapping."""
    file_lines = text.splitlines()
    last = sequence + (count - 1,)
    start = source.values[last]
    line = file_lines[start.line - 1]
    dash = line[: start.col - 1].rstrip()
    indent = dash[:-1] if dash.endswith("-") else " " * (start.col - 3)
    after = last_line_under(source, last) + 1
    if line[start.col - 1 :].startswith("{"):
        body = ", ".join(f"{k}: {v}" for k, v in fields.items())
        return after, [f"{indent}- {{{body}}}"]
    keys = list(fields.items())
    first = f"{indent}- {keys[0][0]}: {keys[0][1]}"
    rest = [f"{indent}  {k}: {v}" for k, v in keys[1:]]
    return after, [first, *rest]
