"""Last year's figures in this year's units, through a crosswalk.

A crosswalk (``model.crosswalk``) maps the units one unit assigned to in one year to the units
another assigns to in a later year.  ``Bridge`` joins a crosswalk to the repository (the old units
as last year's plans declare them, the new ones as this year's do) and carries figures across:

- a **count** (a quota of persons, sessions) of an old unit that went whole goes whole to its new
  unit; a divided unit's count is split among its parts by their shares with the same exact
  apportionment ``allocate --split`` uses (``apportion``), so the parts add up to it exactly and
  every new unit's figure is a sum of whole parts: the carried column adds up to last year's;
- a **rate** (a %, a ratio) of a new unit is the mean of its parts' rates weighted by their
  populations, exact, then written with as many decimals as last year's figures had; where the
  parts' populations are not given, a rate is carried only when all its parts had the same rate.

Every carried figure keeps where it came from: the old units and their shares, whether any went
through a divided unit, and whether the new unit also took territory from units this crosswalk
does not cover (then its figure is only part of its territory's).  Pure computation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from ..cascade.apportion import ApportionError, Method, Share, apportion
from ..cascade.lookup import main_plan
from ..cascade.repository import LoadedCrosswalk, LoadedPlan, Repository
from ..diagnostics import shorten
from ..i18n import _
from ..model.catalogue import CATALOGUE, named
from ..model.crosswalk import Entry, as_fraction
from ..model.numbers import number
from .expected import reform_sources


class CarryError(ValueError):
    """Figures that cannot be carried as asked; the message says why and what to decide."""


@dataclass(frozen=True)
class Contribution:
    """What one old unit gave one new unit: its figure's part, and the share of it."""

    old: str
    name: str
    value: Decimal
    share: Fraction  # 1 for a unit that went whole
    divided: bool


@dataclass
class CarriedValue:
    """Last year's figure of one new unit, with where it came from."""

    unit: str
    name: str
    value: Decimal | None
    contributions: list[Contribution] = field(default_factory=list)
    partial: bool | None = False  # it also took territory from units outside the crosswalk (None: unknown)
    reason: str | None = None  # why no figure could be carried

    @property
    def divided(self) -> bool:
        """Whether any of it came through a divided old unit."""
        return any(c.divided for c in self.contributions)

    def sources_text(self, lang: str | None = None) -> str:
        """``Ngọc Lâm + Ngọc Thụy (20%)``: the old units, and the share of each divided one (in
        ``lang``'s number format, else the run's: a plan file's remark is in Vietnamese)."""
        pieces = []
        for c in self.contributions:
            pieces.append(c.name if not c.divided else f"{c.name} ({_share_text(c.share, lang)})")
        return " + ".join(pieces)


@dataclass
class Carried:
    """One indicator of last year's figures, in this year's units."""

    indicator: str
    unit: str  # the unit of measure
    bridge: Bridge
    values: list[CarriedValue]
    old_total: Decimal | None  # the sum of the old units' figures (counts)
    missing: list[str] = field(default_factory=list)  # old units with no figure

    def by_unit(self) -> dict[str, CarriedValue]:
        return {value.unit: value for value in self.values}

    @property
    def new_total(self) -> Decimal:
        return sum((v.value for v in self.values if v.value is not None), Decimal(0))


def _share_text(share: Fraction, lang: str | None = None) -> str:
    """A share as officers read it: a percentage to one decimal (``85%``, ``33,3%``); the exact
    fraction stays in the crosswalk and in ``--format json``."""
    percent = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number(percent.normalize() if percent == percent.to_integral_value() else percent, lang=lang) + "%"


class Bridge:
    """A crosswalk joined to the repository."""

    def __init__(self, repo: Repository, loaded: LoadedCrosswalk):
        self.repo = repo
        self.loaded = loaded
        self.crosswalk = loaded.crosswalk
        self.entries: dict[str, tuple[int, Entry]] = {}
        for index, entry in enumerate(self.crosswalk.units):
            self.entries.setdefault(entry.old, (index, entry))

    # the two sides -------------------------------------------------------------------------

    @property
    def from_year(self) -> int:
        return self.crosswalk.from_.year

    @property
    def to_year(self) -> int:
        return self.crosswalk.to.year

    def from_plan(self) -> LoadedPlan | None:
        return main_plan(self.repo, self.crosswalk.from_.unit, self.from_year)

    def to_plan(self) -> LoadedPlan | None:
        return main_plan(self.repo, self.crosswalk.to.unit, self.to_year)

    def old_units(self) -> list[str]:
        """The units the ``from`` unit assigned to in its year (every plan of it that year)."""
        return _children(self.repo, self.crosswalk.from_.unit, self.from_year)

    def new_units(self) -> list[str]:
        """The units the ``to`` unit assigns to in its year; empty before its plan exists."""
        return _children(self.repo, self.crosswalk.to.unit, self.to_year)

    def name_of(self, unit: str) -> str:
        declared = self.repo.unit(unit)
        if declared is not None:
            return declared.name
        for entry in self.crosswalk.units:
            if entry.old == unit and entry.name:
                return entry.name
            for part in entry.parts:
                if part.unit == unit and part.name:
                    return part.name
        return unit

    def order(self) -> list[str]:
        """The new units in the order this year's plan lists them, then any other the
        crosswalk names, in its order."""
        ordered = dict.fromkeys(self.new_units())
        for entry in self.crosswalk.units:
            for part in entry.parts:
                ordered.setdefault(part.unit, None)
        return list(ordered)

    # shares --------------------------------------------------------------------------------

    def shares(self, entry: Entry, indicator: str) -> list[Fraction]:
        """Each part's exact share of the old unit's figure for ``indicator``."""
        if not entry.divided:
            return [Fraction(1)]
        name = self.name_of(entry.old)
        if entry.by == "population":
            populations = [part.population for part in entry.parts if part.population is not None]
            if len(populations) < len(entry.parts):
                raise CarryError(_("{name}: by population, every part gives its population").format(name=name))
            total = sum(populations)
            return [Fraction(p, total) for p in populations]
        if entry.by == "share":
            shares = [as_fraction(part.share) for part in entry.parts if part.share is not None]
            if len(shares) < len(entry.parts) or sum(shares) != 1:
                raise CarryError(
                    _("{name}: the shares of its parts do not add up to 1 (see `dansokh validate`, W001)").format(name=name)
                )
            return shares
        if entry.by == "figure":
            given = [(part.figures or {}).get(indicator) for part in entry.parts]
            figures = [Decimal(f) for f in given if f is not None]
            if len(figures) < len(given):
                raise CarryError(
                    _("{name} is shared by figure, and its parts give no {indicator}: add it to each part's figures").format(
                        name=name, indicator=named(indicator)
                    )
                )
            whole = sum(figures, Decimal(0))
            if whole == 0:
                return [Fraction(1, len(figures))] * len(figures)
            return [Fraction(f) / Fraction(whole) for f in figures]
        raise CarryError(
            _(
                "{name} was divided among {parts} and the crosswalk does not say how its figures are shared:"
                " decide by: population, share or figure in {file} (W002)"
            ).format(name=name, parts=", ".join(self.name_of(p.unit) for p in entry.parts), file=self.loaded.file)
        )

    # carrying ------------------------------------------------------------------------------

    def carry(
        self,
        values: dict[str, Decimal],
        indicator: str,
        unit: str | None = None,
        method: Method = Method.LARGEST_REMAINDER,
    ) -> Carried:
        """``values`` of the old units (by id) for ``indicator``, in the new units."""
        spec = CATALOGUE[indicator]
        measure = unit or spec.unit
        carried = {new: CarriedValue(new, self.name_of(new), None) for new in self.order()}
        missing = [old for old in self.old_units() if old not in values]
        old_total = sum((v for v in values.values()), Decimal(0)) if spec.quota else None
        for old, value in values.items():
            if old not in self.entries:
                raise CarryError(
                    _("{name} ({unit}) is not in the crosswalk {crosswalk}: add it (W004)").format(
                        name=self.name_of(old), unit=old, crosswalk=self.loaded.label
                    )
                )
            _index, entry = self.entries[old]
            shares = self.shares(entry, indicator)
            if spec.quota:
                parts = _split(value, shares, method, self.name_of(old))
            else:
                parts = [self._part_rate(entry, i, indicator, value) for i in range(len(entry.parts))]
            for part, share, part_value in zip(entry.parts, shares, parts):
                carried[part.unit].contributions.append(
                    Contribution(old, self.name_of(old), part_value, share, entry.divided)
                )
        partial = self.partial_units()
        for new_value in carried.values():
            new_value.partial = partial.get(new_value.unit) if partial is not None else None
            if not new_value.contributions:
                continue
            if spec.quota:
                new_value.value = sum((c.value for c in new_value.contributions), Decimal(0))
            else:
                new_value.value, new_value.reason = self._mean(new_value, indicator)
        return Carried(indicator, measure, self, list(carried.values()), old_total, missing)

    def _part_rate(self, entry: Entry, index: int, indicator: str, value: Decimal) -> Decimal:
        figures = entry.parts[index].figures or {}
        return figures.get(indicator, value) if entry.by == "figure" else value

    def _mean(self, value: CarriedValue, indicator: str) -> tuple[Decimal | None, str | None]:
        """A new unit's rate: its parts' rates weighted by the parts' populations."""
        rates = [c.value for c in value.contributions]
        places = max((_places(r) for r in rates), default=0)
        weights = [w for w in (self._population(c.old, value.unit) for c in value.contributions) if w is not None]
        if len(weights) == len(rates) and sum(weights) > 0:
            mean = sum((Fraction(r) * w for r, w in zip(rates, weights)), Fraction(0)) / sum(weights)
            exact = Decimal(mean.numerator) / Decimal(mean.denominator)
            return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), None
        if len(set(rates)) == 1:
            return rates[0], None
        return None, _(
            "its parts had different rates ({rates}) and the crosswalk gives no population to weigh them by"
        ).format(rates=", ".join(number(r) for r in rates))

    def _population(self, old: str, new: str) -> int | None:
        _index, entry = self.entries[old]
        for part in entry.parts:
            if part.unit == new:
                return part.population
        return None

    def partial_units(self) -> dict[str, bool] | None:
        """For each new unit, whether it also took territory from old units this crosswalk does
        not cover (from the official list); ``None`` where that cannot be known.  Computed once."""
        return self._partial

    @cached_property
    def _partial(self) -> dict[str, bool] | None:
        if self.crosswalk.from_.unit == self.crosswalk.to.unit:
            return {unit: False for unit in self.order()}  # the same territory on both sides
        return reform_sources(self)


def _children(repo: Repository, unit: str, year: int) -> list[str]:
    found: dict[str, None] = {}
    for loaded in repo.plans_of(unit, year):
        for declared in loaded.plan.units:
            found.setdefault(declared.id, None)
    return list(found)


def _places(value: Decimal) -> int:
    """The decimals a figure is written with (``3.04``: 2, ``100``: 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _split(value: Decimal, shares: list[Fraction], method: Method, name: str) -> list[Decimal]:
    """A count split exactly among shares, in the units of its last written decimal."""
    if len(shares) == 1:
        return [value]
    places = _places(value)
    scaled = value.scaleb(places)
    if scaled < 0 or scaled != scaled.to_integral_value():
        raise CarryError(_("{name}: {value} cannot be split into parts").format(name=name, value=number(value)))
    try:
        parts = apportion(int(scaled), [Share(str(i), s) for i, s in enumerate(shares)], method)
    except ApportionError as error:
        raise CarryError(f"{name}: {error}") from None
    return [Decimal(p).scaleb(-places) for p in parts]


def bridges(repo: Repository) -> list[Bridge]:
    return [Bridge(repo, loaded) for loaded in repo.crosswalks]


def bridge_for(
    repo: Repository, from_unit: str, from_year: int, to_year: int | None = None, to_unit: str | None = None
) -> Bridge:
    """The one crosswalk from ``from_unit``'s units of ``from_year`` (into ``to_unit``'s of
    ``to_year``, where given); a ``CarryError`` naming the candidates otherwise."""
    found = [
        b
        for b in bridges(repo)
        if b.crosswalk.from_.unit == from_unit
        and b.from_year == from_year
        and (to_year is None or b.to_year == to_year)
        and (to_unit is None or b.crosswalk.to.unit == to_unit)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CarryError(
            _(
                "no crosswalk carries the figures of the units {unit} assigned to in {year}: propose one with"
                " `dansokh crosswalk --from {year} --to {next}`"
            ).format(unit=from_unit, year=from_year, next=to_year if to_year is not None else from_year + 1)
        )
    raise CarryError(
        _("several crosswalks carry {unit}'s units of {year}: {files}; name one with --crosswalk").format(
            unit=from_unit, year=from_year, files=", ".join(b.loaded.file for b in found)
        )
    )


def column_values(repo: Repository, loaded: LoadedPlan, indicator: str) -> tuple[dict[str, Decimal], str]:
    """A plan's figures for ``indicator`` by the unit each row of its table names, and their unit
    of measure: the column a crosswalk carries."""
    for table_index, table in loaded.plan.allocation_tables:
        column = table.column_index(indicator)
        if column is None:
            continue
        rows = repo.row_candidates(loaded, table_index)
        values: dict[str, Decimal] = {}
        for row_index, row in table.unit_rows:
            candidates = rows.get(row_index, [])
            value = row.values[column] if column < len(row.values) else None
            if len(candidates) == 1 and value is not None:
                values[candidates[0]] = value
        return values, table.columns[column].unit_code
    raise CarryError(
        _("plan {plan} has no allocation table with a column {indicator!r}").format(plan=loaded.plan.id, indicator=shorten(indicator))
    )


def carry_column(
    repo: Repository, bridge: Bridge, loaded: LoadedPlan, indicator: str, method: Method = Method.LARGEST_REMAINDER
) -> Carried:
    """A column of a plan's table in the new units.  A total whose parts the table has too (all
    new contraceptive users, and each method) is the sum of its carried parts, so that every row
    still adds up (T002) as last year's did; a method the table does not list counts as none."""
    parts = [part for part in CATALOGUE[indicator].parts if _has_column(loaded, part)]
    if parts:
        pieces = [carry_column(repo, bridge, loaded, part, method) for part in parts]
        if _has_column(loaded, indicator):
            values, unit = column_values(repo, loaded, indicator)
        else:  # the table gives only the parts (Long Biên's methods): the total is their sum
            values, unit = {}, pieces[0].unit
            for piece_values in (column_values(repo, loaded, part)[0] for part in parts):
                for old, value in piece_values.items():
                    values[old] = values.get(old, Decimal(0)) + value
        carried = bridge.carry(values, indicator, unit, method)
        for new_value in carried.values:
            found = [piece.by_unit()[new_value.unit].value for piece in pieces]
            summed = [f for f in found if f is not None]
            if new_value.contributions and len(summed) == len(found):
                new_value.value = sum(summed, Decimal(0))
        return carried
    values, unit = column_values(repo, loaded, indicator)
    return bridge.carry(values, indicator, unit, method)


def _has_column(loaded: LoadedPlan, indicator: str) -> bool:
    return any(table.column_index(indicator) is not None for _index, table in loaded.plan.allocation_tables)


def carried_indicators(repo: Repository, loaded: LoadedPlan) -> Iterable[str]:
    """The indicators of a plan's allocation tables, in their order."""
    seen: dict[str, None] = {}
    for _index, table in loaded.plan.allocation_tables:
        for column in table.columns:
            seen.setdefault(column.indicator, None)
    return list(seen)
