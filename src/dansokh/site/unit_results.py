"""A unit's results by quarter on its page: per period, each indicator's target, result, % of the
target, the share expected by then, how far behind and the verdict (``results.progress``, as
``dansokh progress`` and the result report compute them); the report's two pictures (each
indicator against its target; for a parent, each child's count of indicators achieved, on track,
behind, without a result); and who reported on time, late or not at all (K006's and K005's facts:
the due date from the plan that asks for the report, the children without a result file).
Pure functions from the loaded results to a model the template lays out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..i18n import _, ngettext
from ..model.catalogue import Direction
from ..model.numbers import number
from ..model.plan import UnitDecl
from ..results.progress import Line, Progress, UnitProgress, verdict_text
from .addresses import Addresses, relative
from .charts import FILL, Chart, Datum, bar_chart
from .figures import figure, machine, percent, period_name, reporting_status, reporting_text
from .results_data import ResultsData, shortfall


@dataclass(frozen=True)
class Cell:
    text: str
    value: str = ""  # data-value, for machines and sorting


@dataclass(frozen=True)
class ResultRow:
    indicator: str
    name: str
    href: str  # the indicator's page
    unit: str
    target: Cell
    result: Cell
    achieved: Cell
    expected: Cell
    gap: Cell
    verdict: str
    verdict_text: str
    behind: bool


@dataclass(frozen=True)
class Reporter:
    unit: str  # data-unit: the unit's page slug, else its id
    name: str
    href: str | None
    status: str  # on-time, late, missing
    text: str


@dataclass(frozen=True)
class ChildCounts:
    """One child in the report's second picture: how many of its indicators are where."""

    unit: str
    name: str
    href: str | None
    parts: list[tuple[str, int, float, float, str]]  # css, count, x, width, fill
    text: str
    y: int
    counts: list[str]  # achieved, on track, behind, no result: the table beside the picture


@dataclass
class PeriodResults:
    period: str
    title: str
    own: str  # when the unit reported, against its due date
    status: str  # on-time, late, missing: the unit's own report
    rows: list[ResultRow]
    chart: Chart | None
    reporters: list[Reporter] = field(default_factory=list)
    summary: str = ""  # "Reported: 12 of 13; on time: 12; not reported: Cự Khối."
    children: list[ChildCounts] = field(default_factory=list)
    children_height: int = 0
    overview: str = ""  # the link to the quarter's overview


@dataclass
class UnitResults:
    """The section ``results`` of a unit's page."""

    heading: str
    periods: list[PeriodResults]
    labels: dict[str, str]
    counts: list[str] = field(default_factory=list)  # the headers of the children's picture's table


def labels() -> dict[str, str]:
    """The words of the section's tables and pictures, in the reader's language."""
    return {
        "indicator": _("Indicator"),
        "unit": _("Unit of measure"),
        "target": _("Target"),
        "result": _("Result"),
        "achieved": _("% of target"),
        "expected": _("Expected by now"),
        "gap": _("Behind by"),
        "verdict": _("Verdict"),
        "chart": _("Results against the year's targets"),
        "legend": _("Bar: % of the year's target achieved; black line: the target (100%); yellow mark: the share expected"
                    " by the end of the period. Green: achieved; blue: on track; red: behind or not achieved."),
        "table": _("The chart's figures"),
        "reporting": _("Who reported"),
        "children": _("Units: indicators achieved, on track, behind or not achieved, without a result"),
        "children_legend": _("Green: achieved; blue: on track; red: behind or not achieved; grey: no result."),
        "overview": _("All reports of the period"),
        "units": _("Unit"),
        "children_table": _("The picture's figures"),
    }


def _unit_address(addresses: Addresses, unit: UnitDecl, year: int) -> tuple[str, str | None]:
    """The unit's slug for ``data-unit`` and its page's path, where it has one."""
    path = addresses.unit(unit.id, year)
    slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else unit.id
    return slug, path


def result_row(line: Line, href: str) -> ResultRow:
    gap = shortfall(line)
    return ResultRow(
        indicator=line.indicator,
        name=line.name,
        href=href,
        unit=line.unit,
        target=Cell(figure(line.target), machine(line.target)),
        result=Cell(figure(line.result), machine(line.result)),
        achieved=Cell(percent(line.achieved), machine(line.achieved)),
        expected=Cell(percent(line.expected), machine(line.expected)),
        gap=Cell(figure(gap) if gap is not None and gap > 0 and line.behind else "", machine(gap)),
        verdict=line.verdict,
        verdict_text=verdict_text(line.verdict),
        behind=line.behind,
    )


def axis_texts() -> tuple[str, str, str]:
    return (percent(Decimal(0)), percent(Decimal(100)), percent(Decimal(150)))


def share_of(line: Line) -> Decimal | None:
    """A bar's length in % of the target: a floor's % achieved, a ceiling's result over its ceiling."""
    if line.result is None or not line.target:
        return None
    if line.direction is Direction.FLOOR:
        return line.achieved
    if line.direction is Direction.CEILING:
        return line.result / line.target * 100
    return None


def bar_text(line: Line) -> str:
    if line.direction is Direction.CEILING:
        return f"{figure(line.result)} / {figure(line.target)}"
    return percent(line.achieved)


def indicators_chart(unit_name: str, own: UnitProgress, period_title: str) -> Chart | None:
    """The report's first picture: each indicator with a result drawn against its target."""
    data = []
    for line in own.lines:
        share = share_of(line)
        if share is None:
            continue
        text = bar_text(line)
        data.append(Datum(
            label=line.name, value=line.result, share=share, expected=line.expected, verdict=line.verdict,
            text=text, indicator=line.indicator,
        ))
    if not data:
        return None
    label = _("Results of {unit} against its targets, {period}").format(unit=unit_name, period=period_title)
    return bar_chart(label, data, f"results-table-{own.period}", axis_texts(), period=own.period)


def reporters(found: Progress, addresses: Addresses, page: str) -> list[Reporter]:
    """The children in the order the plan lists them, each with when it reported."""
    listed = []
    for child in found.children:
        slug, path = _unit_address(addresses, child.unit, child.year)
        listed.append(Reporter(slug, child.title or child.unit.name, relative(path, page) if path else None,
                               reporting_status(child), reporting_text(child)))
    return listed


def reporting_summary(found: Progress) -> str:
    count = len(found.children)
    missing, late = found.missing, found.late
    text = _("Reported: {reported} of {count}; on time: {on_time}.").format(
        reported=count - len(missing), count=count, on_time=found.on_time)
    if missing:
        text += " " + _("Not reported: {units}.").format(units=", ".join(c.unit.name for c in missing))
    if late:
        text += " " + _("Reported late: {units}.").format(units=", ".join(c.unit.name for c in late))
    return text


CHILD_WIDTH = 380
CHILD_ROW = 24


def children_counts(found: Progress, addresses: Addresses, page: str) -> list[ChildCounts]:
    """The report's second picture: per child, its indicators achieved, on track, short, without a result."""
    drawn = []
    for index, child in enumerate(found.children):
        counts = {"achieved": 0, "ontrack": 0, "behind": 0, "missing": 0}
        for line in child.lines:
            if line.behind:
                counts["behind"] += 1
            elif line.verdict == "achieved":
                counts["achieved"] += 1
            elif line.verdict == "on track":
                counts["ontrack"] += 1
            elif line.verdict == "no result":
                counts["missing"] += 1
        total = sum(counts.values()) or 1
        x = 0.0
        parts = []
        for css, count in counts.items():
            width = round(CHILD_WIDTH * count / total, 1)
            if count:
                parts.append((css, count, x, width, FILL[css]))
            x += width
        slug, path = _unit_address(addresses, child.unit, child.year)
        if child.status == "not reported":
            text = verdict_text("not reported")
        else:
            text = ngettext("{count} behind", "{count} behind", counts["behind"]).format(count=number(counts["behind"]))
        drawn.append(ChildCounts(slug, child.unit.name, relative(path, page) if path else None, parts, text,
                                 index * CHILD_ROW + 4, [number(count) for count in counts.values()]))
    return drawn


def unit_results(data: ResultsData, unit: UnitDecl, year: int, addresses: Addresses, page: str) -> UnitResults | None:
    """The results section of ``unit``'s page of ``year`` (``page``: its path from the root), or
    ``None`` when no unit reported for any period of the year or the unit has no targets."""
    periods = data.periods(year)
    if not periods or not data.book.goals(unit.id, year):
        return None
    shown = []
    for period in periods:
        found = data.progress(unit, year, period)
        own = found.unit
        if own.status == "not reported" and not any(c.reported for c in found.children):
            continue  # nobody of this unit's reported for the period: nothing to show
        title = period_name(period, year)
        rows = [result_row(line, relative(addresses.indicator(line.indicator, year), page)) for line in own.lines]
        result = PeriodResults(
            period=period,
            title=title,
            own=reporting_text(own),
            status=reporting_status(own),
            rows=rows,
            chart=indicators_chart(own.title or unit.name, own, title),
            overview=relative(addresses.period(year, period), page),
        )
        if found.children:
            result.reporters = reporters(found, addresses, page)
            result.summary = reporting_summary(found)
            result.children = children_counts(found, addresses, page)
            result.children_height = len(found.children) * CHILD_ROW + 8
        shown.append(result)
    if not shown:
        return None
    return UnitResults(_("Results by period"), shown, labels(),
                       [_("Achieved"), _("On track"), _("Behind or not achieved"), _("No result")])

