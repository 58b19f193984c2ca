"""Plain data into a typed ``Plan``; Pydantic's errors become diagnostics at their YAML positions."""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic
from ..i18n import _
from ..read import codes
from ..read.loader import PlanFile
from ..read.positions import Path
from . import plan as models

_ALL_FIELDS = sorted(
    {
        name
        for cls in vars(models).values()
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


def _diagnostic(error: Any, loaded: PlanFile) -> Diagnostic:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    path = _data_path(loaded.data, loc)
    source = loaded.source
    if kind == "extra_forbidden":
        key = str(path[-1])
        close = difflib.get_close_matches(key, _ALL_FIELDS, n=1)
        if close:
            message = _("unknown key {key!r}; did you mean {close!r}?").format(key=key, close=close[0])
        else:
            message = _("unknown key {key!r}").format(key=key)
        return codes.UNKNOWN_KEY.at(source.key(path), message)
    if kind == "missing":
        return codes.MISSING_KEY.at(source.value(path[:-1]), _("missing key {key!r}").format(key=path[-1]))
    if kind == "union_tag_not_found":
        return codes.MISSING_KEY.at(source.value(path), _("missing key 'kind' (allocation or schedule)"))
    span = source.value(path)
    if kind == "union_tag_invalid":
        return codes.WRONG_VALUE.at(
            source.value(path + ("kind",)),
            _("unknown appendix kind {kind!r}: allocation or schedule").format(kind=value.get("kind")),
        )
    context = error.get("ctx") or {}
    if kind == "unknown_indicator":
        return codes.UNKNOWN_INDICATOR.at(
            span, _("unknown indicator '{key}' (see `dansokh indicators`)").format(**context)
        )
    if kind == "unknown_unit":
        return codes.UNKNOWN_UNIT.at(span, _(models.MESSAGES[kind]).format(**context))
    if kind == "string_type":
        if isinstance(value, (int, Decimal)):
            message = _('expected text, found {found} (quote it: "{value}")').format(found=_describe(value), value=value)
        else:
            message = _("expected text, found {found}").format(found=_describe(value))
    elif kind in ("int_type", "int_from_float", "int_parsing"):
        message = _("expected a whole number, found {found}").format(found=_describe(value))
    elif kind == "bool_type":
        message = _("expected true or false, found {found}").format(found=_describe(value))
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = _("expected a mapping, found {found}").format(found=_describe(value))
    elif kind in ("list_type", "tuple_type"):
        message = _("expected a list, found {found}").format(found=_describe(value))
    elif kind == "literal_error":
        message = _("expected {choices}").format(choices=_choices(context.get("expected", "")))
    elif kind in models.MESSAGES:
        message = _(models.MESSAGES[kind]).format(**context)
    else:  # Pydantic's own wording, in English
        message = error["msg"]
    if path and isinstance(path[-1], str):
        message = _("{key}: {message}").format(key=path[-1], message=message)
    return codes.WRONG_VALUE.at(span, message)


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
        return models.Plan.model_validate(loaded.data), []
    except ValidationError as errors:
        return None, [_diagnostic(error, loaded) for error in errors.errors(include_url=False)]
