"""Progress against targets: for a unit and a period, each indicator's target, its result, the
% of the target achieved, the share expected by then, and a verdict; its children ranked by
how far behind they are, and who has reported (completeness and timeliness).

The pace says what share of the annual target is expected by the end of a period:

- ``linear`` (the default): a count accumulates evenly, 25 % of the year's new users by the
  end of March, 50 % by June;
- ``level``: a rate of something that happens all year (the share of pregnant women screened,
  the share of couples using modern contraception) is held to the full target at every point;
- four cumulative percentages, one per quarter end (``[10, 40, 75, 100]``): a count that
  follows campaigns (Long Biên's service months March–May and July–September).

Which indicators are ``level`` by default is in ``DEFAULT_PACE``; configuration overrides it
(``[tool.dansokh.pace]``).  Ceilings (the sex ratio at birth, the third-child rate) and
reductions have no pace: they are achieved or not achieved, never "behind"; a floor is achieved,
or else on track or behind its pace.  One decision per indicator (``decide``), in its direction,
so that a verdict and a pace word never contradict each other.  Pure computation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from ..i18n import N_, _
from ..model.catalogue import CATALOGUE, Direction, UnitMismatch, convert
from ..model.periods import PERIODS
from ..model.plan import UnitDecl
from ..model.result import computed_rate
from ..read.limits import shorten
from ..reform.crosswalk import Bridge, CarriedValue, CarryError, bridges
from .book import Book, Goal, LoadedResult, officer_name, summed

HUNDRED = Decimal(100)
QUARTERS = {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3, "Y": 3}

# rates of something that happens all year: the target holds at every point of it
LEVEL = frozenset(
    {
        "prenatal_screening",
        "newborn_screening",
        "prenatal_screening_counselling",
        "newborn_screening_counselling",
        "premarital_checkup",
        "elderly_health_records",
        "cpr",
        "cpr_modern",
    }
)
DEFAULT_PACE: dict[str, str] = {key: ("level" if key in LEVEL else "linear") for key in CATALOGUE}

Pace = str | tuple[Decimal, Decimal, Decimal, Decimal]


class PaceError(ValueError):
    """A pace that is not linear, level or four cumulative percentages."""


def read_pace(settings: Mapping[str, object]) -> dict[str, Pace]:
    """The configured paces, checked: ``{indicator: "linear" | "level" | [q1, q2, q3, q4]}``."""
    paces: dict[str, Pace] = {}
    for key, value in settings.items():
        if key not in CATALOGUE:
            raise PaceError(_("pace: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(key)))
        if value in ("linear", "level"):
            paces[key] = value
            continue
        if isinstance(value, list) and len(value) == 4 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            shares = tuple(Decimal(str(v)) for v in value)  # TOML has nan and inf: neither is a share
            if all(s.is_finite() for s in shares) and all(0 <= a <= b <= 100 for a, b in zip(shares, shares[1:])) and shares[0] >= 0:
                paces[key] = shares  # type: ignore[assignment]
                continue
        raise PaceError(
            _("pace of {key}: expected \"linear\", \"level\" or four cumulative percentages, one per quarter, rising to at most 100").format(key=key)
        )
    return paces


def expected_share(pace: Pace, period: str) -> Decimal:
    """The % of the annual target expected by the end of ``period``."""
    if pace == "level":
        return HUNDRED
    if pace == "linear":
        return HUNDRED * PERIODS[period].months / 12
    assert not isinstance(pace, str)  # read_pace: "linear", "level" or four percentages
    return pace[QUARTERS[period]]


VERDICTS = ("achieved", "on track", "behind", "not achieved", "no result", "information")
VERDICT_WORDS = {
    "achieved": N_("achieved"),
    "on track": N_("on track"),
    "behind": N_("behind"),
    "not achieved": N_("not achieved"),
    "no result": N_("no result"),
    "information": N_("information"),
    "not reported": N_("not reported"),
}
"""What each verdict (and a unit that has not reported) is called, in every output."""


def verdict_text(verdict: str) -> str:
    return _(VERDICT_WORDS[verdict])

SHORT = frozenset({"behind", "not achieved"})  # falls short: behind its pace (a floor), or not achieved (no pace)


@dataclass(frozen=True)
class Line:
    """One indicator of one unit for one period."""

    indicator: str
    name: str
    unit: str
    direction: Direction
    target: Decimal
    result: Decimal | None
    source: str  # "reported", "children" (their figures added up) or "" (no result)
    achieved: Decimal | None  # % of the target achieved (floors)
    expected: Decimal | None  # % of the target expected by the end of the period
    pace: str
    verdict: str  # one of VERDICTS
    gap: Decimal | None  # percentage points ahead (+) or behind (-) the expected share

    @property
    def behind(self) -> bool:
        """Falls short: a floor behind its pace, or a ceiling or reduction not achieved."""
        return self.verdict in SHORT


@dataclass(frozen=True)
class UnitProgress:
    unit: UnitDecl
    year: int
    period: str
    reported: str | None  # the day the unit's report was sent
    due: str | None  # the day it was due before, where the plan that asks for it says
    file: str | None
    lines: list[Line]
    title: str = ""  # as officers name the unit: "quận Long Biên"
    last: dict[str, LastYear] = field(default_factory=dict)  # the same period last year, where asked for

    @property
    def late(self) -> bool:
        return self.reported is not None and self.due is not None and self.reported >= self.due

    @property
    def behind(self) -> list[Line]:
        return [line for line in self.lines if line.behind]

    @property
    def shortfall(self) -> Decimal:
        """How far behind the unit is overall: the mean, over its indicators with a pace or a
        ceiling, of the percentage points by which each falls behind (0 for one on track)."""
        gaps = [min(line.gap, Decimal(0)) if line.gap is not None else Decimal(0)
                for line in self.lines if line.verdict in ("achieved", "on track", *SHORT)]
        return sum(gaps, Decimal(0)) / len(gaps) if gaps else Decimal(0)

    @property
    def worst_gap(self) -> Decimal | None:
        gaps = [line.gap for line in self.lines if line.gap is not None and line.behind]
        return min(gaps) if gaps else None

    @property
    def status(self) -> str:
        """``not reported``, ``behind`` or ``on track`` (everything achieved or on track)."""
        if self.reported is None and not any(line.result is not None for line in self.lines):
            return "not reported"
        return "behind" if self.behind else "on track"


class Reporting:
    """Who of ``reporters`` has not reported, who reported late, how many on time: a parent's
    children in its table, every unit shown in a summary."""

    @property
    def reporters(self) -> list[UnitProgress]:
        raise NotImplementedError

    @property
    def missing(self) -> list[UnitProgress]:
        return [unit for unit in self.reporters if unit.reported is None]

    @property
    def late(self) -> list[UnitProgress]:
        return [unit for unit in self.reporters if unit.late]

    @property
    def on_time(self) -> int:
        return sum(1 for unit in self.reporters if unit.reported is not None and not unit.late)


@dataclass
class Progress(Reporting):
    unit: UnitProgress
    children: list[UnitProgress] = field(default_factory=list)  # ranked: not reported, then most behind first

    @property
    def reporters(self) -> list[UnitProgress]:
        return self.children


def _pace_of(indicator: str, paces: dict[str, Pace]) -> Pace:
    return paces.get(indicator, DEFAULT_PACE[indicator])


def _pace_name(pace: Pace) -> str:
    return pace if isinstance(pace, str) else "/".join(format(v, "f") for v in pace)


def decide(direction: Direction, target: Decimal, result: Decimal | None, achieved: Decimal | None, expected: Decimal | None) -> str:
    """The one verdict of an indicator, in its direction: information is never judged; a ceiling
    (at most) and a reduction (at least as deep) are achieved or not achieved, having no pace; a
    floor is achieved, or else on track or behind the share of it expected by now."""
    if direction is Direction.INFO:
        return "information"
    if result is None:
        return "no result"
    if direction is Direction.CEILING:
        return "achieved" if result <= target else "not achieved"
    if direction is Direction.REDUCTION:
        return "achieved" if result >= target else "not achieved"
    if result >= target:
        return "achieved"
    return "on track" if achieved is not None and expected is not None and achieved >= expected else "behind"


def line_for(goal: Goal, result: Decimal | None, source: str, period: str, pace: Pace) -> Line:
    spec = CATALOGUE[goal.indicator]
    direction = spec.direction
    target = goal.value
    line = partial(Line, indicator=goal.indicator, name=spec.name, unit=goal.unit, direction=direction, target=target)
    if direction is not Direction.FLOOR:  # no pace: a % of a reduction says nothing (0,19 of 0,05 is 380 %)
        gap = None
        if direction is Direction.CEILING and result is not None and result > target and target:
            gap = (target - result) / target * HUNDRED
        return line(result=result, source=source if result is not None else "", achieved=None, expected=None,
                    pace="", verdict=decide(direction, target, result, None, None), gap=gap)
    expected = expected_share(pace, period)
    achieved = result / target * HUNDRED if result is not None and target else None
    gap = None if result is None else (achieved if achieved is not None else HUNDRED) - expected
    return line(result=result, source=source if result is not None else "", achieved=achieved, expected=expected,
                pace=_pace_name(pace), verdict=decide(direction, target, result, achieved, expected), gap=gap)


def _figure_value(book: Book, loaded: LoadedResult | None, unit: str, year: int, period: str, goal: Goal) -> tuple[Decimal | None, str]:
    """The unit's figure for the goal's indicator in the goal's unit: reported, or else its
    children's figures added up when all of them reported it."""
    if loaded is not None:
        found = loaded.figure(goal.indicator)
        if found is not None and found[1].rate is not None:
            try:
                return convert(found[1].rate, found[1].unit_code, goal.unit), "reported"
            except UnitMismatch:
                return None, ""
        if found is not None or loaded is not None:
            return None, ""
    total = summed(book, unit, year, period, goal.indicator)
    if total is None:
        return None, ""
    children_unit = None
    for child in book.children(unit, year):
        child_result = book.result(child.id, year, period)
        child_figure = child_result.figure(goal.indicator) if child_result else None
        children_unit = child_figure[1].unit_code if child_figure else children_unit
    if children_unit is None:
        return None, ""
    if total.value is not None:
        value = total.value
    elif total.denominator:
        value = computed_rate(total.numerator, total.denominator, children_unit)  # type: ignore[arg-type]
    else:
        return None, ""
    try:
        return convert(value, children_unit, goal.unit), "children"
    except UnitMismatch:
        return None, ""


def unit_progress(
    book: Book, unit: UnitDecl, year: int, period: str, paces: dict[str, Pace], assigned: bool = False
) -> UnitProgress:
    """One unit's progress against its own targets, or (``assigned``, as its parent sees it)
    against what its parent assigned to it, where the parent did."""
    loaded = book.result(unit.id, year, period)
    goals = (book.assigned_goals(unit.id, year) if assigned else {}) or book.goals(
        unit.id, year, loaded.result.plan if loaded else None
    )
    order = {key: index for index, key in enumerate(CATALOGUE)}
    lines = []
    for goal in sorted(goals.values(), key=lambda g: order[g.indicator]):
        value, source = _figure_value(book, loaded, unit.id, year, period, goal)
        lines.append(line_for(goal, value, source, period, _pace_of(goal.indicator, paces)))
    found = book.due(unit.id, year, period)
    return UnitProgress(
        unit=unit,
        year=year,
        period=period,
        reported=loaded.result.reported if loaded else None,
        due=found[0].before if found else None,
        file=loaded.file if loaded else None,
        lines=lines,
        title=officer_name(book, unit, year),
    )


@dataclass(frozen=True)
class LastYear:
    """An indicator's result for the same period of the year before: the unit's own, or, for a
    unit made in a reform, its old units' results carried into it through a crosswalk."""

    indicator: str
    value: Decimal | None
    carried: CarriedValue | None = None  # how it was carried (None: the unit's own result)
    missing: tuple[str, ...] = ()  # old units that gave it territory and did not report

    @property
    def divided(self) -> bool:
        return self.carried is not None and self.carried.divided

    @property
    def partial(self) -> bool:
        return self.carried is not None and bool(self.carried.partial)


def _figure_of(result: LoadedResult, indicator: str) -> Decimal | None:
    found = result.figure(indicator)
    return found[1].rate if found is not None else None


def last_year(book: Book, unit: str, year: int, period: str, crosswalk: str | None = None) -> dict[str, LastYear]:
    """The unit's results for ``period`` of ``year - 1``, by indicator; for a unit that did not
    exist then, its old units' results carried through a crosswalk into ``year``'s units: the one
    named (its id or file), else the one that covers the unit's whole territory, the finer (a
    district's wards rather than a city's districts) where two do."""
    previous = year - 1
    own = book.result(unit, previous, period)
    if own is not None:
        return {f.indicator: LastYear(f.indicator, f.rate) for f in own.result.figures}
    candidates = [
        bridge
        for bridge in bridges(book.repo)
        if bridge.from_year == previous and bridge.to_year == year and unit in bridge.order()
        and (crosswalk is None or crosswalk in (bridge.crosswalk.id, bridge.loaded.file))
    ]

    def preference(bridge: Bridge) -> tuple[bool, bool]:
        partial = (bridge.partial_units() or {}).get(unit)
        return (bool(partial), bridge.crosswalk.from_.unit == bridge.crosswalk.to.unit)

    found: dict[str, LastYear] = {}
    for bridge in sorted(candidates, key=preference)[:1]:
        sources = [old for old, (_i, entry) in bridge.entries.items() if any(p.unit == unit for p in entry.parts)]
        reported = {old: book.result(old, previous, period) for old in sources}
        indicators = dict.fromkeys(f.indicator for r in reported.values() if r is not None for f in r.result.figures)
        for indicator in indicators:
            values = {}
            for old, result in reported.items():
                value = _figure_of(result, indicator) if result is not None else None
                if value is not None:
                    values[old] = value
            try:
                carried = bridge.carry(values, indicator).by_unit().get(unit)
            except CarryError:
                continue
            if carried is None or carried.value is None and carried.reason is None:
                continue
            missing = tuple(bridge.name_of(old) for old in sources if reported[old] is None)
            found.setdefault(indicator, LastYear(indicator, carried.value, carried, missing))
    return found


def _rank(child: UnitProgress) -> tuple:
    status = {"not reported": 0, "behind": 1, "on track": 2}[child.status]
    return (status, child.shortfall, -len(child.behind), child.unit.name)


def progress(
    book: Book,
    unit: UnitDecl,
    year: int,
    period: str,
    paces: dict[str, Pace] | None = None,
    with_last_year: bool = False,
    crosswalk: str | None = None,
) -> Progress:
    paces = paces or {}
    own = unit_progress(book, unit, year, period, paces)
    if with_last_year:
        own.last.update(last_year(book, unit.id, year, period, crosswalk))
    children = [unit_progress(book, child, year, period, paces, assigned=True) for child in book.children(unit.id, year)]
    children.sort(key=_rank)
    return Progress(own, children)


def files_used(book: Book, shown: list[Progress], read: Sequence[str] = ()) -> set[str]:
    """The files the figures of ``shown`` come from: each unit's result for the period and its
    children's (a unit without a report of its own is their sum), and the plans that state or
    assign its targets.  An error in one of them is an error in what ``progress`` and the
    result report print.  So is a file among ``read`` (the files the run read) that could not
    be placed at all (neither a plan, a result nor a crosswalk, for its errors): it may be the
    report of a unit shown, missing from the sums."""
    placed = {loaded.file for loaded in book.results} | {loaded.file for loaded in book.repo.plans}
    placed |= {loaded.file for loaded in book.repo.crosswalks}
    files: set[str] = {file for file in read if file not in placed}
    for found in shown:
        for unit in [found.unit, *found.children]:
            for member in [unit.unit, *book.children(unit.unit.id, unit.year)]:
                loaded = book.result(member.id, unit.year, unit.period)
                if loaded is not None:
                    files.add(loaded.file)
            goals = [*book.goals(unit.unit.id, unit.year).values(), *book.assigned_goals(unit.unit.id, unit.year).values()]
            files.update(goal.plan.file for goal in goals)
    return files


def days_late(child: UnitProgress) -> int | None:
    if not child.late:
        return None
    return (date.fromisoformat(child.reported) - date.fromisoformat(child.due)).days + 1  # type: ignore[arg-type]


def sums_from_below(book: Book, unit: str, year: int, period: str) -> bool:
    """Whether ``unit``'s progress for the period takes figures from a level below its children:
    a child without its own report counts as the sum of its own children's (``unit_progress``),
    so the files of those grandchildren are needed too, beyond the unit's neighbours."""
    return any(book.result(child.id, year, period) is None for child in book.children(unit, year))
