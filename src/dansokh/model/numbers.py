"""Numbers as people read them, and as machines do.

People read a number in their language's format: Vietnamese ``416.950`` and ``3,04``,
English ``416,950`` and ``3.04``.  Documents (appendices) are Vietnamese whatever the
language of the run.  Machine formats (YAML, JSON, CSV, SARIF) write plain digits.
Every format keeps the digits the plan wrote (``Decimal("0.00")`` is ``0,00``, never
``0``): a grouping and a decimal mark is all that changes, which is why this is written
here rather than taken from Babel (whose patterns round to a fixed number of places
unless told otherwise, and whose locale data would be a run-time dependency for the two
separators of two languages).

The numbers a plan may hold are bounded: **at most 15 digits before the decimal point and 6
after it** (Vietnam has about 10^8 people); anything else is refused at the model (S003), so
that no rule ever adds, multiplies or formats an unbounded number.  Inside the domain
arithmetic is exact: ``EXACT`` has room for sums of millions of cells and for products of two
numbers (a rate times its weight).  As a safety net, ``number`` and ``plain`` never write more
than 40 digits, whatever they are given (scientific notation beyond).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from typing import ParamSpec, TypeVar, overload

from ..i18n import N_, _, current, ngettext

MAX_WHOLE_DIGITS = 15
MAX_DECIMALS = 6
_INT_LIMIT = 10**MAX_WHOLE_DIGITS

EXACT = Context(prec=100, Emax=999, Emin=-999, traps=[InvalidOperation, DivisionByZero, Overflow])
"""The context of every computation on plan numbers (``with decimal.localcontext(EXACT):``)."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in the ``EXACT`` context, whatever the caller's: for the entry points that
    add or multiply plan numbers outside a validation run (an edge, a split, its report)."""

    @functools.wraps(function)
    def in_exact_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(EXACT):
            return function(*args, **kwargs)

    return in_exact_context

_SHOWN_DIGITS = 40  # beyond this a number is written in scientific notation (a safety net)

# (thousands separator, decimal mark) of each language dansokh speaks
SEPARATORS = {"vi": (".", ","), "en": (",", ".")}

# The units of measure as a reader of each language names them (the YAML writes the
# Vietnamese codes); percent and per mille stick to the number: 85%, 0,5‰.
ATTACHED_UNITS = ("%", "‰")
UNIT_NAMES = {
    "người": N_("persons"),
    "buổi": N_("sessions"),
    "lượt": N_("broadcasts"),
    "trẻ trai/100 trẻ gái": N_("boys per 100 girls"),
}


def in_domain(value: Decimal | int) -> bool:
    """Whether a plan may hold ``value``: finite, below 10^15 in size, at most 6 decimals
    (as written: ``1.0000000`` has seven).  Every number of every plan passes here, so the
    common case is read off the number's text (``416950``, ``-3.04``)."""
    if isinstance(value, int):
        return -_INT_LIMIT < value < _INT_LIMIT
    text = str(value)
    if "E" in text or "n" in text or "N" in text:  # an exponent, NaN or Infinity
        return (
            value.is_finite()
            and (not value or value.adjusted() < MAX_WHOLE_DIGITS)
            and value.as_tuple().exponent >= -MAX_DECIMALS  # type: ignore[operator]
        )
    whole, _point, fraction = text.partition(".")
    return len(fraction) <= MAX_DECIMALS and len(whole) - (whole[:1] == "-") <= MAX_WHOLE_DIGITS


def _too_long(value: Decimal) -> bool:
    _sign, digits, exponent = value.as_tuple()
    return (
        not value.is_finite()
        or len(digits) > _SHOWN_DIGITS  # 39 digits, a point and 40 more: short on both sides, long in all
        or exponent < -_SHOWN_DIGITS  # type: ignore[operator]
        or bool(value and value.adjusted() >= _SHOWN_DIGITS)
    )


def _scientific(value: Decimal, mark: str = ".") -> str:
    """``1E+999999999``, ``-1.2345678…E+49``: a number no plan may hold, in a few characters."""
    if not value.is_finite():
        return str(value)
    sign, digits, exponent = value.as_tuple()
    shown = "".join(map(str, digits[:8]))
    power = exponent + len(digits) - 1  # type: ignore[operator]
    mantissa = shown[0] + (mark + shown[1:] if len(shown) > 1 else "")
    more = "…" if len(digits) > 8 else ""
    return f"{'-' if sign else ''}{mantissa}{more}E{'+' if power >= 0 else ''}{power}"


def bounded(value: Decimal | int | str | None) -> str:
    """A number as plain digits (``0.00``, ``416950``), or, for a number no plan may hold, a short
    scientific form (``1E+999999999``): never an unbounded string."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return _scientific(value) if _too_long(value) else format(value, "f")
    return str(value)


@overload
def plain(value: Decimal | int | str) -> str: ...


@overload
def plain(value: None) -> None: ...


@overload
def plain(value: Decimal | int | str | None) -> str | None: ...


def plain(value: Decimal | int | str | None) -> str | None:
    """A number as YAML and the machine formats write it, with the digits the plan wrote
    (``Decimal("0.00")`` -> ``0.00``, never ``0``); ``None`` stays ``None``."""
    if value is None:
        return None
    return bounded(value) if isinstance(value, (Decimal, int)) and not isinstance(value, bool) else str(value)


def half_up(value: Decimal, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals as Excel and people round: a half goes away from
    zero (37/80 = 46,25 % is 46,3 %, never the even 46,2 %).  Every number rounded for a reader
    (a % of plan, a computed rate, a chart's label) is rounded here."""
    quantum = _QUANTA.get(places)
    if quantum is None:
        quantum = _QUANTA[places] = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP, context=EXACT)


def all_given(values: Sequence[Decimal | None]) -> list[Decimal] | None:
    """``values`` when every one is given, else None: a figure summed from cells, or compared
    with their range, is left unchecked where one of them is blank."""
    given = [value for value in values if value is not None]
    return given if len(given) == len(values) else None


_QUANTA: dict[int, Decimal] = {}  # places -> 10 ** -places: a national progress rounds a million numbers


def number(value: Decimal | int | None, places: int | None = None, lang: str | None = None) -> str:
    """A number in the reader's language (``lang``, else the language of the run): grouped
    thousands and the language's decimal mark; ``places`` rounds, otherwise the written
    digits are kept (rounding is ``half_up``)."""
    if value is None:
        return ""
    thousands, mark = SEPARATORS[lang or current()]
    number_ = Decimal(value)
    if _too_long(number_):
        return _scientific(number_, mark)
    if places is not None:
        number_ = half_up(number_, places)
    sign = "-" if number_ < 0 else ""
    whole, _sep, fraction = format(abs(number_), "f").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + thousands.join(groups) + (mark + fraction if fraction else "")


def vn(value: Decimal | int | None, places: int | None = None) -> str:
    """A number as Vietnamese documents write it: ``416.950``; ``0,15``; the written digits are kept."""
    return number(value, places, "vi")


def unit_name(unit: str) -> str:
    """A unit of measure as the reader names it (``người`` is "persons" in English)."""
    return _(UNIT_NAMES[unit]) if unit in UNIT_NAMES else unit


def quantity(value: Decimal | int | None, unit: str, lang: str | None = None) -> str:
    """A value with its unit as a sentence shows it: ``85%``, ``0,5‰``, ``1.050 người``."""
    text = number(value, lang=lang)
    if unit in ATTACHED_UNITS or not unit:
        return text + unit
    count = 1 if value is not None and Decimal(value) == 1 else 2  # 1 person; 0, 1.5 and 2 persons
    if unit == "người":
        return ngettext("{value} person", "{value} persons", count).format(value=text)
    if unit == "buổi":
        return ngettext("{value} session", "{value} sessions", count).format(value=text)
    if unit == "lượt":
        return ngettext("{value} broadcast", "{value} broadcasts", count).format(value=text)
    if unit == "trẻ trai/100 trẻ gái":
        return ngettext("{value} boy per 100 girls", "{value} boys per 100 girls", count).format(value=text)
    return f"{text} {unit_name(unit)}"


def difference(value: Decimal | int, unit: str, lang: str | None = None) -> str:
    """The gap between two figures in one unit: between two rates in %, percentage
    points (``5 điểm %``, ``5 percentage points``); otherwise the unit itself."""
    if unit == "%":
        count = 1 if Decimal(value) == 1 else 2
        return ngettext("{value} percentage point", "{value} percentage points", count).format(
            value=number(value, lang=lang)
        )
    return quantity(value, unit, lang)


def span(low: Decimal, high: Decimal, unit: str) -> str:
    """A range of values: ``0,82–3,78%``; a range of one value is that value."""
    if low == high:
        return quantity(low, unit)
    if unit in ATTACHED_UNITS or not unit:
        return f"{number(low)}–{number(high)}{unit}"
    return f"{number(low)}–{number(high)} {unit_name(unit)}"


__all__ = [
    "plain", "number", "vn", "quantity", "difference", "span", "unit_name", "SEPARATORS",
    "bounded", "in_domain", "half_up", "EXACT", "MAX_WHOLE_DIGITS", "MAX_DECIMALS",
]
