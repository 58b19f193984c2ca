"""Crosswalks: every old unit fully assigned, every new unit covered, no unit twice, shares decided.

A crosswalk carries last year's figures into this year's units (``reform.crosswalk``); these
rules make sure it can: what is wrong in it would be wrong in every figure carried through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

from ...cascade.lookup import main_plan
from ...cascade.repository import Repository
from ...diagnostics import shorten
from ...i18n import N_, _
from ...model import official
from ...model.catalogue import CATALOGUE, Direction, named
from ...model.crosswalk import as_fraction
from ...model.names import name_key
from ...model.numbers import number
from ...model.plan import UnitDecl
from ...official.placing import Placer
from ...reform.crosswalk import Bridge, CarryError, bridges, column_values
from ...reform.expected import expected_parts
from .base import Diagnostic, Related, Rule, Severity, fmt, repo_rule


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(exact) == value:
        return number(exact)
    return f"{value.numerator}/{value.denominator}"


@repo_rule("W001", "shares-not-one", N_("The shares of a divided unit's parts do not add up to the whole."))
def shares_not_one(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """A divided old unit's figures are shared among its parts, and every share must be given
    and add up to exactly 1, so that nothing of last year's figure is lost or counted twice:
    ``by: share``, the shares sum to 1 (0.2 + 0.8; fractions in quotes, "1/3", for thirds);
    ``by: population``, every part gives its population; ``by: figure``, every part gives
    the same indicators, and they add up to the old unit's figure in last year's plan.  A unit
    that went whole has one part, with no share or a share of 1."""
    for bridge in bridges(repo):
        loaded = bridge.loaded
        from_plan = bridge.from_plan()
        for index, entry in enumerate(bridge.crosswalk.units):
            path = ("units", index)
            name = bridge.name_of(entry.old)
            if not entry.divided:
                share = entry.parts[0].share
                if share is not None and as_fraction(share) != 1:
                    yield rule.at(
                        loaded.span(path + ("parts", 0, "share")),
                        _("{name} went whole to one unit: its share is 1, not {share}; a unit that went to several has a part for each").format(
                            name=name, share=share
                        ),
                    )
                continue
            if entry.by == "share":
                missing = [i for i, part in enumerate(entry.parts) if part.share is None]
                for i in missing:
                    yield rule.at(
                        loaded.span(path + ("parts", i)),
                        _("{name}: this part has no share; give each part its share (by: share)").format(name=name),
                    )
                if missing:
                    continue
                total = sum((as_fraction(part.share) for part in entry.parts), Fraction(0))  # type: ignore[arg-type]
                if total != 1:
                    gap = _("{amount} short").format(amount=_fraction_text(1 - total)) if total < 1 else _(
                        "{amount} too much"
                    ).format(amount=_fraction_text(total - 1))
                    yield rule.at(
                        loaded.span(path + ("by",)),
                        _("the shares of {name}'s parts add up to {total}, not 1 ({gap}): correct them so that all of its figures are carried, once").format(
                            name=name, total=_fraction_text(total), gap=gap
                        ),
                    )
            elif entry.by == "population":
                for i, part in enumerate(entry.parts):
                    if part.population is None:
                        yield rule.at(
                            loaded.span(path + ("parts", i)),
                            _("{name}: this part has no population; give each part its population (by: population)").format(name=name),
                        )
            elif entry.by == "figure":
                yield from _figures(rule, bridge, index, from_plan)


def _figures(rule: Rule, bridge: Bridge, index: int, from_plan) -> Iterator[Diagnostic]:
    loaded, entry = bridge.loaded, bridge.crosswalk.units[index]
    path = ("units", index)
    name = bridge.name_of(entry.old)
    indicators = [set((part.figures or {}).keys()) for part in entry.parts]
    every = set().union(*indicators)
    for i, given in enumerate(indicators):
        if given != every:
            lacking = ", ".join(named(key) for key in sorted(every - given))
            yield rule.at(
                loaded.span(path + ("parts", i)),
                _("{name}: this part gives no {indicators}; by figure, every part gives the same indicators").format(
                    name=name, indicators=lacking
                ),
            )
    if from_plan is None:
        return
    for indicator in sorted(set.intersection(*indicators) if indicators else set()):
        try:
            values, _unit = column_values(bridge.repo, from_plan, indicator)
        except CarryError:
            continue
        old = values.get(entry.old)
        total = sum((part.figures[indicator] for part in entry.parts), Decimal(0))  # type: ignore[index]
        if old is not None and total != old:
            yield rule.at(
                loaded.span(path + ("parts", 0, "figures", indicator)),
                _("{name}'s parts give {indicator} {total} in all; its {year} figure is {old}: the parts must add up to it").format(
                    name=name, indicator=named(indicator), total=fmt(total), year=bridge.from_year, old=fmt(old)
                ),
            )


@repo_rule("W002", "shares-undecided", N_("A divided unit whose crosswalk entry does not say how its figures are shared."))
def shares_undecided(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """``dansokh crosswalk`` proposes each divided unit with ``by: undecided``: the official list
    says where its territory went, not how much of it, and dansokh never guesses a share.  The
    officer decides: ``by: population`` (the population of each part, from the residential
    groups it took), ``by: share`` (a share given by hand), or ``by: figure`` (each part's own
    figures, from the registers)."""
    for bridge in bridges(repo):
        for index, entry in enumerate(bridge.crosswalk.units):
            if entry.divided and entry.by in (None, "undecided"):
                where = ("units", index, "by") if entry.by is not None else ("units", index, "old")
                parts = ", ".join(bridge.name_of(part.unit) for part in entry.parts)
                yield rule.at(
                    bridge.loaded.span(where),
                    _(
                        "{name} was divided among {parts}: decide how its figures are shared, by: population (each"
                        " part's population), by: share (each part's share) or by: figure (each part's figures)"
                    ).format(name=bridge.name_of(entry.old), parts=parts),
                )


@repo_rule("W003", "unit-not-in-scope", N_("A crosswalk names a unit that is not among the units of its side."))
def unit_not_in_scope(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Each ``old`` unit is one of the units ``from``'s plan of its year assigns to, and each
    part's ``unit`` one of those ``to``'s plan of its year assigns to (once that plan is in the
    repository); a ``name`` or ``code`` written beside a unit agrees with how the plans declare it."""
    for bridge in bridges(repo):
        loaded, walk = bridge.loaded, bridge.crosswalk
        olds, news = set(bridge.old_units()), set(bridge.new_units())
        if not repo.plans_of(walk.from_.unit, walk.from_.year):
            yield rule.at(
                loaded.span(("from", "unit")),
                _("no {year} plan of {unit} in this repository: the old units cannot be checked").format(
                    year=walk.from_.year, unit=walk.from_.unit
                ),
            )
            olds = set()
        from_name = _unit_name(repo, walk.from_.unit, walk.from_.year)
        to_name = _unit_name(repo, walk.to.unit, walk.to.year)
        for index, entry in enumerate(walk.units):
            if olds and entry.old not in olds:
                yield rule.at(
                    loaded.span(("units", index, "old")),
                    _("{unit!r} is not one of the units {parent} assigned to in {year}").format(
                        unit=shorten(entry.old), parent=from_name, year=walk.from_.year
                    ),
                )
            yield from _agrees(rule, bridge, entry.old, entry.name, entry.code, ("units", index))
            for part_index, part in enumerate(entry.parts):
                where = ("units", index, "parts", part_index)
                if news and part.unit not in news:
                    yield rule.at(
                        loaded.span(where + ("unit",)),
                        _("{unit!r} is not one of the units {parent} assigns to in {year}").format(
                            unit=shorten(part.unit), parent=to_name, year=walk.to.year
                        ),
                    )
                yield from _agrees(rule, bridge, part.unit, part.name, part.code, where)


def _unit_name(repo: Repository, unit: str, year: int) -> str:
    plan = main_plan(repo, unit, year)
    return plan.plan.unit_title if plan is not None else unit


def _agrees(rule: Rule, bridge: Bridge, unit: str, name: str | None, code: str | None, path) -> Iterator[Diagnostic]:
    declared = bridge.repo.unit(unit)
    if declared is None:
        return
    if name is not None and name_key(name) != name_key(declared.name):
        yield rule.at(
            bridge.loaded.span(path + ("name",)),
            _("{unit} is declared {declared!r} in the plans, not {name!r}").format(unit=unit, declared=shorten(declared.name), name=shorten(name)),
        )
    if code is not None and declared.code is not None and code != declared.code:
        yield rule.at(
            bridge.loaded.span(path + ("code",)),
            _("{unit}'s code is {declared} in the plans, not {code}").format(unit=unit, declared=declared.code, code=code),
        )


@repo_rule("W004", "old-unit-missing", N_("A unit of last year that the crosswalk does not assign."))
def old_unit_missing(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Every unit ``from``'s plan assigned to in its year has an entry, so that every figure of
    last year's table is carried somewhere: a unit left out would vanish from this year's totals."""
    for bridge in bridges(repo):
        for old in bridge.old_units():
            if old not in bridge.entries:
                declared = next(
                    (d for d in repo.units.get(old, []) if d.plan.plan.year == bridge.from_year), None
                )
                related = (Related(declared.plan.span(declared.path), _("declared here")),) if declared else ()
                yield rule.at(
                    bridge.loaded.key_span(("units",)),
                    _("{name} ({unit}) is not in the crosswalk: add an entry with old: {unit} and its parts").format(
                        name=bridge.name_of(old), unit=old
                    ),
                    *related,
                )


@repo_rule("W005", "new-unit-uncovered", N_("A unit of this year that the crosswalk gives no part of last year's units."))
def new_unit_uncovered(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Every new unit that took territory from the old units gets a part of them.  When both sides
    are the same unit (Hà Nội's districts of 2025 into Hà Nội's wards and communes of 2026), that
    is every unit of this year's plan; when the old side is part of the territory (Long Biên's
    wards), the official list says which new units took some of it (the optional package; without
    it, this part is not checked and a note says so)."""
    for bridge in bridges(repo):
        walk, loaded = bridge.crosswalk, bridge.loaded
        covered = {part.unit for entry in walk.units for part in entry.parts}
        news = bridge.new_units()
        if not news:
            continue
        if walk.from_.unit == walk.to.unit:
            expected = set(news)
        else:
            found = _expected(bridge)
            if found is None:
                yield rule.at(
                    loaded.span(("to", "unit")),
                    _("which of {unit}'s units took territory from the old units was not checked: {reason}").format(
                        unit=walk.to.unit, reason=official.unavailable_reason() if not official.available() else _(
                            "the official list cannot place both sides"
                        )
                    ),
                    severity=Severity.INFO,
                )
                continue
            placed, new_list = found
            codes = {code for expected in placed.values() for code in expected.official}
            expected = {unit for unit in news if _code_of(bridge, unit, new_list) in codes}
        for unit in news:
            if unit in expected and unit not in covered:
                yield rule.at(
                    loaded.key_span(("units",)),
                    _("{name} ({unit}) gets no part of any old unit: give it the parts it took").format(
                        name=bridge.name_of(unit), unit=unit
                    ),
                )


def _expected(bridge: Bridge):
    return expected_parts(bridge)


def _code_of(bridge: Bridge, unit: str, new_list) -> str | None:
    declared = bridge.repo.unit(unit)
    if declared is None:
        return None
    placed = Placer(bridge.repo, new_list).place(declared, declared.parent).unit
    return placed.code if placed else None


@repo_rule("W006", "unit-twice", N_("A crosswalk names an old unit twice, or one new unit twice among one unit's parts."))
def unit_twice(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """One entry per old unit, one part per new unit it went to: a second would carry its figure
    twice."""
    for bridge in bridges(repo):
        loaded = bridge.loaded
        first: dict[str, int] = {}
        for index, entry in enumerate(bridge.crosswalk.units):
            if entry.old in first:
                yield rule.at(
                    loaded.span(("units", index, "old")),
                    _("{unit!r} has an entry already; put all of its parts in one entry").format(unit=shorten(entry.old)),
                    Related(loaded.span(("units", first[entry.old], "old")), _("first entry here")),
                )
            else:
                first[entry.old] = index
            seen: dict[str, int] = {}
            for part_index, part in enumerate(entry.parts):
                if part.unit in seen:
                    yield rule.at(
                        loaded.span(("units", index, "parts", part_index, "unit")),
                        _("{unit!r} is a part of {name} twice; one part per new unit").format(
                            unit=shorten(part.unit), name=bridge.name_of(entry.old)
                        ),
                        Related(loaded.span(("units", index, "parts", seen[part.unit], "unit")), _("first here")),
                    )
                else:
                    seen[part.unit] = part_index


@repo_rule(
    "W007",
    "differs-from-official",
    N_("A crosswalk sends an old unit to other new units than the official reform table."),
    Severity.WARNING,
)
def differs_from_official(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """The official list (the optional package) says which new units each old commune's territory
    went to.  A crosswalk that leaves one of them out, or adds another, is probably wrong; if the
    officer knows better (the list has an error), suppress the warning on that line with a reason."""
    if not official.available():
        return
    for bridge in bridges(repo):
        found = _expected(bridge)
        if found is None:
            continue
        placed, new_list = found
        for index, entry in enumerate(bridge.crosswalk.units):
            expected = placed.get(entry.old)
            if expected is None or not expected.official:
                continue
            missing = sorted(expected.official - expected.given, key=lambda c: new_list.units[c].name)
            extra = [
                part.unit
                for part in entry.parts
                if _code_of_part(bridge, part, new_list) not in expected.official | {None}
            ]
            name = bridge.name_of(entry.old)
            if missing:
                titles = ", ".join(f"{new_list.units[c].title} ({new_list.units[c].unit_id})" for c in missing)
                yield rule.at(
                    bridge.loaded.span(("units", index, "old")),
                    _("the official list sends part of {name} to {units} too, which this entry gives no part").format(
                        name=name, units=titles
                    ),
                )
            for unit in extra:
                yield rule.at(
                    bridge.loaded.span(("units", index, "old")),
                    _("the official list sends no part of {name} to {unit}").format(name=name, unit=bridge.name_of(unit)),
                )


@repo_rule("W008", "figure-impossible", N_("A crosswalk part gives a negative figure, or a count that is not whole."))
def figure_impossible(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """A part's figures (``by: figure``: what of the old unit's figure went to the new unit)
    are last year's figures: a count (persons, sessions) is a whole number of zero or more, a
    rate is zero or more.  A negative figure would make the other parts carry more than the
    old unit had; a reduction against last year is the one figure that may be negative."""
    for bridge in bridges(repo):
        for index, entry in enumerate(bridge.crosswalk.units):
            for part_index, part in enumerate(entry.parts):
                for indicator, value in (part.figures or {}).items():
                    spec = CATALOGUE.get(indicator)
                    if spec is None or spec.direction is Direction.REDUCTION:
                        continue
                    count = spec.kind == "count"
                    if value >= 0 and (not count or value == value.to_integral_value()):
                        continue
                    yield rule.at(
                        bridge.loaded.span(("units", index, "parts", part_index, "figures", indicator)),
                        (
                            _("{name}: the part that went to {unit} gives {indicator} {value}; a count carried is a whole number of zero or more")
                            if count
                            else _("{name}: the part that went to {unit} gives {indicator} {value}; a rate carried is zero or more")
                        ).format(name=bridge.name_of(entry.old), unit=bridge.name_of(part.unit), indicator=named(indicator), value=fmt(value)),
                    )


def _code_of_part(bridge: Bridge, part, new_list) -> str | None:
    declared = bridge.repo.unit(part.unit) or UnitDecl(id=part.unit, name=part.name or part.unit, level="", code=part.code)
    placed = Placer(bridge.repo, new_list).place(declared, declared.parent).unit
    return placed.code if placed else None


RULES = (
    shares_not_one,
    shares_undecided,
    unit_not_in_scope,
    old_unit_missing,
    new_unit_uncovered,
    unit_twice,
    differs_from_official,
    figure_impossible,
)
