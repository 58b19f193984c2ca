"""Crosswalks proposed from the official reform table: which old unit went to which new ones.

For every plan of the ``from`` year that assigns to units (Hà Nội to its 30 districts, Long Biên to
its 13 wards), the proposal maps those units into the units of the ``to`` year of the province
that took the plan's territory (Hà Nội, whose 2026 units are its 126 wards and communes): a unit
that went whole has one part; a divided unit has a part for each new unit its territory went to,
and ``by: undecided``: the table says where, not how much, and the officer decides.  New units
take the ids this year's plan declares them with, else ``OfficialUnit.unit_id`` (``bo-de-00118``).
Pure computation; ``write.crosswalk`` writes the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..cascade.lookup import main_plan
from ..cascade.repository import LoadedPlan, Repository
from ..i18n import _
from ..model import official
from ..model.names import name_key
from ..model.official import OfficialUnit, Snapshot
from ..official.placing import Placer, in_force_on


class ProposalError(ValueError):
    """No crosswalk can be proposed as asked; the message says why."""


@dataclass(frozen=True)
class ProposedPart:
    unit: str  # the new unit's id
    official: OfficialUnit
    geocoded: bool  # the new unit holding the old unit's geocoded point, as the list marks it (not its seat)


@dataclass(frozen=True)
class ProposedEntry:
    old: str
    official: OfficialUnit
    parts: list[ProposedPart]

    @property
    def divided(self) -> bool:
        return len(self.parts) > 1


@dataclass
class Proposal:
    plan: LoadedPlan  # the plan whose units are carried
    from_year: int
    to_year: int
    to_unit: str
    to_title: str
    province: OfficialUnit  # of the new list
    entries: list[ProposedEntry] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # old units the list does not know

    @property
    def from_unit(self) -> str:
        return self.plan.plan.unit.id

    @property
    def id(self) -> str:
        return f"{self.from_unit}-{self.from_year}-{self.to_year}"

    @property
    def new_units(self) -> list[str]:
        return list(dict.fromkeys(part.unit for entry in self.entries for part in entry.parts))


def _lists(from_year: int, to_year: int, plan: LoadedPlan) -> tuple[Snapshot, Snapshot]:
    old = official.snapshot_for(in_force_on(plan.plan))
    new = official.snapshot_for(date(to_year, 1, 1))
    if old is None or new is None or old is new:
        raise ProposalError(
            _("the official list has no reform between {year} and {to}: the units of both years are the same").format(
                year=from_year, to=to_year
            )
        )
    return old, new


def propose(repo: Repository, from_year: int, to_year: int, unit: str | None = None) -> list[Proposal]:
    """A proposal for each plan of ``from_year`` that assigns to units (or ``unit``'s plan only)."""
    if not official.available():
        raise ProposalError(official.unavailable_reason())
    plans = [
        loaded
        for loaded in repo.plans
        if loaded.plan.year == from_year
        and loaded.plan.units
        and (unit is None or loaded.plan.unit.id == unit)
        and main_plan(repo, loaded.plan.unit.id, from_year) is loaded
    ]
    if not plans:
        raise ProposalError(
            _("no plan of {year} assigns to units{unit}: nothing to carry").format(
                year=from_year, unit=_(" (of {unit})").format(unit=unit) if unit else ""
            )
        )
    reform = official.reform()
    proposals = []
    for loaded in plans:
        old_list, new_list = _lists(from_year, to_year, loaded)
        old_placer = Placer(repo, old_list)
        here = old_placer.place(loaded.plan.unit, loaded.plan.unit.parent).unit
        if here is None:
            continue
        old_province = ([here, *old_list.ancestors(here)])[-1]
        new_code = next((code for code, olds in reform.provinces.items() if old_province.code in olds), None)
        if new_code is None:
            continue
        province = new_list.units[new_code]
        to_plan = _province_plan(repo, to_year, province, new_list)
        to_unit = to_plan.plan.unit.id if to_plan else _continuing_id(repo, from_year, province, old_province)
        ids = _declared_ids(repo, to_plan, new_list)
        proposal = Proposal(loaded, from_year, to_year, to_unit, to_plan.plan.unit_title if to_plan else province.title, province)
        for child in loaded.plan.units:
            placed = old_placer.place(child, child.parent or loaded.plan.unit.id).unit
            if placed is None:
                proposal.unplaced.append(child.id)
                continue
            parts = [
                ProposedPart(ids.get(part.code, new_list.units[part.code].unit_id), new_list.units[part.code], part.geocoded)
                for part in reform.parts_of(placed)
                if part.code in new_list.units
            ]
            parts.sort(key=lambda p: (not p.geocoded, p.official.name))
            proposal.entries.append(ProposedEntry(child.id, placed, parts))
        proposals.append(proposal)
    return proposals


def _province_plan(repo: Repository, year: int, province: OfficialUnit, new_list: Snapshot) -> LoadedPlan | None:
    """This year's plan of the province, where the repository has it."""
    for loaded in repo.plans:
        if loaded.plan.year == year and loaded.plan.unit.parent is None:
            placed = Placer(repo, new_list).place(loaded.plan.unit, None).unit
            if placed is not None and placed.code == province.code:
                return main_plan(repo, loaded.plan.unit.id, year)
    return None


def _continuing_id(repo: Repository, from_year: int, province: OfficialUnit, old_province: OfficialUnit) -> str:
    """The id of the province in last year's plans, when it kept its name (Hà Nội: ``ha-noi``)."""
    for units in repo.units.values():
        declared = units[0].unit
        if declared.parent is None and declared.code in (None, province.code, old_province.code):
            if name_key(declared.name) == name_key(province.name):
                return declared.id
    return province.unit_id


def _declared_ids(repo: Repository, to_plan: LoadedPlan | None, new_list: Snapshot) -> dict[str, str]:
    """The ids this year's plan gives the official units it declares, by code."""
    if to_plan is None:
        return {}
    placer = Placer(repo, new_list)
    ids: dict[str, str] = {}
    for child in to_plan.plan.units:
        placed = placer.place(child, child.parent or to_plan.plan.unit.id).unit
        if placed is not None:
            ids.setdefault(placed.code, child.id)
    return ids
