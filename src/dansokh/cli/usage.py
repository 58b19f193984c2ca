"""The command line's own words in the reader's language: the placeholders of the help
(``TỆP``, ``MÃ``, not Typer's ``<list[Path]>``), the usage line (``[TÙY CHỌN]``), and
Click's messages about malformed arguments ("Missing argument 'paths'").

Click (vendored by Typer) writes its messages in English with f-strings and no catalogue,
so they are matched here by pattern, sentence by sentence, and said again through ``_()``;
a message no pattern knows is shown as Click wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from .. import i18n
from ..i18n import N_, _
from . import stages

OPTIONS = N_("[OPTIONS]")
COMMAND = N_("COMMAND [ARGS]...")

# The placeholder of each parameter, by the parameter's name in the command functions.
PLACEHOLDERS = {
    "paths": N_("PATH"),
    "output": N_("FILE"),
    "output_formats": N_("FORMAT=FILE"),
    "config": N_("FILE"),
    "config_path": N_("FILE"),
    "weights": N_("FILE.csv"),
    "form": N_("FILE.xlsx"),
    "select": N_("CODES"),
    "ignore": N_("CODES"),
    "codes": N_("CODE"),
    "severity": N_("CODE=LEVEL"),
    "changed_since": N_("REVISION"),
    "rev": N_("REVISION"),
    "rev2": N_("REVISION"),
    "max_file_size": N_("BYTES"),
    "source": N_("PLAN"),
    "to": N_("PLAN"),
    "plan": N_("PLAN"),
    "split": N_("INDICATOR"),
    "by": N_("COLUMN"),
    "whole": N_("NUMBER"),
    "minimum": N_("UNIT=N"),
    "fixed": N_("UNIT=N"),
    "plans": N_("FOLDER"),
    "which": N_("APPENDIX"),
    "extend_select": N_("CODES"),
    "jobs": N_("NUMBER"),
    "year": N_("YEAR"),
    "from_year": N_("YEAR"),
    "to_year": N_("YEAR"),
    "unit": N_("UNIT"),
    "period": N_("PERIOD"),
    "results": N_("FOLDER"),
    "into": N_("FOLDER"),
    "crosswalk": N_("CROSSWALK"),
    "against": N_("PLAN"),
    "carry": N_("PLAN"),
    "next_of": N_("PLAN"),
    "plan_id": N_("ID"),
    "indicator": N_("INDICATOR"),
    "workbook": N_("FILE.xlsx"),
}
# where one name means something else in one command
IN_COMMAND = {("render", "output"): N_("FILE|FOLDER"), ("new", "output"): N_("FILE|FOLDER")}
BY_TYPE = {"path": N_("PATH"), "integer": N_("NUMBER"), "int": N_("NUMBER"), "text": N_("TEXT")}
BY_ANNOTATION = {int: N_("NUMBER"), float: N_("NUMBER")}


def _choices(parameter: Any) -> str | None:
    descriptor = getattr(parameter, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) or getattr(getattr(parameter, "type", None), "choices", None)
    if not choices:
        return None
    return "|".join(str(getattr(c, "value", c)) for c in choices)


def _placeholder(parameter: Any, command: str | None = None) -> str:
    if getattr(parameter, "is_flag", False) or getattr(parameter, "count", False):
        return ""
    name = getattr(parameter, "name", None)
    key = (command or "", name or "")  # neither is ever empty in IN_COMMAND
    if key in IN_COMMAND:
        return _(IN_COMMAND[key])
    if name == "lang":
        return "vi|en"
    if name in PLACEHOLDERS:
        return _(PLACEHOLDERS[name])
    choices = _choices(parameter)
    if choices:
        return choices
    annotation = getattr(getattr(parameter, "type_descriptor", None), "annotation", None)
    if annotation in BY_ANNOTATION:  # Typer's own parameters carry their Python type
        return _(BY_ANNOTATION[annotation])
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        return _(BY_TYPE["path"])
    kind = getattr(getattr(parameter, "type", None), "name", "text")
    return _(BY_TYPE.get(kind, N_("TEXT")))


def localise(command: Any) -> Any:
    """Set, in place, the placeholders and the usage words of a Click command and its
    subcommands in the current language."""
    if hasattr(command, "options_metavar"):
        command.options_metavar = _(OPTIONS)
    if hasattr(command, "subcommand_metavar") and getattr(command, "commands", None):
        command.subcommand_metavar = _(COMMAND)
    for parameter in getattr(command, "params", ()):
        parameter.metavar = _placeholder(parameter, getattr(command, "name", None))
        parameter._get_number_range_help_str = lambda: None  # the help says the range in words
        if getattr(parameter, "param_type_name", "") == "argument":  # its placeholder is its name
            parameter.display_type_rich = lambda ctx: None
    for sub in getattr(command, "commands", {}).values():
        localise(sub)
    return command


# Click's sentences, as its English f-strings write them, and the same in our catalogue.
_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing argument '(?P<name>[^']*)'\.(?: (?P<rest>.*))?$"), N_("Missing argument '{name}'.")),
    (re.compile(r"^Missing option '(?P<name>[^']*)'\.(?: (?P<rest>.*))?$"), N_("Missing option '{name}'.")),
    (re.compile(r"^Missing parameter: (?P<name>.*)$"), N_("Missing argument '{name}'.")),
    (re.compile(r"^Missing command\.$"), N_("Missing command.")),
    (re.compile(r"^No such command '(?P<name>.*)'\.$"), N_("No such command '{name}'.")),
    (
        re.compile(r"^No such option: (?P<name>\S+)(?: \(Possible options: (?P<options>.*)\))?$"),
        N_("No such option: {name}"),
    ),
    (re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$"), N_("Unexpected extra arguments: {args}")),
    (re.compile(r"^Option '(?P<name>[^']*)' requires an argument\.$"), N_("Option '{name}' needs a value.")),
    (re.compile(r"^Option '(?P<name>[^']*)' requires (?P<count>\d+) arguments\.$"), N_("Option '{name}' needs {count} values.")),
    (re.compile(r"^Option '(?P<name>[^']*)' does not take a value\.$"), N_("Option '{name}' takes no value.")),
    (re.compile(r"^Invalid value for (?P<name>.+?): (?P<reason>.*)$"), N_("Invalid value for {name}: {reason}")),
    (re.compile(r"^Invalid value: (?P<reason>.*)$"), N_("Invalid value: {reason}")),
]
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?i:path|file|directory) '(?P<path>.*)' does not exist\.$"), N_("'{path}' does not exist.")),
    (re.compile(r"^(?i:file|path) '(?P<path>.*)' is a directory\.$"), N_("'{path}' is a folder, not a file.")),
    (re.compile(r"^(?i:directory|path) '(?P<path>.*)' is a file\.$"), N_("'{path}' is a file, not a folder.")),
    (re.compile(r"^(?i:file|path|directory) '(?P<path>.*)' is not readable\.$"), N_("'{path}' cannot be read (no permission).")),
    (re.compile(r"^(?i:file|path|directory) '(?P<path>.*)' is not writable\.$"), N_("'{path}' cannot be written to (no permission).")),
    (re.compile(r"^'(?P<value>.*)' is not a valid integer(?: range)?\.$"), N_("'{value}' is not a whole number.")),
    (re.compile(r"^'?(?P<value>.*?)'? is not one of (?P<choices>.*)\.$"), N_("'{value}' is not one of {choices}.")),
    (re.compile(r"^(?P<value>.*) is not in the range (?P<range>.*)\.$"), N_("{value} is not in the range {range}.")),
    (re.compile(r"^(?P<value>.*) is smaller than the minimum valid value (?P<low>.*)\.$"), N_("{value} is below the minimum, {low}.")),
]
_ALSO = N_("Did you mean one of: {options}?")


def _match(table: list[tuple[re.Pattern[str], str]], text: str) -> tuple[re.Match[str], str] | None:
    for pattern, template in table:
        found = pattern.match(text)
        if found:
            return found, template
    return None


def _pydantic_reason(error: Any) -> str | None:
    """Typer checks a value with Pydantic ("Input should be a valid integer, unable to parse
    string as an integer"): the reason in the reader's words, from the error's type."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors) or type(cause).__name__ != "ValidationError":
        return None
    try:
        first = errors(include_url=False)[0]
    except (IndexError, TypeError):
        return None
    if first.get("type") in ("int_type", "int_parsing", "int_from_float") and isinstance(first.get("input"), str):
        return _("'{value}' is not a whole number.").format(value=first["input"])
    return stages.parse.problem_text(first)


def translate(message: str, reason: str | None = None) -> str:
    """Click's message in the current language (unchanged when no pattern knows it); ``reason``
    replaces the reason Click's message gives (Pydantic's English)."""
    found = _match(_SENTENCES, message.strip())
    if found is None:
        return message
    match, template = found
    fields = {k: v for k, v in match.groupdict().items() if v is not None}
    if "reason" in fields:
        fields["reason"] = fields["reason"].removeprefix("Value error, ")  # Pydantic's wrapping
        known = _match(_REASONS, fields["reason"])
        if known is not None:
            fields["reason"] = _(known[1]).format(**known[0].groupdict())
        elif reason is not None:  # Pydantic's English ("Input should be a valid integer"): its type said again
            fields["reason"] = reason
    text = _(template).format(**fields)
    if fields.get("options"):
        text = text.rstrip(".") + ". " + _(_ALSO).format(options=fields["options"])
    return text


def install() -> None:
    """Make Typer's error printer say Click's messages in the current language (when Typer
    imports it: only a run that goes wrong needs it)."""
    i18n.when_imported("typer.rich_utils", _install)


def _install(rich_utils: Any) -> None:
    original: Callable[[Any], None] = getattr(rich_utils, "_dansokh_format_error", rich_utils.rich_format_error)

    def format_error(error: Any) -> None:
        english = error.format_message
        error.format_message = lambda: translate(english(), _pydantic_reason(error))
        original(error)

    rich_utils._dansokh_format_error = original
    rich_utils.rich_format_error = format_error
