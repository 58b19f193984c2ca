"""What a plan holds, made safe for each output it reaches (the README's "What dansokh promises").

A plan, a result or a file name is data: it may hold anything a YAML string or a file system
allows.  Every reporter writes such text through one of these functions, so that data never
becomes a formula, markup, a workflow command or a terminal control:

- ``terminal_text``: a terminal or a CI log (text output, the GitHub format's summary): control
  characters (ESC, a line break, C1), the directional overrides and other invisible format
  characters are shown as escapes (``\\x1b``, ``\\n``, ``\\u202e``); ``Console`` is rich's
  console with that done to every string it renders, and no ``:emoji:`` codes;
- ``csv_cell``: a cell of a CSV file, as OWASP's guidance on CSV injection says: text that a
  spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  first, after blanks too) gets a ``'`` before it, a line break is written ``\\n`` (a row is one
  line), numbers stay numbers;
- ``markdown_text``: a cell of the Markdown posted on a pull request: no HTML (``<img>``, ``<!--``),
  no Markdown (links, emphasis, code), no @mentions, no ``:emoji:`` codes, no bare links;
- ``workflow_data``, ``workflow_property``: GitHub Actions workflow commands, as GitHub escapes them;
- ``unicode_text``: valid Unicode for JSON, SARIF and XML: a file name that is not UTF-8 keeps
  its undecodable bytes as ``\\xff``; ``xml_text`` also shows what XML 1.0 cannot hold as escapes
  (``locate.uri`` percent-encodes a file name for SARIF).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from typing import IO, Any

from rich.console import Console as _RichConsole
from rich.text import Text

from ..read.chars import INVISIBLE_CLASS

# C0 and C1 controls (ESC, line breaks, tab, DEL), lone surrogates (the bytes of a file name that
# is not UTF-8), the line and paragraph separators, and the characters a reader cannot see
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + INVISIBLE_CLASS + "]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): the byte itself
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal_text(text: str) -> str:
    """``text`` as a terminal or a log shows it safely: one line, nothing hidden, no control."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(lambda m: _escape(m.group()), text)


ITEM = "\n  - "  # an item of a message's listing (the units a name matches)


class Console(_RichConsole):
    """rich's console for anything that may hold data: every string is ``terminal_text`` before
    it is rendered (markup is unchanged: it holds no control), and ``:emoji:`` codes stay text.
    With ``items``, the items of a message's listing (a line break, two blanks and ``- ``) stay
    on lines of their own: no line can then start with anything but the message or ``  - ``."""

    def __init__(self, *args: Any, items: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("emoji", False)
        super().__init__(*args, **kwargs)
        self._items = items

    def render_str(self, text: str, **kwargs: Any) -> Text:
        if self._items:
            text = ITEM.join(terminal_text(part) for part in text.split(ITEM))
        else:
            text = terminal_text(text)
        return super().render_str(text, **kwargs)


WIDE = 200  # the width of a table written to a file or a pipe (a CI log): no wrapping


def terminal_width(stream: Any, wide: int = WIDE) -> int:
    """The width a table must fit on ``stream``: ``COLUMNS`` when it is set, else the terminal's
    width when the stream is a terminal, else ``wide`` (a file, a pipe, a CI log)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    try:
        if callable(isatty) and isatty():
            return shutil.get_terminal_size((wide, 24)).columns
    except (OSError, ValueError):  # a closed or detached stream
        pass
    return wide


def plain_text_of(console: _RichConsole, text: str) -> str:
    """``text`` as ``console`` shows it, without its styles: ``console.render_str(text).plain``,
    which is ``terminal_text(text)`` for text without markup (no ``[``) on a ``Console``."""
    if type(console) is not Console or console._items or console._emoji:
        return console.render_str(text).plain
    if "[" not in text:
        return terminal_text(text)
    found = _MARKUP_PLAIN.get(text)
    if found is None:
        if len(_MARKUP_PLAIN) > 10_000:  # a bound, whatever runs in this process
            _MARKUP_PLAIN.clear()
        found = _MARKUP_PLAIN[text] = console.render_str(text).plain
    return found


_MARKUP_PLAIN: dict[str, str] = {}  # markup -> its text (a table's verdicts recur in every row)


def cell_texts(console: _RichConsole, table: Any) -> list[list[str]]:
    """Each column's header and cells as the console shows them (markup rendered, ``terminal_text``)."""
    return [
        [cell.plain if isinstance(cell, Text) else plain_text_of(console, str(cell)) for cell in [column.header, *column._cells]]
        for column in table.columns
    ]


def fit_table(console: Console, table: Any, main: int = 0, texts: list[list[str]] | None = None) -> Any:
    """Set the width of every column of ``table`` so that it fits ``console``'s width without
    cutting a cell: the widest columns give way first (their texts wrap at blanks), and the
    ``main`` column (the indicator's name) keeps at least a third of the room while it can; where
    even whole words do not fit, the longest are folded.  rich alone shares the room out evenly,
    or crops a column that does not fit.  ``texts``: ``cell_texts``, where the caller has them."""
    from rich.cells import cell_len

    columns = table.columns
    column_lines = [
        [line for text in column_texts for line in text.splitlines() or [""]]
        for column_texts in (texts if texts is not None else cell_texts(console, table))
    ]
    widest = [max((cell_len(line) for line in lines), default=0) for lines in column_lines]
    count = len(columns)
    padding = table.padding[1] + table.padding[3]
    pads = padding * count - (0 if table.pad_edge else padding)
    borders = (count - 1 + (2 if table.show_edge else 0)) if table.box is not None else 0
    room = console.width - pads - borders
    widths = list(widest)
    if sum(widths) > room:
        _shrink(widths, columns, column_lines, room, main)
    for column, width in zip(columns, widths):
        column.width = width
        column.overflow = "fold"  # a word longer than its column goes on the next line, never "…"
    return table


def _shrink(widths: list[int], columns: Any, column_lines: list[list[str]], room: int, main: int) -> None:
    """``widths`` (each column's widest line) made to fit ``room``, as ``fit_table`` says."""
    from rich.cells import cell_len

    narrowest = []
    for column, lines in zip(columns, column_lines):
        words = lines if column.no_wrap else [word for line in lines for word in line.split()]
        narrowest.append(max((cell_len(word) for word in words), default=0))
    floors = list(narrowest)
    if 0 <= main < len(columns):
        floors[main] = min(widths[main], max(narrowest[main], room // 3))
    for bottom in (floors, [min(width, 4) for width in widths]):  # whole words, else words folded
        while sum(widths) > room:
            shrinkable = [i for i in range(len(columns)) if widths[i] > bottom[i]]
            if not shrinkable:
                break
            widest_now = max(shrinkable, key=lambda i: (widths[i], -i))
            widths[widest_now] -= 1


def plain_text(text: str, style: str = "") -> Text:
    """Data as a rich ``Text``: neither markup nor emoji codes, ``terminal_text``."""
    return Text(terminal_text(text), style=style)


# --- CSV ------------------------------------------------------------------------------------------

_FORMULA_START = frozenset("=+-@\t")  # and a carriage return, written \r first (below)
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")  # what plain() writes
_LINE_BREAK = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: text starting with ``=``, ``+``, ``-``, ``@`` or a tab
    (after blanks too: `` =1+1``) starts with ``'``; a carriage return or a line break in the text
    is written ``\\r``, ``\\n`` (a row is one line: none starts with a cell's rest, which a CI log
    would read as ``::error``); a number as ``plain()`` writes it (``-2.6``), ``None``, ``True``
    stay as they are."""
    if not isinstance(value, str) or not value:
        return value
    if _LINE_BREAK.search(value):
        value = _LINE_BREAK.sub(lambda m: _escape(m.group()), value)
    first = value.lstrip(" \t\u00a0\u3000")[:1]
    if (first in _FORMULA_START or value[0] in _FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_row(values: Any) -> list[Any]:
    return [csv_cell(value) for value in values]


def csv_record(record: dict[str, Any]) -> dict[str, Any]:
    return {key: csv_cell(value) for key, value in record.items()}


# --- Markdown (a pull request's comment) -----------------------------------------------------------

_MARKDOWN = re.compile(r"[\\`*_\[\]<>|~$&]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# where a line starts: a list, a heading, an underline, and a workflow command (the comment is
# often printed in the CI log before it is posted)
_LINE_START = re.compile(r"\A(?:[-+=#]+(?=\s|\Z)|[0-9]+(?=[.)](?:\s|\Z))|:(?=:))")
_BREAKS = re.compile(
    r"(?<=@)(?=[A-Za-z0-9])"  # @someone, @org/team
    r"|(?<=:)(?=[A-Za-z0-9_+\-]+:)"  # :cross_mark:, :x:
    r"|(?<=:)(?=//)|(?<=www)(?=\.)",  # http://…, www.… (GitHub links them)
    re.IGNORECASE,
)
_BREAK = "&#8203;"  # a zero-width space: the text reads the same, GitHub sees no mention, emoji or link


def markdown_text(text: str) -> str:
    """``text`` as one line of GitHub Markdown (a table cell, a line) that shows exactly it: no
    HTML, no Markdown, no @mention, no emoji code, no link; controls and invisible characters as
    escapes (``\\n``, ``\\u202e``)."""
    text = terminal_text(" ".join(text.split()))  # no control is left: \x00 marks the breaks
    text = _BREAKS.sub("\x00", text)
    text = _MARKDOWN.sub(lambda m: _ENTITIES.get(m.group()) or "\\" + m.group(), text)
    text = _LINE_START.sub(lambda m: m.group() + "\\" if m.group()[0].isdigit() else "\\" + m.group(), text, count=1)
    return text.replace("\x00", _BREAK)


# --- GitHub Actions workflow commands --------------------------------------------------------------


def workflow_data(text: str) -> str:
    """The message of a workflow command (``::error …::MESSAGE``), as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property of a workflow command (``file=…``, ``title=…``)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


# --- JSON, SARIF, XML ------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def unicode_text(text: str) -> str:
    """``text`` as valid Unicode: the bytes of a file name that were not UTF-8 as ``\\xff``."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: _escape(m.group()), text)


def _unicode(value: Any) -> Any:
    if isinstance(value, str):
        return unicode_text(value)
    if isinstance(value, dict):
        return {_unicode(k): _unicode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_unicode(v) for v in value]
    return value


def json_dump(document: Any, stream: IO[str], indent: int | None = 2) -> None:
    """One JSON document (and a line break), valid UTF-8 whatever its strings hold.  Indented by
    two, it is written by ``_indented`` (the bytes ``json.dump(indent=2)`` writes, several times
    faster: a national ``progress`` is 10,000 records); else by ``json.dump``."""
    if indent == 2:
        pieces: list[str] = []
        _indented(document, pieces, "\n")
        pieces.append("\n")
        stream.write("".join(pieces))
        return
    json.dump(_unicode(document), stream, ensure_ascii=False, indent=indent)
    stream.write("\n")


_json_text = json.encoder.encode_basestring  # the C function where there is one: '"text"', not ASCII-escaped
_SCALARS = {True: "true", False: "false", None: "null"}


def _indented(value: Any, out: list[str], newline: str) -> None:
    """``value`` as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it, its strings as
    ``unicode_text`` makes them; ``newline``: a line break and the indentation of ``value``'s line."""
    if isinstance(value, str):
        out.append(_json_text(unicode_text(value)))
    elif value is None or value is True or value is False:
        out.append(_SCALARS[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):  # json's keys: a number, true, false, null as text
                key = next(iter(json.loads(json.dumps({key: 0}))))
            out.append(separator)
            out.append(_json_text(unicode_text(key)))
            out.append(": ")
            _indented(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _indented(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    else:  # a float (nan, Infinity as json writes them), or what json cannot write: its TypeError
        out.append(json.dumps(value))


# what XML 1.0 cannot hold: C0 controls but tab and line breaks, lone surrogates, U+FFFE and U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as XML 1.0 holds it, what it cannot hold as escapes (``\\x1b``)."""
    return _NOT_XML.sub(lambda m: _escape(m.group()), text)
