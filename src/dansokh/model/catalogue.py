"""The indicator catalogue in force: every target a plan may state, and the units of measure.

The catalogue is data.  dansokh ships one (``catalogue.yaml`` beside this module); a plans
repository extends or overrides it with a file of the same form named in its settings
(``catalogue = "…"``, read and checked by ``catalogue_file``).  A catalogue is a value, never
changed once built.  The one in force is chosen once per run (``use``: the run's repository's, or
the shipped one) and held in a context variable, so that it goes down to every stage of the run,
and only of that run: a run in another thread or context, or the next run, chooses its own, and
``in_force`` puts one in force for a block and restores the one before.  ``CATALOGUE``, ``UNITS``,
``DENOMINATORS`` and ``ALIASES`` are read-only views of the catalogue in force (nothing refills
them), so a repository's new indicator is known to the model, the rules, the renderers and the
schema alike.

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
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property
from importlib import resources
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Generic, TypeVar

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
    """A whole catalogue: the shipped one, or the shipped one with a repository's file over it.
    A value: its tables are read-only once it is built."""

    units: Mapping[str, Unit]
    indicators: Mapping[str, Indicator]
    denominators: Mapping[str, str]
    sources: tuple[str, ...] = ("dansokh",)
    aliases: Mapping[str, str] = field(default_factory=dict)  # former key -> key

    def __post_init__(self) -> None:
        aliases = dict(self.aliases)
        if not aliases:
            for indicator in self.indicators.values():
                for alias in indicator.aliases:
                    aliases.setdefault(alias, indicator.key)
        for name, table in (("units", self.units), ("indicators", self.indicators), ("denominators", self.denominators), ("aliases", aliases)):
            object.__setattr__(self, name, MappingProxyType(dict(table)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to a spawned worker as plain tables (a read-only view does not pickle)."""
        tables = (dict(self.units), dict(self.indicators), dict(self.denominators))
        return (Catalogue, (*tables, self.sources, dict(self.aliases)))

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


V = TypeVar("V")


class InForce(Mapping[str, V], Generic[V]):
    """A read-only view of one table of the catalogue in force (``indicators``, ``units``, …):
    what a stage reads is always the run's catalogue, and nothing can write into it.  (Looked up
    half a million times in a national validation: each method reaches its table in one step.)"""

    __slots__ = ("_name", "_table")

    def __init__(self, table: str):
        self._name, self._table = table, attrgetter(table)

    def __getitem__(self, key: str) -> V:
        return self._table(_IN_FORCE.get())[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._table(_IN_FORCE.get()).get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._table(_IN_FORCE.get())

    def __iter__(self) -> Iterator[str]:
        return iter(self._table(_IN_FORCE.get()))

    def __len__(self) -> int:
        return len(self._table(_IN_FORCE.get()))

    def keys(self) -> KeysView[str]:
        return self._table(_IN_FORCE.get()).keys()

    def items(self) -> ItemsView[str, V]:
        return self._table(_IN_FORCE.get()).items()

    def values(self) -> ValuesView[V]:
        return self._table(_IN_FORCE.get()).values()

    def __repr__(self) -> str:
        return f"InForce({self._name!r}: {len(self)} entries)"


# Views of the catalogue in force (see ``use``): read where they are needed, never filled.
CATALOGUE: Mapping[str, Indicator] = InForce("indicators")
UNITS: Mapping[str, Unit] = InForce("units")
DENOMINATORS: Mapping[str, str] = InForce("denominators")
ALIASES: Mapping[str, str] = InForce("aliases")


def active() -> Catalogue:
    """The catalogue in force in this run: its repository's, else the shipped one."""
    return _IN_FORCE.get()


def use(catalogue: Catalogue) -> Token[Catalogue]:
    """Put ``catalogue`` in force for the rest of this run (the current context: a thread, a
    worker process, or a ``contextvars`` context of its own); the token undoes it."""
    return _IN_FORCE.set(catalogue)


@contextmanager
def in_force(catalogue: Catalogue) -> Iterator[Catalogue]:
    """``catalogue`` in force within the block, and whatever was in force before after it, even
    where the block put another in force (a run inside it that loaded a repository)."""
    token = _IN_FORCE.set(catalogue)
    try:
        yield catalogue
    finally:
        _IN_FORCE.reset(token)


def named(key: str) -> str:
    """An indicator in a message about a file that writes its key (a crosswalk's ``figures``): its
    name, then the key in brackets to find it by, ``Dụng cụ tử cung (đặt vòng) (new_users_iud)``;
    the key alone when the catalogue does not know it."""
    spec = CATALOGUE.get(key)
    return f"{spec.name} ({key})" if spec is not None else key


def canonical(key: str) -> str | None:
    """The indicator a key names in the catalogue in force: itself, the key it is a former
    name of, or ``None``."""
    catalogue = _IN_FORCE.get()
    if key in catalogue.indicators:
        return key
    return catalogue.aliases.get(key)


class UnitMismatch(ValueError):
    """Two values of different dimensions were about to be compared."""


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert between units of one dimension; never silently across dimensions."""
    if from_unit == to_unit:
        return value
    units = _IN_FORCE.get().units
    source, target = units[from_unit], units[to_unit]
    if source.dimension != target.dimension:
        raise UnitMismatch(_("cannot compare {source} with {target}").format(source=from_unit, target=to_unit))
    return value * source.factor / target.factor


def is_convertible(unit_a: str, unit_b: str) -> bool:
    units = _IN_FORCE.get().units
    return units[unit_a].dimension == units[unit_b].dimension


def is_count(unit: str) -> bool:
    """Whether values in ``unit`` count whole things (people, sessions, broadcasts): never
    negative, never fractional.  The unit's ``kind`` in the catalogue says so; rates (%, ‰) and
    the sex ratio are not counts."""
    return _IN_FORCE.get().units[unit].kind == "count"


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
_IN_FORCE: ContextVar[Catalogue] = ContextVar("dansokh_catalogue", default=SHIPPED)

# the methods whose new users add up to new_users_total, as the shipped catalogue lists them
METHODS: tuple[str, ...] = SHIPPED.indicators["new_users_total"].parts
