"""The units of each year as a tree: a unit with a plan, a unit a parent's plan assigns targets
to without a plan of its own, and a unit with results, each placed under its parent of that year.

The hierarchy is the plans' own (before the 2025 reform three levels, city → district → ward;
after it two); nothing is inferred that the plans do not declare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from ..cascade.lookup import main_plan
from ..cascade.repository import LoadedPlan, Repository
from ..model.plan import UnitDecl
from ..results.book import Book, officer_name

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII, lower case, words joined by ``-`` (a file name that works on every system and URL)."""
    from .fold import fold

    return _NOT_SLUG.sub("-", fold(text)).strip("-") or "unit"


@dataclass
class UnitNode:
    """One unit in one year: its page, its plans, where it sits."""

    year: int
    unit: UnitDecl
    slug: str = ""
    plans: list[LoadedPlan] = field(default_factory=list)  # the main plan first
    results: bool = False
    parent: UnitNode | None = None
    children: list[UnitNode] = field(default_factory=list)
    named: str = ""  # without a plan: as the indicator pages name it (``results.book.officer_name``)

    @property
    def main(self) -> LoadedPlan | None:
        return self.plans[0] if self.plans else None

    @property
    def title(self) -> str:
        """As officers name it: from its plan's issuer, else as its parent's table of targets
        names its kind (``phường Ngọc Thụy``), else its declared name."""
        if self.main is not None:
            return self.main.plan.unit_title
        return self.named or self.unit.name

    @property
    def path(self) -> str:
        """The page's path inside the site."""
        return f"{self.year}/{self.slug}.html"

    def ancestors(self) -> list[UnitNode]:
        chain: list[UnitNode] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.insert(0, node)
            node = node.parent
        return chain


@dataclass
class Year:
    year: int
    units: dict[str, UnitNode] = field(default_factory=dict)

    @property
    def roots(self) -> list[UnitNode]:
        return [node for node in self.units.values() if node.parent is None]


def years(repo: Repository, book: Book | None) -> list[Year]:
    """Every year some plan or result names, newest first, each with its units as a tree."""
    found: dict[int, Year] = {}

    def node(year: int, unit: UnitDecl) -> UnitNode:
        units = found.setdefault(year, Year(year)).units
        if unit.id not in units:
            units[unit.id] = UnitNode(year, unit)
        elif units[unit.id].unit.parent is None and unit.parent is not None:
            units[unit.id].unit = unit
        return units[unit.id]

    for loaded in repo.plans:
        plan = loaded.plan
        here = node(plan.year, plan.unit)
        here.plans.append(loaded)
        for declared in plan.units:
            if declared.parent is None:
                declared = declared.model_copy(update={"parent": plan.unit.id})
            node(plan.year, declared)
    if book is not None:
        for unit_id, reported, _period in book.by_key:
            known = repo.unit(unit_id)
            if known is not None:
                node(reported, known).results = True
    naming = book if book is not None else Book.build(repo, [])
    for each in found.values():
        for here in each.units.values():
            main = main_plan(repo, here.unit.id, each.year)
            here.plans.sort(key=lambda p: (p is not main, p.plan.id))
            if not here.plans:
                here.named = officer_name(naming, here.unit, each.year)
            parent = each.units.get(here.unit.parent) if here.unit.parent else None
            if parent is not None and parent is not here:
                here.parent = parent
                parent.children.append(here)
        _name_pages(each)
    return [found[y] for y in sorted(found, reverse=True)]


def _name_pages(year: Year) -> None:
    """Each unit's page name: its main plan file's stem, else its id's slug; never two alike."""
    taken: set[str] = set()
    for here in sorted(year.units.values(), key=lambda n: (n.main is None, n.unit.id)):
        wanted = slug(PurePath(here.main.file).stem) if here.main is not None else slug(here.unit.id)
        name, number = wanted, 2
        while name in taken or name in ("index", "indicators", "results"):
            name, number = f"{wanted}-{number}", number + 1
        taken.add(name)
        here.slug = name
