"""Reading the months out of a schedule row's free-text time.

Schedules write times as officers speak them: ``Tháng 3-5/2025; Tháng 7-9/2025``,
``Tháng 6,12/2025``, ``Tháng 7; Tháng 10 - 12/2025``, ``Quý II/2025``, ``Hàng tháng``,
``Khi có lớp tập huấn``.  The text is kept as written; this module only derives
the (year, month) pairs it names and its cadence, so that a schedule can be
checked against its plan's year and drawn as a month grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..i18n import N_, _
from .names import strip_marks

_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"quy\s+(iv|i{1,3}|[1-4])\s*(?:/\s*(\d{4}))?")
_MONTHS = re.compile(r"thang\s+(\d[\d\s,;/\-]*)")
_TOKEN = re.compile(r"\d+|[-,/]")
_CADENCES = (("hang thang", "monthly"), ("hang quy", "quarterly"), ("thuong xuyen", "continuous"))


class Problem(str):
    """Why a time cannot be read: the English text (parses are cached, so the
    language is chosen when the problem is shown, by ``text()``)."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Problem:
        problem = super().__new__(cls, template.format(**params))
        problem.template, problem.params = template, params
        return problem

    def text(self) -> str:
        """The problem in the current language."""
        return _(self.template).format(**self.params)


@dataclass(frozen=True)
class TimeSpec:
    text: str
    months: tuple[tuple[int | None, int], ...]
    cadence: str | None
    problems: tuple[Problem, ...] = ()

    @property
    def understood(self) -> bool:
        return bool(self.months or self.cadence)

    def resolved(self, year: int) -> tuple[tuple[int, int], ...]:
        """The months with a missing year taken as the plan's year."""
        return tuple((y if y is not None else year, m) for y, m in self.months)


def _small(digits: str) -> int:
    """A month or a year as written; a run of more than 6 digits is neither (and ``int()``
    refuses thousands of them), so it stands as 0: "0 is not a month"."""
    return int(digits) if len(digits) <= 6 else 0


def _parse_month_body(body: str, problems: list[Problem]) -> list[tuple[int | None, int]]:
    """Parse ``3-5/2025``, ``1/2025-2/2025``, ``6,12/2025`` or ``7`` into (year, month) pairs."""
    items: list[tuple[int, int | None]] = []  # (month, year)
    links: list[str] = []
    tokens = _TOKEN.findall(body)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isdigit():
            month, year = _small(token), None
            if index + 2 < len(tokens) and tokens[index + 1] == "/" and tokens[index + 2].isdigit():
                year = _small(tokens[index + 2])
                index += 2
            items.append((month, year))
        elif token in "-," and items:
            links.append(token)
        index += 1
    # a month without a year takes the year written after it ("3-5/2025")
    following: int | None = None
    dated: list[tuple[int, int | None]] = []
    for month, year in reversed(items):
        following = year if year is not None else following
        dated.append((month, following))
    dated.reverse()
    result: list[tuple[int | None, int]] = []
    for position, (month, year) in enumerate(dated):
        if not 1 <= month <= 12:
            problems.append(Problem(N_("{month} is not a month"), month=month))
            continue
        link = links[position - 1] if 0 < position <= len(links) else ","
        if link == "-" and result:
            start_year, start_month = result[-1]
            first = (start_year or year or 0) * 12 + start_month - 1
            last = (year or start_year or 0) * 12 + month - 1
            if last < first:
                problems.append(Problem(N_("the range ending in month {month} runs backwards"), month=month))
                continue
            for serial in range(first + 1, last + 1):
                y, m = divmod(serial, 12)
                result.append((y or None, m + 1))
        else:
            result.append((year, month))
    return result


@lru_cache(maxsize=4096)
def parse_time(text: str) -> TimeSpec:
    folded = strip_marks(text).lower()
    folded = re.sub(r"\s+", " ", folded)
    problems: list[Problem] = []
    cadence = next((name for phrase, name in _CADENCES if phrase in folded), None)
    months: list[tuple[int | None, int]] = []
    for match in _QUARTER.finditer(folded):
        quarter = _QUARTERS[match.group(1)]
        year = int(match.group(2)) if match.group(2) else None
        months.extend((year, 3 * (quarter - 1) + k) for k in (1, 2, 3))
    for match in _MONTHS.finditer(folded):
        for segment in match.group(1).split(";"):
            months.extend(_parse_month_body(segment, problems))
    # "Tháng 7; Tháng 10 - 12/2025": a segment without a year takes the next one's
    following: int | None = None
    filled: list[tuple[int | None, int]] = []
    for year, month in reversed(months):
        if year is None:
            year = following
        else:
            following = year
        filled.append((year, month))
    filled.reverse()
    unique = tuple(dict.fromkeys(filled))
    if not unique and not cadence and not problems and re.search(r"\d", folded):
        problems.append(Problem(N_("no month could be read from this time")))
    return TimeSpec(text=text, months=unique, cadence=cadence, problems=tuple(problems))
