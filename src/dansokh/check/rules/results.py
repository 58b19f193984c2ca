"""Results against targets (K, for kết quả): figures that are possible, cumulative figures that
never go down, parents that add up, reports that arrive, arrive on time, and match a target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ...cascade.results import Book, LoadedResult, summed
from ...diagnostics import Diagnostic, Related, Rule, Severity
from ...diagnostics import shorten
from ...i18n import N_, _, ngettext
from ...model.catalogue import CATALOGUE, is_count
from ...model.periods import PERIODS, period_words, vn_date
from ...model.result import figure_problems, part_name
from .base import fmt, results_rule


def _unit_name(book: Book, unit: str) -> str:
    declared = book.repo.unit(unit)
    return declared.name if declared else unit


def _impossible(rule: Rule, book: Book, code: str) -> Iterator[Diagnostic]:
    for loaded in book.results:
        for index, figure in enumerate(loaded.result.figures):
            for problem in figure_problems(figure):
                if problem.code == code:
                    yield rule.at(loaded.span(("figures", index, problem.field)), problem.message)


@results_rule("K001", "impossible-figure", N_("A result that cannot be: a negative or fractional count, a rate outside 0–100."))
def impossible_figure(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A count (persons, sessions, broadcasts) is a whole number of zero or more; a rate in %
    lies within 0–100 (‰ within 0–1000), and its numerator and denominator are whole numbers,
    the numerator no larger than the denominator.  A change against last year (the third-child
    reduction) has a value only.  Fix the figure in the result file or in the form."""
    yield from _impossible(rule, book, "K001")


@results_rule("K002", "rate-parts-disagree", N_("A rate disagrees with its own numerator and denominator."))
def rate_parts_disagree(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """Where a rate is given with its numerator and denominator (1.210 women screened of 1.367
    pregnant women), the rate must be their quotient, to the digits it is written with:
    88,5 % agrees with 1.210/1.367 = 88,52 %, 89 % does not."""
    yield from _impossible(rule, book, "K002")


def _cumulative_parts(figure) -> list[tuple[str, Decimal]]:
    if is_count(figure.unit_code):
        return [("value", figure.value)] if figure.value is not None else []
    return [(part, getattr(figure, part)) for part in ("numerator", "denominator") if getattr(figure, part) is not None]


@results_rule("K003", "cumulative-decrease", N_("A cumulative figure is lower than in an earlier period of the year."))
def cumulative_decrease(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """Results are cumulative from 1 January (lũy kế từ đầu năm): the new contraceptive users
    reported for six months include those of the first quarter, so a count, or a rate's
    numerator or denominator, never goes down from one period to a later-ending one.  A lower
    figure is a typing slip, or a figure for the quarter alone where the year so far is due."""
    by_unit: dict[tuple[str, int], list[LoadedResult]] = {}
    for (unit, year, _period), found in book.by_key.items():
        by_unit.setdefault((unit, year), []).append(found[0])
    for (unit, year), loaded_results in by_unit.items():
        ordered = sorted(loaded_results, key=lambda r: PERIODS[r.result.period].order)
        for later_index, later in enumerate(ordered):
            months = PERIODS[later.result.period].months
            for index, figure in enumerate(later.result.figures):
                for part, value in _cumulative_parts(figure):
                    earlier = _latest_earlier(ordered[:later_index], months, figure.indicator, part)
                    if earlier is None or value >= earlier[1]:
                        continue
                    source, before, earlier_index = earlier
                    yield rule.at(
                        later.span(("figures", index, part)),
                        _("{name}: {value} for {period} is less than the {before} reported for {earlier}; cumulative figures never go down").format(
                            name=CATALOGUE[figure.indicator].name,
                            value=fmt(value),
                            period=period_words(later.result.period, year),
                            before=fmt(before),
                            earlier=period_words(source.result.period, year),
                        ),
                        Related(source.span(("figures", earlier_index, part)), _("the earlier figure")),
                    )


def _latest_earlier(results: list[LoadedResult], months: int, indicator: str, part: str):
    for loaded in reversed(results):
        if PERIODS[loaded.result.period].months >= months:
            continue
        found = loaded.result.figure(indicator)
        if found is not None and getattr(found[1], part) is not None:
            return loaded, getattr(found[1], part), found[0]
    return None


@results_rule("K004", "children-do-not-add-up", N_("A parent's reported count differs from the sum of its children's reports."))
def children_do_not_add_up(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """When every child of a unit has reported for a period, each count the unit reports (new
    contraceptive users, sessions, and the numerator and denominator of a rate) equals the sum
    of its children's figures for the same period.  While a child has not reported, K005 says
    which one and the sum is not checked."""
    for loaded in book.results:
        result = loaded.result
        children = book.children(result.unit, result.year)
        if not children or any(book.result(c.id, result.year, result.period) is None for c in children):
            continue
        for index, figure in enumerate(result.figures):
            total = summed(book, result.unit, result.year, result.period, figure.indicator)
            if total is None:
                continue
            for part in ("value", "numerator", "denominator"):
                own, theirs = getattr(figure, part), getattr(total, part)
                if own is None or theirs is None or own == theirs:
                    continue
                yield rule.at(
                    loaded.span(("figures", index, part)),
                    _("{name}: {unit} reports {own}{what} for {period}, but its {count} children's reports add up to {theirs}").format(
                        name=CATALOGUE[figure.indicator].name,
                        unit=_unit_name(book, result.unit),
                        own=fmt(own),
                        what="" if part == "value" else f" ({part_name(part)})",
                        period=period_words(result.period, result.year),
                        count=total.children,
                        theirs=fmt(theirs),
                    ),
                )


@results_rule("K005", "missing-report", N_("A unit has not reported for a period its parent has reported for."), Severity.WARNING)
def missing_report(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A parent's report for a period stands on its children's: when a unit has reported for a
    period, each unit it assigns targets to is expected to have reported too.  Each child
    without a result file for that period is named, so the officer knows whom to call; until
    then the parent's sums are not checked (K004)."""
    for loaded in book.results:
        result = loaded.result
        for child in book.children(result.unit, result.year):
            if book.result(child.id, result.year, result.period) is not None:
                continue
            related = []
            declared = book.repo.units.get(child.id)
            if declared:
                related.append(Related(declared[0].plan.span(declared[0].path), _("{name} is declared here").format(name=child.name)))
            yield rule.at(
                loaded.span(("period",)),
                _("{child} ({id}) has not reported for {period}; {unit}'s figures cannot be checked against its children").format(
                    child=child.name, id=child.id, period=period_words(result.period, result.year), unit=_unit_name(book, result.unit)
                ),
                *related,
            )


@results_rule("K006", "late-report", N_("A report was sent on or after its due date."), Severity.WARNING)
def late_report(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """The plan that asks for a report says by when (Hà Nội: each quarter before the 10th of
    the first month of the next quarter, the year-end review before 15/12).  "Before the 10th"
    is read as written: a report dated the 10th is late.  A plan that asks for periodic reports
    without dates sets no deadline, and nothing is checked."""
    for loaded in book.results:
        result = loaded.result
        found = book.due(result.unit, result.year, result.period)
        if found is None:
            continue
        due, plan = found
        reported = date.fromisoformat(result.reported)
        deadline = date.fromisoformat(due.before)
        if reported < deadline:
            continue
        index = plan.plan.reporting.reports.index(due)  # type: ignore[union-attr]
        yield rule.at(
            loaded.span(("reported",)),
            ngettext(
                "{unit} reported {period} on {reported}, {days} day late: {plan} asks for it before {due}",
                "{unit} reported {period} on {reported}, {days} days late: {plan} asks for it before {due}",
                (reported - deadline).days + 1,
            ).format(
                unit=_unit_name(book, result.unit),
                period=period_words(result.period, result.year),
                reported=vn_date(reported),
                days=(reported - deadline).days + 1,
                plan=plan.plan.id,
                due=vn_date(deadline),
            ),
            Related(plan.span(("reporting", "reports", index, "before")), _("the due date")),
        )


@results_rule("K007", "result-without-target", N_("A result for an indicator the unit has no target for."), Severity.WARNING)
def result_without_target(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A figure is reported against a target: the unit's own plan states it, or its parent
    assigned it.  A figure with no target may be a slip (the wrong indicator key), or a target
    missing from the plan; it is shown, not silently dropped."""
    for loaded in book.results:
        result = loaded.result
        if book.repo.unit(result.unit) is None:
            continue
        goals = book.goals(result.unit, result.year, result.plan)
        for index, figure in enumerate(result.figures):
            if figure.indicator not in goals:
                yield rule.at(
                    loaded.span(("figures", index, "indicator")),
                    _("{unit} has no target for {name} in {year}: neither its plan nor its parent's assigns one").format(
                        unit=_unit_name(book, result.unit), name=CATALOGUE[figure.indicator].name, year=result.year
                    ),
                )


@results_rule("K008", "unknown-reporting-unit", N_("A result names a unit or plan that no plan of its year declares."))
def unknown_reporting_unit(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A result belongs to a unit some plan declares (as its issuing unit, or among the units
    it assigns to) in the result's year, and, where a plan id is given (plan:), to a plan of that unit
    and year.  A misspelt unit id would otherwise never be added up."""
    years = {loaded.plan.year for loaded in book.repo.plans}
    for loaded in book.results:
        result = loaded.result
        declared = book.repo.unit(result.unit)
        if declared is None or result.year not in years:
            known = _("no plan of {year} declares the unit {unit!r}").format(year=result.year, unit=shorten(result.unit))
            yield rule.at(loaded.span(("unit",)), known + _(" (unit ids are listed in each plan's unit and units)"))
            continue
        if result.plan is not None:
            plan = book.repo.by_id.get(result.plan)
            if plan is None or plan.plan.unit.id != result.unit or plan.plan.year != result.year:
                yield rule.at(
                    loaded.span(("plan",)),
                    _("{plan!r} is not a plan of {unit} for {year}").format(plan=shorten(result.plan), unit=declared.name, year=result.year),
                )


@results_rule("K009", "duplicate-result", N_("Two results for the same unit and period, or one indicator twice in a result."))
def duplicate_result(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """One unit reports once per period, one figure per indicator: with two, the sums would
    not know which one counts.  Replace a corrected report in place (git keeps the old one)."""
    for (unit, year, period), found in book.by_key.items():
        for loaded in found[1:]:
            yield rule.at(
                loaded.span(("period",)),
                _("{unit} already has a result for {period} in {file}").format(
                    unit=_unit_name(book, unit), period=period_words(period, year), file=found[0].file
                ),
                Related(found[0].span(("period",)), _("the first result")),
            )
    for loaded in book.results:
        first: dict[str, int] = {}
        for index, figure in enumerate(loaded.result.figures):
            if figure.indicator in first:
                yield rule.at(
                    loaded.span(("figures", index, "indicator")),
                    _("{name} already has a figure in this result").format(name=CATALOGUE[figure.indicator].name),
                    Related(loaded.span(("figures", first[figure.indicator], "indicator")), _("the first figure")),
                )
            else:
                first[figure.indicator] = index


RULES = (
    impossible_figure,
    rate_parts_disagree,
    cumulative_decrease,
    children_do_not_add_up,
    missing_report,
    late_report,
    result_without_target,
    unknown_reporting_unit,
    duplicate_result,
)
