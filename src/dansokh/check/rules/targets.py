"""Within one plan: targets, rates with counts, dates and schedules."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ...cascade.repository import LoadedPlan
from ...i18n import N_, _
from ...model.catalogue import CATALOGUE, DENOMINATORS
from ...model.plan import AllocationTable, Plan, Schedule, ScheduleRow, ScheduleSection
from ...model.years import BASELINE, HAS_YEAR, ended_spans, stray_years
from ...read.limits import shorten
from ...read.positions import Path
from .base import Diagnostic, Related, Rule, Severity, fmt, plan_rule, quantity


@plan_rule("P001", "duplicate-target", N_("The same indicator is stated twice among a plan's targets."))
def duplicate_target(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Each indicator has one target per plan; a second one would leave the cascade
    guessing which one the plan means.  Where the source itself disagrees, keep one
    target and say so in its ``note``."""
    first: dict[str, int] = {}
    for index, target in enumerate(loaded.plan.targets):
        if target.indicator in first:
            yield rule.at(
                loaded.span(("targets", index, "indicator")),
                _("indicator {indicator!r} already has a target").format(indicator=shorten(target.indicator)),
                Related(loaded.span(("targets", first[target.indicator], "indicator")), _("the first target")),
            )
        else:
            first[target.indicator] = index


def _base_interval(rate: Decimal, count: int) -> tuple[Fraction, Fraction | None]:
    """The open interval of denominators N for which rate % of N rounds to count (None: no
    upper end), in exact fractions: counts reach 15 digits, where floats lose units."""
    if rate == 0:
        return (Fraction(0), None) if count == 0 else (Fraction(1), Fraction(0))
    share = Fraction(rate) / 100
    return ((count - 1) / share, (count + 1) / share)


@plan_rule("R001", "rate-count-mismatch", N_("A rate and the count it corresponds to disagree with their denominator."))
def rate_count_mismatch(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Where a rate is given with its count (Bắc Cường: 70% of the elderly = 1,199 people)
    the two must agree with the denominator: exactly where ``base`` is stated, and otherwise
    rates over the same denominator (70% = 1,199 and 90% = 1,542 of the elderly) must
    admit one common denominator."""
    groups: dict[str, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for index, target in enumerate(loaded.plan.targets):
        if target.count is None:
            continue
        if target.unit_code != "%":
            yield rule.at(loaded.span(("targets", index, "count")), _("a count is given for a value that is not a %"))
            continue
        if target.base is not None:
            expected = target.value * target.base / 100
            if abs(expected - target.count) >= 1:
                yield rule.at(
                    loaded.span(("targets", index, "count")),
                    _("{name}: {rate} of {base} is {expected}, not {count}; correct the rate, the count or the base").format(
                        name=CATALOGUE[target.indicator].name,
                        rate=quantity(target.value, "%"),
                        base=fmt(target.base),
                        expected=fmt(expected.quantize(Decimal("0.1"))),
                        count=fmt(target.count),
                    ),
                )
            continue
        denominator = CATALOGUE[target.indicator].denominator or target.indicator
        groups[denominator].append((index, target.value, target.count))
    for denominator, members in groups.items():
        low, high = Fraction(0), None
        for position, (index, rate, count) in enumerate(members):
            a, b = _base_interval(rate, count)
            low = max(low, a)
            high = b if high is None else high if b is None else min(high, b)
            if high is not None and math.floor(low) + 1 >= high:  # no whole number strictly inside
                others = ", ".join(f"{quantity(r, '%')} = {fmt(c)}" for _, r, c in members[:position])
                what = DENOMINATORS.get(denominator, denominator)
                if others:
                    template = _("{rate} = {count} cannot hold for any {what} together with {others}; one of the counts is wrong")
                else:
                    template = _("{rate} = {count} cannot hold for any {what}; the rate or the count is wrong")
                yield rule.at(
                    loaded.span(("targets", index, "count")),
                    template.format(rate=quantity(rate, "%"), count=fmt(count), what=what, others=others),
                )
                break


PLACEHOLDER = "…"
_PLACEHOLDER = re.compile(r"(?:^|\s)…(?:\s|$)")


def _said(message: str, **values: object) -> Callable[[], str]:
    """What a text is, said when asked: ``message`` (marked with ``N_``) in the language of
    that moment, with ``values`` bound now."""
    return lambda: _(message).format(**values)


def _row_field(ref: str, key: str) -> Callable[[], str]:
    """A field of a schedule's row, said when asked (its column's name in the language of that moment)."""
    return lambda: _("row {row}, {key}").format(row=ref, key=ScheduleRow.field_name(key))


def _placeholder_texts(plan: Plan) -> Iterator[tuple[Path, Callable[[], str], str]]:
    """The texts ``dansokh new`` leaves for the officer, as (path, what it is: said when asked, text)."""
    yield ("document", "issuer"), lambda: _("the issuer"), plan.document.issuer
    yield ("document", "title"), lambda: _("the title"), plan.document.title
    for index, goal in enumerate(plan.goals):
        yield ("goals", index), _said(N_("goal {number}"), number=index + 1), goal
    yield ("unit", "level"), lambda: _("the level of {unit}").format(unit=plan.unit.name), plan.unit.level
    for index, unit in enumerate(plan.units):
        yield ("units", index, "level"), _said(N_("the level of {unit}"), unit=unit.name), unit.level


@plan_rule("P002", "placeholder", N_("A text still holds the placeholder … that dansokh new left to fill in."), Severity.WARNING)
def placeholder(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """``dansokh new`` writes a plan from what the repository knows and leaves the rest to the
    officer: where a text is required and unknown (the kind of unit in the issuer, a goal, a
    schedule row, the level of a new unit that no plan and no official list gives), it writes
    ``…``.  Each one left is reported until it is filled in, so that no
    document is signed with a blank in it.  A ``…`` inside a text (``ngày …./…./2025``, as
    drafts write a blank date) is not a placeholder."""
    plan = loaded.plan
    found: list[tuple[Path, str]] = [(path, what()) for path, what, text in _placeholder_texts(plan)
                                     if PLACEHOLDER in text and _PLACEHOLDER.search(text)]
    for index, _schedule in plan.schedules:
        def sections(items: list[ScheduleSection], path: Path, prefix: str) -> Iterator[tuple[Path, str]]:
            for s, section in enumerate(items):
                here = f"{prefix}{section.number}"
                if PLACEHOLDER in section.title and _PLACEHOLDER.search(section.title):
                    yield path + (s, "title"), _("the title of section {section}").format(section=here)
                yield from sections(section.sections, path + (s, "sections"), here + ".")

        found += sections(_schedule.sections, ("appendices", index, "sections"), "")
    for path, ref, row in schedule_rows(loaded):
        if PLACEHOLDER in row.content or PLACEHOLDER in row.time or PLACEHOLDER in row.lead or PLACEHOLDER in (row.partners or ""):
            for key in ("content", "time", "lead", "partners"):
                text = getattr(row, key)
                if text and PLACEHOLDER in text and _PLACEHOLDER.search(text):
                    found.append((path + (key,), _("row {row}, {key}").format(row=ref, key=ScheduleRow.field_name(key))))
    for path, what in found:
        yield rule.at(loaded.span(path), _("{what} still holds the blank … that dansokh new left: fill it in").format(what=what))


def _rows(rows: list[ScheduleRow], path: Path, prefix: str) -> Iterator[tuple[Path, str, ScheduleRow]]:
    for index, row in enumerate(rows):
        yield path + (index,), prefix + row.number, row
        yield from _rows(row.rows, path + (index, "rows"), prefix)


def schedule_rows(loaded: LoadedPlan, only: int | None = None) -> list[tuple[Path, str, ScheduleRow]]:
    """Every schedule row (of the appendix ``only``, or of them all) with its path and its
    reference as an officer cites it: the sections' numbers and the row's (``A.I.1``; row
    numbers repeat from one section to the next), as ``dansokh diff`` writes it too.  Walked
    once per plan: several rules read them."""
    walked = loaded.__dict__.get("_schedule_rows")
    if walked is None:

        def sections(items: list[ScheduleSection], path: Path, prefix: str) -> Iterator[tuple[Path, str, ScheduleRow]]:
            for index, section in enumerate(items):
                here = f"{prefix}{section.number}." if section.number else prefix
                yield from _rows(section.rows, path + (index, "rows"), here)
                yield from sections(section.sections, path + (index, "sections"), here)

        walked = [
            (index, *row)
            for index, schedule in loaded.plan.schedules
            for row in sections(schedule.sections, ("appendices", index, "sections"), "")
        ]
        loaded.__dict__["_schedule_rows"] = walked
    return [(path, ref, row) for index, path, ref, row in walked if only is None or index == only]


@plan_rule("D001", "month-outside-year", N_("A schedule row names a month outside the plan's year."))
def month_outside_year(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A 2025 plan schedules its tasks in 2025: ``Tháng 3-5/2024`` in a 2025 plan is a
    slip of the keyboard.  When every row that writes a year writes the same other one, the
    schedule was copied from another year's plan: that is one problem, reported once, at its
    first row (``dansokh new --next`` writes next year's plan with every month moved)."""
    year = loaded.plan.year
    for index, _schedule in loaded.plan.schedules:
        dated: list[tuple[Path, str, ScheduleRow, list[int]]] = []
        for path, ref, row in schedule_rows(loaded, index):
            if any(y is not None for y, _ in row.timespec.months):
                outside = sorted({y for y, _ in row.timespec.resolved(year) if y != year})
                dated.append((path, ref, row, outside))
        wrong = [item for item in dated if item[3]]
        years = sorted({y for item in wrong for y in item[3]})
        if len(wrong) > 1 and len(wrong) == len(dated) and len(years) == 1:
            path, ref, row, _outside = wrong[0]
            yield rule.at(
                loaded.span(path + ("time",)),
                _(
                    "every row of this schedule that writes a year ({count} rows, from {row} on) falls in {other},"
                    " outside the plan's year {year}: was it copied from the {other} plan? Move the months to {year}"
                    " (dansokh new --next writes next year's plan with every month moved)"
                ).format(count=len(wrong), row=ref, other=years[0], year=year),
            )
            continue
        for path, ref, row, outside in wrong:
            yield rule.at(
                loaded.span(path + ("time",)),
                _("row {row}: {time!r} falls in {years}, outside the plan's year {year}").format(
                    row=shorten(ref), time=shorten(row.time), years=", ".join(map(str, outside)), year=year
                ),
            )


@plan_rule("D002", "unreadable-time", N_("A schedule time mentions numbers but no month can be read."), Severity.WARNING)
def unreadable_time(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Times are kept as written; where the text clearly means months (``Tháng 13/2025``,
    ``Tháng 5-3/2025``) but none can be read, the month grid would be wrong."""
    for path, ref, row in schedule_rows(loaded):
        for problem in row.timespec.problems:
            yield rule.at(
                loaded.span(path + ("time",)),
                _("row {row}: {time!r}: {problem}").format(
                    row=shorten(ref), time=shorten(row.time), problem=problem.text()
                ),
            )


@plan_rule("D003", "date-outside-year", N_("The document's date is not in the plan's year."), Severity.WARNING)
def date_outside_year(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A 2025 plan is issued in 2025 (drafts write only the year: ``ngày tháng năm 2025``)."""
    date = loaded.plan.document.date
    if date is not None and not date.startswith(str(loaded.plan.year)):
        yield rule.at(
            loaded.span(("document", "date")),
            _("the document is dated {date}, not in the plan's year {year}").format(
                date="/".join(reversed(date.split("-"))), year=loaded.plan.year
            ),
        )


def _appendix_label(appendix: AllocationTable | Schedule, index: int) -> str:
    if appendix.heading:
        return appendix.heading
    if appendix.number:
        return f"Phụ lục {appendix.number}"
    return _("appendix {position}").format(position=index + 1)


# what each text of ``year_texts`` is, said only when a message needs it
PLACES = {
    "title": N_("the title"),
    "appendix title": N_("the title of {appendix}"),
    "subtitle": N_("the subtitle of {appendix}"),
    "attached": N_("the attached line of {appendix}"),
    "header": N_("the header of {appendix}"),
    "column label": N_("the label of column {column} of {appendix}"),
    "column group": N_("the group of column {column} of {appendix}"),
    "schedule column": N_("a column label of {appendix}"),
    "section title": N_("the title of section {section} of {appendix}"),
}

Place = tuple[str, dict[str, Any]]


def place_words(place: Place) -> str:
    kind, params = place
    return _(PLACES[kind]).format(**params)


def year_texts(plan: Plan) -> Iterator[tuple[Path, Place, str, bool]]:
    """The texts of a plan that name its year where they name one, as (path, what it is (see
    ``place_words``), text, whether it is an attached line): the title, each appendix's title,
    subtitle and attached line, a table's header and column labels, a schedule's column labels
    and section titles."""
    yield ("document", "title"), ("title", {}), plan.document.title, False
    for index, appendix in enumerate(plan.appendices):
        at: Path = ("appendices", index)
        named = {"appendix": _appendix_label(appendix, index)}
        yield at + ("title",), ("appendix title", named), appendix.title, False
        if appendix.subtitle:
            yield at + ("subtitle",), ("subtitle", named), appendix.subtitle, False
        if appendix.attached:
            yield at + ("attached",), ("attached", named), appendix.attached, True
        if isinstance(appendix, AllocationTable):
            if appendix.header:
                yield at + ("header",), ("header", named), appendix.header, False
            for c, column in enumerate(appendix.columns):
                yield at + ("columns", c, "label"), ("column label", {**named, "column": c + 1}), column.label, False
                if column.group:
                    yield at + ("columns", c, "group"), ("column group", {**named, "column": c + 1}), column.group, False
            continue
        for key in ("number", "content", "time", "lead", "partners"):
            yield at + ("columns", key), ("schedule column", named), getattr(appendix.columns, key), False

        def sections(items: list[ScheduleSection], path: Path, prefix: str, named: dict[str, Any]) -> Iterator[tuple[Path, Place, str, bool]]:
            for s, section in enumerate(items):
                number = f"{prefix}{section.number}"
                yield path + (s, "title"), ("section title", {**named, "section": number}), section.title, False
                yield from sections(section.sections, path + (s, "sections"), number + ".", named)

        yield from sections(appendix.sections, at + ("sections",), "", named)


def _excerpt(text: str, start: int, end: int, width: int = 60) -> str:
    """The words around a mention, whole, within about ``width`` characters."""
    if len(text) <= width:
        return text
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    chosen = [i for i, (a, b) in enumerate(words) if a < end and b > start]
    low, high = chosen[0], chosen[-1]
    while True:
        grown = False
        if low > 0 and words[high][1] - words[low - 1][0] <= width:
            low, grown = low - 1, True
        if high < len(words) - 1 and words[high + 1][1] - words[low][0] <= width:
            high, grown = high + 1, True
        if not grown:
            break
    left, right = words[low][0], words[high][1]
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def plan_texts(loaded: LoadedPlan) -> Iterator[tuple[Path, Callable[[], str], str]]:
    """The texts of a plan that name units and bodies, as (path, what it is: said when asked, text):
    the issuer, the title, the goals, the schedules' section titles and rows (content, lead,
    co-operating units), the duties (the unit charged and each item) and how results are reported."""
    plan = loaded.plan
    yield ("document", "issuer"), lambda: _("the issuer"), plan.document.issuer
    yield ("document", "title"), lambda: _("the title"), plan.document.title
    for index, goal in enumerate(plan.goals):
        yield ("goals", index), _said(N_("goal {number}"), number=index + 1), goal
    for a, schedule in plan.schedules:
        def sections(items: list[ScheduleSection], path: Path, prefix: str) -> Iterator[Any]:
            for s, section in enumerate(items):
                here = f"{prefix}{section.number}"
                yield path + (s, "title"), _said(N_("the title of section {section}"), section=here), section.title
                yield from sections(section.sections, path + (s, "sections"), here + ".")

        yield from sections(schedule.sections, ("appendices", a, "sections"), "")
    for path, ref, row in schedule_rows(loaded):
        for key in ("content", "lead", "partners"):
            text = getattr(row, key)
            if text:
                yield path + (key,), _row_field(ref, key), text
    for d, duty in enumerate(plan.duties):
        yield ("duties", d, "unit"), _said(N_("the unit of duty {number}"), number=d + 1), duty.unit
        for i, item in enumerate(duty.items):
            yield ("duties", d, "items", i), _said(N_("duty {number}, item {item}"), number=d + 1, item=i + 1), item
    if plan.reporting is not None:
        yield ("reporting", "text"), lambda: _("the reporting text"), plan.reporting.text


@plan_rule(
    "D005", "ended-programme", N_("A text names a programme or horizon that ended before the plan's year."), Severity.WARNING
)
def ended_programme(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A plan's goals, schedule and duties carry out programmes in force in its year.  Next year's
    plan drafted from this year's keeps every row, and a programme that ends with this year stays
    in it: Long Biên's 2025 schedule carries out "Kế hoạch thực hiện Đề án chăm sóc sức khỏe người
    cao tuổi trên địa bàn quận Long Biên đến năm 2025", which its 2026 plan cannot.  A horizon
    ("đến năm 2025", "tầm nhìn đến năm 2025") or a period ("giai đoạn 2021-2025") that ended before
    the plan's year is reported at its text, once per text; a horizon still ahead ("đến năm 2030"),
    a document's date or number are not."""
    plan = loaded.plan
    for path, what, text in plan_texts(loaded):
        spans = ended_spans(text, plan.year)
        if spans:
            yield rule.at(
                loaded.span(path),
                _(
                    "{what} names a programme or horizon that ended in {years} ({text!r}), but this is the {year} plan:"
                    " write the programme in force, or take the task out"
                ).format(
                    what=what(), years=", ".join(str(y) for y in sorted({s[2] for s in spans})),
                    text=_excerpt(text, spans[0][0], spans[-1][1]), year=plan.year,
                ),
            )


@plan_rule("D004", "year-in-text", N_("A title, an attached line or a column label names a year other than the plan's."), Severity.WARNING)
def year_in_text(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """The texts a signed document prints with the plan's year (its title, each appendix's
    title, subtitle and attached line ``(Kèm theo Kế hoạch số … ngày …./…./2025 …)``, a table's
    header and column labels such as ``Chỉ tiêu năm 2025``) name the plan's own year, and a
    reduction's baseline (``Mức giảm so với năm 2024``) the year before it.  A plan copied from
    last year's and given a new year keeps last year's in all of them: the 2026 document would
    say 2025.  References are not checked: a horizon (``đến năm 2030``), a period
    (``giai đoạn 2021-2025``), another document's date or number."""
    plan = loaded.plan
    has_year = HAS_YEAR
    for path, place, text, attached in year_texts(plan):
        if not has_year(text):  # most texts name no year at all
            continue
        stray = stray_years(text, plan.year, attached)
        if not stray:
            continue
        where = place_words(place)
        first = stray[0]
        excerpt = _excerpt(text, first.start, first.end)
        if all(m.role == BASELINE for m in stray):
            message = _(
                "{where} compares with {years} ({text!r}), but the year before this {year} plan is {previous}:"
                " write {previous}"
            ).format(where=where, years=", ".join(str(m.year) for m in stray), text=shorten(excerpt), year=plan.year, previous=plan.year - 1)
        else:
            message = _("{where} names {years} ({text!r}), but this is the {year} plan: write {year}").format(where=where, years=", ".join(sorted({str(m.year) for m in stray})), text=shorten(excerpt), year=plan.year)
        yield rule.at(loaded.span(path), message)


RULES = (
    duplicate_target, placeholder, rate_count_mismatch, month_outside_year, unreadable_time, date_outside_year, year_in_text,
    ended_programme,
)
