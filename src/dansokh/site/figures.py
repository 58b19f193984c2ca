"""Figures as the site's pages write them: for people in the reader's number format (1.900; 3,04),
for machines (``data-value``) plain dot-decimal digits; and the words of verdicts and reporting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from ..i18n import _, current, ngettext
from ..model.numbers import half_up, number, plain
from ..model.periods import PERIODS, period_label, vn_date
from ..results.progress import UnitProgress, days_late

MAX_PLACES = 2  # a computed rate shows at most two decimals, as the report does


def figure(value: Decimal | None) -> str:
    """A target or result in the reader's format, at most two decimals."""
    return "—" if value is None else _figure(value, current())


@lru_cache(maxsize=8192)
def _figure(value: Decimal, lang: str) -> str:
    """Cached: a nation's wards share their targets and the shares expected of them (100; 50,0%)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES and roundable(value):
        return number(half_up(value, MAX_PLACES), lang=lang)
    return number(value, lang=lang)


def roundable(value: Decimal) -> bool:
    """A number rounding can take (a file with errors is shown too: 1E+999999999 is written, not rounded)."""
    return value.is_finite() and value.adjusted() < 20


def percent(value: Decimal | None) -> str:
    return "—" if value is None else _percent(value, current())


@lru_cache(maxsize=8192)
def _percent(value: Decimal, lang: str) -> str:
    return _("{value}%").format(value=number(half_up(value, 1) if roundable(value) else value, lang=lang))


def machine(value: Decimal | None) -> str:
    """``data-value``: the exact figure, dot decimal, with the digits it was written with; empty for
    none.  A number no plan may hold (a file with errors is shown too) is written short (``plain``),
    never as an endless string of digits."""
    if value is None:
        return ""
    text = str(value)  # plain digits, but for an exponent: 1E+3
    return text if "E" not in text and len(text) < 60 else plain(value) or ""


def period_name(period: str, year: int) -> str:
    """``Q2 2025 (6 months)``; in Vietnamese as reports name it, ``6 tháng đầu năm 2025 (Q2)``."""
    if current() == "vi":
        label = period_label(period, year)
        return f"{label[:1].upper()}{label[1:]} ({period})"
    months = PERIODS[period].months
    if period == "Y":
        return _("Year-end review {year}").format(year=year)
    return ngettext("{code} {year} ({months} month)", "{code} {year} ({months} months)", months).format(
        code=period, year=year, months=months)


def day(text: str | None) -> str:
    return vn_date(date.fromisoformat(text)) if text else ""


STATUS_ON_TIME, STATUS_LATE, STATUS_MISSING = "on-time", "late", "missing"


def status_text(status: str) -> str:
    return {STATUS_ON_TIME: _("on time"), STATUS_LATE: _("late"), STATUS_MISSING: _("not reported")}[status]


def reporting_status(unit: UnitProgress) -> str:
    if unit.reported is None:
        return STATUS_MISSING
    return STATUS_LATE if unit.late else STATUS_ON_TIME


def reporting_text(unit: UnitProgress) -> str:
    """When the unit reported, against when it was due (K006's facts), or that it has not (K005's)."""
    if unit.reported is None:
        if unit.due:
            return _("not reported (due before {due})").format(due=day(unit.due))
        return _("not reported")
    late = days_late(unit)
    if late is not None:
        return ngettext(
            "reported on {reported}, {days} day late (due before {due})",
            "reported on {reported}, {days} days late (due before {due})",
            late,
        ).format(reported=day(unit.reported), days=late, due=day(unit.due))
    if unit.due:
        return _("reported on {reported} (due before {due})").format(reported=day(unit.reported), due=day(unit.due))
    return _("reported on {reported}").format(reported=day(unit.reported))
