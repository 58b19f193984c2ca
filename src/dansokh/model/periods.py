"""Reporting periods of the officer's year, and where a plan says when results are due.

Results are **cumulative from 1 January** (lũy kế từ đầu năm), as officers' reports are:
a period is named by where it ends.  ``Q1`` covers January–March, ``Q2`` January–June (the
six-month report, sơ kết 6 tháng), ``Q3`` January–September (nine months), ``Q4`` the whole
year, and ``Y`` the year-end review (tổng kết năm), which also covers the whole year but is
due earlier (Hà Nội: before 15/12).  Because figures accumulate, a count never goes down
from one period to a later-ending one.

A plan's ``reporting`` says who reports to whom and by when, as its source states it: the
sentence itself, and one due date per period where the sentence gives one (Hà Nội: each
quarter before the 10th of the next quarter's first month, the year before 15/12).  A plan
that asks for "periodic" reports without dates (Long Biên) lists no periods: nothing is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..i18n import _


@dataclass(frozen=True)
class Period:
    code: str
    months: int  # months covered, counted from January
    order: int  # position in the year, for sorting (Q4 and Y both end in December)

    @property
    def share(self) -> float:
        """The part of the year the period covers: what a linear pace expects by then."""
        return self.months / 12


PERIODS: dict[str, Period] = {
    p.code: p
    for p in (
        Period("Q1", 3, 1),
        Period("Q2", 6, 2),
        Period("Q3", 9, 3),
        Period("Y", 12, 4),
        Period("Q4", 12, 5),
    )
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# what people type on the command line: q1, "quy 1", 6m, 6t, h1, 9m, year, nam …
_ALIASES = {
    "q1": "Q1", "quy1": "Q1", "quyi": "Q1", "3m": "Q1", "3t": "Q1",
    "q2": "Q2", "quy2": "Q2", "quyii": "Q2", "6m": "Q2", "6t": "Q2", "h1": "Q2", "6thang": "Q2",
    "q3": "Q3", "quy3": "Q3", "quyiii": "Q3", "9m": "Q3", "9t": "Q3", "9thang": "Q3",
    "q4": "Q4", "quy4": "Q4", "quyiv": "Q4",
    "y": "Y", "year": "Y", "nam": "Y", "annual": "Y", "tongket": "Y",
}


def parse_period(text: str) -> str | None:
    """``6m``, ``Quý II``, ``q2`` -> ``Q2``; ``None`` for anything else."""
    from .names import strip_marks

    folded = re.sub(r"[\s_\-/.]+", "", strip_marks(text).lower())
    return _ALIASES.get(folded)


def period_end(code: str, year: int) -> date:
    """The last day the period covers: ``Q2`` 2025 -> 30/06/2025."""
    months = PERIODS[code].months
    return date(year, 12, 31) if months == 12 else date(year, months + 1, 1) - timedelta(days=1)


def report_window(code: str, year: int) -> tuple[date, date]:
    """The first and last day a report for the period can sanely be dated (K011).

    A report gives figures up to the period's end, so it is dated on that day or after it;
    the year-end review (``Y``) is made before the year is over (Hà Nội: before 15/12), on the
    figures of the year so far, so it is dated once the nine months are over (from 30/09).  A
    date more than a year after the period's end is a slip (2099, 2052): by then the same
    period of the next year is being reported.  Today's date is never used, so a check gives
    the same answer whatever the day it runs."""
    first = period_end("Q3", year) if code == "Y" else period_end(code, year)
    end = period_end(code, year)
    last = date.max if end.year >= date.max.year else end.replace(year=end.year + 1)  # a period never ends on 29/02
    return first, last


def due_year(code: str, today: date) -> int:
    """The year of the report for ``code`` that is due as of ``today``: the latest year whose period
    has ended, or ends within a month (its report is being prepared); the year-end review (``Y``),
    made on the figures of nine months, counts from the end of September.  On 05/01/2026 ``Q4``
    and ``Y`` mean 2025 (due before 10/01 and 15/12), on 05/07/2025 ``Q2`` means 2025, and a
    later year's plan (a draft) is never the one due."""
    def opens(year: int) -> date:
        return report_window(code, year)[0] - timedelta(days=31)

    year = min(today.year + 1, date.max.year)
    while year > date.min.year and opens(year) > today:
        year -= 1
    return year


def report_date_problem(code: str, year: int, reported: date) -> str | None:
    """Why a report for the period cannot be dated ``reported`` (K011), or ``None``."""
    first, last = report_window(code, year)
    if reported < first:
        return _("{period} is reported on {reported}, before {first}: a report is dated once its figures are complete").format(
            period=period_words(code, year), reported=vn_date(reported), first=vn_date(first)
        )
    if reported > last:
        return _("{period} is reported on {reported}, more than a year after the period ended: write the day the report was sent (by {last})").format(
            period=period_words(code, year), reported=vn_date(reported), last=vn_date(last)
        )
    return None


def period_label(code: str, year: int) -> str:
    """The period as a Vietnamese report names it: ``quý I năm 2025``, ``6 tháng đầu năm 2025``."""
    if code == "Q1":
        return f"quý I năm {year}"
    if code == "Q2":
        return f"6 tháng đầu năm {year}"
    if code == "Q3":
        return f"9 tháng đầu năm {year}"
    if code == "Q4":
        return f"quý IV năm {year} (cả năm)"
    return f"năm {year} (tổng kết)"


def period_words(code: str, year: int) -> str:
    """The period in a message, in the current language."""
    if code == "Y":
        return _("the year-end review {year}").format(year=year)
    months = PERIODS[code].months
    if code in ("Q2", "Q3"):
        return _("{months} months of {year} ({code})").format(months=months, year=year, code=code)
    if code == "Q1":
        return _("Q1 {year}").format(year=year)  # quý I năm 2025: an officer's words, not the code
    if code == "Q4":
        return _("Q4 {year}").format(year=year)
    return _("{code} {year}").format(code=code, year=year)


def vn_date(day: date | str) -> str:
    """``2025-04-10`` -> ``10/04/2025``."""
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return value.strftime("%d/%m/%Y")
