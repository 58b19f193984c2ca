"""A crosswalk against the official reform table (``model.official.reform``): which new units
also took territory from old units the crosswalk does not cover, and where the table sent each
old unit.  ``None`` throughout where the official list is not installed or no reform lies
between the crosswalk's two sides.  Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..model import official
from ..model.official import OfficialUnit, Snapshot
from ..model.plan import UnitDecl
from ..official.placing import Placer, in_force_on

if TYPE_CHECKING:
    from .crosswalk import Bridge


def _across_the_reform(bridge: Bridge) -> tuple[Placer, Placer] | None:
    """The placers in the official lists in force on each side of a crosswalk; ``None``
    without the official list, or when both sides are in force under one list (no reform between)."""
    if not official.available():
        return None
    from_plan, to_plan = bridge.from_plan(), bridge.to_plan()
    old_list = official.snapshot_for(in_force_on(from_plan.plan) if from_plan else date(bridge.from_year, 1, 1))
    new_list = official.snapshot_for(in_force_on(to_plan.plan) if to_plan else date(bridge.to_year, 1, 1))
    if old_list is None or new_list is None or old_list is new_list:
        return None
    return Placer(bridge.repo, old_list), Placer(bridge.repo, new_list)


def reform_sources(bridge: Bridge) -> dict[str, bool] | None:
    """For each new unit of a crosswalk, whether the official reform table says it also took
    territory from old units the crosswalk does not cover; ``None`` without the official list."""
    sides = _across_the_reform(bridge)
    if sides is None:
        return None
    repo, reform = bridge.repo, official.reform()
    old_placer, new_placer = sides
    old_list = old_placer.snapshot
    covered: set[str] = set()
    for old, (_index, entry) in bridge.entries.items():
        declared = repo.unit(old) or UnitDecl(id=old, name=entry.name or old, level="", code=entry.code)
        placed = old_placer.place(declared, declared.parent).unit
        if placed is None:
            return None  # an old unit the list does not know: coverage cannot be judged
        stack = [placed]
        while stack:
            unit = stack.pop()
            covered.add(unit.code)
            stack.extend(old_list.children.get(unit.code, []))
    sources: dict[str, set[str]] = {}
    for old_code, parts in reform.communes.items():
        for part in parts:
            sources.setdefault(part.code, set()).add(old_code)
    result: dict[str, bool] = {}
    for new in bridge.order():
        given = next((p for e in bridge.crosswalk.units for p in e.parts if p.unit == new), None)
        new_unit = repo.unit(new) or UnitDecl(
            id=new, name=(given.name if given and given.name else new), level="", code=given.code if given else None
        )
        found = new_placer.place(new_unit, new_unit.parent).unit
        if found is None:
            continue
        result[new] = bool(sources.get(found.code, set()) - covered)
    return result


@dataclass(frozen=True)
class Expected:
    """What the official reform table says of one old unit of a crosswalk: the codes of the new
    units its territory went to, and the codes the crosswalk gives it (``None``: a part the list
    does not know)."""

    old: OfficialUnit
    official: frozenset[str]
    given: frozenset[str | None]


def expected_parts(bridge: Bridge) -> tuple[dict[str, Expected], Snapshot] | None:
    """For each old unit of a crosswalk the list can place, where the reform table sent it, and
    the new list; ``None`` without the official list or when the two sides are not one on each
    side of the reform."""
    sides = _across_the_reform(bridge)
    if sides is None:
        return None
    repo, reform = bridge.repo, official.reform()
    old_placer, new_placer = sides
    new_list = new_placer.snapshot
    new_codes: dict[str, str | None] = {}
    for entry in bridge.crosswalk.units:
        for part in entry.parts:
            if part.unit not in new_codes:
                declared = repo.unit(part.unit) or UnitDecl(
                    id=part.unit, name=part.name or part.unit, level="", code=part.code
                )
                placed = new_placer.place(declared, declared.parent).unit
                new_codes[part.unit] = placed.code if placed else None
    found: dict[str, Expected] = {}
    for old in dict.fromkeys([*bridge.old_units(), *bridge.entries]):
        indexed = bridge.entries.get(old)
        old_entry = indexed[1] if indexed is not None else None
        old_unit = repo.unit(old) or (
            UnitDecl(id=old, name=old_entry.name or old, level="", code=old_entry.code) if old_entry is not None else None
        )
        if old_unit is None:
            continue
        old_placed = old_placer.place(old_unit, old_unit.parent).unit
        if old_placed is None:
            continue
        given = frozenset(new_codes.get(p.unit) for p in old_entry.parts) if old_entry is not None else frozenset()
        found[old] = Expected(old_placed, frozenset(p.code for p in reform.parts_of(old_placed)), given)
    return found, new_list
