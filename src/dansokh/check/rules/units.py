"""Across plans: units, names and plan ids resolve to one thing each."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ...cascade.repository import LoadedPlan, Repository
from ...diagnostics import shorten
from ...i18n import N_, _
from ...model.names import name_key, slug
from ...model.years import year_id
from .base import Diagnostic, Related, Rule, Severity, repo_rule

_SUGGESTIONS = 20  # names per plan file that get a "did you mean"
_POOL = 2000  # among at most this many children (a real parent has a few hundred at most)
_LISTED = 10  # units a message lists before "and N more"


def _display(repo: Repository, unit_id: str) -> str:
    unit = repo.unit(unit_id)
    return f"{unit.name} ({unit_id})" if unit else unit_id


def _first_few(names: list[str], count: int | None = None) -> str:
    """The first ``_LISTED`` of ``count`` names (default: all given), and how many more."""
    count = len(names) if count is None else count
    shown = ", ".join(names[:_LISTED])
    return shown + _(" and {count} more").format(count=count - _LISTED) if count > _LISTED else shown


@repo_rule("U001", "unresolved-name", N_("A name in an allocation table matches no unit."))
def unresolved_name(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Every row of an allocation table names one of the issuing unit's children, as
    declared in ``units``.  Names match across tone-mark placement (Thụy/Thuỵ) and case,
    and through declared ``aliases`` (Th. Thanh); a name that matches nothing is an error,
    never a silent skip."""
    # each parent's children in a year by slug, and the first few as the message lists them: built once
    names: dict[tuple[str, int], tuple[dict[str, str], str]] = {}
    suggested: dict[str, int] = {}  # suggestions cost a search each: the first few per plan file get one
    for resolution in repo.resolutions:
        if resolution.candidates:
            continue
        plan = resolution.plan.plan
        key = (plan.unit.id, plan.year)
        if key not in names:
            children = repo.children(plan.unit.id, plan.year)
            names[key] = ({slug(u.name): u.name for u in children}, _first_few([u.name for u in children]) or _("none declared"))
        by_slug, known = names[key]
        close: list[str] = []
        if suggested.get(resolution.plan.file, 0) < _SUGGESTIONS and len(by_slug) <= _POOL:
            suggested[resolution.plan.file] = suggested.get(resolution.plan.file, 0) + 1
            close = difflib.get_close_matches(slug(resolution.name), list(by_slug), n=3, cutoff=0.6)
        if close:
            template = _(
                "{name!r} matches none of the units {unit} assigns to; did you mean {close}?"
                " Correct the name, or, if the table writes it another way, add it to that unit's aliases:"
            )
        else:
            template = _(
                "{name!r} matches none of the units {unit} assigns to ({known});"
                " correct the name, or add it to the aliases: of the unit it means, in units:"
            )
        yield rule.at(
            resolution.plan.span(resolution.path + ("name",)),
            template.format(
                name=resolution.name,
                unit=plan.unit_title,
                close=(" " + _("or") + " ").join(by_slug[c] for c in close),
                known=known,
            ),
        )


@repo_rule("U002", "ambiguous-name", N_("A name in an allocation table matches several units."))
def ambiguous_name(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Two children whose names differ only in tone-mark placement or an alias shared by
    two units make a row ambiguous; rename or drop the alias."""
    for resolution in repo.resolutions:
        if len(resolution.candidates) > 1:
            names = _first_few([_display(repo, c) for c in resolution.candidates[: _LISTED + 1]], len(resolution.candidates))
            yield rule.at(
                resolution.plan.span(resolution.path + ("name",)),
                _("{name!r} matches {units}").format(name=shorten(resolution.name), units=names),
            )


@repo_rule("U003", "conflicting-unit", N_("One unit id is declared with different names, levels or parents."))
def conflicting_unit(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """A unit may be declared by several plans (as an issuer, and as a child in its
    parent's plan); the declarations must agree."""
    for unit_id, declared in repo.units.items():
        first = declared[0]
        for other in declared[1:]:
            a, b = first.unit, other.unit
            differences = []
            if name_key(a.name) != name_key(b.name):
                differences.append(_("name {this!r} vs {first!r}").format(this=shorten(b.name), first=shorten(a.name)))
            if a.level != b.level:
                differences.append(_("level {this!r} vs {first!r}").format(this=shorten(b.level), first=shorten(a.level)))
            if a.parent != b.parent:
                differences.append(_("parent {this!r} vs {first!r}").format(this=shorten(b.parent), first=shorten(a.parent)))
            if differences:
                yield rule.at(
                    other.plan.span(other.path),
                    _("unit {unit!r} is declared differently: {differences}").format(
                        unit=shorten(unit_id), differences="; ".join(differences)
                    ),
                    Related(first.plan.span(first.path), _("first declared here")),
                )


@repo_rule(
    "U004",
    "parent-outside-repository",
    N_("A plan's parent unit has no plan of that year in the repository; its assignments cannot be checked."),
    Severity.INFO,
)
def parent_outside_repository(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Bắc Cường's parent, Lào Cai city, has no plan among ours; a 2026 plan of Long Biên has no
    parent to be checked against until Hà Nội's 2026 plan is in the repository.  Each such plan
    gets this note, which does not fail the run, and nothing is invented for the parent."""
    for loaded in repo.plans:
        parent = loaded.plan.unit.parent
        if parent is None or repo.plans_of(parent, loaded.plan.year):
            continue
        other_years, declared = repo.plans_of(parent), repo.unit(parent)
        name = (other_years[0].plan.unit_title if other_years else declared.name if declared
                else loaded.plan.parent_title or repr(parent))
        yield rule.at(
            loaded.span(("unit", "parent")),
            _("no {year} plan of {parent} in this repository; what it assigned to {unit} cannot be checked").format(
                year=loaded.plan.year, parent=name, unit=loaded.plan.unit_title
            ),
        )


@repo_rule("U005", "duplicate-plan-id", N_("Two plan files have the same id."))
def duplicate_plan_id(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """A plan's id names it on the command line (``--from city``); it must be unique, across
    years too: next year's plan of a unit needs an id of its own.  The plans ``dansokh new``
    writes are named by their unit and year (``long-bien-2026``)."""
    first: dict[str, LoadedPlan] = {}
    for loaded in repo.plans:
        previous = first.setdefault(loaded.plan.id, loaded)
        if previous is not loaded:
            if previous.plan.year != loaded.plan.year:
                message = _(
                    "plan id {id!r} is already used by the {other} plan; a plan of another year needs its own id:"
                    " write {suggested} (a plan's unit and year, as dansokh new names them)"
                ).format(id=shorten(loaded.plan.id), other=previous.plan.year, suggested=year_id(loaded.plan.id, loaded.plan.year))
            else:
                message = _("plan id {id!r} is already used").format(id=shorten(loaded.plan.id))
            yield rule.at(loaded.span(("id",)), message, Related(previous.span(("id",)), _("first used here")))


@repo_rule("U006", "unit-listed-twice", N_("Two rows of one allocation table name the same unit."))
def unit_listed_twice(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Each child gets one row in a table; a second row would make its assignment
    ambiguous and its quota count twice."""
    seen: dict[tuple[int, object, str], object] = {}
    for resolution in repo.resolutions:
        if len(resolution.candidates) != 1:
            continue
        key = (id(resolution.plan), resolution.path[:2], resolution.candidates[0])  # one plan's table, not one id's
        if key in seen:
            first = seen[key]
            yield rule.at(
                resolution.plan.span(resolution.path + ("name",)),
                _("{name!r} is listed twice in this table").format(name=shorten(resolution.name)),
                Related(first.plan.span(first.path + ("name",)), _("first listed here")),  # type: ignore[attr-defined]
            )
        else:
            seen[key] = resolution


@repo_rule("U007", "unit-hierarchy-cycle", N_("A unit is its own parent, or its own ancestor."))
def unit_hierarchy_cycle(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Units form a tree: a ward's parent is a district, the district's a city.  A unit
    whose parent is itself, or a chain of parents that comes back to where it started
    (A's parent is B, B's parent is A), has no place in the cascade: correct the parent."""
    state: dict[str, bool] = {}  # unit id -> True once its chain of parents is known to end
    for start in repo.units:
        chain: list[str] = []
        unit: str | None = start
        while unit is not None and unit in repo.units and unit not in state:
            state[unit] = False
            chain.append(unit)
            unit = repo.units[unit][0].unit.parent
        if unit is not None and state.get(unit) is False:
            cycle = chain[chain.index(unit):]
            declared = [repo.units[u][0] for u in cycle]
            first = declared[0]
            if len(cycle) == 1:
                message = _("unit {unit!r} is its own parent").format(unit=shorten(unit))
            else:
                message = _("the parents of units go round in a circle: {cycle}").format(
                    cycle=" → ".join(cycle + [unit])
                )
            yield rule.at(
                first.plan.span(first.path + ("parent",)),
                message,
                *(Related(d.plan.span(d.path + ("parent",)), _("the parent of {unit!r}").format(unit=shorten(d.unit.id))) for d in declared[1:]),
            )
        for member in chain:
            state[member] = True


RULES = (
    unresolved_name,
    ambiguous_name,
    conflicting_unit,
    parent_outside_repository,
    duplicate_plan_id,
    unit_listed_twice,
    unit_hierarchy_cycle,
)
