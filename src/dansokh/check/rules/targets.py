"""Within one plan: targets, rates with counts, dates and schedules."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from ...cascade.repository import LoadedPlan
from ...i18n import N_, _
from ...model.catalogue import CATALOGUE, DENOMINATORS
from ...model.plan import ScheduleRow, ScheduleSection
from ...read.positions import Path
from .base import Diagnostic, Related, Rule, Severity, fmt, plan_rule, quantity


@plan_rule("P001", "duplicate-target", N_("The same indicator is stated twice among a plan's targets."))
def duplicate_target(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Each indicator has one target per plan; a second one would leave the cascade
    guessing which one the plan means.  Where the source itself disagrees, keep one
    target and say so in its ``note``."""
    first: dict[str, int] = {}
    for index, target in enumerate(loaded.plan.targets):
        if target.indicator in first:
            yield rule.at(
                loaded.span(("targets", index, "indicator")),
                _("indicator {indicator!r} already has a target").format(indicator=target.indicator),
                Related(loaded.span(("targets", first[target.indicator], "indicator")), _("the first target")),
            )
        else:
            first[target.indicator] = index


def _base_interval(rate: Decimal, count: int) -> tuple[float, float]:
    """The open interval of denominators N for which rate % of N rounds to count."""
    if rate == 0:
        return (0.0, math.inf) if count == 0 else (1.0, 0.0)
    share = float(rate) / 100
    return ((count - 1) / share, (count + 1) / share)


@plan_rule("R001", "rate-count-mismatch", N_("A rate and the count it corresponds to disagree with their denominator."))
def rate_count_mismatch(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Where a rate is given with its count (Bắc Cường: 70% of the elderly = 1,199 people)
    the two must agree with the denominator: exactly where ``base`` is stated, and otherwise
    rates over the same denominator (70% = 1,199 and 90% = 1,542 of the elderly) must
    admit one common denominator."""
    groups: dict[str, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for index, target in enumerate(loaded.plan.targets):
        if target.count is None:
            continue
        if target.unit_code != "%":
            yield rule.at(loaded.span(("targets", index, "count")), _("a count is given for a value that is not a %"))
            continue
        if target.base is not None:
            expected = target.value * target.base / 100
            if abs(expected - target.count) >= 1:
                yield rule.at(
                    loaded.span(("targets", index, "count")),
                    _("{name}: {rate} of {base} is {expected}, not {count}; correct the rate, the count or the base").format(
                        name=CATALOGUE[target.indicator].name,
                        rate=quantity(target.value, "%"),
                        base=fmt(target.base),
                        expected=fmt(expected.quantize(Decimal("0.1"))),
                        count=fmt(target.count),
                    ),
                )
            continue
        denominator = CATALOGUE[target.indicator].denominator or target.indicator
        groups[denominator].append((index, target.value, target.count))
    for denominator, members in groups.items():
        low, high = 0.0, math.inf
        for position, (index, rate, count) in enumerate(members):
            a, b = _base_interval(rate, count)
            low, high = max(low, a), min(high, b)
            if math.floor(low) + 1 >= high:  # no whole number strictly inside
                others = ", ".join(f"{quantity(r, '%')} = {fmt(c)}" for _, r, c in members[:position])
                what = DENOMINATORS.get(denominator, denominator)
                if others:
                    template = _("{rate} = {count} cannot hold for any {what} together with {others}; one of the counts is wrong")
                else:
                    template = _("{rate} = {count} cannot hold for any {what}; the rate or the count is wrong")
                yield rule.at(
                    loaded.span(("targets", index, "count")),
                    template.format(rate=quantity(rate, "%"), count=fmt(count), what=what, others=others),
                )
                break


def _rows(rows: list[ScheduleRow], path: Path, prefix: str) -> Iterator[tuple[Path, str, ScheduleRow]]:
    for index, row in enumerate(rows):
        yield path + (index,), prefix + row.number, row
        yield from _rows(row.rows, path + (index, "rows"), prefix)


def schedule_rows(loaded: LoadedPlan) -> Iterator[tuple[Path, str, ScheduleRow]]:
    """Every schedule row with its path and its reference as an officer cites it: the
    sections' numbers and the row's (``A.I.1``; row numbers repeat from one section to
    the next), as ``dansokh diff`` writes it too."""

    def sections(items: list[ScheduleSection], path: Path, prefix: str) -> Iterator[tuple[Path, str, ScheduleRow]]:
        for index, section in enumerate(items):
            here = f"{prefix}{section.number}." if section.number else prefix
            yield from _rows(section.rows, path + (index, "rows"), here)
            yield from sections(section.sections, path + (index, "sections"), here)

    for index, schedule in loaded.plan.schedules:
        yield from sections(schedule.sections, ("appendices", index, "sections"), "")


@plan_rule("D001", "month-outside-year", N_("A schedule row names a month outside the plan's year."))
def month_outside_year(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A 2025 plan schedules its tasks in 2025: ``Tháng 3-5/2024`` in a 2025 plan is a
    slip of the keyboard."""
    year = loaded.plan.year
    for path, ref, row in schedule_rows(loaded):
        outside = sorted({y for y, _ in row.timespec.resolved(year) if y != year})
        if outside:
            yield rule.at(
                loaded.span(path + ("time",)),
                _("row {row}: {time!r} falls in {years}, outside the plan's year {year}").format(
                    row=ref, time=row.time, years=", ".join(map(str, outside)), year=year
                ),
            )


@plan_rule("D002", "unreadable-time", N_("A schedule time mentions numbers but no month can be read."), Severity.WARNING)
def unreadable_time(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Times are kept as written; where the text clearly means months (``Tháng 13/2025``,
    ``Tháng 5-3/2025``) but none can be read, the month grid would be wrong."""
    for path, ref, row in schedule_rows(loaded):
        for problem in row.timespec.problems:
            yield rule.at(
                loaded.span(path + ("time",)),
                _("row {row}: {time!r}: {problem}").format(row=ref, time=row.time, problem=problem.text()),
            )


@plan_rule("D003", "date-outside-year", N_("The document's date is not in the plan's year."), Severity.WARNING)
def date_outside_year(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A 2025 plan is issued in 2025 (drafts write only the year: ``ngày tháng năm 2025``)."""
    date = loaded.plan.document.date
    if date is not None and not date.startswith(str(loaded.plan.year)):
        yield rule.at(
            loaded.span(("document", "date")),
            _("the document is dated {date}, not in the plan's year {year}").format(
                date="/".join(reversed(date.split("-"))), year=loaded.plan.year
            ),
        )


RULES = (duplicate_target, rate_count_mismatch, month_outside_year, unreadable_time, date_outside_year)
