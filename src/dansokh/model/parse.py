"""Plain data into a typed ``Plan``; Pydantic's errors become diagnostics at their YAML positions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, more
from ..i18n import N_, _
from ..read import codes
from ..read.limits import MAX_PER_RULE, shorten
from ..read.loader import PlanFile
from ..read.positions import Path
from . import crosswalk as crosswalk_models, plan as models, result as result_models
from .catalogue import ALIASES, CATALOGUE, canonical, is_count
from .names import slug
from .numbers import bounded, number

_ALL_FIELDS = sorted(
    {
        name
        for module in (models, result_models, crosswalk_models)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, BaseModel)
        for name in cls.model_fields
    }
)
_DISCRIMINATORS = {"allocation", "schedule"}


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """Pydantic's ``loc`` as a path into the data: discriminator tags are not keys."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and part in _DISCRIMINATORS and node.get("kind") == part:
            continue
        path.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, (int, Decimal)):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return _("nothing (null)")
    return type(value).__name__


def diagnostic_of(error: Any, loaded: PlanFile, fields: list[str] | None = None) -> Diagnostic:
    """One of Pydantic's errors as a diagnostic at its position; ``fields`` are the keys an
    unknown key may have meant (those of plans and results by default)."""
    kind, loc, value = error["type"], error["loc"], error.get("input")
    path = _data_path(loaded.data, loc)
    source = loaded.source
    if kind == "extra_forbidden":
        key = str(path[-1])
        close = difflib.get_close_matches(key, fields if fields is not None else _ALL_FIELDS, n=1)
        if close:
            message = _("unknown key {key!r}; did you mean {close!r}?").format(key=shorten(key), close=shorten(close[0]))
        else:
            message = _("unknown key {key!r}").format(key=shorten(key))
        return codes.UNKNOWN_KEY.at(source.key(path), message)
    if kind == "missing":
        return codes.MISSING_KEY.at(source.value(path[:-1]), _("missing key {key!r}").format(key=shorten(path[-1])))
    if kind == "union_tag_not_found":
        return codes.MISSING_KEY.at(source.value(path), _("missing key 'kind' (allocation or schedule)"))
    span = source.value(path)
    if kind == "union_tag_invalid":
        return codes.WRONG_VALUE.at(
            source.value(path + ("kind",)),
            _("unknown appendix kind {kind!r}: allocation or schedule").format(kind=shorten(value.get("kind"))),
        )
    context = error.get("ctx") or {}
    if kind == "unknown_indicator":
        return codes.UNKNOWN_INDICATOR.at(span, _unknown_indicator(str(context.get("key", ""))))
    if kind == "unknown_unit":
        return codes.UNKNOWN_UNIT.at(span, _(models.MESSAGES[kind]).format(**context))
    if kind == "unit_for_indicator":
        return codes.UNIT_NOT_FOR_INDICATOR.at(span, _(models.MESSAGES[kind]).format(**context))
    message = problem_text(error)
    if path and isinstance(path[-1], str):
        message = _("{key}: {message}").format(key=path[-1], message=message)
    return codes.WRONG_VALUE.at(span, message)


# Pydantic's own errors that dansokh's models can give, by their type, in the reader's words
# (Pydantic writes them in English: "Input should be a valid integer"); a type not here gets
# OTHER_PROBLEM, never Pydantic's English.
_PYDANTIC = {
    "missing": N_("a value is needed here"),
    "extra_forbidden": N_("this key is not allowed here: remove it"),
    "bool_parsing": N_("expected true or false, found {found}"),
    "string_too_short": N_("expected a text of at least {min_length} characters"),
    "string_too_long": N_("expected a text of at most {max_length} characters"),
    "string_pattern_mismatch": N_("the text is not written in the form this key takes"),
    "string_unicode": N_("expected text, found {found}"),
    "too_long": N_("expected at most {max_length} items"),
    "greater_than": N_("expected a number greater than {gt}"),
    "greater_than_equal": N_("expected a number of at least {ge}"),
    "less_than": N_("expected a number less than {lt}"),
    "less_than_equal": N_("expected a number of at most {le}"),
    "int_parsing_size": N_("the number is too large"),
    "date_type": N_("expected a date written YYYY-MM-DD, found {found}"),
    "date_parsing": N_("expected a date written YYYY-MM-DD, found {found}"),
    "date_from_datetime_parsing": N_("expected a date written YYYY-MM-DD, found {found}"),
    "date_from_datetime_inexact": N_("expected a date written YYYY-MM-DD, found {found}"),
    "none_required": N_("expected nothing here (null), found {found}"),
    "set_type": N_("expected a list, found {found}"),
}
OTHER_PROBLEM = N_("this value is not one this key takes ({found}): see the plans under plans/ for what to write here")


def problem_text(error: Any) -> str:
    """What one of Pydantic's errors says, in the reader's language, without its place: the
    sentence of a diagnostic, a form's cell, a command-line value."""
    kind, value = error["type"], error.get("input")
    context = error.get("ctx") or {}
    if kind == "string_type":
        if isinstance(value, (int, Decimal)):
            return _('expected text, found {found} (quote it: "{value}")').format(
                found=_describe(value), value=shorten(bounded(value))
            )
        return _("expected text, found {found}").format(found=_describe(value))
    if kind in ("number_type", "float_type", "float_parsing", "decimal_type", "decimal_parsing") and isinstance(value, str):
        return _number_hint(value)
    if kind in ("number_type", "float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number"):
        return _(models.MESSAGES["number_type"])
    if kind in ("int_type", "int_from_float", "int_parsing"):
        if isinstance(value, Decimal) and value.is_finite() and _thousands_dot(value):  # count: 1.350
            return _thousands_dot_message(value)
        return _("expected a whole number, found {found}").format(found=_describe(value))
    if kind == "bool_type":
        return _("expected true or false, found {found}").format(found=_describe(value))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("expected a mapping, found {found}").format(found=_describe(value))
    if kind in ("list_type", "tuple_type"):
        return _("expected a list, found {found}").format(found=_describe(value))
    if kind == "too_short":
        return _("expected at least one item")
    if kind in ("literal_error", "enum"):
        return _("expected {choices}").format(choices=_choices(str(context.get("expected", ""))))
    if kind in models.MESSAGES:
        return _(models.MESSAGES[kind]).format(**context)
    if kind in crosswalk_models.MESSAGES:
        return _(crosswalk_models.MESSAGES[kind])
    if kind in _PYDANTIC:
        limits = {k: number(Decimal(v)) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else shorten(str(v))
                  for k, v in context.items()}
        try:
            return _(_PYDANTIC[kind]).format(found=_describe(value), **limits)
        except (KeyError, IndexError, ValueError):  # a context Pydantic did not give: the sentence without it
            pass
    return _(OTHER_PROBLEM).format(found=_describe(value))


_PLAIN_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*(-?\d+),(\d+)\s*$")
_THOUSANDS_DOTS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d{3})+)\s*$")
_WITH_UNIT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(%|‰|%o)\s*$")


def _number_hint(text: str) -> str:
    """Why a number written as the documents write it is text in YAML, and how to write it."""
    if _PLAIN_NUMBER.match(text):
        return _("expected a number, found the text {text!r}: write {plain} without quotes").format(
            text=shorten(text), plain=text.strip()
        )
    if match := _THOUSANDS_DOTS.match(text):
        plain = match.group(1).replace(".", "")
        return _(
            "expected a number, found the text {text!r}: write {plain} (plans write numbers without"
            " a thousands separator; a dot is the decimal mark)"
        ).format(text=shorten(text), plain=plain)
    if match := _DECIMAL_COMMA.match(text):
        return _(
            "expected a number, found the text {text!r}: write {plain} (plans write the decimal mark"
            " as a dot, not a comma)"
        ).format(text=shorten(text), plain=f"{match.group(1)}.{match.group(2)}")
    if match := _WITH_UNIT.match(text):
        return _(
            "expected a number, found the text {text!r}: write {plain} (the unit comes from the"
            " indicator, or from unit: beside the value)"
        ).format(text=shorten(text), plain=match.group(1))
    return _("expected a number, found the text {text!r}").format(text=shorten(text))


def _unknown_indicator(key: str) -> str:
    """An unknown indicator key, with the keys it may have meant (by key, or by the
    Vietnamese name typed without diacritics)."""
    keys = list(CATALOGUE) + list(ALIASES)
    close = list(dict.fromkeys(canonical(k) for k in difflib.get_close_matches(key, keys, n=3, cutoff=0.6)))
    if not close:
        by_name = {slug(spec.name).replace("-", "_"): k for k, spec in CATALOGUE.items()}
        close = [by_name[n] for n in difflib.get_close_matches(slug(key).replace("-", "_"), list(by_name), n=3, cutoff=0.6)]
    if close:
        return _("unknown indicator {key!r}; did you mean {close}? (`dansokh indicators` lists them)").format(
            key=shorten(key), close=(" " + _("or") + " ").join(repr(c) for c in close)
        )
    return _("unknown indicator {key!r} (`dansokh indicators` lists them)").format(key=shorten(key))


def _choices(expected: str) -> str:
    """Pydantic's ``'annual' or 'thematic'`` with the conjunction in the current language."""
    return expected.replace(" or ", " " + _("or") + " ")


def parse_plan(loaded: PlanFile) -> tuple[models.Plan | None, list[Diagnostic]]:
    """Validate loaded data against the plan model."""
    if loaded.data is None:
        return None, []
    if not isinstance(loaded.data, dict):
        return None, [codes.WRONG_VALUE.at(loaded.source.value(()), _("a plan file holds a mapping at the top"))]
    try:
        plan = models.Plan.model_validate(loaded.data)
    except ValidationError as errors:
        return None, diagnostics_of(errors.errors(include_url=False), loaded)
    slips = list(number_slips(plan, loaded))
    if slips:  # a figure misread: every check of it would report the misreading, not the slip
        return None, slips
    return plan, list(catalogue_notes(plan, loaded))


def number_slips(plan: models.Plan, loaded: PlanFile) -> Iterator[Diagnostic]:
    """Numbers written as documents write them that YAML reads as other numbers (S003, each at
    its cell): a thousands dot in a count (``1.900`` read as 1,9 people), a decimal comma in a
    row of a table (``[0.00, 3,04, 25]`` read as the four values 0.00, 3, 4 and 25)."""
    for index, target in enumerate(plan.targets):
        if is_count(target.unit_code) and _thousands_dot(target.value):
            yield codes.WRONG_VALUE.at(
                loaded.source.value(("targets", index, "value")),
                _("{key}: {message}").format(key="value", message=_thousands_dot_message(target.value)),
            )
    for a, table in plan.allocation_tables:
        counts = [c for c, column in enumerate(table.columns) if is_count(column.unit_code)]
        for r, row in enumerate(table.rows):
            path = ("appendices", a, "rows", r, "values")
            for c in counts:
                value = row.values[c] if c < len(row.values) else None
                if value is not None and _thousands_dot(value):
                    yield codes.WRONG_VALUE.at(
                        loaded.source.value(path + (c,)),
                        _("{row}, column {column!r}: {problem}").format(
                            row=shorten(row.name), column=shorten(table.columns[c].label), problem=_thousands_dot_message(value)
                        ),
                    )
            if len(row.values) > len(table.columns):  # a value too many: maybe a decimal comma
                yield from _decimal_commas(table, row, path, loaded)


def _thousands_dot(value: Decimal) -> bool:
    """Whether a count is written as a thousand with a dot (``1.900``, ``12.500``): three decimals
    after one to three digits, which no count has."""
    sign, digits, exponent = value.as_tuple()
    return exponent == -3 and 4 <= len(digits) <= 6 and digits[0] != 0


def _thousands_dot_message(value: Decimal) -> str:
    return _(
        "{value!r} is a count, a whole number; here a dot is the decimal mark, not a thousands separator:"
        " write {plain}"
    ).format(value=str(value), plain=str(value).replace(".", ""))


def _decimal_commas(table: models.AllocationTable, row: models.AllocationRow, path: Path, loaded: PlanFile) -> Iterator[Diagnostic]:
    """S003 at each pair of whole numbers a row writes with only a comma between them (``3,04``):
    a number with a decimal comma, which a list reads as two values (values are written ``, ``)."""
    starts, ends = loaded.source.values, loaded.source.ends
    for c in range(min(len(row.values), len(table.columns))):
        first, second = row.values[c], row.values[c + 1] if c + 1 < len(row.values) else None
        if first is None or second is None or not _written_whole(first) or not _written_whole(second) or second < 0:
            continue
        end, start, after = ends.get(path + (c,)), starts.get(path + (c + 1,)), ends.get(path + (c + 1,))
        if end is None or start is None or after is None or not end.line == start.line == after.line:
            continue
        if start.col != end.col + 1:  # "3, 04": two values, as rows write them
            continue
        whole, fraction = str(first), str(second).zfill(after.col - start.col)
        column = table.columns[c]
        if is_count(column.unit_code) and len(fraction) == 3:
            advice = _("write {plain} (in a plan file a number has no thousands separator)").format(plain=whole + fraction)
        else:
            advice = _("write {plain} (in a plan file the decimal mark is a dot)").format(plain=f"{whole}.{fraction}")
        yield codes.WRONG_VALUE.at(
            starts[path + (c,)],
            _(
                "{row}, column {column!r}: {text!r} is read as two values, {first} and {second}, because a comma"
                " separates the values of a row: {advice}"
            ).format(
                row=shorten(row.name), column=shorten(column.label), text=f"{whole},{fraction}", first=whole,
                second=fraction, advice=advice,
            ),
        )


def _written_whole(value: Decimal) -> bool:
    """Whether a value was written as a whole number (``3``, not ``3.0``)."""
    return value.as_tuple().exponent == 0


def _indicator_paths(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """Every indicator key a plan's data writes, with its path."""
    for index, target in enumerate(data.get("targets") or ()):
        yield ("targets", index, "indicator"), target["indicator"]
    for a, appendix in enumerate(data.get("appendices") or ()):
        if appendix.get("kind") != "allocation":
            continue
        for c, column in enumerate(appendix.get("columns") or ()):
            yield ("appendices", a, "columns", c, "indicator"), column["indicator"]
            if column.get("weight") is not None:
                yield ("appendices", a, "columns", c, "weight"), column["weight"]


def catalogue_notes(plan: models.Plan, loaded: PlanFile) -> Iterator[Diagnostic]:
    """What the catalogue says about a valid plan's indicators: a former key (S008), an
    indicator retired before the plan's year (S007).  Neither makes the plan invalid."""
    if not ALIASES and not any(spec.retired for spec in CATALOGUE.values()):
        return  # the usual case: nothing renamed, nothing retired
    for path, written in _indicator_paths(loaded.data):
        key = canonical(written)
        if key is None:
            continue
        if key != written:
            yield codes.FORMER_KEY.at(
                loaded.source.value(path),
                _("{old!r} is the former key of {key!r} ({name}); it is read as {key!r}, write {key!r} in new plans").format(
                    old=shorten(written), key=shorten(key), name=CATALOGUE[key].name
                ),
            )
        retired = CATALOGUE[key].retired
        if retired is not None and plan.year >= retired:
            yield codes.RETIRED_INDICATOR.at(
                loaded.source.value(path),
                _("{key!r} ({name}) is no longer used from {retired}; this is a {year} plan: remove it, or use the"
                  " indicator that replaced it (`dansokh indicators` lists them)").format(
                    key=shorten(written), name=CATALOGUE[key].name, retired=retired, year=plan.year
                ),
            )


def parse_result(loaded: PlanFile) -> tuple[result_models.ResultFile | None, list[Diagnostic]]:
    """Validate a result file's data (``kind: result``) against the result model."""
    if loaded.data is None:
        return None, []
    try:
        result = result_models.ResultFile.model_validate(loaded.data)
    except ValidationError as errors:
        return None, diagnostics_of(errors.errors(include_url=False), loaded)
    slips = list(figure_slips(result, loaded))
    if slips:  # as in a plan: the slip, not the checks of a misread figure (K001, K010)
        return None, slips
    return result, []


def figure_slips(result: result_models.ResultFile, loaded: PlanFile) -> Iterator[Diagnostic]:
    """A thousands dot in a count of a result file (S003 at the figure): a count's value, or the
    numerator and denominator of a rate, which count people."""
    for index, figure in enumerate(result.figures):
        counted = ("value",) if is_count(figure.unit_code) else ("numerator", "denominator")
        for key in counted:
            value = getattr(figure, key)
            if value is not None and _thousands_dot(value):
                yield codes.WRONG_VALUE.at(
                    loaded.source.value(("figures", index, key)),
                    _("{key}: {message}").format(key=key, message=_thousands_dot_message(value)),
                )


def parse_crosswalk(loaded: PlanFile) -> tuple[crosswalk_models.Crosswalk | None, list[Diagnostic]]:
    """Validate a crosswalk file's data (``kind: crosswalk``) against the crosswalk model."""
    if loaded.data is None:
        return None, []
    try:
        return crosswalk_models.Crosswalk.model_validate(loaded.data), []
    except ValidationError as errors:
        return None, diagnostics_of(errors.errors(include_url=False), loaded)


_CODES = {
    "extra_forbidden": codes.UNKNOWN_KEY,
    "missing": codes.MISSING_KEY,
    "union_tag_not_found": codes.MISSING_KEY,
    "unknown_indicator": codes.UNKNOWN_INDICATOR,
    "unknown_unit": codes.UNKNOWN_UNIT,
    "unit_for_indicator": codes.UNIT_NOT_FOR_INDICATOR,
}


def diagnostics_of(errors: list[Any], loaded: PlanFile, fields: list[str] | None = None) -> list[Diagnostic]:
    """Pydantic's errors as diagnostics (``diagnostic_of``): at most MAX_PER_RULE of one code, then
    one line that counts the rest, so that 50,000 unknown keys cost no more than reading them."""
    found: list[Diagnostic] = []
    shown: dict[str, int] = {}
    rest: dict[str, tuple[int, Any]] = {}
    for error in errors:
        code = _CODES.get(error["type"], codes.WRONG_VALUE).code
        if shown.get(code, 0) < MAX_PER_RULE:
            shown[code] = shown.get(code, 0) + 1
            found.append(diagnostic_of(error, loaded, fields))
        else:
            count, first = rest.get(code, (0, error))
            rest[code] = (count + 1, first)
    for code, (count, first) in rest.items():
        found.append(more(code, diagnostic_of(first, loaded, fields).span, count))
    return found
