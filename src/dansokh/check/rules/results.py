"""Results against targets (K, for kết quả): figures that are possible, cumulative figures that
never go down, parents that add up, reports that arrive, arrive on time, and match a target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ...diagnostics import Diagnostic, Related, Rule, Severity, shorten
from ...i18n import N_, _, ngettext
from ...model.catalogue import CATALOGUE, Direction, convert, is_convertible, is_count
from ...model.periods import PERIODS, period_words, report_date_problem, vn_date
from ...model.result import Fault, Figure, decimals, figure_problems, half_unit, part_name, total_problems
from ...results.book import Book, LoadedResult, summed
from .base import fmt, quantity, results_rule


def _unit_name(book: Book, unit: str) -> str:
    declared = book.repo.unit(unit)
    return declared.name if declared else unit


def _impossible(rule: Rule, book: Book, fault: Fault) -> Iterator[Diagnostic]:
    """The problems of kind ``fault`` that ``figure_problems`` finds in each figure, as ``rule``'s."""
    for loaded in book.results:
        for index, figure in enumerate(loaded.result.figures):
            for problem in figure_problems(figure):
                if problem.fault is fault:
                    yield rule.at(loaded.span(("figures", index, problem.field)), problem.message)


@results_rule("K001", "impossible-figure", N_("A result that cannot be: a negative or fractional count, a rate outside 0–100."))
def impossible_figure(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A count (persons, sessions, broadcasts) is a whole number of zero or more; a rate in %
    lies within 0–100 (‰ within 0–1000), and its numerator and denominator are whole numbers,
    the numerator no larger than the denominator.  A change against last year (the third-child
    reduction) has a value only.  Fix the figure in the result file or in the form."""
    yield from _impossible(rule, book, Fault.IMPOSSIBLE)


@results_rule("K002", "rate-parts-disagree", N_("A rate disagrees with its own numerator and denominator."))
def rate_parts_disagree(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """Where a rate is given with its numerator and denominator (1.210 women screened of 1.367
    pregnant women), the rate must be their quotient, to the digits it is written with:
    88,5 % agrees with 1.210/1.367 = 88,52 %, 89 % does not."""
    yield from _impossible(rule, book, Fault.PARTS_DISAGREE)


def _cumulative_parts(figure) -> list[tuple[str, Decimal]]:
    """The parts of a figure that are flows (the catalogue's ``measure``): counted from 1 January."""
    spec = CATALOGUE[figure.indicator]
    parts = ("value",) if is_count(figure.unit_code) else ("numerator", "denominator")
    return [(part, getattr(figure, part)) for part in parts if getattr(figure, part) is not None and spec.is_flow(part)]


@results_rule("K003", "cumulative-decrease", N_("A cumulative figure is lower than in an earlier period of the year."))
def cumulative_decrease(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """Flows are cumulative from 1 January (lũy kế từ đầu năm): the new contraceptive users
    reported for six months include those of the first quarter, so a count, or a rate's
    numerator or denominator, that is a flow never goes down from one period to a later-ending
    one.  A lower figure is a typing slip, or a figure for the quarter alone where the year so
    far is due.

    Stocks are a state at the report's date and may fall: the couples using a modern method
    (CPR), the elderly with a health record, the elderly population.  The catalogue's
    ``measure`` (and ``denominator_measure``) says which is which (`dansokh indicators`)."""
    by_unit: dict[tuple[str, int], list[LoadedResult]] = {}
    for (unit, year, _period), found in book.by_key.items():
        by_unit.setdefault((unit, year), []).append(found[0])
    for (_unit, year), loaded_results in by_unit.items():
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
                related.append(Related(declared[0].plan.place(declared[0].path), _("{name} is declared here").format(name=child.name)))
            yield rule.at(  # places found only for what is kept: most results of a command's context are not reported
                loaded.place(("period",)),
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
        reporting = plan.plan.reporting
        assert reporting is not None  # Book.due found the report in it
        index = reporting.reports.index(due)
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
                plan=plan.plan.unit_title,
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


@results_rule("K010", "total-not-sum-of-methods", N_("A result's total differs from the sum of its methods."))
def total_not_sum_of_methods(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A total reported beside its methods (new contraceptive users: IUD, implant, injectable,
    pill, condom, sterilisation) equals their sum, exactly, as a plan's row must (T002).
    Methods the result does not report are not counted; a total without any of its methods is
    not checked.  A total of 1.500 beside methods adding up to 14.000 is a slip in one of them:
    correct the total or the method that is wrong.  `dansokh import` reports it at the total's
    cell of the form."""
    for loaded in book.results:
        for index, problem in total_problems(loaded.result.figures):
            yield rule.at(loaded.span(("figures", index, problem.field)), problem.message)


@results_rule("K011", "report-date-impossible", N_("A report dated before its period ends, or more than a year after."))
def report_date_impossible(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A report gives the figures up to the end of its period, so it is dated on the period's
    last day or after it (Q1: from 31/03); the year-end review (Y) is made before the year is
    over (Hà Nội asks for it before 15/12), so it is dated from the end of the nine months
    (30/09).  A date more than a year after the period's end is a typing slip (2099 for 2025):
    by then the same period of the next year is being reported.  Today's date is not used, so
    a check gives the same answer on any day; a late report within the year is K006's."""
    for loaded in book.results:
        result = loaded.result
        problem = report_date_problem(result.period, result.year, date.fromisoformat(result.reported))
        if problem is not None:
            yield rule.at(loaded.span(("reported",)), problem)


def _half_unit(value: Decimal, exact: bool = False) -> Decimal:
    """How far a figure may be from the true one: nothing for a rate computed from its parts."""
    return Decimal(0) if exact else half_unit(value)


def _shown(value: Decimal) -> Decimal:
    """A rate as a message writes it: as written (at most 6 decimals: the number domain), a
    rate computed from its parts to two decimals, and trailing zeros of a sum dropped to two
    (2,21 + 0,000 is 2,21)."""
    if decimals(value) <= 2:
        return value
    rounded = value.quantize(Decimal("0.01"))
    return rounded if rounded == value or decimals(value) > 6 else value


def _last_years_rate(book: Book, unit: str, year: int, plan: str | None, rate: str, reduction: str):
    """Last year's rate, its unit, how far its rounding may take it, where it is written and
    in which words: the unit's year-end result of last year, else what this year's targets
    imply (the rate's target plus the reduction's: Long Biên's 2,21% with a reduction of 0)."""
    for period in ("Q4", "Y"):
        earlier = book.result(unit, year - 1, period)
        found = earlier.result.figure(rate) if earlier is not None else None
        if earlier is None or found is None:
            continue
        figure = found[1]
        value = figure.rate
        if value is not None:
            return value, figure.unit_code, _half_unit(value, figure.value is None), Related(
                earlier.span(("figures", found[0], "value" if figure.value is not None else "numerator")),
                _("last year's rate ({period})").format(period=period_words(period, year - 1)),
            )
    goals = book.goals(unit, year, plan)
    target, cut = goals.get(rate), goals.get(reduction)
    if target is None or cut is None or not is_convertible(cut.unit, target.unit):
        return None
    value = target.value + convert(cut.value, cut.unit, target.unit)
    slack = _half_unit(target.value) + convert(_half_unit(cut.value), cut.unit, target.unit)
    return value, target.unit, slack, Related(
        target.plan.span(target.path), _("the target that gives last year's rate ({year})").format(year=year - 1)
    )


def reduction_problems(
    book: Book, unit: str, year: int, period: str, plan: str | None, figures: list[Figure]
) -> Iterator[tuple[int, int, str, Related]]:
    """K012's findings among ``figures`` (a result's, or a form's at `dansokh import`): the index
    of each reduction that disagrees with its rates, the index of this year's rate, the message
    and where last year's rate comes from."""
    rates: dict[str, int] = {}
    for index, figure in enumerate(figures):
        rates.setdefault(figure.indicator, index)  # the first, as ResultFile.figure finds it
    for index, figure in enumerate(figures):
        spec = CATALOGUE[figure.indicator]
        if spec.direction is not Direction.REDUCTION or spec.rate is None or figure.value is None:
            continue
        rate_index = rates.get(spec.rate)
        if rate_index is None:
            continue
        now_figure = figures[rate_index]
        now = now_figure.rate
        if now is None:
            continue
        last = _last_years_rate(book, unit, year, plan, spec.rate, figure.indicator)
        unit_code = figure.unit_code
        if last is None or not is_convertible(last[1], unit_code) or not is_convertible(now_figure.unit_code, unit_code):
            continue
        before, before_unit, slack, where = last
        expected = convert(before, before_unit, unit_code) - convert(now, now_figure.unit_code, unit_code)
        tolerance = (
            convert(slack, before_unit, unit_code)
            + convert(_half_unit(now, now_figure.value is None), now_figure.unit_code, unit_code)
            + _half_unit(figure.value)
        )
        if abs(figure.value - expected) <= tolerance:
            continue
        shown = expected.quantize(Decimal(1).scaleb(-max(decimals(figure.value), 2)))
        message = _("{name}: {value} disagrees with the rates it compares: {before} last year and {now} for {period} make a reduction of {expected} (a rise is negative); correct the reduction or the rate").format(
            name=spec.name,
            value=quantity(figure.value, unit_code),
            before=quantity(_shown(before), before_unit),
            now=quantity(_shown(now), now_figure.unit_code),
            period=period_words(period, year),
            expected=quantity(shown, unit_code),
        )
        yield index, rate_index, message, where


@results_rule("K012", "reduction-disagrees-with-rates", N_("A reported reduction disagrees with the two rates it compares."))
def reduction_disagrees(rule: Rule, book: Book) -> Iterator[Diagnostic]:
    """A reduction against last year (the third-child rate's) is last year's rate minus this
    year's, in the reduction's unit: % points (Hà Nội) or ‰ (Long Biên's table; 0,1 % points
    is 1‰).  A rate that rose is a negative reduction.  Where the result gives this year's rate
    and last year's is known (the unit's year-end result of last year, else its targets: the
    rate's target plus the reduction's), the reduction must agree with them within the rounding
    of the digits they are written with: 2,21% then 2,23% is a reduction of −0,2‰, not 1,11‰.
    `dansokh import` reports it at the reduction's cell of the form."""
    for loaded in book.results:
        result = loaded.result
        for index, rate_index, message, where in reduction_problems(book, result.unit, result.year, result.period, result.plan, result.figures):
            rate = result.figures[rate_index]
            yield rule.at(
                loaded.span(("figures", index, "value")),
                message,
                Related(loaded.span(("figures", rate_index, "value" if rate.value is not None else "numerator")), _("this year's rate")),
                where,
            )


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
    total_not_sum_of_methods,
    report_date_impossible,
    reduction_disagrees,
)
