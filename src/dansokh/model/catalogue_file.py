"""A repository's catalogue file: read and checked like a plan, every problem at its position.

A plans repository names its catalogue in its settings (``catalogue = "catalogue.yaml"`` in
``dansokh.toml``).  The file has the form of the one dansokh ships (``catalogue.yaml``): ``units``,
``denominators`` and ``indicators``.  An entry with a new code or key adds a unit or an indicator
and must say everything about it; an entry with a known one overrides only the fields it gives
(``{key: cpr, retired: 2026}``); an indicator whose ``aliases`` name a known key renames it.

Each entry is checked on its own: a broken entry is reported (S001–S005, S009) and left out, the
others are used, so one mistake costs one indicator, not the run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..diagnostics import Diagnostic, Related, Span, shorten
from ..i18n import _
from ..read import codes
from ..read.files import read_bounded
from ..read.limits import MAX_CATALOGUE_KEY, MAX_NAME
from ..read.loader import DEFAULT_MAX_BYTES, PlanFile, load_text
from .catalogue import KINDS, SHIPPED, Catalogue, Direction, layered, use
from .parse import diagnostics_of
from .plan import Number, Year

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class _Entry(BaseModel):
    """Built when a catalogue file is first checked, not at import: most repositories have none."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class UnitEntry(_Entry):
    code: str
    name: str | None = None
    dimension: str | None = Field(default=None, description="units of one dimension convert into each other")
    factor: Number | None = Field(default=None, description="how many of the dimension's base unit one of this is")
    kind: Literal["count", "rate"] | None = None


class IndicatorEntry(_Entry):
    key: str
    name: str | None = None
    unit: str | None = None
    direction: Literal["floor", "ceiling", "reduction", "info"] | None = None
    kind: Literal["count", "rate"] | None = None
    parts: list[str] | None = None
    denominator: str | None = None
    aliases: list[str] | None = None
    retired: Year | None = Field(default=None, description="the first year the indicator is no longer used")
    measure: Literal["flow", "stock"] | None = Field(
        default=None, description="in results: flow (cumulative from 1 January, never falls) or stock (a state at the report's date)"
    )
    denominator_measure: Literal["flow", "stock"] | None = Field(default=None, description="the same for a rate's denominator")
    rate: str | None = Field(default=None, description="for a reduction: the rate it is a reduction of")


class CatalogueShape(_Entry):
    units: list[Any] = []
    denominators: dict[str, str] = {}
    indicators: list[Any] = []


FIELDS = sorted({name for model in (UnitEntry, IndicatorEntry, CatalogueShape) for name in model.model_fields})
REQUIRED_UNIT = ("name", "dimension", "kind")
REQUIRED_INDICATOR = ("name", "unit", "direction", "kind")


@dataclass
class CatalogueFile:
    """A catalogue file as read and checked: the entries that can be used, and the problems."""

    file: str
    data: dict[str, Any]
    diagnostics: list[Diagnostic]


def _validate(model: type[BaseModel], value: Any, loaded: PlanFile, prefix: tuple[Any, ...]) -> tuple[Any, list[Diagnostic]]:
    try:
        return model.model_validate(value), []
    except ValidationError as errors:
        return None, diagnostics_of(
            [{**error, "loc": prefix + tuple(error["loc"])} for error in errors.errors(include_url=False)], loaded, FIELDS
        )


def check_catalogue(loaded: PlanFile, base: Catalogue = SHIPPED) -> CatalogueFile:
    """Check a loaded catalogue file against ``base`` (the catalogue it extends)."""
    found = CatalogueFile(loaded.file, {"units": [], "denominators": {}, "indicators": []}, list(loaded.diagnostics))
    problems = found.diagnostics
    if loaded.data is None:
        return found
    if not isinstance(loaded.data, dict):
        problems.append(codes.WRONG_VALUE.at(loaded.source.value(()), _("a catalogue file holds a mapping at the top")))
        return found
    shape, shape_problems = _validate(CatalogueShape, loaded.data, loaded, ())
    problems += shape_problems
    if shape is None:
        return found
    span = loaded.source.value
    found.data["denominators"] = dict(shape.denominators)

    known_units = set(base.units)
    first_unit: dict[str, int] = {}
    redefined = {raw.get("key") for raw in shape.indicators if isinstance(raw, dict)}
    for index, raw in enumerate(shape.units):
        where = ("units", index)
        entry, entry_problems = _validate(UnitEntry, raw, loaded, where)
        problems += entry_problems
        if entry is None:
            continue
        long = _too_long(entry, span, where)
        if long is not None:
            problems.append(long)
            continue
        if entry.code in first_unit:
            problems.append(
                codes.CATALOGUE_CONFLICT.at(
                    span(where + ("code",)),
                    _("unit {code!r} is defined twice in this file").format(code=shorten(entry.code)),
                    Related(span(("units", first_unit[entry.code], "code")), _("first defined here")),
                )
            )
            continue
        first_unit[entry.code] = index
        missing = [name for name in REQUIRED_UNIT if entry.code not in known_units and getattr(entry, name) is None]
        if missing:
            problems.append(codes.MISSING_KEY.at(span(where), _missing(missing, _("a new unit"))))
            continue
        if entry.factor is not None and entry.factor <= 0:
            problems.append(codes.WRONG_VALUE.at(span(where + ("factor",)), _("factor: expected a number above 0")))
            continue
        base_unit = base.units.get(entry.code)
        if base_unit is not None and entry.kind is not None and entry.kind != base_unit.kind:
            users = [i.key for i in base.indicators.values() if i.unit == entry.code and i.key not in redefined and i.kind != entry.kind]
            if users:
                problems.append(
                    codes.CATALOGUE_CONFLICT.at(
                        span(where + ("kind",)),
                        _("unit {code!r} cannot become a {kind}: {keys} are measured in it; define a new unit instead").format(
                            code=shorten(entry.code), kind=entry.kind, keys=", ".join(repr(k) for k in users[:5]) + (" …" if len(users) > 5 else "")
                        ),
                    )
                )
                continue
        found.data["units"].append(entry.model_dump(exclude_none=True))
        known_units.add(entry.code)

    keys = set(base.indicators)
    defined: dict[str, tuple[Any, ...]] = {}  # key or alias -> where this file defines it
    entries: list[tuple[tuple[Any, ...], IndicatorEntry]] = []
    for index, raw in enumerate(shape.indicators):
        where = ("indicators", index)
        entry, entry_problems = _validate(IndicatorEntry, raw, loaded, where)
        problems += entry_problems
        if entry is None:
            continue
        long = _too_long(entry, span, where)
        if long is not None:
            problems.append(long)
            continue
        if not KEY_PATTERN.match(entry.key):
            problems.append(codes.WRONG_VALUE.at(span(where + ("key",)), _key_message(entry.key)))
            continue
        bad_alias = next((a for a in entry.aliases or () if not KEY_PATTERN.match(a)), None)
        if bad_alias is not None:
            problems.append(codes.WRONG_VALUE.at(span(where + ("aliases",)), _key_message(bad_alias)))
            continue
        clash = next((n for n in [entry.key, *(entry.aliases or ())] if n in defined), None)
        if clash is not None:
            problems.append(
                codes.CATALOGUE_CONFLICT.at(
                    span(where + ("key",)),
                    _("{key!r} is already defined in this file, as a key or an alias").format(key=shorten(clash)),
                    Related(span(defined[clash] + ("key",)), _("first defined here")),
                )
            )
            continue
        renames = [a for a in entry.aliases or () if a in keys and a != entry.key]
        known = entry.key in keys or bool(renames)
        missing = [name for name in REQUIRED_INDICATOR if not known and getattr(entry, name) is None]
        if missing:
            problems.append(codes.MISSING_KEY.at(span(where), _missing(missing, _("a new indicator"))))
            continue
        for name in [entry.key, *(entry.aliases or ())]:
            defined[name] = where
        entries.append((where, entry))
        keys.add(entry.key)

    # what the entries refer to, once every code and key of the file is known
    trial = layered(base, {"units": found.data["units"], "indicators": [e.model_dump(exclude_none=True) for _, e in entries]}, "")
    merged_units = trial.units
    for where, entry in entries:
        indicator = trial.indicators[entry.key]
        if indicator.unit not in merged_units:
            problems.append(
                codes.UNKNOWN_UNIT.at(
                    span(where + ("unit",)),
                    _("unknown unit {unit!r} (known: {known}); add it under units:").format(
                        unit=shorten(indicator.unit), known=_listed(list(merged_units))
                    ),
                )
            )
            continue
        if merged_units[indicator.unit].kind != indicator.kind:
            problems.append(
                codes.CATALOGUE_CONFLICT.at(
                    span(where + ("kind",)) if entry.kind else span(where + ("unit",)),
                    _("{key!r} is a {kind} but its unit {unit!r} is a {unit_kind}: a count is measured in a count unit"
                      " (người, buổi …), a rate in a rate unit (%, ‰ …)").format(
                        key=shorten(entry.key), kind=indicator.kind, unit=shorten(indicator.unit), unit_kind=merged_units[indicator.unit].kind
                    ),
                )
            )
            continue
        unknown_parts = [p for p in indicator.parts if p not in trial.indicators]
        if unknown_parts:
            problems.append(
                codes.UNKNOWN_INDICATOR.at(
                    span(where + ("parts",)),
                    _("parts: unknown indicator {keys} (`dansokh indicators` lists them)").format(
                        keys=", ".join(repr(p) for p in unknown_parts)
                    ),
                )
            )
            continue
        if indicator.rate is not None and (indicator.rate not in trial.indicators or trial.indicators[indicator.rate].kind != "rate"):
            problems.append(
                codes.UNKNOWN_INDICATOR.at(
                    span(where + ("rate",)),
                    _("rate: {key!r} is not a rate of the catalogue (`dansokh indicators` lists them)").format(key=indicator.rate),
                )
            )
            continue
        if _part_of_itself(entry.key, trial):
            problems.append(
                codes.CATALOGUE_CONFLICT.at(
                    span(where + ("parts",)),
                    _("{key!r} is among its own parts (directly or through the parts of its parts): a total is the sum of other indicators").format(key=shorten(entry.key)),
                )
            )
            continue
        found.data["indicators"].append(entry.model_dump(exclude_none=True))
    return found


def _part_of_itself(key: str, catalogue: Catalogue) -> bool:
    """Whether ``key`` is reached from its own parts (each indicator visited once: no loop)."""
    seen: set[str] = set()
    todo = list(catalogue.indicators[key].parts)
    while todo:
        part = todo.pop()
        if part == key:
            return True
        if part in seen or part not in catalogue.indicators:
            continue
        seen.add(part)
        todo.extend(catalogue.indicators[part].parts)
    return False


def _too_long(entry: UnitEntry | IndicatorEntry, span: Any, where: tuple[Any, ...]) -> Diagnostic | None:
    """S003 at the first code, key, alias or name longer than a catalogue allows (a 2 MB name
    is a mistake, never a label to write into every message)."""
    for name, limit in (("code", MAX_CATALOGUE_KEY), ("key", MAX_CATALOGUE_KEY), ("aliases", MAX_CATALOGUE_KEY), ("name", MAX_NAME)):
        value = getattr(entry, name, None)
        values = value if isinstance(value, list) else [value]
        for index, text in enumerate(values):
            if isinstance(text, str) and len(text) > limit:
                at = where + ((name, index) if isinstance(value, list) else (name,))
                return codes.WRONG_VALUE.at(
                    span(at),
                    _("{field}: at most {limit} characters, not {length:,}; shorten it").format(field=name, limit=limit, length=len(text)),
                )
    return None


def _listed(names: list[str], shown: int = 10) -> str:
    """The first ``shown`` of ``names``, each as a message quotes it, and how many more."""
    listed = ", ".join(shorten(name) for name in names[:shown])
    return listed if len(names) <= shown else listed + " " + _("and {count} more").format(count=len(names) - shown)


def _missing(names: list[str], what: str) -> str:
    return _("{what} needs {keys}; missing key {missing}").format(
        what=what, keys=", ".join(names), missing=", ".join(repr(n) for n in names)
    )


def _key_message(key: str) -> str:
    return _("{key!r}: an indicator key is lowercase letters, digits and underscores, starting with a letter"
             " (like new_users_iud)").format(key=shorten(key))


@dataclass(frozen=True)
class Loaded:
    catalogue: Catalogue
    diagnostics: tuple[Diagnostic, ...]


_MEMO: dict[tuple[str, str, int], Loaded] = {}


def load_catalogue(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """The shipped catalogue with the repository's file over it (``shown``: its name for
    messages), and the file's problems; the same file read twice in a process is read once."""
    try:  # a regular file only (never a FIFO or /dev/zero), never more than the limit + 1 byte
        raw = read_bounded(path, max_bytes)
    except OSError as error:
        reason = error.strerror or str(error)
        problem = codes.MALFORMED.at(
            Span(shown, 1, 1), _("cannot read the catalogue file named in the settings: {reason}").format(reason=reason)
        )
        return Loaded(SHIPPED, (problem,))
    key = (shown, hashlib.blake2b(raw, digest_size=16).hexdigest(), max_bytes)
    if key not in _MEMO:
        loaded = load_text(shown, raw, max_bytes)
        checked = check_catalogue(loaded)
        _MEMO[key] = Loaded(layered(SHIPPED, checked.data, shown), tuple(checked.diagnostics))
    return _MEMO[key]


def use_catalogue(path: Path | None, shown: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Diagnostic, ...]:
    """Put in force for this run the catalogue of a repository (the shipped one where it names
    none: nothing of another run's stays); its file's problems are returned for the run to report.
    ``max_bytes``: the plan files' limit (``--max-file-size``, ``max_file_size``): a catalogue
    over it is Y006, as a plan would be."""
    if path is None:
        use(SHIPPED)
        return ()
    loaded = load_catalogue(path, shown or str(path), max_bytes)
    use(loaded.catalogue)
    return loaded.diagnostics


__all__ = ["check_catalogue", "load_catalogue", "use_catalogue", "CatalogueFile", "Loaded", "Direction", "KINDS"]
