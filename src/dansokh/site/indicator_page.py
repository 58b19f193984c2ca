"""``<year>/indicators/<code>.html``: one indicator across every unit of the year.

First the cascade of its targets (each unit's own, beside what its parent assigned, met or not in
the indicator's direction); then, per period with results, the units behind and by how much: a list
per parent (the wards of quận Long Biên among themselves), the furthest behind first, the shortfall
in the indicator's unit (``results_data.shortfall``: 2 people short of the 50 expected by June);
a sortable table of every unit's figures, and a chart of them.  This page answers "which wards are
behind on IUD in Q2, and by how much?" one click from the home page.

At national scale a page stays small: the tables list the units down to the deepest level that
fits ``MAX_ROWS`` (each unit's page lists its children), and the lists of units behind name at most
``MAX_BEHIND``, the furthest first, saying how many more there are.  Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..i18n import _, ngettext
from ..model.catalogue import CATALOGUE, Direction, UnitMismatch, convert
from ..model.numbers import half_up, number, quantity
from ..model.plan import UnitDecl
from ..results.book import Goal
from ..results.progress import verdict_text
from .addresses import Addresses, relative
from .charts import Chart, Datum, bar_chart
from .figures import figure, machine, percent, period_name, reporting_status, roundable, status_text
from .results_data import ResultsData, expected_amount, shortfall
from .unit_results import Cell, axis_texts, bar_text, share_of

MAX_ROWS = 400  # rows of a table at most; deeper levels are on their parents' pages
MAX_BEHIND = 200  # units named as behind per period at most, the furthest first


@dataclass(frozen=True)
class UnitRef:
    unit: str  # data-unit: the slug of its page, else its id
    name: str
    href: str | None
    parent: str  # the parent's name
    depth: int


@dataclass(frozen=True)
class TargetRow:
    ref: UnitRef
    target: Cell
    assigned: Cell
    met: str  # data-met: "true", "false" or "" (nothing to compare)
    met_text: str


@dataclass(frozen=True)
class PeriodRow:
    ref: UnitRef
    target: Cell
    expected: Cell
    result: Cell
    achieved: Cell
    gap: Cell
    verdict: str
    verdict_text: str
    behind: bool
    status: str  # on-time, late, missing
    status_text: str


@dataclass(frozen=True)
class Behind:
    ref: UnitRef
    gap: Cell  # how far behind, in the indicator's unit
    text: str  # "48 of the 50 expected by now (target 100)"


@dataclass
class BehindGroup:
    heading: str
    parent: str  # the parent's slug ("" for the units at the top)
    units: list[Behind]


@dataclass
class IndicatorPeriod:
    period: str
    title: str
    summary: str
    groups: list[BehindGroup]
    rows: list[PeriodRow]
    chart: Chart | None
    more: str = ""  # how many more are behind than listed
    overview: str = ""
    missing: list[UnitRef] = field(default_factory=list)  # no report, where their parent reported (K005)


@dataclass
class IndicatorPage:
    code: str
    year: int
    name: str
    unit: str
    direction: str
    targets: list[TargetRow]
    periods: list[IndicatorPeriod]
    labels: dict[str, str]
    omitted: str = ""  # the levels left out of the tables, and where they are
    path: str = ""


def direction_text(direction: Direction) -> str:
    return {
        Direction.FLOOR: _("at least the target: a higher result is better"),
        Direction.CEILING: _("at most the target (a ceiling): a lower result is better"),
        Direction.REDUCTION: _("a reduction at least as deep as the target"),
        Direction.INFO: _("information: not judged against a target"),
    }[direction]


def labels() -> dict[str, str]:
    return {
        "targets": _("Targets by unit"),
        "unit": _("Unit"),
        "parent": _("Parent"),
        "target": _("Target"),
        "assigned": _("Assigned by the parent"),
        "met": _("Meets the assignment"),
        "expected": _("Expected by now"),
        "result": _("Result"),
        "achieved": _("% of target"),
        "gap": _("Behind by"),
        "verdict": _("Verdict"),
        "reporting": _("Report"),
        "behind": _("Units behind, furthest first"),
        "none_behind": _("No unit is behind."),
        "all": _("Every unit"),
        "sort": _("Sort by this column"),
        "chart_table": _("The chart's figures"),
        "legend": _("Bar: % of the year's target achieved; black line: the target (100%); yellow mark: the share expected"
                    " by the end of the period. Green: achieved; blue: on track; red: behind or not achieved."),
        "direction": _("Direction"),
        "measure": _("Unit of measure"),
        "overview": _("All reports of the period"),
        "missing": _("Not reported, though their parent has:"),
    }


def _met(direction: Direction, own: Goal, assigned: Goal) -> bool | None:
    """Whether the unit's own target meets what its parent assigned, in the indicator's direction."""
    if direction is Direction.INFO:
        return None
    try:
        value = convert(own.value, own.unit, assigned.unit)
    except UnitMismatch:
        return None
    if direction is Direction.CEILING:
        return value <= assigned.value
    return value >= assigned.value  # a floor; a reduction at least as deep


def _refs(data: ResultsData, units: list[UnitDecl], year: int, addresses: Addresses, page: str) -> dict[str, UnitRef]:
    depth: dict[str, int] = {}
    names = {unit.id: data.title(unit, year) for unit in units}
    refs = {}
    for unit in units:
        depth[unit.id] = depth[unit.parent] + 1 if unit.parent in depth else 0
        path = addresses.unit(unit.id, year)
        slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else unit.id
        parent = names.get(unit.parent or "", "")
        refs[unit.id] = UnitRef(slug, names[unit.id], relative(path, page) if path else None, parent, depth[unit.id])
    return refs


def _shown_depth(refs: dict[str, UnitRef]) -> int | None:
    """The deepest level whose units, with those above, fit ``MAX_ROWS`` (``None``: every level fits)."""
    if len(refs) <= MAX_ROWS:
        return None
    counts: dict[int, int] = {}
    for ref in refs.values():
        counts[ref.depth] = counts.get(ref.depth, 0) + 1
    total, deepest = 0, 0
    for level in sorted(counts):
        total += counts[level]
        if total > MAX_ROWS:
            break
        deepest = level
    return deepest


def indicator_page(data: ResultsData, code: str, year: int, addresses: Addresses) -> IndicatorPage | None:
    """The page of indicator ``code`` for ``year``, or ``None`` when no unit has a target for it."""
    book = data.book
    spec = CATALOGUE.get(code)
    if spec is None:
        return None
    page = addresses.indicator(code, year)
    units = [unit for unit in data.units(year) if code in book.goals(unit.id, year)]
    if not units:
        return None
    refs = _refs(data, units, year, addresses, page)
    deepest = _shown_depth(refs)
    listed = [unit for unit in units if deepest is None or refs[unit.id].depth <= deepest]
    targets = []
    unit_of_measure = ""
    for unit in listed:
        own = book.goals(unit.id, year)[code]
        unit_of_measure = unit_of_measure or own.unit
        assigned = book.assigned_goals(unit.id, year).get(code)
        met = _met(spec.direction, own, assigned) if assigned is not None and own.origin != "assigned" else None
        targets.append(TargetRow(
            ref=refs[unit.id],
            target=Cell(figure(own.value), machine(own.value)),
            assigned=Cell(figure(assigned.value), machine(assigned.value)) if assigned is not None else Cell("—"),
            met="" if met is None else ("true" if met else "false"),
            met_text="" if met is None else (_("yes") if met else _("no")),
        ))
    periods = [found for period in reversed(data.periods(year))  # the latest first: what a reader asks about
               if (found := _period(data, code, year, period, units, listed, refs, addresses, page)) is not None]
    omitted = ""
    if deepest is not None:
        left = len(units) - len(listed)
        omitted = ngettext(
            "The tables list the units of the first {levels} level; {count} unit further down is listed on its parent's page.",
            "The tables list the units of the first {levels} levels; {count} units further down are listed on their parents' pages.",
            left,
        ).format(levels=deepest + 1, count=number(left))
    return IndicatorPage(code, year, spec.name, unit_of_measure or spec.unit, direction_text(spec.direction), targets,
                         periods, labels(), omitted, page)


def _period(data: ResultsData, code: str, year: int, period: str, units: list[UnitDecl], listed: list[UnitDecl],
            refs: dict[str, UnitRef], addresses: Addresses, page: str) -> IndicatorPeriod | None:
    lines = {}
    for unit in units:
        own = data.own(unit, year, period)
        line = next((line for line in own.lines if line.indicator == code), None)
        if line is not None:
            lines[unit.id] = (own, line)
    if not any(line.result is not None for _own, line in lines.values()):
        return None
    title = period_name(period, year)
    behind: dict[str, list[tuple[Decimal, int, Behind]]] = {}
    for position, unit in enumerate(units):
        if unit.id not in lines:
            continue
        own, line = lines[unit.id]
        gap = shortfall(line)
        if not line.behind or gap is None:
            continue
        expected = expected_amount(line)
        if expected is not None:
            text = _("{result} of the {expected} expected by now (target {target})").format(
                result=figure(line.result), expected=figure(expected), target=figure(line.target))
        else:
            text = _("{result} against a target of {target}").format(result=figure(line.result), target=figure(line.target))
        item = Behind(refs[unit.id], Cell(quantity(_rounded(gap), line.unit), machine(gap)), text)
        behind.setdefault(unit.parent if unit.parent in refs else "", []).append((gap, position, item))
    groups, named_count, total = [], 0, sum(len(items) for items in behind.values())
    for parent, items in behind.items():
        items.sort(key=lambda entry: (-entry[0], entry[1]))
        room = MAX_BEHIND - named_count
        if room <= 0:
            break
        kept = [item for _gap, _position, item in items[:room]]
        named_count += len(kept)
        if parent:
            heading = _("Units of {parent} behind").format(parent=refs[parent].name)
            slug = refs[parent].unit
        else:
            heading = _("Units at the top behind")
            slug = ""
        groups.append(BehindGroup(heading, slug, kept))
    rows, chart_data = [], []
    for unit in listed:
        if unit.id not in lines:
            continue
        own, line = lines[unit.id]
        gap = shortfall(line)
        ref = refs[unit.id]
        rows.append(PeriodRow(
            ref=ref,
            target=Cell(figure(line.target), machine(line.target)),
            expected=Cell(figure(expected_amount(line)), machine(expected_amount(line))),
            result=Cell(figure(line.result), machine(line.result)),
            achieved=Cell(percent(line.achieved), machine(line.achieved)),
            gap=Cell(figure(gap) if gap is not None and gap > 0 and line.behind else "", machine(gap)),
            verdict=line.verdict,
            verdict_text=verdict_text(line.verdict),
            behind=line.behind,
            status=reporting_status(own),
            status_text=status_text(reporting_status(own)),
        ))
        share = share_of(line)
        if share is not None:
            text = bar_text(line)
            chart_data.append(Datum(
                label=ref.name, value=line.result, share=share, expected=line.expected, verdict=line.verdict, text=text,
                unit=ref.unit,
            ))
    with_result = sum(1 for _own, line in lines.values() if line.result is not None)
    summary = ngettext(
        "{behind} of {count} unit with a result is behind.", "{behind} of {count} units with a result are behind.", with_result,
    ).format(behind=number(total), count=number(with_result))
    without = len(lines) - with_result
    if without:
        summary += " " + ngettext("{count} unit has no result.", "{count} units have no result.", without).format(count=number(without))
    chart = None
    if chart_data:
        label = _("{indicator}, {period}: each unit's result against its target").format(
            indicator=CATALOGUE[code].name, period=title)
        chart = bar_chart(label, chart_data, f"cascade-{period}", axis_texts(), indicator=code, period=period)
    more = ""
    if total > named_count:
        more = ngettext("{count} more unit is behind: see the table.", "{count} more units are behind: see the table.",
                        total - named_count).format(count=number(total - named_count))
    missing = [refs[unit.id] for unit in units
               if unit.id in lines and not data.reported(unit.id, year, period) and unit.parent in refs
               and data.reported(unit.parent, year, period)]
    return IndicatorPeriod(period, title, summary, groups, rows, chart, more,
                           relative(addresses.period(year, period), page), missing)


def _rounded(value: Decimal) -> Decimal:
    """At most two decimals, as the tables show figures (a computed rate has more)."""
    exponent = value.as_tuple().exponent
    return half_up(value, 2) if isinstance(exponent, int) and exponent < -2 and roundable(value) else value


def indicator_codes(data: ResultsData, year: int) -> list[str]:
    """The indicators some unit has a target for in ``year``, in the catalogue's order."""
    found: set[str] = set()
    for unit in data.units(year):
        found.update(data.book.goals(unit.id, year))
    return [code for code in CATALOGUE if code in found]


@dataclass
class IndicatorLink:
    code: str
    name: str
    href: str


@dataclass
class IndicatorIndex:
    year: int
    links: list[IndicatorLink] = field(default_factory=list)


def indicator_index(data: ResultsData, year: int, addresses: Addresses, page: str) -> IndicatorIndex:
    """The links to the year's indicator pages, for the home page."""
    return IndicatorIndex(year, [IndicatorLink(code, CATALOGUE[code].name, relative(addresses.indicator(code, year), page))
                                 for code in indicator_codes(data, year)])
