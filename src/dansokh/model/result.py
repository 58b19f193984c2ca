"""Typed results: what a unit achieved against its targets (kết quả thực hiện) for one period.

A result file sits beside the plans and is told from a plan by its first key, ``kind: result``
(a plan has no ``kind``).  It names the unit, the year, the period (``periods.PERIODS``), the
day it was reported and the document that reported it, and one figure per indicator.
Figures are **cumulative from 1 January** (lũy kế từ đầu năm).  A count is a whole number; a
rate may be given as its value, as its numerator and denominator, or as both (then they must
agree).  What is possible is checked by the K rules, which share ``figure_problems`` with
``dansokh import`` so that a spreadsheet cell and a YAML line get the same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from ..i18n import _
from .catalogue import CATALOGUE, Direction, is_count
from .numbers import exact, number
from .plan import FullDate, IndicatorKey, Model, Number, PartialDate, PeriodCode, Slug, UnitCode, Year, unit_fits

RESULT_KIND = "result"


def is_result(data: Any) -> bool:
    """A loaded file is a result file when its top-level mapping says ``kind: result``."""
    return isinstance(data, dict) and data.get("kind") == RESULT_KIND


class ResultDocument(Model):
    """The report that carried the figures (Báo cáo số 45/BC-TTYT ngày 08/04/2025 …)."""

    kind: str = "Báo cáo"
    number: str | None = None
    date: PartialDate | None = None
    issuer: str | None = None


class Figure(Model):
    """One indicator's cumulative figure.  ``numerator`` and ``denominator`` are the counts a
    rate is made of (women screened / pregnant women); ``value`` is the count or the rate."""

    indicator: IndicatorKey
    value: Number | None = None
    unit: UnitCode | None = None
    numerator: Number | None = None
    denominator: Number | None = None
    note: str | None = None

    @field_validator("unit")
    @classmethod
    def _unit_fits_indicator(cls, unit: str | None, info: ValidationInfo) -> str | None:
        return unit_fits(info.data.get("indicator"), unit)  # S006, as in a plan

    @property
    def unit_code(self) -> str:
        return self.unit or CATALOGUE[self.indicator].unit

    @property
    def rate(self) -> Decimal | None:
        """The figure's value: as written, else computed from its parts."""
        if self.value is not None:
            return self.value
        if self.numerator is not None and self.denominator:
            return computed_rate(self.numerator, self.denominator, self.unit_code)
        return None


class ResultFile(Model):
    kind: Literal["result"]
    unit: Slug = Field(description="the id of the unit that reports")
    year: Year
    period: PeriodCode
    reported: FullDate = Field(description="the day the report was sent (YYYY-MM-DD)")
    document: ResultDocument | None = None
    plan: Slug | None = Field(default=None, description="the plan whose targets these are; default the unit's annual plan")
    note: str | None = None
    figures: list[Figure] = []

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.unit, self.year, self.period)

    def figure(self, indicator: str) -> tuple[int, Figure] | None:
        for index, figure in enumerate(self.figures):
            if figure.indicator == indicator:
                return index, figure
        return None


def scale(unit: str) -> Decimal:
    """What a rate's fraction is multiplied by: 100 for %, 1000 for ‰ and for the sex ratio per 100 girls."""
    return Decimal(1000) if unit == "‰" else Decimal(100)


def computed_rate(numerator: Decimal, denominator: Decimal, unit: str) -> Decimal:
    return numerator * scale(unit) / denominator


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def decimals(value: Decimal) -> int:
    """The decimals a figure is written with (``2.21``: 2, ``100``: 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def half_unit(value: Decimal) -> Decimal:
    """Half of the last digit written: how far the true figure may be from ``value`` rounded
    to its digits (``88.5``: 0.05)."""
    return Decimal(1).scaleb(-decimals(value)) / 2


class Fault(Enum):
    """What kind of problem a figure has; each is one rule's (check.rules.results: impossible-figure,
    rate-parts-disagree, total-not-sum-of-methods), which reports it under its code."""

    IMPOSSIBLE = "impossible"
    PARTS_DISAGREE = "parts disagree"
    TOTAL_DIFFERS = "total differs"


@dataclass(frozen=True)
class FigureProblem:
    """What is impossible about one figure: the field it is in, the kind of problem and the message."""

    field: str
    fault: Fault
    message: str


def figure_problems(figure: Figure) -> list[FigureProblem]:
    """Everything impossible about one figure on its own (impossible, or its parts disagree)."""
    spec = CATALOGUE[figure.indicator]
    unit = figure.unit_code
    problems: list[FigureProblem] = []
    count = is_count(unit)
    value, numerator, denominator = figure.value, figure.numerator, figure.denominator
    if value is None and (numerator is None or denominator is None):
        problems.append(FigureProblem("indicator", Fault.IMPOSSIBLE, _("{name}: no value, and no numerator and denominator to compute it from").format(name=spec.name)))
        return problems
    if count:
        if numerator is not None or denominator is not None:
            field = "numerator" if numerator is not None else "denominator"
            problems.append(FigureProblem(field, Fault.IMPOSSIBLE, _("{name} is a count ({unit}): it has no numerator or denominator").format(name=spec.name, unit=unit)))
        if value is not None and (value < 0 or not _whole(value)):
            problems.append(FigureProblem("value", Fault.IMPOSSIBLE, _("{name}: {value} {unit} is not a whole number of zero or more").format(name=spec.name, value=_plain(value), unit=unit)))
        return problems
    if spec.direction is Direction.REDUCTION:
        if numerator is not None or denominator is not None:
            field = "numerator" if numerator is not None else "denominator"
            problems.append(FigureProblem(field, Fault.IMPOSSIBLE, _("{name} is a change against last year: give its value only").format(name=spec.name)))
        limit = scale(unit)
        if value is not None and not -limit <= value <= limit:
            problems.append(FigureProblem("value", Fault.IMPOSSIBLE, _("{name}: a change of {value} {unit} is impossible (at most {limit} either way)").format(name=spec.name, value=_plain(value), unit=unit, limit=_plain(limit))))
        return problems
    for field, part in (("numerator", numerator), ("denominator", denominator)):
        if part is not None and (part < 0 or not _whole(part)):
            problems.append(FigureProblem(field, Fault.IMPOSSIBLE, _("{name}: the {field} {value} is not a whole number of zero or more").format(name=spec.name, field=part_name(field), value=_plain(part))))
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        present = "numerator" if denominator is None else "denominator"
        problems.append(FigureProblem(present, Fault.IMPOSSIBLE, _("{name}: a {present} without a {missing}").format(name=spec.name, present=part_name(present), missing=part_name(missing))))
    bounded = unit in ("%", "‰")
    if value is not None and (value < 0 or bounded and value > scale(unit)):
        problems.append(FigureProblem("value", Fault.IMPOSSIBLE, _("{name}: {value} {unit} is outside 0–{limit}").format(name=spec.name, value=_plain(value), unit=unit, limit=number(scale(unit)) if bounded else "…")))
    if any(p.field in ("numerator", "denominator") for p in problems) or numerator is None or denominator is None:
        return problems
    if denominator == 0:
        if numerator != 0 or value is not None:
            problems.append(FigureProblem("denominator", Fault.IMPOSSIBLE, _("{name}: the denominator is 0, so there is no rate").format(name=spec.name)))
        return problems
    if bounded and numerator > denominator:
        problems.append(FigureProblem("numerator", Fault.IMPOSSIBLE, _("{name}: the numerator {numerator} is larger than the denominator {denominator}").format(name=spec.name, numerator=_plain(numerator), denominator=_plain(denominator))))
        return problems
    if value is not None:
        exact = computed_rate(numerator, denominator, unit)
        tolerance = half_unit(value)
        if abs(exact - value) > tolerance:
            shown = exact.quantize(Decimal(1).scaleb(-max(decimals(value), 1)))
            problems.append(FigureProblem("value", Fault.PARTS_DISAGREE, _("{name}: {value} {unit} disagrees with {numerator}/{denominator} = {exact} {unit}").format(name=spec.name, value=_plain(value), unit=unit, numerator=_plain(numerator), denominator=_plain(denominator), exact=_plain(shown))))
    return problems


@exact  # a total of any size is compared with the exact sum of its methods
def total_problems(figures: list[Figure]) -> list[tuple[int, FigureProblem]]:
    """Each total (an indicator with ``parts`` in the catalogue: new contraceptive users) that
    differs from the sum of the methods reported beside it, by the total's index in
    ``figures``.  Methods not reported are not counted, as in a plan's row (T002); a total
    reported without any of its methods is not checked."""
    found: list[tuple[int, FigureProblem]] = []
    by_key = {figure.indicator: figure for figure in figures}
    for index, figure in enumerate(figures):
        spec = CATALOGUE[figure.indicator]
        if not spec.parts or figure.value is None:
            continue
        parts = [by_key[key] for key in spec.parts if key in by_key and by_key[key].value is not None]
        if not parts or any(part.unit_code != figure.unit_code for part in parts):
            continue
        actual = sum((part.value for part in parts if part.value is not None), Decimal(0))  # every one has a value
        if actual == figure.value:
            continue
        found.append(
            (
                index,
                FigureProblem(
                    "value",
                    Fault.TOTAL_DIFFERS,
                    _("{name}: the total {total} is not the sum of its methods, {actual} (off by {off}); correct the total or the method that is wrong").format(
                        name=spec.name, total=number(figure.value), actual=number(actual), off=number(abs(figure.value - actual))
                    ),
                ),
            )
        )
    return found


def _plain(value: Decimal | int) -> str:
    """A figure in a message, in the reader's language (3,04 and 1.900 in Vietnamese), with the digits written."""
    return number(value)


def part_name(name: str) -> str:
    """``numerator`` or ``denominator`` in the current language."""
    return _("numerator") if name == "numerator" else _("denominator")
