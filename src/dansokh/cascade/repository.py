"""The repository of plans as a hierarchy of units.

Units are declared by the plans themselves: each plan declares its issuing unit
(``unit``) and the units it assigns targets to (``units``).  A row of an
allocation table names a unit as the source prints it; it is resolved among the
children of the table's issuing unit, across tone-mark placement and declared
aliases.  An *assignment* is one cell of such a table: what a parent handed
to one child for one indicator.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ..model.catalogue import CATALOGUE
from ..model.crosswalk import Crosswalk
from ..model.names import kind_and_name, kind_fits, name_key
from ..model.plan import AllocationTable, Plan, UnitDecl
from ..read.positions import Located, Path, SourceMap


@dataclass
class LoadedPlan(Located):
    plan: Plan
    source: SourceMap


@dataclass
class LoadedCrosswalk(Located):
    crosswalk: Crosswalk
    source: SourceMap

    @property
    def label(self) -> str:
        """How the crosswalk is named in a message: its id, else its file."""
        return self.crosswalk.id or self.file


@dataclass(frozen=True, slots=True)  # slots: a national repository holds a hundred thousand of these
class Declared:
    unit: UnitDecl
    plan: LoadedPlan
    path: Path


@dataclass(frozen=True, slots=True)
class Stated:
    """A figure a plan states for an indicator: a headline target or its table's total row."""

    indicator: str
    value: Decimal
    unit: str
    plan: LoadedPlan
    path: Path
    origin: str = "target"  # "target", "table" (its table's total row) or "parts" (the sum of its parts)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One cell of an allocation table: what ``plan`` assigned to ``child`` for ``indicator``."""

    indicator: str
    value: Decimal
    unit: str
    child: str
    plan: LoadedPlan
    path: Path


@dataclass(slots=True)
class Resolution:
    """How one table row's name resolved: to one unit, none, or several."""

    plan: LoadedPlan
    path: Path
    name: str
    candidates: tuple[str, ...] | list[str]


class Broken(NamedTuple):
    """A plan file that could not be read as a plan (its errors are validate's), with what its
    header says: a command that names it is told so, not that the plan does not exist."""

    file: str
    id: str | None
    unit: str | None
    year: int | None


def named(name: str, among: list[UnitDecl]) -> list[UnitDecl]:
    """The units of ``among`` that ``name`` names, as an officer writes it: the unit's name or one
    of its aliases, whatever the placement of the tone marks (Thụy, Thuỵ), the case and the spacing,
    and with or without its kind before it (``phường Ngọc Thụy``; a kind of another level, such as
    ``quận Ngọc Thụy`` for a ward, names nothing)."""
    key = name_key(name)
    found = [u for u in among if name_key(u.name) == key or any(name_key(a) == key for a in u.aliases)]
    if not found:
        level, rest = kind_and_name(name)
        if level is not None:
            key = name_key(rest)
            found = [
                u for u in among
                if kind_fits(level, u.level) and (name_key(u.name) == key or any(name_key(a) == key for a in u.aliases))
            ]
    return found


@dataclass
class Repository:
    plans: list[LoadedPlan] = field(default_factory=list)
    units: dict[str, list[Declared]] = field(default_factory=lambda: defaultdict(list))
    resolutions: list[Resolution] = field(default_factory=list)
    assignments: dict[tuple[str, str], list[Assignment]] = field(default_factory=lambda: defaultdict(list))
    by_id: dict[str, LoadedPlan] = field(default_factory=dict)
    by_unit: dict[str, list[LoadedPlan]] = field(default_factory=lambda: defaultdict(list))
    children_of: dict[str, list[UnitDecl]] = field(default_factory=lambda: defaultdict(list))
    children_in: dict[tuple[str, int], list[UnitDecl]] = field(default_factory=lambda: defaultdict(list))
    crosswalks: list[LoadedCrosswalk] = field(default_factory=list)  # beside the plans (reform.crosswalk carries through them)
    broken: list[Broken] = field(default_factory=list)  # plan files read that are not plans (load)
    unread_ids: set[str] = field(default_factory=set)  # the ids of the plan files not read (a command's focus)
    _names: dict[tuple[str, int | None], dict[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)
    _rows: dict[tuple[int, int], dict[int, tuple[str, ...] | list[str]]] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, plans: list[LoadedPlan]) -> Repository:
        repo = cls(plans=list(plans))
        in_year: dict[tuple[str, int], dict[str, None]] = defaultdict(dict)
        for loaded in repo.plans:
            plan = loaded.plan
            repo.by_id.setdefault(plan.id, loaded)
            repo.by_unit[plan.unit.id].append(loaded)
            repo.units[plan.unit.id].append(Declared(plan.unit, loaded, ("unit",)))
            if plan.unit.parent is not None:
                in_year[(plan.unit.parent, plan.year)].setdefault(plan.unit.id, None)
            for index, unit in enumerate(plan.units):
                if unit.parent is None:
                    unit = unit.model_copy(update={"parent": plan.unit.id})
                repo.units[unit.id].append(Declared(unit, loaded, ("units", index)))
                in_year[(unit.parent, plan.year)].setdefault(unit.id, None)  # type: ignore[index]
        for declared in repo.units.values():
            parent = declared[0].unit.parent
            if parent is not None:
                repo.children_of[parent].append(declared[0].unit)
        for (parent, year), ids in in_year.items():
            repo.children_in[(parent, year)] = [repo.units[i][0].unit for i in ids if repo.units[i][0].unit.parent == parent]
        repo._resolve_tables()
        return repo

    def unit(self, unit_id: str) -> UnitDecl | None:
        declared = self.units.get(unit_id)
        return declared[0].unit if declared else None

    def children(self, unit_id: str, year: int | None = None) -> list[UnitDecl]:
        """The units ``unit_id`` assigns to: those the plans of ``year`` declare under it (a city's
        districts in 2025, its wards and communes in 2026), or, without a year or where that year's
        plans declare none, every unit declared under it in any year."""
        if year is not None:
            found = self.children_in.get((unit_id, year))
            if found:
                return found
        return self.children_of.get(unit_id, [])

    def plans_of(self, unit_id: str, year: int | None = None) -> list[LoadedPlan]:
        return [p for p in self.by_unit.get(unit_id, []) if year is None or p.plan.year == year]

    def resolve(self, name: str, among: list[UnitDecl]) -> list[str]:
        return [u.id for u in named(name, among)]

    def resolve_child(self, name: str, parent: str, year: int | None = None) -> tuple[str, ...]:
        """``resolve(name, children(parent, year))`` through an index: a table of thousands of rows
        against thousands of children costs one lookup a row (the tuple is shared: never copied)."""
        index = self._names.get((parent, year))
        if index is None:
            lists: dict[str, list[str]] = {}
            for unit in self.children(parent, year):
                for key in dict.fromkeys([name_key(unit.name), *(name_key(a) for a in unit.aliases)]):
                    lists.setdefault(key, []).append(unit.id)
            index = self._names[(parent, year)] = {key: tuple(ids) for key, ids in lists.items()}
        found = index.get(name_key(name), ())
        if not found:  # "phường Ngọc Thụy": the name after its kind, among the units of that kind's level
            level, rest = kind_and_name(name)
            if level is not None:
                found = tuple(i for i in index.get(name_key(rest), ()) if kind_fits(level, self.units[i][0].unit.level))
        return found

    def row_candidates(self, loaded: LoadedPlan, table_index: int) -> dict[int, tuple[str, ...] | list[str]]:
        """The units each row of one of a plan's tables resolved to, by row index."""
        if self._rows is None:
            self._rows = defaultdict(dict)
            for resolution in self.resolutions:
                table = (id(resolution.plan), resolution.path[1])
                self._rows[table][resolution.path[3]] = resolution.candidates  # type: ignore[index]
        return dict(self._rows.get((id(loaded), table_index), {}))

    def _resolve_tables(self) -> None:
        for loaded in self.plans:
            plan = loaded.plan
            # a second plan with a taken id (U005) assigns nothing: its cells would be mixed with the
            # first one's, which the id names, and every check of them would be about the wrong plan
            assigns = self.by_id[plan.id] is loaded
            own: dict[str, tuple[str, ...]] | None = None
            for table_index, table in plan.allocation_tables:
                if own is None:
                    own = _declared_names(plan)
                for row_index, row in table.unit_rows:
                    path = ("appendices", table_index, "rows", row_index)
                    # the units a plan declares are those its tables assign to: a row names one of
                    # them before any other unit a plan of the year places under it (a district's
                    # 2026 draft under the city beside the city's new ward of the same name)
                    candidates = own.get(name_key(row.name)) or self.resolve_child(row.name, plan.unit.id, plan.year)
                    self.resolutions.append(Resolution(loaded, path, row.name, candidates))
                    if len(candidates) == 1 and assigns:
                        self._record(loaded, table, path, candidates[0])

    def _record(self, loaded: LoadedPlan, table: AllocationTable, row_path: Path, child: str) -> None:
        row = table.rows[row_path[-1]]  # type: ignore[index]
        for column_index, column in enumerate(table.columns):
            if column_index >= len(row.values) or row.values[column_index] is None:
                continue
            self.assignments[(loaded.plan.id, child)].append(
                Assignment(
                    column.indicator,
                    row.values[column_index],  # type: ignore[arg-type]
                    column.unit_code,
                    child,
                    loaded,
                    row_path + ("values", column_index),
                )
            )

    def stated(self, loaded: LoadedPlan, indicator: str) -> Stated | None:
        """What a plan itself states for an indicator: its headline target, or else
        the total row of its own allocation table, or else (for a total such as all new
        contraceptive users) the sum of the parts it states: a method a plan never
        mentions (Hà Nội and Long Biên list no sterilisation) counts as none."""
        found = self._stated_directly(loaded, indicator)
        parts = CATALOGUE[indicator].parts
        if found is not None or not parts:
            return found
        stated_parts = [p for p in (self._stated_directly(loaded, part) for part in parts) if p is not None]
        if not stated_parts or len({p.unit for p in stated_parts}) != 1:
            return None
        total = sum((p.value for p in stated_parts), Decimal(0))
        return Stated(indicator, total, stated_parts[0].unit, loaded, stated_parts[0].path, origin="parts")

    def _stated_directly(self, loaded: LoadedPlan, indicator: str) -> Stated | None:
        plan = loaded.plan
        found = plan.target(indicator)
        if found is not None:
            index, target = found
            return Stated(indicator, target.value, target.unit_code, loaded, ("targets", index, "value"))
        for table_index, table in plan.allocation_tables:
            column_index = table.column_index(indicator)
            total = table.total_row
            if column_index is None or total is None or column_index >= len(total[1].values):
                continue
            value = total[1].values[column_index]
            if value is not None:
                return Stated(
                    indicator,
                    value,
                    table.columns[column_index].unit_code,
                    loaded,
                    ("appendices", table_index, "rows", total[0], "values", column_index),
                    origin="table",
                )
        return None

    def edges(self) -> list[tuple[LoadedPlan, LoadedPlan]]:
        """Parent plan -> child plan, for every child plan whose unit a parent plan assigns to."""
        result = []
        for parent_id, child_unit in self.assignments:
            parent = self.by_id[parent_id]
            for child in self.plans_of(child_unit, parent.plan.year):
                result.append((parent, child))
        return result


def _declared_names(plan: Plan) -> dict[str, tuple[str, ...]]:
    """The units a plan declares under its own unit, by the key of each name and alias."""
    lists: dict[str, list[str]] = {}
    for unit in plan.units:
        if unit.parent not in (None, plan.unit.id):
            continue
        for key in dict.fromkeys([name_key(unit.name), *(name_key(a) for a in unit.aliases)]):
            lists.setdefault(key, []).append(unit.id)
    return {key: tuple(ids) for key, ids in lists.items()}


def is_quota(indicator: str) -> bool:
    return CATALOGUE[indicator].quota
