"""Typed crosswalks: how last year's units map to this year's, with the share of each part.

A crosswalk file sits beside the plans and is told from a plan by its first key,
``kind: crosswalk``.  It carries the figures of the units one unit assigned to in one year
(``from``: Long Biên's 13 wards of 2025) into the units another assigns to in a later year
(``to``: Hà Nội's wards and communes of 2026).  Each old unit has one or more parts, each going
to a new unit.  An old unit with one part went whole; a divided old unit says how its figures
are shared among its parts (``by``):

- ``population``: each part gives its population, and the shares are the exact fractions
  (7.200 of 35.500 people);
- ``share``: each part gives its share, as a decimal (0.2) or a fraction ("1/3"), and they sum
  to exactly 1;
- ``figure``: each part gives the figures themselves (``figures: {new_users_iud: 30}``), as the
  ward's registers split them; only those indicators can be carried;
- ``undecided``: what ``dansokh crosswalk`` proposes for a divided unit, an error until the
  officer decides (the tool never guesses a share).

A part may also give ``population`` under ``share`` or ``figure``: rates are carried as a mean
weighted by population, and need it wherever the parts' rates differ.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..i18n import N_
from .numbers import in_domain
from .plan import FullDate, IndicatorKey, Model, Number, OfficialCode, Slug, Year

CROSSWALK_KIND = "crosswalk"
BY = ("population", "share", "figure", "undecided")
_FRACTION = re.compile(r"^\s*([0-9]{1,15})\s*/\s*([0-9]{1,15})\s*$")  # within the number domain

MESSAGES = {
    "share": N_('expected a share: a number from 0 to 1 with at most 6 decimals (0.25) or a fraction in quotes ("1/4")'),
    "population": N_("expected a population: a whole number of people, more than 0 and of at most 15 digits"),
}


def is_crosswalk(data: Any) -> bool:
    """A loaded file is a crosswalk when its top-level mapping says ``kind: crosswalk``."""
    return isinstance(data, dict) and data.get("kind") == CROSSWALK_KIND


def _share(value: Any) -> Any:
    """A share as written: 0.25, 1, or "1/4"; kept as written (``as_fraction`` reads it)."""
    from decimal import Decimal

    if isinstance(value, bool):
        raise PydanticCustomError("share", MESSAGES["share"])
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not in_domain(value) or value < 0 or value > 1:  # 1E-999999999 is no share: its fraction would never end
            raise PydanticCustomError("share", MESSAGES["share"])
        return str(value)
    if isinstance(value, str):
        match = _FRACTION.match(value)
        if match and int(match.group(2)) > 0 and int(match.group(1)) <= int(match.group(2)):
            return value.strip()
    raise PydanticCustomError("share", MESSAGES["share"])


def _population(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or not in_domain(value):
        raise PydanticCustomError("population", MESSAGES["population"])
    return value


Share = Annotated[str, BeforeValidator(_share)]
Population = Annotated[int, BeforeValidator(_population)]


def as_fraction(share: str) -> Fraction:
    """A share's exact value: "1/3" is one third, not 0.333…"""
    match = _FRACTION.match(share)
    if match:
        return Fraction(int(match.group(1)), int(match.group(2)))
    return Fraction(share)


class _Part(Model):
    """A crosswalk's models are built when a crosswalk is first read, not at import: most runs read none."""

    model_config = ConfigDict(defer_build=True)


class Scope(_Part):
    """One side of a crosswalk: the units ``unit``'s plans of ``year`` assign to."""

    year: Year
    unit: Slug


class Part(_Part):
    """Where (part of) an old unit went: a new unit, and its share of the old unit's figures."""

    unit: Slug
    name: str | None = None
    code: OfficialCode | None = None
    share: Share | None = None
    population: Population | None = None
    figures: dict[IndicatorKey, Number] | None = None
    note: str | None = None


class Entry(_Part):
    """One old unit and its parts."""

    old: Slug
    name: str | None = None
    code: OfficialCode | None = None
    by: Literal["population", "share", "figure", "undecided"] | None = None
    parts: list[Part] = Field(min_length=1)
    note: str | None = None

    @property
    def divided(self) -> bool:
        return len(self.parts) > 1


class Crosswalk(_Part):
    kind: Literal["crosswalk"]
    id: Slug | None = None
    from_: Scope = Field(alias="from")
    to: Scope
    date: FullDate | None = Field(default=None, description="the day the new units came into force")
    source: str | None = Field(default=None, description="where the mapping comes from")
    note: str | None = None
    units: list[Entry]

    def entry(self, old: str) -> tuple[int, Entry] | None:
        return next(((i, e) for i, e in enumerate(self.units) if e.old == old), None)
