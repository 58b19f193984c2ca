"""The years a plan's texts name, and the same texts a year later.

A plan's title, its appendices' titles, subtitles and attached line, a table's header and its
column labels name the plan's own year ("… năm 2025", "Chỉ tiêu năm 2025", "ngày …./…./2025")
and sometimes the year before it, as the baseline of a reduction ("Mức giảm so với năm 2024").
Other years in a plan are legitimate references and are left alone: a horizon ("đến năm 2030"),
a period ("giai đoạn 2021-2025", "năm 2021-2025"), a document's date ("Chỉ thị 11/CT-UBND ngày
22/10/2024"), a document's number ("Thông tư 01/2022/TT-BYT").

Next year's plan moves on only the years that are relative to the plan: its own year ("năm 2025"
in the 2025 plan), its baseline, the year before it ("so với năm 2024"), and the year after it where a
text speaks of next year's work ("xây dựng kế hoạch công tác năm 2026": in the 2026 plan, 2027's).
A year named as when a fixed event happens, ``vào năm`` followed by a year other than the plan's
("đổi sổ A0 vào năm 2026": the books are exchanged in 2026, whichever plan prepares it), is an
``event`` and stays as written, as do horizons, periods, deadlines in another year than the plan's
("trước ngày 31/12/2026" in a 2025 plan) and other documents' dates and numbers.

``stray_years`` finds what check D004 reports; ``next_year_text`` and ``next_year_time`` write a
text for the next year's plan (``dansokh new --next``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .names import strip_marks

OWN, BASELINE, EVENT = "own", "baseline", "event"


def _folding() -> dict[int, str]:
    """Latin letters with diacritics (Vietnamese's among them) to their bare letter, one for one
    (đ -> d).  A letter that does not decompose has no bare form but for đ and Đ: it is passed
    over without being stripped, which keeps the start of every command quick."""
    table = {}
    for code in range(0xC0, 0x2000):
        letter = chr(code)
        if letter not in "đĐ" and unicodedata.is_normalized("NFD", letter):
            continue
        bare = strip_marks(letter)
        if len(bare) == 1 and bare != letter and bare.isascii():
            table[code] = bare
    return table


_FOLD = _folding()
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b(?!\s*[-–]\s*\d)")  # on the text without diacritics
# ngày …./…./2025, ngày /01/2025; each part one character class (a \s* before a class that holds
# spaces too would make a long run of spaces cost its square)
_DATE = re.compile(r"\bngay[.…\d\s]*/[.…\d\s]*/\s*((?:19|20)\d{2})\b")
_DAY_MONTH = re.compile(r"ngày\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})")
_BASELINE_BEFORE = re.compile(r"so\s+voi\s+$")
_EVENT_BEFORE = re.compile(r"\bvao\s+$")  # "vào năm 2026": when a fixed event happens
_REFERENCE_BEFORE = re.compile(r"(?:\bden|\btoi|\btu|\bgiai\s+doan|\btruoc|\bsau|\bhet|\btam\s+nhin(?:\s+den)?)\s+$")
_DEADLINE = re.compile(r"((?:trước|đến|hạn|từ)\s+ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*)((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
HAS_YEAR = _ANY_YEAR.search  # whether a text writes a year at all


@dataclass(frozen=True)
class Mention:
    """A year a text names: where (character offsets of the digits), which year, and as what:
    ``own`` (the plan's year), ``baseline`` (the year compared with) or ``event`` (when a fixed
    event happens: "vào năm 2026")."""

    start: int
    end: int
    year: int
    role: str


def mentions(text: str, attached: bool = False) -> list[Mention]:
    """The years ``text`` names as the plan's own or as its baseline; in an attached line, the
    date of the plan ("ngày …./…./2025") too.  References (horizons, periods, other documents'
    dates and numbers) are not mentions."""
    if not _ANY_YEAR.search(text):  # most labels name no year: nothing to fold
        return []
    folded = text.translate(_FOLD).lower()  # one character for one: the offsets stay
    found: list[Mention] = []
    for match in _YEAR.finditer(folded):
        before = folded[max(0, match.start() - 20) : match.start()]
        if _REFERENCE_BEFORE.search(before):
            continue
        role = BASELINE if _BASELINE_BEFORE.search(before) else EVENT if _EVENT_BEFORE.search(before) else OWN
        found.append(Mention(match.start(1), match.end(1), int(match.group(1)), role))
    if attached:
        for match in _DATE.finditer(folded):
            if not any(m.start == match.start(1) for m in found):
                found.append(Mention(match.start(1), match.end(1), int(match.group(1)), OWN))
    return sorted(found, key=lambda m: m.start)


# a horizon ("đến năm 2025", "tầm nhìn đến năm 2025") or the end of a period ("giai đoạn 2021-2025",
# "giai đoạn 2016 - 2025"), on the text without diacritics: when a programme ends
_HORIZON = re.compile(r"\b(?:den|toi)\s+nam\s+((?:19|20)\d{2})\b(?!\s*[-–/]\s*\d)")
_PERIOD_END = re.compile(r"\bgiai\s+doan\s+(?:nam\s+)?(?:19|20)\d{2}\s*[-–]\s*((?:19|20)\d{2})\b")


def ended_spans(text: str, year: int) -> list[tuple[int, int, int]]:
    """The horizons and periods ``text`` names that ended before ``year``, as (start, end, the
    year it ended): "đến năm 2025" or "giai đoạn 2021-2025" in a plan of 2026 is a programme that
    is over; "đến năm 2030" is not, and neither is another document's date or number."""
    if not _ANY_YEAR.search(text):
        return []
    folded = text.translate(_FOLD).lower()
    found = [(m.start(), m.end(), int(m.group(1))) for pattern in (_HORIZON, _PERIOD_END) for m in pattern.finditer(folded)]
    return sorted(f for f in found if f[2] < year)


def ended(text: str, year: int) -> list[int]:
    """The years the programmes ``text`` names ended in, where before ``year`` (see ``ended_spans``)."""
    return [end for _start, _stop, end in ended_spans(text, year)]


def stray_years(text: str, year: int, attached: bool = False) -> list[Mention]:
    """The mentions that do not fit a plan of ``year``: an own year that is not ``year``, a
    baseline that is not the year before it (an event may be in any year)."""
    return [
        m for m in mentions(text, attached)
        if (m.role == OWN and m.year != year) or (m.role == BASELINE and m.year != year - 1)
    ]


def _replace(text: str, changes: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(changes, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def next_year_text(text: str, year: int, attached: bool = False, number: str | None = None, by: int = 1) -> str:
    """``text`` of a plan of ``year`` as the plan of ``year + by`` says it: the plan's own year,
    the year compared with and the year after it move on by ``by``; references stay.  In an
    attached line, a day and month already filled in (``ngày 03/01/2025``) and the document's
    ``number`` are blanked: the new document has neither yet.  An event in another year than
    ``year`` ("vào năm 2026") stays: it happens then, whichever plan names it."""
    changes = [
        (m.start, m.end, str(m.year + by))
        for m in mentions(text, attached)
        if m.year in (year - 1, year, year + 1)
        and (m.role == OWN or (m.role == BASELINE and m.year == year - 1) or (m.role == EVENT and m.year == year))
    ]
    shifted = _replace(text, changes)
    # a deadline in the plan's year ("hoàn thành trước ngày 24/01/2025") moves with it; a document's
    # date ("Kế hoạch số 02/KH-UBND ngày 03/01/2025") stays: it is when that document was issued
    shifted = _DEADLINE.sub(
        lambda m: m.group(1) + (str(int(m.group(2)) + by) if int(m.group(2)) == year else m.group(2)), shifted
    )
    if attached:
        shifted = _DAY_MONTH.sub(lambda match: f"ngày …./…./{match.group(3)}", shifted)
        if number:
            shifted = re.sub(r"(số\s*:?\s*)" + re.escape(number) + r"(?![\w])", lambda m: m.group(1) + "………", shifted, count=1)
    return shifted


def next_year_time(text: str, by: int = 1) -> str:
    """A schedule time a year later, in the same form: every year it names moves on by one
    (``Tháng 3-5/2025; Tháng 7-9/2025`` -> ``Tháng 3-5/2026; Tháng 7-9/2026``, ``Quý II/2025``
    -> ``Quý II/2026``); a time without a year (``Hàng tháng``) is unchanged."""
    return _ANY_YEAR.sub(lambda match: str(int(match.group(1)) + by), text)


_TRAILING_YEAR = re.compile(r"-(?:19|20)\d{2}$")


def year_id(name: str, year: int) -> str:
    """The id of a plan of ``year`` named after a plan or unit id: the name without a year it
    ends in, then the year (``long-bien`` -> ``long-bien-2026``, ``long-bien-2026`` ->
    ``long-bien-2027``, ``long-bien-srb`` -> ``long-bien-srb-2026``).  The convention of the plans
    ``dansokh new`` writes; the 2025 plans, written before it, keep their ids."""
    return f"{_TRAILING_YEAR.sub('', name)}-{year}"


def years_in(text: str) -> Iterator[int]:
    """Every four-digit year a text writes (for tests and messages)."""
    for match in _ANY_YEAR.finditer(text):
        yield int(match.group(1))
