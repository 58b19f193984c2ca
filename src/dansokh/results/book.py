"""Results in the hierarchy: who reported what for which period, against which targets.

A ``Book`` indexes the result files by unit, year and period beside the ``Repository`` of
plans.  A unit's targets for a year are what its own annual plan states (a headline target or
its table's total row), or else, for a unit without a plan of its own (a ward of Long Biên),
what its parent assigned to it.  A unit's children are the units its plans assign to; the
plan that asks for their reports (its ``reporting``) gives the due dates.  Pure computation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..cascade.lookup import main_plan
from ..cascade.repository import LoadedPlan, Repository
from ..model.catalogue import CATALOGUE, METHODS, is_count
from ..model.periods import PERIODS, due_year
from ..model.plan import ReportDue, UnitDecl
from ..model.result import Figure, ResultFile
from ..official.placing import placed_in
from ..read.positions import Located, Path, SourceMap

TOTAL = "new_users_total"


@dataclass
class LoadedResult(Located):
    result: ResultFile
    source: SourceMap
    _figures: dict[str, tuple[int, Figure]] | None = field(default=None, repr=False, compare=False)

    def figure(self, indicator: str) -> tuple[int, Figure] | None:
        """``result.figure(indicator)`` looked up in an index: ``progress`` over a nation asks
        ten thousand results for every indicator, twice."""
        if self._figures is None:
            self._figures = {}
            for index, figure in enumerate(self.result.figures):
                self._figures.setdefault(figure.indicator, (index, figure))
        return self._figures.get(indicator)


@dataclass(frozen=True)
class Goal:
    """A unit's target for one indicator in a year, and where it is written."""

    indicator: str
    value: Decimal
    unit: str
    plan: LoadedPlan
    path: Path
    origin: str  # "target", "table", "parts" (the plan's own) or "assigned" (its parent's row for it)


@dataclass
class Book:
    repo: Repository
    results: list[LoadedResult] = field(default_factory=list)
    by_key: dict[tuple[str, int, str], list[LoadedResult]] = field(default_factory=lambda: defaultdict(list))
    _goals: dict[tuple[str, int], dict[str, Goal]] = field(default_factory=dict)

    @classmethod
    def build(cls, repo: Repository, results: list[LoadedResult]) -> Book:
        book = cls(repo, list(results))
        for loaded in book.results:
            book.by_key[loaded.result.key].append(loaded)
        return book

    def result(self, unit: str, year: int, period: str) -> LoadedResult | None:
        found = self.by_key.get((unit, year, period))
        return found[0] if found else None

    def rounds(self) -> list[tuple[int, str]]:
        """Every (year, period) some unit reported for, in the order of the year."""
        return sorted({(year, period) for _, year, period in self.by_key}, key=lambda yp: (yp[0], PERIODS[yp[1]].order))

    def children(self, unit: str, year: int | None = None) -> list[UnitDecl]:
        return self.repo.children(unit, year)

    def parent_plan(self, unit: str, year: int) -> LoadedPlan | None:
        """The annual plan of the unit's parent for the year: the plan that assigns to it and asks for its reports."""
        declared = self.repo.unit(unit)
        if declared is None or declared.parent is None:
            return None
        return main_plan(self.repo, declared.parent, year)

    def due(self, unit: str, year: int, period: str) -> tuple[ReportDue, LoadedPlan] | None:
        """When the unit's report for the period is due, from the plan that asks for it."""
        parent = self.parent_plan(unit, year)
        if parent is None or parent.plan.reporting is None:
            return None
        report = parent.plan.reporting.due(period)
        return (report, parent) if report is not None else None

    def goals(self, unit: str, year: int, plan_id: str | None = None) -> dict[str, Goal]:
        """The unit's targets for the year by indicator (see the module's docstring)."""
        key = (unit if plan_id is None else f"{unit}@{plan_id}", year)
        if key not in self._goals:
            self._goals[key] = self._find_goals(unit, year, plan_id)
        return self._goals[key]

    def assigned_goals(self, unit: str, year: int) -> dict[str, Goal]:
        """What the unit's parent assigned to it for the year (its row of the parent's table):
        what a parent's report holds its children to."""
        key = (f"{unit}@assigned", year)
        if key not in self._goals:
            self._goals[key] = self._assigned(unit, year)
        return self._goals[key]

    def _find_goals(self, unit: str, year: int, plan_id: str | None) -> dict[str, Goal]:
        own = self.repo.by_id.get(plan_id) if plan_id else main_plan(self.repo, unit, year)
        if own is not None and own.plan.unit.id == unit and own.plan.year == year:
            goals = {}
            for indicator in CATALOGUE:
                stated = self.repo.stated(own, indicator)
                if stated is not None:
                    goals[indicator] = Goal(indicator, stated.value, stated.unit, own, stated.path, stated.origin)
            return goals
        return self._assigned(unit, year)

    def _assigned(self, unit: str, year: int) -> dict[str, Goal]:
        parent = self.parent_plan(unit, year)
        if parent is None:
            return {}
        assigned = self.repo.assignments.get((parent.plan.id, unit), [])
        goals = {a.indicator: Goal(a.indicator, a.value, a.unit, parent, a.path, "assigned") for a in assigned}
        methods = [goals[m] for m in METHODS if m in goals]
        if TOTAL not in goals and len(methods) > 1 and len({g.unit for g in methods}) == 1:
            total = sum((g.value for g in methods), Decimal(0))
            goals[TOTAL] = Goal(TOTAL, total, methods[0].unit, parent, methods[0].path, "parts")
        return goals


@dataclass(frozen=True)
class Summed:
    """The sum of the children's figures for one indicator and what it is made of."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    children: int


def summed(book: Book, unit: str, year: int, period: str, indicator: str) -> Summed | None:
    """The children's figures added up, when every child reported this indicator for the period."""
    children = book.children(unit, year)
    if not children:
        return None
    figures: list[Figure] = []
    for child in children:
        loaded = book.result(child.id, year, period)
        found = loaded.figure(indicator) if loaded else None
        if found is None:
            return None
        figures.append(found[1])
    units = {f.unit_code for f in figures}
    if len(units) != 1:
        return None
    unit_code = units.pop()
    value = numerator = denominator = None
    if is_count(unit_code):
        values = [f.value for f in figures if f.value is not None]
        if len(values) == len(figures):
            value = sum(values, Decimal(0))
    else:
        pairs = [(f.numerator, f.denominator) for f in figures if f.numerator is not None and f.denominator is not None]
        if len(pairs) == len(figures):
            numerator = sum((n for n, _d in pairs), Decimal(0))
            denominator = sum((d for _n, d in pairs), Decimal(0))
    if value is None and numerator is None:
        return None
    return Summed(value, numerator, denominator, len(figures))


@dataclass(frozen=True)
class YearChoice:
    """The year a period means today for a unit (or for every unit): ``year`` the one taken (``None``
    when the unit has targets for no year up to the one due), ``due`` the year of the report due,
    ``others`` the other years with targets (what ``--year`` may choose instead)."""

    year: int | None
    due: int
    others: tuple[int, ...]


def choose_year(book: Book, unit: str | None, period: str, today: date) -> YearChoice:
    """The year of ``period`` that is due as of ``today`` (``model.periods.due_year``) when the unit
    has targets for it, else the latest earlier year it has targets for; never a later year (next
    year's draft is not the report due).  Without a unit: the years of the plans."""
    due = due_year(period, today)
    years = sorted({loaded.plan.year for loaded in book.repo.plans})
    if unit is not None:
        years = [year for year in years if book.goals(unit, year)]
    earlier = [year for year in years if year <= due]
    chosen = max(earlier) if earlier else None
    return YearChoice(chosen, due, tuple(year for year in years if year != chosen))


def officer_name(book: Book, unit: UnitDecl, year: int | None = None) -> str:
    """The unit as officers name it: ``quận Long Biên``, ``phường Ngọc Thụy``.  From the unit's
    own plan (its issuer, ``UBND quận Long Biên``), else from the title of the parent's table
    that lists it (``… CÁC PHƯỜNG …``: a row the cascade resolved to it, looked up, not matched
    again name by name), else from the official list in force that year (``huyện Sóc Sơn``, where
    the city's table lists districts, towns and rural districts together), else the name alone:
    level words are data, never guessed."""
    own = main_plan(book.repo, unit.id, year)
    if own is not None:
        issuer = own.plan.document.issuer
        for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
            if issuer.startswith(prefix) and issuer.endswith(unit.name):
                return issuer[len(prefix):]
    parent = book.parent_plan(unit.id, year) if year is not None else None
    if parent is not None:
        for index, table in parent.plan.allocation_tables:
            if any(unit.id in found for found in book.repo.row_candidates(parent, index).values()):
                title = table.title.upper()
                for word in ("PHƯỜNG", "XÃ", "THỊ TRẤN"):
                    if f"CÁC {word}" in title:
                        return f"{word.lower()} {unit.name}"
    placed = placed_in(book.repo, unit, year) if year is not None else None
    if placed is not None:
        return f"{placed.kind.lower()} {unit.name}"
    return unit.name
