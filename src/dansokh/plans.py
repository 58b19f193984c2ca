"""Plain data into a typed ``Plan``; Pydantic's errors become diagnostics at their YAML positions."""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from . import model
from .diagnostics import Diagnostic
from .loader import Loaded
from .rules import loading as codes
from .source import Path

_ALL_FIELDS = sorted(
    {
        name
        for cls in vars(model).values()
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
            node = node.get(part)  # type: ignore[arg-type]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return type(value).__name__


def _diagnostic(error: Any, loaded: Loaded) -> Diagnostic:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    path = _data_path(loaded.data, loc)
    source = loaded.source
    if kind == "extra_forbidden":
        key = str(path[-1])
        close = difflib.get_close_matches(key, _ALL_FIELDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return codes.UNKNOWN_KEY.at(source.key(path), f"unknown key {key!r}{hint}")
    if kind == "missing":
        return codes.MISSING_KEY.at(source.value(path[:-1]), f"missing key {path[-1]!r}")
    if kind == "union_tag_not_found":
        return codes.MISSING_KEY.at(source.value(path), "missing key 'kind' (allocation or schedule)")
    span = source.value(path)
    if kind == "union_tag_invalid":
        return codes.WRONG_VALUE.at(
            source.value(path + ("kind",)), f"unknown appendix kind {value.get('kind')!r}: allocation or schedule"
        )
    if kind == "unknown_indicator":
        return codes.UNKNOWN_INDICATOR.at(span, error["msg"] + " (see `dansokh indicators`)")
    if kind == "unknown_unit":
        return codes.UNKNOWN_UNIT.at(span, error["msg"])
    where = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
    if kind == "string_type":
        hint = f' (quote it: "{value}")' if isinstance(value, (int, Decimal)) else ""
        message = f"expected text, found {_describe(value)}{hint}"
    elif kind in ("int_type", "int_from_float", "int_parsing"):
        message = f"expected a whole number, found {_describe(value)}"
    elif kind == "bool_type":
        message = f"expected true or false, found {_describe(value)}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"expected a mapping, found {_describe(value)}"
    elif kind in ("list_type", "tuple_type"):
        message = f"expected a list, found {_describe(value)}"
    elif kind == "literal_error":
        message = error["msg"].replace("Input should be", "expected")
    else:
        message = error["msg"]
    return codes.WRONG_VALUE.at(span, where + message)


def parse_plan(loaded: Loaded) -> tuple[model.Plan | None, list[Diagnostic]]:
    """Validate loaded data against the plan model."""
    if loaded.data is None:
        return None, []
    if not isinstance(loaded.data, dict):
        return None, [codes.WRONG_VALUE.at(loaded.source.value(()), "a plan file holds a mapping at the top")]
    try:
        return model.Plan.model_validate(loaded.data), []
    except ValidationError as errors:
        return None, [_diagnostic(error, loaded) for error in errors.errors(include_url=False)]
