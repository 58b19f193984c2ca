"""What the results pages share: the units of a year in the order of the hierarchy, each unit's
progress for a period computed once (a unit's page, its indicators' pages and the quarter's page
read the same figures), and how far a line falls short, in the indicator's own unit.

``shortfall`` is the page's answer to "by how much": for a floor, the figure expected by now (the
target times the share of it its pace expects: 50 of 100 IUD users by June) less the result; past
a ceiling, the result less the ceiling; a reduction not as deep as its target, the target less the
reduction.  Positive is behind, zero or negative is not.  Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model.catalogue import Direction
from ..model.periods import PERIODS
from ..model.plan import UnitDecl
from ..results.book import Book, officer_name
from ..results.progress import HUNDRED, Line, Pace, Progress, UnitProgress, unit_progress


def expected_amount(line: Line) -> Decimal | None:
    """The figure a floor's pace expects by the end of the period (its target × the share expected)."""
    if line.direction is not Direction.FLOOR or line.expected is None:
        return None
    return line.target * line.expected / HUNDRED


def shortfall(line: Line) -> Decimal | None:
    """How far the line is behind, in its unit (see the module's docstring); ``None`` without a result
    or for information."""
    if line.result is None:
        return None
    if line.direction is Direction.FLOOR:
        expected = expected_amount(line)
        return None if expected is None else expected - line.result
    if line.direction is Direction.CEILING:
        return line.result - line.target
    if line.direction is Direction.REDUCTION:
        return line.target - line.result
    return None


@dataclass
class ResultsData:
    """The book of results with each unit's progress computed once per period."""

    book: Book
    paces: dict[str, Pace] = field(default_factory=dict)
    _own: dict[tuple[str, int, str], UnitProgress] = field(default_factory=dict, repr=False)
    _progress: dict[tuple[str, int, str], Progress] = field(default_factory=dict, repr=False)
    _units: dict[int, list[UnitDecl]] = field(default_factory=dict, repr=False)
    _rounds: list[tuple[int, str]] | None = field(default=None, repr=False)
    _titles: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)

    def title(self, unit: UnitDecl, year: int) -> str:
        """The unit as officers name it (``phường Long Biên`` beside ``quận Long Biên``)."""
        key = (unit.id, year)
        if key not in self._titles:
            self._titles[key] = officer_name(self.book, unit, year)
        return self._titles[key]

    def rounds(self) -> list[tuple[int, str]]:
        if self._rounds is None:
            self._rounds = self.book.rounds()
        return self._rounds

    def periods(self, year: int) -> list[str]:
        """The periods some unit reported for in ``year``, in the order of the year."""
        return [period for found, period in self.rounds() if found == year]

    def years(self) -> list[int]:
        return sorted({year for year, _period in self.rounds()})

    def units(self, year: int) -> list[UnitDecl]:
        """Every unit with a target for the year, parents before their children, the largest
        hierarchy first (as ``progress`` of every unit lists them)."""
        if year not in self._units:
            book = self.book
            seen: list[UnitDecl] = []
            roots = [declared[0].unit for declared in book.repo.units.values()
                     if book.repo.unit(declared[0].unit.parent or "") is None]
            roots.sort(key=lambda unit: (-len(book.children(unit.id, year)), unit.name))
            done: set[str] = set()
            stack = list(reversed(roots))
            while stack:
                unit = stack.pop()
                if unit.id in done:
                    continue
                done.add(unit.id)
                if book.goals(unit.id, year):
                    seen.append(unit)
                stack.extend(reversed(book.children(unit.id, year)))
            self._units[year] = seen
        return self._units[year]

    def own(self, unit: UnitDecl, year: int, period: str) -> UnitProgress:
        """The unit against its own targets (its plan's, else what its parent assigned)."""
        key = (unit.id, year, period)
        if key not in self._own:
            self._own[key] = unit_progress(self.book, unit, year, period, self.paces)
        return self._own[key]

    def progress(self, unit: UnitDecl, year: int, period: str) -> Progress:
        """The unit and its children as its report shows them (the children against what it
        assigned), the children in the order its plan lists them.  A child without a plan of its
        own has no targets but those assigned: its own progress is the one computed for its page."""
        key = (unit.id, year, period)
        if key not in self._progress:
            children = []
            for child in self.book.children(unit.id, year):
                if self.book.repo.plans_of(child.id, year):
                    children.append(unit_progress(self.book, child, year, period, self.paces, assigned=True))
                else:
                    children.append(self.own(child, year, period))
            self._progress[key] = Progress(self.own(unit, year, period), children)
        return self._progress[key]

    def reported(self, unit: str, year: int, period: str) -> bool:
        return self.book.result(unit, year, period) is not None


def period_order(period: str) -> int:
    return PERIODS[period].order
