"""``<year>/results/<period>.html``: who reported for a period, who late, who not at all.

Per unit that asks its children for reports (a parent whose plan assigns to them), the children in
the plan's order with the day each reported against the day it was due (K006's facts: "before the
10th" is read as written, a report dated the 10th is late) or that it has not (K005's: a parent
reported and a child did not); the units at the top with their own report.  Only parents where
someone reported for the period are shown.  Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _, ngettext
from ..model.numbers import number
from .addresses import Addresses, relative
from .figures import STATUS_LATE, STATUS_MISSING, STATUS_ON_TIME, period_name, reporting_status, reporting_text
from .results_data import ResultsData
from .unit_results import Reporter, reporters, reporting_summary

MAX_LISTED = 1500  # units listed one by one at most; beyond, only those late or not reported (a page stays small)


@dataclass
class ReportingGroup:
    unit: str  # the parent's slug
    name: str
    href: str | None
    own: str  # the parent's own report
    summary: str
    reporters: list[Reporter]


@dataclass
class PeriodPage:
    year: int
    period: str
    title: str
    summary: str
    groups: list[ReportingGroup]
    tops: list[Reporter] = field(default_factory=list)  # the units at the top, with their own report
    labels: dict[str, str] = field(default_factory=dict)
    indicators: list[tuple[str, str]] = field(default_factory=list)  # (name, link) of the indicators' pages
    shortened: str = ""  # said when the units on time are left out of the lists


def labels() -> dict[str, str]:
    return {
        "tops": _("Units at the top"),
        "groups": _("Reports to each unit"),
        "indicators": _("Results by indicator"),
    }


def period_page(data: ResultsData, year: int, period: str, addresses: Addresses, indicators: list[tuple[str, str]]) -> PeriodPage | None:
    """The overview of ``period`` of ``year``; ``indicators``: (name, code) of the indicator pages."""
    if period not in data.periods(year):
        return None
    page = addresses.period(year, period)
    units = data.units(year)
    ids = {unit.id for unit in units}
    groups, tops = [], []
    counted: dict[str, int] = {STATUS_ON_TIME: 0, STATUS_LATE: 0, STATUS_MISSING: 0}
    for unit in units:
        if unit.parent not in ids:
            own = data.own(unit, year, period)
            path = addresses.unit(unit.id, year)
            slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else unit.id
            tops.append(Reporter(slug, own.title or unit.name, relative(path, page) if path else None,
                                 reporting_status(own), reporting_text(own)))
        if not data.book.children(unit.id, year):
            continue
        found = data.progress(unit, year, period)
        if found.unit.reported is None and not any(child.reported for child in found.children):
            continue
        listed = reporters(found, addresses, page)
        for reporter in listed:
            counted[reporter.status] += 1
        path = addresses.unit(unit.id, year)
        slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else unit.id
        groups.append(ReportingGroup(slug, found.unit.title or unit.name, relative(path, page) if path else None,
                                     reporting_text(found.unit), reporting_summary(found), listed))
    expected = sum(counted.values())
    summary = ngettext(
        "{reported} of {count} unit asked for a report reported: {on_time} on time, {late} late; {missing} not yet.",
        "{reported} of {count} units asked for a report reported: {on_time} on time, {late} late; {missing} not yet.",
        expected,
    ).format(reported=number(counted[STATUS_ON_TIME] + counted[STATUS_LATE]), count=number(expected),
             on_time=number(counted[STATUS_ON_TIME]), late=number(counted[STATUS_LATE]), missing=number(counted[STATUS_MISSING]))
    links = [(name, relative(addresses.indicator(code, year), page)) for name, code in indicators]
    shortened = ""
    if expected > MAX_LISTED:
        for group in groups:
            group.reporters = [reporter for reporter in group.reporters if reporter.status != STATUS_ON_TIME]
        shortened = _("With {count} units, the lists name only those that reported late or not at all.").format(count=number(expected))
    return PeriodPage(year, period, period_name(period, year), summary, groups, tops, labels(), links, shortened)
