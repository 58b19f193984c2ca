"""Typed plans: the Pydantic models of one plan file.

Unknown keys and wrong types are errors (``extra="forbid"``, strict types), so a
typo in a plan is reported instead of ignored.  Codes and numbers used as labels
(``tt: "1.1"``) are strings.  Numbers are ``Decimal`` so that 0,15 stays 0,15.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ..diagnostics import shorten
from ..i18n import N_, pgettext
from ..read.limits import MAX_NAME
from .catalogue import CATALOGUE, UNITS, canonical, is_convertible
from .names import name_key, slug
from .numbers import MAX_DECIMALS, MAX_WHOLE_DIGITS, bounded, in_domain
from .periods import PERIODS
from .times import TimeSpec, parse_time

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 15/01/2025, as documents write a day
_OFFICIAL_CODE = re.compile(r"^\d{2}(?:\d|\d{3})?$")  # a province 01, a district 004, a commune 00118


# The messages of the checks below, by error type: English message ids, translated
# when the error becomes a diagnostic (parse.py), with the error's context.
MESSAGES = {
    "number_type": N_("expected a number"),
    "number_domain": N_(
        "{value} is not a number a plan may hold: at most {whole} digits before the decimal point and {decimals} after it"
    ),
    "whole_domain": N_("{value} is not a whole number a plan may hold: at most {whole} digits"),
    "year": N_("expected a year of four digits, like 2025"),
    "unit_for_indicator": N_(
        "unit '{unit}' does not fit {indicator}, which is measured in {expected} (a count and a rate never convert)"
    ),
    "slug": N_("expected an id of lowercase letters, digits and hyphens, like long-bien"),
    "partial_date": N_(
        "{value!r} is not a date as plan files write it: write it year-month-day, like 2025-01-15"
        " (a month alone: 2025-01; a year alone: 2025)"
    ),
    "date_as_written": N_("{value!r} is not a date as plan files write it: write {date} (year-month-day, like 2025-01-15)"),
    "invalid_date": N_("{value!r} is not a day of the calendar: write a real day year-month-day, like 2025-01-15"),
    "unknown_indicator": N_("unknown indicator '{key}'"),
    "unknown_unit": N_("unknown unit '{unit}' (known: {known})"),
    "full_date": N_("{value!r} is not a date as plan files write it: write it year-month-day, like 2025-01-15"),
    "unknown_period": N_("unknown period '{period}' (known: {known})"),
    "name_length": N_("at most {limit} characters, not {length:,}: a unit's name as the documents write it"),
    "official_code": N_(
        "expected an official code of 2, 3 or 5 digits in quotes, with its leading zeros (code: \"00118\")"
    ),
}


CHECKED: dict[str, str] = {"numbers": "checked"}
"""The validation context of data this version of dansokh read and checked already (the outline a
worker or the cache gives back): its Decimals are in the domain, and are not checked twice."""


def _number(value: Any, info: ValidationInfo) -> Any:
    kind = type(value)
    if kind is Decimal and info.context is CHECKED:
        return value
    if kind is Decimal or kind is int:  # every number of every plan: one call, no isinstance chain
        if in_domain(value):
            return value if kind is Decimal else Decimal(value)
    elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise PydanticCustomError("number_type", MESSAGES["number_type"])
    if not in_domain(value):
        raise PydanticCustomError(
            "number_domain",
            MESSAGES["number_domain"],
            {"value": bounded(value), "whole": MAX_WHOLE_DIGITS, "decimals": MAX_DECIMALS},
        )
    return Decimal(value) if isinstance(value, int) else value


def _whole(value: Any) -> Any:
    """Whole numbers (a count, a denominator) within the domain; a huge integer the loader could
    not make an int arrives as a Decimal."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value() and not in_domain(value):
        raise PydanticCustomError("whole_domain", MESSAGES["whole_domain"], {"value": bounded(value), "whole": MAX_WHOLE_DIGITS})
    if isinstance(value, int) and not isinstance(value, bool) and not in_domain(value):
        raise PydanticCustomError("whole_domain", MESSAGES["whole_domain"], {"value": bounded(value), "whole": MAX_WHOLE_DIGITS})
    return value


def _year(value: Any) -> Any:
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool) and not 1000 <= value <= 9999):
        raise PydanticCustomError("year", MESSAGES["year"])
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise PydanticCustomError("slug", MESSAGES["slug"])
    return value


def _as_written(value: str, kind: str) -> PydanticCustomError:
    """A date not written year-month-day: the error repeats the text, and gives the date to write
    where the text is a day as Vietnamese documents write it (15/01/2025, 15-01-2025, 15.01.2025)."""
    shown = shorten(value)
    match = _DAY_FIRST.match(value.strip())
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            written = date(year, month, day).isoformat()
        except ValueError:
            written = None
        if written is not None:
            return PydanticCustomError("date_as_written", MESSAGES["date_as_written"], {"value": shown, "date": written})
    return PydanticCustomError(kind, MESSAGES[kind], {"value": shown})


def _partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise _as_written(value, "partial_date")
    year, month, day = match.groups()
    try:
        if day:
            date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            raise ValueError(month)
    except ValueError:
        raise PydanticCustomError("invalid_date", MESSAGES["invalid_date"], {"value": shorten(value)}) from None
    return value


def _full_date(value: str) -> str:
    if not _FULL_DATE.match(value):
        raise _as_written(value, "full_date")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("invalid_date", MESSAGES["invalid_date"], {"value": shorten(value)}) from None
    return value


def _official_code(value: Any) -> Any:
    """A unit's code as the official list writes it: text, leading zeros kept.  Unquoted,
    ``00118`` would be read as the number 118 and its zeros lost, so a number is refused."""
    if not isinstance(value, str) or not _OFFICIAL_CODE.match(value):
        raise PydanticCustomError("official_code", MESSAGES["official_code"])
    return value


def _name(value: str) -> str:
    if len(value) > MAX_NAME:
        raise PydanticCustomError("name_length", MESSAGES["name_length"], {"limit": MAX_NAME, "length": len(value)})
    return value


def _period(value: str) -> str:
    if value not in PERIODS:
        raise PydanticCustomError(
            "unknown_period", MESSAGES["unknown_period"], {"period": shorten(value), "known": ", ".join(PERIODS)}
        )
    return value


def _indicator(value: str) -> str:
    """A key of the catalogue in force; a former key (an alias) is read as the indicator's key."""
    key = canonical(value)
    if key is None:
        raise PydanticCustomError("unknown_indicator", MESSAGES["unknown_indicator"], {"key": value})
    return key


def _unit(value: str) -> str:
    if value not in UNITS:
        raise PydanticCustomError(
            "unknown_unit", MESSAGES["unknown_unit"], {"unit": shorten(value), "known": ", ".join(shorten(u) for u in UNITS)}
        )
    return value


Number = Annotated[Decimal, BeforeValidator(_number)]
Whole = Annotated[int, BeforeValidator(_whole)]
Year = Annotated[int, BeforeValidator(_year)]
Slug = Annotated[str, AfterValidator(_slug)]
Name = Annotated[str, AfterValidator(_name)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
FullDate = Annotated[str, AfterValidator(_full_date)]
PeriodCode = Annotated[str, AfterValidator(_period)]
IndicatorKey = Annotated[str, AfterValidator(_indicator)]
UnitCode = Annotated[str, AfterValidator(_unit)]
OfficialCode = Annotated[str, BeforeValidator(_official_code)]


def _empty_list() -> Any:
    """A list that defaults to empty, made by a factory: Pydantic deep-copies a ``[]`` default
    for every instance, and a national repository makes hundreds of thousands."""
    return Field(default_factory=list, json_schema_extra={"default": []})


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def unit_fits(indicator: str | None, unit: str | None) -> str | None:
    """A rate is given in % or ‰, a count in its own unit: never a count unit for a rate.
    (Checked only where a unit is written; an indicator that failed its own check is not asked.)"""
    if unit is None or indicator is None or indicator not in CATALOGUE:
        return unit
    expected = CATALOGUE[indicator].unit
    if unit != expected and not is_convertible(unit, expected):
        raise PydanticCustomError(
            "unit_for_indicator", MESSAGES["unit_for_indicator"], {"unit": unit, "indicator": indicator, "expected": expected}
        )
    return unit


class UnitDecl(Model):
    """An administrative unit.  Levels are data: any hierarchy depth works.  ``code`` is its
    official code (mã đơn vị hành chính), checked by the O rules where a repository selects them."""

    id: Slug
    name: Name
    level: str
    parent: Slug | None = None
    code: OfficialCode | None = Field(default=None, description="the official code, in quotes: \"00118\"")
    aliases: list[Name] = _empty_list()


class Signer(Model):
    on_behalf: str | None = None
    authority: str | None = None
    title: str | None = None
    name: str | None = None


class DocumentRef(Model):
    """A document this plan implements, as the source cites it."""

    kind: str
    number: str | None = None
    date: PartialDate | None = None
    issuer: str | None = None
    title: str | None = None


class Document(Model):
    """The plan's identity.  Parts a draft leaves blank stay ``null``."""

    kind: str = "Kế hoạch"
    issuer: str
    number: str | None = None
    symbol: str | None = None
    date: PartialDate | None = None
    place: str | None = None
    title: str
    signer: Signer
    implements: list[DocumentRef] = []


class Target(Model):
    """A numeric target.  ``count`` is the absolute figure a rate corresponds to,
    ``base`` the size of its denominator where the source states it."""

    indicator: IndicatorKey
    value: Number
    unit: UnitCode | None = None
    count: Whole | None = None
    base: Whole | None = None
    text: str | None = None
    note: str | None = None

    @field_validator("unit")
    @classmethod
    def _unit_fits_indicator(cls, unit: str | None, info: ValidationInfo) -> str | None:
        return unit_fits(info.data.get("indicator"), unit)

    @property
    def unit_code(self) -> str:
        return self.unit or CATALOGUE[self.indicator].unit


class Column(Model):
    indicator: IndicatorKey
    label: str
    unit: UnitCode | None = None
    group: str | None = None
    weight: IndicatorKey | None = Field(default=None, description="column whose values weight this rate's total")

    @field_validator("unit")
    @classmethod
    def _unit_fits_indicator(cls, unit: str | None, info: ValidationInfo) -> str | None:
        return unit_fits(info.data.get("indicator"), unit)

    @property
    def unit_code(self) -> str:
        return self.unit or CATALOGUE[self.indicator].unit


class AllocationRow(Model):
    tt: str | None = None
    name: str
    total: bool = False
    values: list[Number | None]


class AllocationTable(Model):
    """A biểu giao chỉ tiêu: one row per child unit, plus the issuing unit's total row."""

    kind: Literal["allocation"]
    number: str | None = None
    heading: str | None = None
    title: str
    subtitle: str | None = None
    attached: str | None = None
    number_label: str = "TT"
    name_label: str = "Đơn vị"
    header: str | None = None
    units_row: str | None = Field(default=None, description="label of the row of units, where the source has one")
    columns: list[Column]
    rows: list[AllocationRow]

    def column_index(self, indicator: str) -> int | None:
        return self._column_positions.get(indicator)

    @cached_property
    def _column_positions(self) -> dict[str, int]:
        """The first column of each indicator (a dict: rules ask for every target and column)."""
        positions: dict[str, int] = {}
        for index, column in enumerate(self.columns):
            positions.setdefault(column.indicator, index)
        return positions

    @property
    def total_row(self) -> tuple[int, AllocationRow] | None:
        return next(((i, row) for i, row in enumerate(self.rows) if row.total), None)

    @property
    def unit_rows(self) -> list[tuple[int, AllocationRow]]:
        return [(i, row) for i, row in enumerate(self.rows) if not row.total]


class ScheduleRow(Model):
    number: str
    content: str
    time: str
    lead: str
    partners: str | None = None
    rows: list[ScheduleRow] = _empty_list()

    @property
    def timespec(self) -> TimeSpec:
        return parse_time(self.time)

    @staticmethod
    def field_name(key: str) -> str:
        """A field of a schedule row as an officer names its column: ``nội dung``, ``thời gian``,
        ``đơn vị chủ trì``, ``đơn vị phối hợp`` (the key itself in English)."""
        names = {
            "number": pgettext("schedule column", "number"),
            "content": pgettext("schedule column", "content"),
            "time": pgettext("schedule column", "time"),
            "lead": pgettext("schedule column", "lead"),
            "partners": pgettext("schedule column", "partners"),
        }
        return names.get(key, key)


class ScheduleSection(Model):
    number: str
    title: str
    sections: list[ScheduleSection] = _empty_list()
    rows: list[ScheduleRow] = _empty_list()


class ScheduleColumns(Model):
    number: str = "TT"
    content: str = "Nội dung"
    time: str = "Thời gian thực hiện"
    lead: str = "Đơn vị chủ trì"
    partners: str = "Đơn vị phối hợp"


class Schedule(Model):
    """A tiến độ thực hiện: sections of numbered task rows."""

    kind: Literal["schedule"]
    number: str | None = None
    heading: str | None = None
    title: str
    subtitle: str | None = None
    attached: str | None = None
    columns: ScheduleColumns = Field(
        default_factory=ScheduleColumns, json_schema_extra={"default": ScheduleColumns().model_dump()}
    )
    sections: list[ScheduleSection]


Appendix = Annotated[AllocationTable | Schedule, Field(discriminator="kind")]


class Duty(Model):
    """What one unit is charged with under "Tổ chức thực hiện"."""

    number: str | None = None
    unit: str
    items: list[str]


class ReportDue(Model):
    """One report a plan asks for: the period it covers and the day it is due before."""

    period: PeriodCode
    before: FullDate = Field(description="the report is due before this day (trước ngày …)")


class Reporting(Model):
    """How the units this plan assigns to report their results, as the source states it:
    ``text`` is the source's sentence; ``reports`` only what it dates (none for "định kỳ")."""

    text: str
    to: str | None = None
    regime: str | None = Field(default=None, description="the statistical reporting regime the source cites")
    reports: list[ReportDue] = []

    def due(self, period: str) -> ReportDue | None:
        return next((report for report in self.reports if report.period == period), None)


class Plan(Model):
    id: Slug
    year: Year
    scope: Literal["annual", "thematic"]
    continues: Slug | None = Field(default=None, description="the plan this one continues: last year's")
    document: Document
    unit: UnitDecl
    units: list[UnitDecl] = Field(default=[], description="the units this plan assigns targets to")
    goals: list[str] = []
    targets: list[Target] = []
    appendices: list[Appendix] = []
    duties: list[Duty] = []
    reporting: Reporting | None = None

    @property
    def allocation_tables(self) -> list[tuple[int, AllocationTable]]:
        return [(i, a) for i, a in enumerate(self.appendices) if isinstance(a, AllocationTable)]

    @property
    def schedules(self) -> list[tuple[int, Schedule]]:
        return [(i, a) for i, a in enumerate(self.appendices) if isinstance(a, Schedule)]

    @property
    def unit_title(self) -> str:
        """The issuing unit as officers write it, with its kind: ``quận Long Biên``,
        ``phường Ngọc Thụy``.  Taken from the issuer the source prints ("UBND quận Long
        Biên"), so nothing is typed twice; the bare name where the issuer is not a
        People's Committee."""
        issuer = " ".join(self.document.issuer.split())
        for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
            if issuer.lower().startswith(prefix.lower()):
                rest = issuer[len(prefix):]
                if name_key(rest).endswith(name_key(self.unit.name)) and name_key(rest) != name_key(self.unit.name):
                    return rest[:1].lower() + rest[1:]  # "Quận Long Biên" -> "quận Long Biên"
        return self.unit.name

    @property
    def parent_title(self) -> str | None:
        """The parent unit as officers write it (``thành phố Lào Cai``), from the issuer of a document
        the plan implements whose name is the parent's id (``thanh-pho-lao-cai``, or ``long-bien``
        for "UBND quận Long Biên"); None when no document names it."""
        parent = self.unit.parent
        if parent is None:
            return None
        for document in self.document.implements:
            issuer = " ".join((document.issuer or "").split())
            for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
                if issuer.lower().startswith(prefix.lower()):
                    rest = issuer[len(prefix):]
                    written = slug(rest)
                    if rest and (written == parent or written.endswith("-" + parent)):
                        return rest[:1].lower() + rest[1:]
        return None

    def target(self, indicator: str) -> tuple[int, Target] | None:
        return self._target_positions.get(indicator)

    @cached_property
    def _target_positions(self) -> dict[str, tuple[int, Target]]:
        positions: dict[str, tuple[int, Target]] = {}
        for index, target in enumerate(self.targets):
            positions.setdefault(target.indicator, (index, target))
        return positions
