"""Finding the plan a user means: a unit and a year.

A plan is one unit's document for one year.  What a user types names a unit (its id, or its name
with or without diacritics) or one plan exactly (its id); the year is ``--year``, else the year of
the other side of the command (``--from city-2026 --to long-bien`` means Long Biên's 2026 plan),
else the latest year the unit has a plan for.  Within the year the unit's annual plan is taken
(its thematic plans are named by their ids); two annual plans of one unit in one year, or a name
that fits several units, are refused with the candidates listed.  Every answer says which plan
it is and which other years the unit has, so that the user sees what was picked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _
from ..model.names import kind_and_name, kind_fits, slug
from ..model.plan import UnitDecl
from ..read.limits import shorten
from .repository import LoadedPlan, Repository, named


class LookupError_(ValueError):
    """A name that matches nothing, or more than one thing; the message lists the candidates."""


@dataclass(frozen=True)
class Found:
    """What a name resolved to: the unit, its plan of ``year`` (``None`` when it has none), and
    whether the text named that plan exactly (``pinned``: a plan id that is not also a unit's id
    or name fixes the year)."""

    unit: UnitDecl
    plan: LoadedPlan | None
    year: int | None = None
    exact: bool = False  # the text is the plan's id
    pinned: bool = False  # … and names no unit: the year is the plan's, whatever the other side says
    others: tuple[LoadedPlan, ...] = field(default=())  # the unit's plans of other years

    @property
    def telling(self) -> bool:
        """Whether the pick needs saying: the text named a unit rather than this plan, or the unit
        has plans of other years."""
        return not self.exact or bool(self.others) or self.plan is None

    def note(self, option: str, text: str) -> str:
        """Which plan was picked, as a line for standard error."""
        if self.plan is None:
            if self.year is None:  # no year asked, and no plan of any year
                template = _("{option} {text!r}: {unit} ({id}) has no plan in this repository")
            else:
                template = _("{option} {text!r}: {unit} ({id}) has no {year} plan")
            note = template.format(option=option, text=shorten(text), unit=self.unit.name, id=self.unit.id, year=self.year)
            if self.others:
                note += _("; its plans: {plans}").format(plans=listing(self.others))
            return note
        note = _("{option} {text!r}: plan {plan} of {unit}, {year}").format(
            option=option, text=shorten(text), plan=self.plan.plan.id, unit=self.plan.plan.unit_title, year=self.plan.plan.year
        )
        if self.others:
            note += _("; other years: {plans} (--year chooses)").format(plans=listing(self.others))
        return note


def listing(plans: tuple[LoadedPlan, ...] | list[LoadedPlan]) -> str:
    """``long-bien (2025), long-bien-2026 (2026)``"""
    return ", ".join(f"{p.plan.id} ({p.plan.year})" for p in sorted(plans, key=lambda p: (p.plan.year, p.plan.id)))


def _describe(repo: Repository, unit: UnitDecl) -> str:
    plans = listing(repo.plans_of(unit.id))
    parent = repo.unit(unit.parent) if unit.parent else None
    where = _(", in {parent}").format(parent=parent.name) if parent else ""
    listed = _("; plans: {plans}").format(plans=plans) if plans else ""
    return f"{unit.level} {unit.name} ({unit.id}{where}{listed})"


def main_plan(repo: Repository, unit_id: str, year: int | None = None) -> LoadedPlan | None:
    """A unit's annual plan for the year, or else its first plan (for the stages that need one
    plan of a unit, such as the results; a user's name goes through ``find``)."""
    plans = repo.plans_of(unit_id, year)
    annual = [p for p in plans if p.plan.scope == "annual"]
    chosen = annual or plans
    return chosen[0] if chosen else None


def latest_year(repo: Repository, unit_id: str) -> int | None:
    years = [p.plan.year for p in repo.plans_of(unit_id)]
    return max(years) if years else None


def plan_of(repo: Repository, unit: UnitDecl, year: int | None, annual: bool = False) -> LoadedPlan | None:
    """The unit's plan of the year (the latest year without one): its one annual plan, or (unless
    ``annual``) its one plan; ``None`` when it has none that year; a ``LookupError_`` when several fit."""
    if year is None:
        year = latest_year(repo, unit.id)
        if year is None:
            return None
    plans = repo.plans_of(unit.id, year)
    yearly = [p for p in plans if p.plan.scope == "annual"]
    chosen = yearly or ([] if annual else plans)
    if len(chosen) == 1:
        return chosen[0]
    if not chosen:
        return None
    raise LookupError_(
        _("{unit} has {count} plans for {year}: {plans}; name one by its id").format(
            unit=chosen[0].plan.unit_title, count=len(chosen), year=year, plans=listing(chosen)
        )
    )


def _others(repo: Repository, plan: LoadedPlan | None, unit: str, year: int | None = None) -> tuple[LoadedPlan, ...]:
    """The unit's plans of other years, of the kind of the one picked (annual ones for an annual plan)."""
    year = plan.plan.year if plan is not None else year
    scope = plan.plan.scope if plan is not None else "annual"
    return tuple(p for p in repo.plans_of(unit) if p.plan.year != year and p.plan.scope == scope)


def _units_named(repo: Repository, text: str, among: list[UnitDecl] | None) -> list[UnitDecl]:
    if text in repo.units:
        return [repo.units[text][0].unit]
    pool = among if among is not None else [declared[0].unit for declared in repo.units.values()]
    matches = named(text, pool)
    if not matches:  # typed without diacritics: "ngoc thuy", "phuong ngoc thuy"
        level, rest = kind_and_name(text)
        for kind, words in ((None, text), (level, rest)) if level is not None else ((None, text),):
            bare = slug(words)
            matches = [
                u for u in pool
                if kind_fits(kind, u.level) and (slug(u.name) == bare or any(slug(a) == bare for a in u.aliases))
            ]
            if matches:
                break
    if len(matches) > 1:
        with_plans = [u for u in matches if repo.plans_of(u.id)]
        if len(with_plans) == 1:
            matches = with_plans
    return matches


def find(
    repo: Repository, text: str, among: list[UnitDecl] | None = None, year: int | None = None, annual: bool = False
) -> Found:
    """Resolve ``text`` (see the module's docstring): a plan id first, then a unit id, then a unit
    name (tone-mark placement, case and diacritics forgiven).  ``among`` narrows names to, say, a
    parent's children, so that ``--to "Long Biên"`` under ``--from city`` means the district.
    ``year`` is the year to look in (``None``: the latest); a plan id of another year is read as
    its unit where it is also a unit's id or name, and otherwise keeps its own year.  With
    ``annual``, a unit's thematic plans are not taken for it (a child of an edge)."""
    named = repo.by_id.get(text)
    units = _units_named(repo, text, among)
    if named is not None and (year is None or named.plan.year == year or not units):
        unit = repo.unit(named.plan.unit.id) or named.plan.unit
        return Found(unit, named, named.plan.year, exact=True, pinned=not units, others=_others(repo, named, unit.id))
    if len(units) == 1:
        unit = units[0]
        chosen_year = year if year is not None else latest_year(repo, unit.id)
        plan = plan_of(repo, unit, chosen_year, annual)
        return Found(unit, plan, chosen_year, others=_others(repo, plan, unit.id, chosen_year))
    if not units:
        pool = among if among is not None else [declared[0].unit for declared in repo.units.values()]
        bare = slug(text)
        close = sorted(
            {u.name for u in pool if bare and (bare in slug(u.name) or slug(u.name) in bare)}
            | {p for p in repo.by_id if bare and bare in p}
        )
        if close:
            template = _("{text!r} matches no plan, unit id or unit name; did you mean {close}?")
        else:
            template = _("{text!r} matches no plan, unit id or unit name; plans: {plans}")
        raise LookupError_(template.format(text=shorten(text), close=", ".join(close), plans=", ".join(sorted(repo.by_id))))
    lines = "\n".join(f"  - {_describe(repo, u)}" for u in units)
    raise LookupError_(
        _("{text!r} matches several units; name one by its id:\n{listing}").format(text=shorten(text), listing=lines)
    )


def find_edge(repo: Repository, parent_text: str, child_text: str, year: int | None = None) -> tuple[Found, Found]:
    """A parent and one of its children, in one year: ``year``, else the year of a side named by
    its plan's id (a plan id that is also a unit's is a weaker hint than one that is not), else
    the latest year of the parent.  The parent must have a plan that year; the child may not
    (then what was assigned to it is all there is).  Two sides named by plans of different years
    are refused: a child is compared with its parent's plan of the same year."""
    if year is None:
        parent = find(repo, parent_text)
        known = parent.year if parent.exact else None  # a parent named by its plan's id: that year's children
        child = find(repo, child_text, among=repo.children(parent.unit.id, known), annual=True)
        if parent.pinned and child.pinned and parent.year != child.year:
            raise LookupError_(_mismatch(repo, parent, child))
        for side in (child if child.pinned else None, parent if parent.pinned else None, parent if parent.exact else None,
                     child if child.exact else None, parent):
            if side is not None and side.year is not None:
                year = side.year
                break
    parent = find(repo, parent_text, year=year)
    if parent.plan is None or parent.plan.plan.year != year:
        raise LookupError_(_missing_parent(repo, parent, year))
    child = find(repo, child_text, among=repo.children(parent.unit.id, year), year=year, annual=True)
    if child.plan is not None and child.plan.plan.year != year:
        raise LookupError_(_mismatch(repo, parent, child))
    return parent, child


def _missing_parent(repo: Repository, parent: Found, year: int | None) -> str:
    plans = repo.plans_of(parent.unit.id)
    title = plans[0].plan.unit_title if plans else parent.unit.name
    return _("{unit} has no {year} plan in the repository (its plans: {plans}); a child is compared with its"
             " parent's plan of the same year").format(unit=title, year=year, plans=listing(plans) or "—")


def _mismatch(repo: Repository, parent: Found, child: Found) -> str:
    """Two sides named by plans of different years, and what the user may have meant."""
    assert parent.plan is not None and child.plan is not None
    same_year = [p for p in repo.plans_of(parent.unit.id, child.plan.plan.year) if p.plan.scope == "annual"]
    if same_year:
        hint = _("its {year} plan is {plan}").format(year=child.plan.plan.year, plan=same_year[0].plan.id)
    else:
        hint = _("{parent} has no {year} plan in the repository").format(
            parent=parent.plan.plan.unit_title, year=child.plan.plan.year
        )
    return _(
        "{parent_plan} is the {parent_year} plan of {parent} and {child_plan} the {child_year} plan of {child}:"
        " a child is compared with its parent's plan of the same year, and {hint}"
    ).format(
        parent_plan=parent.plan.plan.id, parent_year=parent.plan.plan.year, parent=parent.plan.plan.unit_title,
        child_plan=child.plan.plan.id, child_year=child.plan.plan.year, child=child.plan.plan.unit_title, hint=hint,
    )


def continued(repo: Repository, loaded: LoadedPlan) -> LoadedPlan | None:
    """The plan ``loaded`` continues: the one its ``continues`` names, else its unit's plan of the
    year before of the same kind (annual for annual); ``None`` when there is none."""
    if loaded.plan.continues is not None:
        return repo.by_id.get(loaded.plan.continues)
    before = [p for p in repo.plans_of(loaded.plan.unit.id, loaded.plan.year - 1) if p.plan.scope == loaded.plan.scope]
    return before[0] if len(before) == 1 else None
