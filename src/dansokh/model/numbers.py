"""Numbers as people read them, and as machines do.

People read a number in their language's format: Vietnamese ``416.950`` and ``3,04``,
English ``416,950`` and ``3.04``.  Documents (appendices) are Vietnamese whatever the
language of the run.  Machine formats (YAML, JSON, CSV, SARIF) write plain digits.
Every format keeps the digits the plan wrote (``Decimal("0.00")`` is ``0,00``, never
``0``): a grouping and a decimal mark is all that changes, which is why this is written
here rather than taken from Babel (whose patterns round to a fixed number of places
unless told otherwise, and whose locale data would be a run-time dependency for the two
separators of two languages).
"""

from __future__ import annotations

from decimal import Decimal

from ..i18n import N_, _, current, ngettext

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


def plain(value: Decimal | int | str | None) -> str | None:
    """A number as YAML and the machine formats write it, with the digits the plan wrote
    (``Decimal("0.00")`` -> ``0.00``, never ``0``); ``None`` stays ``None``."""
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def number(value: Decimal | int | None, places: int | None = None, lang: str | None = None) -> str:
    """A number in the reader's language (``lang``, else the language of the run): grouped
    thousands and the language's decimal mark; ``places`` rounds, otherwise the written
    digits are kept."""
    if value is None:
        return ""
    thousands, mark = SEPARATORS[lang or current()]
    number_ = Decimal(value)
    if places is not None:
        number_ = number_.quantize(Decimal(1).scaleb(-places))
    sign = "-" if number_ < 0 else ""
    whole, _sep, fraction = format(abs(number_), "f").partition(".")
    groups = []
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


__all__ = ["plain", "number", "vn", "quantity", "difference", "span", "unit_name", "SEPARATORS"]
