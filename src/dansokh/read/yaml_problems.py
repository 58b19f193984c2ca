"""What the YAML parser's problems mean for a person writing a plan, and how to fix them.

ruamel.yaml says what it expected in its own (English, parser's) words: "did not find expected
',' or ']' (while parsing a flow sequence)".  A person needs to hear which bracket, quote or
indentation to check; the common problems are said again here, in the reader's language.
"""

from __future__ import annotations

import re

from ..i18n import N_, _, current

# (words in the parser's problem, words in its context or "", what to tell the reader)
EXPLANATIONS = (
    ("expected ',' or ']'", "", N_(
        "a list in [ ] is not closed, or its items are not separated by commas: check the brackets of this"
        " line (a value with a comma in it needs quotes: \"86,0\")"
    )),
    ("expected ',' or '}'", "", N_(
        "a group in { } is not closed, or its items are not separated by commas: check the braces of this line"
    )),
    ("mapping values are not allowed", "", N_(
        "a colon where a value was expected: a text with \": \" in it needs quotes (\"…\")"
    )),
    ("could not find expected ':'", "", N_(
        "a line without \"name: value\": add the colon, or check the indentation of the lines above"
    )),
    ("cannot start any token", "'\\t'", N_("a tab character: indent with spaces")),
    ("tab character", "", N_("a tab character: indent with spaces")),
    ("that cannot start any token", "", N_("a character that cannot start a value here: put the value in quotes")),
    ("did not find expected key", "", N_(
        "the indentation does not match the lines above: line this line up with the other names of its group"
    )),
    ("did not find expected '-' indicator", "", N_(
        "the indentation does not match the list above: the items of a list start with \"- \" in the same column"
    )),
    ("expected <block end>", "", N_(
        "the indentation does not match the lines above: line this line up with the other names of its group"
    )),
    ("found unexpected end of stream", "quoted", N_("a quotation mark is not closed")),
    ("found unknown escape character", "", N_(
        "a backslash in a text in double quotes starts an escape YAML does not know: write \\\\ for a backslash,"
        " or put the text in single quotes ('…')"
    )),
    ("another document", "", N_(
        "a second document begins here (a line \"---\"): a plan file holds one plan; remove the line, or move"
        " what follows into a file of its own"
    )),
    ("expected <document start>", "", N_(
        "something follows the end of the plan here (a bracket or a brace too many, or a line after \"...\"):"
        " remove it"
    )),
    ("expected <document end>", "", N_(
        "something follows the end of the plan here (a bracket or a brace too many, or a line after \"...\"):"
        " remove it"
    )),
    ("found undefined alias", "", N_("a \"*\" starts a value here: put the value in quotes")),
    ("found undefined tag handle", "", N_("a \"!\" starts a value here: put the value in quotes")),
    ("while scanning a block scalar", "", N_(
        "the text after | or > is not indented under its key: indent its lines with spaces, further than the key"
    )),
)
UNREADABLE = N_(
    "this line cannot be read as YAML: check its quotes, brackets, colons and indentation, and those of the line above"
)


def explain(problem: str | None, context: str | None, character: str | None = None) -> str:
    """The parser's problem as a reader understands it (``character``: the one where the parser
    stopped); the parser's own words when unknown, in English only."""
    problem, context = problem or "", context or ""
    if character == "\t" and "cannot start any token" in problem:
        return _("a tab character: indent with spaces")
    for words, in_context, explanation in EXPLANATIONS:
        if words in problem and (not in_context or in_context in problem or in_context in context):
            return _(explanation)
    if current() != "en":  # the parser's words are English: the reader gets what to check instead
        return _(UNREADABLE)
    if problem and context:
        return _("malformed YAML: {problem} ({context})").format(problem=problem, context=context)
    return _("malformed YAML: {problem}").format(problem=problem or context) if problem or context else _("malformed YAML")


# a line that starts a key of the plan format (``  - indicator: x``, ``value: 90``): its indentation,
# its list dashes, its key and what follows the colon
_KEY_LINE = re.compile(r"^( *)((?:- +)*)([A-Za-z_][A-Za-z0-9_-]*) *:(?: +(.*))?$")

_UNDER_INDENTED = ("did not find expected key", "did not find expected '-' indicator", "expected <block end>")


def _key_line(text: str) -> tuple[int, str, str] | None:
    """(the column of its key, the key, what follows the colon) of a line that writes a key."""
    match = _KEY_LINE.match(text.rstrip())
    if match is None:
        return None
    return len(match.group(1)) + len(match.group(2)), match.group(3), (match.group(4) or "").strip()


def _above(lines: list[str], index: int) -> int | None:
    """The line above ``index`` that holds something (not blank, not only a comment)."""
    for above in range(index - 1, -1, -1):
        stripped = lines[above].strip()
        if stripped and not stripped.startswith("#"):
            return above
    return None


def indentation(text: str, line: int, problem: str | None) -> tuple[str, int] | None:
    """An indentation slip at ``line`` (0-based, where the parser stopped): a key indented further
    than the key above it, of the same group (the parser reads it as text continued, then finds
    a colon), or less than the keys of its group but more than the key that opens it.  The advice
    and the column (0-based) of the slipped key; None when the problem is something else."""
    problem = problem or ""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return None
    here, before = _key_line(lines[line]), _above(lines, line)
    if here is None or before is None:
        return None
    above = _key_line(lines[before])
    if above is None:
        return None
    column, key, _rest = here
    above_column, above_key, above_value = above
    if "mapping values are not allowed" in problem and column > above_column and above_value:
        return _(
            "this line is indented further than {key!r} on line {line}, a key of the same group: start {this!r} in"
            " the same column as {key!r} (column {column})"
        ).format(key=above_key + ":", line=before + 1, this=key + ":", column=above_column + 1), column
    if any(words in problem for words in _UNDER_INDENTED) and column < above_column:
        parent: int | None = before
        while parent is not None and (parent := _above(lines, parent)) is not None:
            opening = _key_line(lines[parent])
            if opening is not None and opening[0] < above_column:
                break
        if parent is None or opening is None or opening[0] >= column:
            return None
        return _(
            "this line is indented less than {key!r} on line {line}, a key of the group {parent!r} (line"
            " {parent_line}): start {this!r} in the same column as {key!r} (column {column})"
        ).format(
            key=above_key + ":", line=before + 1, parent=opening[1] + ":", parent_line=parent + 1, this=key + ":",
            column=above_column + 1,
        ), column
    return None
