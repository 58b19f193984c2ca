"""The indicator catalogue in force: every target a plan may state, and the units of measure.

The catalogue is data.  dansokh ships one (``catalogue.yaml`` beside this module); a plans
repository extends or overrides it with a file of the same form named in its settings
(``catalogue = "…"``, read and checked by ``catalogue_file``).  ``activate`` puts a catalogue in
force for the run: ``CATALOGUE``, ``UNITS``, ``DENOMINATORS`` and ``ALIASES`` are the live tables
every stage reads (the same dict objects throughout, refilled in place), so a repository's new
indicator is known to the model, the rules, the renderers and the schema alike.

An indicator has a key (used in the YAML), a Vietnamese name, a unit and a direction.  The
direction decides what "meets or exceeds" means in the cascade:

- ``floor``: the child's value must be at least the assigned one;
- ``ceiling``: at most the assigned one (the sex ratio at birth);
- ``reduction``: a reduction against the previous year, at least the assigned one;
- ``info``: informational, never compared (average population).

Its kind is ``count`` (persons, sessions: they add up across children, a total row is their
sum) or ``rate`` (a share or a ratio: a total row is a weighted mean).  ``parts`` names the
indicators a total is the sum of (the methods of new contraceptive users).  ``aliases`` are
former keys, still read as this one (a renamed indicator keeps old plans valid); ``retired`` is
the first year the indicator is no longer used (older plans keep it).

In results, ``measure`` says how a figure behaves over the year.  A **flow** is counted from
1 January (new contraceptive users, sessions, screenings done, couples counselled): a quarterly
result is cumulative and never falls from one period to a later one (K003).  A **stock** is a
state at the report's date (the modern-method prevalence and its couples, the elderly with a
health record, the elderly population) and can fall.  It applies to a count, or to a rate's
numerator; ``denominator_measure`` to a rate's denominator (default: the same), since a rate of
check-ups done (a flow) may be a share of the elderly population (a stock).  A reduction
names its ``rate``: the reduction reported is last year's rate minus this year's (K012).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property
from importlib import resources
from typing import Any

from ..i18n import _


class Direction(str, Enum):
    FLOOR = "floor"
    CEILING = "ceiling"
    REDUCTION = "reduction"
    INFO = "info"


KINDS = ("count", "rate")
MEASURES = ("flow", "stock")


@dataclass(frozen=True)
class Unit:
    """A unit of measure; units of one dimension convert by ``factor`` into its base.  A unit of
    kind ``count`` counts whole things (persons, sessions, couples); ``rate`` is a share or a ratio."""

    code: str
    name: str
    dimension: str
    factor: Decimal = Decimal(1)
    kind: str = "count"


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    direction: Direction
    kind: str = "rate"
    parts: tuple[str, ...] = ()
    denominator: str | None = None
    aliases: tuple[str, ...] = ()
    retired: int | None = None
    measure: str = "flow"
    denominator_measure: str | None = None
    rate: str | None = None  # a reduction's rate: the reduction is last year's rate minus this year's (K012)

    def is_flow(self, part: str = "value") -> bool:
        """Whether the figure's ``part`` (``value``, ``numerator`` or ``denominator``) is a flow:
        counted from 1 January, never falling within the year (see the module's docstring)."""
        if part == "denominator":
            return (self.denominator_measure or self.measure) == "flow"
        return self.measure == "flow"

    @property
    def quota(self) -> bool:
        """A count that adds up across children: a table's total row is the sum of its rows."""
        return self.kind == "count"


@dataclass(frozen=True)
class Catalogue:
    """A whole catalogue: the shipped one, or the shipped one with a repository's file over it."""

    units: dict[str, Unit]
    indicators: dict[str, Indicator]
    denominators: dict[str, str]
    sources: tuple[str, ...] = ("dansokh",)
    aliases: dict[str, str] = field(default_factory=dict)  # former key -> key

    def __post_init__(self) -> None:
        if not self.aliases:
            for indicator in self.indicators.values():
                for alias in indicator.aliases:
                    self.aliases.setdefault(alias, indicator.key)

    @cached_property
    def digest(self) -> str:
        """What the cache's namespace takes from the catalogue: any change to it starts afresh."""
        content = {
            "units": [[u.code, u.name, u.dimension, str(u.factor), u.kind] for u in self.units.values()],
            "indicators": [
                [
                    i.key, i.name, i.unit, i.direction.value, i.kind, list(i.parts), i.denominator, list(i.aliases), i.retired,
                    i.measure, i.denominator_measure, i.rate,
                ]
                for i in self.indicators.values()
            ],
            "denominators": sorted(self.denominators.items()),
        }
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


# The live tables of the catalogue in force (see ``activate``).
CATALOGUE: dict[str, Indicator] = {}
UNITS: dict[str, Unit] = {}
DENOMINATORS: dict[str, str] = {}
ALIASES: dict[str, str] = {}
_ACTIVE: list[Catalogue] = []


def activate(catalogue: Catalogue) -> None:
    """Put ``catalogue`` in force for this process (the live tables are refilled in place)."""
    if _ACTIVE and _ACTIVE[0] is catalogue:
        return
    for table, content in (
        (CATALOGUE, catalogue.indicators),
        (UNITS, catalogue.units),
        (DENOMINATORS, catalogue.denominators),
        (ALIASES, catalogue.aliases),
    ):
        table.clear()
        table.update(content)  # type: ignore[arg-type]
    _ACTIVE[:] = [catalogue]


def active() -> Catalogue:
    return _ACTIVE[0]


def named(key: str) -> str:
    """An indicator in a message about a file that writes its key (a crosswalk's ``figures``): its
    name, then the key in brackets to find it by, ``Dụng cụ tử cung (đặt vòng) (new_users_iud)``;
    the key alone when the catalogue does not know it."""
    spec = CATALOGUE.get(key)
    return f"{spec.name} ({key})" if spec is not None else key


def canonical(key: str) -> str | None:
    """The indicator a key names in the catalogue in force: itself, the key it is a former
    name of, or ``None``."""
    if key in CATALOGUE:
        return key
    return ALIASES.get(key)


class UnitMismatch(ValueError):
    """Two values of different dimensions were about to be compared."""


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert between units of one dimension; never silently across dimensions."""
    if from_unit == to_unit:
        return value
    source, target = UNITS[from_unit], UNITS[to_unit]
    if source.dimension != target.dimension:
        raise UnitMismatch(_("cannot compare {source} with {target}").format(source=from_unit, target=to_unit))
    return value * source.factor / target.factor


def is_convertible(unit_a: str, unit_b: str) -> bool:
    return UNITS[unit_a].dimension == UNITS[unit_b].dimension


def is_count(unit: str) -> bool:
    """Whether values in ``unit`` count whole things (people, sessions, broadcasts): never
    negative, never fractional.  The unit's ``kind`` in the catalogue says so; rates (%, ‰) and
    the sex ratio are not counts."""
    return UNITS[unit].kind == "count"


# building a catalogue from checked data ---------------------------------------------------------


def _unit(entry: dict[str, Any], base: Unit | None) -> Unit:
    def get(name: str, default: Any) -> Any:
        return entry[name] if entry.get(name) is not None else (getattr(base, name) if base else default)

    return Unit(entry["code"], get("name", ""), get("dimension", ""), Decimal(get("factor", 1)), get("kind", "count"))


def _indicator(entry: dict[str, Any], base: Indicator | None) -> Indicator:
    def get(name: str, default: Any) -> Any:
        return entry[name] if name in entry and entry[name] is not None else (getattr(base, name) if base else default)

    return Indicator(
        entry["key"],
        get("name", ""),
        get("unit", ""),
        Direction(get("direction", "floor")),
        get("kind", "rate"),
        tuple(get("parts", ())),
        get("denominator", None),
        tuple(get("aliases", ())),
        get("retired", None),
        get("measure", "flow"),
        get("denominator_measure", None),
        get("rate", None),
    )


def layered(base: Catalogue | None, data: dict[str, Any], source: str) -> Catalogue:
    """``base`` with one catalogue file's checked data over it: a new code or key is added, an
    existing one takes the fields the file gives (the others are kept), and an indicator whose
    aliases name an existing key replaces it (a renamed indicator).  The data is trusted: the
    shipped file is checked by the tests, a repository's by ``catalogue_file`` first."""
    units = dict(base.units) if base else {}
    for entry in data.get("units") or ():
        units[entry["code"]] = _unit(entry, units.get(entry["code"]))
    indicators = dict(base.indicators) if base else {}
    for entry in data.get("indicators") or ():
        key = entry["key"]
        previous = indicators.get(key)
        aliases = list(entry.get("aliases") or ())
        for alias in list(aliases):
            renamed = indicators.pop(alias, None) if alias != key else None
            if renamed is not None:  # the indicator ``alias`` is now called ``key``
                previous = previous or renamed
                aliases += [a for a in renamed.aliases if a not in aliases]
        if previous is not None:
            aliases += [a for a in previous.aliases if a not in aliases and a != key]
        indicators[key] = _indicator({**entry, "aliases": aliases}, previous)
    denominators = dict(base.denominators) if base else {}
    denominators.update(data.get("denominators") or {})
    sources = (base.sources if base else ()) + (source,)
    return Catalogue(units, indicators, denominators, sources)


def _shipped() -> Catalogue:
    from ..read.loader import load_text  # the catalogue is read as plans are, with the same YAML

    raw = resources.files(__package__).joinpath("catalogue.yaml").read_bytes()
    loaded = load_text("catalogue.yaml", raw)
    return layered(None, loaded.data, "dansokh")


SHIPPED = _shipped()
activate(SHIPPED)

# the methods whose new users add up to new_users_total, as the shipped catalogue lists them
METHODS: tuple[str, ...] = SHIPPED.indicators["new_users_total"].parts
