"""Every plan of a repository by unit and year, from what each file says about itself.

A ``Header`` is the few top-level values of a plan file that place it in the hierarchy: its id,
year, unit and parent, and the units it declares as its children.  They are read as the file
states them, before the plan is checked, so for a file that is not a valid plan they may be
anything; for a valid plan they are exactly the plan's.  The ``Index`` is built from the headers
of every file of the repository (from the cache, or read with the fast path's header reader), and
answers which files a check of some plans needs: the plans of their parent and child units in
the same year, every declaration of the units involved, their result files, and every plan with the
same id.  Those
files are then loaded whole and checked: the index only chooses what to read, never what is true.

Result files (per unit and period) have headers of their own kind: a result is checked against its
unit's plans and beside the results of its parent and children, and the index chooses them the
same way.  A crosswalk's header names its two sides (``from`` and ``to``: a unit and a year each);
it is checked against the plans of both.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

HEADER_KEYS = frozenset({"id", "year", "unit", "units", "kind", "from", "to"})
RESULT_KIND = "result"  # a result file (kết quả thực hiện) says ``kind: result`` (model.result)
CROSSWALK_KIND = "crosswalk"  # a crosswalk says ``kind: crosswalk`` (model.crosswalk)


def _side(value: Any) -> tuple[int, str] | None:
    if isinstance(value, dict) and type(value.get("year")) is int and _slug(value.get("unit")):
        return value["year"], value["unit"]
    return None


def _slug(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class Header(NamedTuple):
    """What a file says about its place in the hierarchy; all ``None`` for a file that is not a plan.
    A named tuple, not a dataclass: one is made for every file of the repository on every run, at
    a quarter of a frozen dataclass's cost."""

    id: str | None = None
    year: int | None = None
    unit: str | None = None
    parent: str | None = None
    declares: tuple[tuple[str, str | None], ...] = ()  # (unit id, its explicit parent)
    result: bool = False  # a result file: ``unit`` is the unit that reports, for ``year``
    crosswalk: tuple[tuple[int, str] | None, tuple[int, str] | None] | None = None  # its (from, to) sides

    @classmethod
    def of(cls, data: Any) -> Header:
        """The header of a file's data (the whole data, or only its ``HEADER_KEYS``)."""
        if not isinstance(data, dict):
            return cls()
        if data.get("kind") == RESULT_KIND:
            year = data.get("year")
            return cls(None, year if type(year) is int else None, _slug(data.get("unit")), result=True)
        if data.get("kind") == CROSSWALK_KIND:
            return cls(crosswalk=(_side(data.get("from")), _side(data.get("to"))))
        unit = data.get("unit")
        unit = unit if isinstance(unit, dict) else {}
        year = data.get("year")
        declares = []
        units = data.get("units")
        for entry in units if isinstance(units, list) else ():
            if isinstance(entry, dict) and _slug(entry.get("id")):
                declares.append((entry["id"], _slug(entry.get("parent"))))
        return cls(
            _slug(data.get("id")),
            year if type(year) is int else None,
            _slug(unit.get("id")),
            _slug(unit.get("parent")),
            tuple(declares),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_list(), ensure_ascii=False)

    def to_list(self) -> list[Any]:
        return [self.id, self.year, self.unit, self.parent, self.declares, self.result, self.crosswalk]

    @classmethod
    def from_json(cls, text: str) -> Header:
        return cls.from_list(json.loads(text))

    @classmethod
    def from_list(cls, item: list[Any]) -> Header:
        plan_id, year, unit, parent, declares, result, crosswalk = item
        sides = None
        if crosswalk is not None:
            sides = tuple((side[0], side[1]) if side else None for side in crosswalk)
        declared = tuple((d[0], d[1]) for d in declares) if declares else ()  # most files (communes, results) declare none
        return cls(plan_id, year, unit, parent, declared, bool(result), sides)  # type: ignore[arg-type]


class Index:
    """The files of a repository (numbered in the repository's order) by what their headers say."""

    def __init__(self, headers: list[Header]):
        self.headers = headers
        self.plans: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_id: dict[str, list[int]] = defaultdict(list)
        self.declarers: dict[str, list[int]] = defaultdict(list)
        self.parents_claimed: dict[str, set[str]] = defaultdict(set)  # unit -> parents any declaration gives it
        self.children_claimed: dict[str, set[str]] = defaultdict(set)  # unit -> units declared with it as parent
        self.results: dict[str, list[int]] = defaultdict(list)  # unit -> its result files, every year and period
        self.crosswalks: list[int] = []
        for number, header in enumerate(headers):
            if header.crosswalk is not None:
                self.crosswalks.append(number)
                continue
            if header.result:
                if header.unit is not None:
                    self.results[header.unit].append(number)
                continue
            if header.id is not None:
                self.by_id[header.id].append(number)
            if header.unit is None:
                continue
            if header.year is not None:
                self.plans[(header.unit, header.year)].append(number)
            self._declare(number, header.unit, header.parent)
            for unit, parent in header.declares:
                self._declare(number, unit, parent or header.unit)

    def _declare(self, number: int, unit: str, parent: str | None) -> None:
        self.declarers[unit].append(number)
        if parent is not None:
            self.parents_claimed[unit].add(parent)
            self.children_claimed[parent].add(unit)

    def plans_of(self, unit: str, year: int) -> list[int]:
        return self.plans.get((unit, year), [])

    def neighbours(self, numbers: Iterable[int]) -> set[int]:
        """The plans of the same year of the parent units and the child units of these files' plans."""
        found: set[int] = set()
        for number in numbers:
            found |= self.neighbours_of(self.headers[number])
        return found

    def neighbours_of(self, header: Header) -> set[int]:
        """The same for one header (of a file that may no longer be in the repository)."""
        if header.unit is None or header.year is None:
            return set()
        parents = self.parents_claimed.get(header.unit, set()) | ({header.parent} if header.parent else set())
        children = self.children_claimed.get(header.unit, set()) | {unit for unit, _ in header.declares}
        found: set[int] = set()
        for unit in parents | children:
            found.update(self.plans_of(unit, header.year))
        return found

    def context(self, report: Iterable[int]) -> set[int]:
        """Every file the checks of the ``report`` files depend on, themselves included: the plans
        of their parent and child units in the same year (the edges), every declaration of those
        units, of their own and of their siblings (a table's rows resolve among all the children a
        unit is declared to have, and the first declaration decides), and every file sharing a plan
        id with any of these (the first plan of an id is the one the others are compared with)."""
        wanted = set(report)
        units: set[str] = set()
        for number in list(wanted):
            header = self.headers[number]
            if header.crosswalk is not None:  # checked against the plans of both its sides
                for side in header.crosswalk:
                    if side is not None:
                        year, unit = side
                        wanted.update(self.plans_of(unit, year))
                        units.add(unit)
                        for child in self.children_claimed.get(unit, ()):
                            wanted.update(self.plans_of(child, year))
                continue
            if header.unit is None:
                continue
            if header.result and header.year is not None:  # a result is checked against its unit's plans
                wanted.update(self.plans_of(header.unit, header.year))
            parents = self.parents_claimed.get(header.unit, set()) | ({header.parent} if header.parent else set())
            children = self.children_claimed.get(header.unit, set()) | {unit for unit, _ in header.declares}
            siblings = set().union(*(self.children_claimed.get(parent, set()) for parent in parents))
            units |= {header.unit} | parents | children | siblings
            if header.year is not None:
                for unit in parents | children:
                    wanted.update(self.plans_of(unit, header.year))
        for unit in units:
            wanted.update(self.declarers.get(unit, ()))
            wanted.update(self.results.get(unit, ()))  # the results of every unit involved, to be safe
        for plan_id in {self.headers[n].id for n in wanted} - {None}:
            wanted.update(self.by_id[plan_id])  # type: ignore[index]
        return wanted
