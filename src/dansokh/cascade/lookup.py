"""Finding the plan a user means: by plan id, unit id, or unit name with or without diacritics."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from ..model.names import name_key, slug
from ..model.plan import UnitDecl
from .repository import LoadedPlan, Repository


class LookupError_(ValueError):
    """A name that matches nothing, or more than one thing; the message lists the candidates."""


@dataclass(frozen=True)
class Found:
    unit: UnitDecl
    plan: LoadedPlan | None


def _describe(repo: Repository, unit: UnitDecl) -> str:
    plans = ", ".join(p.plan.id for p in repo.plans_of(unit.id))
    parent = repo.unit(unit.parent) if unit.parent else None
    where = _(", in {parent}").format(parent=parent.name) if parent else ""
    listed = _("; plans: {plans}").format(plans=plans) if plans else ""
    return f"{unit.level} {unit.name} ({unit.id}{where}{listed})"


def main_plan(repo: Repository, unit_id: str, year: int | None = None) -> LoadedPlan | None:
    """A unit's annual plan for the year, or else its first plan."""
    plans = repo.plans_of(unit_id, year)
    annual = [p for p in plans if p.plan.scope == "annual"]
    return (annual or plans or [None])[0]


def find(repo: Repository, text: str, among: list[UnitDecl] | None = None, year: int | None = None) -> Found:
    """Resolve ``text``: a plan id first, then a unit id, then a unit name (tone-mark
    placement, case and diacritics forgiven).  ``among`` narrows names to, say, a parent's
    children, so that ``--to "Long Biên"`` under ``--from city`` means the district; ``year``
    prefers the unit's plan of that year, so that ``--from city-2026 --to long-bien`` means
    Long Biên's 2026 plan even though last year's plan has the id ``long-bien``."""
    if text in repo.by_id and (year is None or repo.by_id[text].plan.year == year or text not in repo.units):
        loaded = repo.by_id[text]
        return Found(repo.unit(loaded.plan.unit.id) or loaded.plan.unit, loaded)
    if text in repo.units:
        unit = repo.units[text][0].unit
        return Found(unit, main_plan(repo, unit.id, year))
    pool = among if among is not None else [declared[0].unit for declared in repo.units.values()]
    key, bare = name_key(text), slug(text)
    matches = [u for u in pool if name_key(u.name) == key or any(name_key(a) == key for a in u.aliases)]
    if not matches:
        matches = [u for u in pool if slug(u.name) == bare or any(slug(a) == bare for a in u.aliases)]
    if len(matches) > 1:
        with_plans = [u for u in matches if repo.plans_of(u.id)]
        if len(with_plans) == 1:
            matches = with_plans
    if len(matches) == 1:
        return Found(matches[0], main_plan(repo, matches[0].id, year))
    if not matches:
        close = sorted(
            {u.name for u in pool if bare and (bare in slug(u.name) or slug(u.name) in bare)}
            | {p for p in repo.by_id if bare and bare in p}
        )
        if close:
            template = _("{text!r} matches no plan, unit id or unit name; did you mean {close}?")
        else:
            template = _("{text!r} matches no plan, unit id or unit name; plans: {plans}")
        raise LookupError_(template.format(text=text, close=", ".join(close), plans=", ".join(sorted(repo.by_id))))
    listing = "\n".join(f"  - {_describe(repo, u)}" for u in matches)
    raise LookupError_(
        _("{text!r} matches several units; name one by its id:\n{listing}").format(text=text, listing=listing)
    )
