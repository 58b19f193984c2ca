"""Official units: a plan's units and their codes are the ones in force for the plan's year.

Opt-in (``extend_select = ["O"]`` in ``dansokh.toml``, or ``--extend-select O``): they need the
official list (``model.official``, the optional package), and a repository of units that are not
administrative units (residential groups, a programme's sites) has no use for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...cascade.official import Placed, Placer, in_force_on
from ...cascade.repository import LoadedPlan, Repository
from ...i18n import N_, _
from ...model import official
from ...model.plan import UnitDecl
from .base import Diagnostic, Rule, Severity, repo_rule


def _needs() -> str | None:
    return None if official.available() else official.unavailable_reason()


def _declarations(loaded: LoadedPlan) -> Iterator[tuple[UnitDecl, str | None, tuple[str | int, ...]]]:
    plan = loaded.plan
    yield plan.unit, plan.unit.parent, ("unit",)
    for index, unit in enumerate(plan.units):
        yield unit, unit.parent or plan.unit.id, ("units", index)


def _placements(repo: Repository) -> Iterator[tuple[LoadedPlan, tuple[str | int, ...], Placed | None, date]]:
    """Every declaration of every plan, placed in the list in force for its plan (``None`` for a
    plan before the first list the library has)."""
    places: dict[str, Placer] = {}
    for loaded in repo.plans:
        day = in_force_on(loaded.plan)
        snapshot = official.snapshot_for(day)
        for unit, parent, path in _declarations(loaded):
            if snapshot is None:
                yield loaded, path, None, day
                continue
            placer = places.setdefault(snapshot.key, Placer(repo, snapshot))
            yield loaded, path, placer.place(unit, parent), day


@repo_rule(
    "O001",
    "unofficial-unit",
    N_("A unit that is not an official administrative unit in force for the plan's year."),
    opt_in=True,
    needs=_needs,
)
def unofficial_unit(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """Every unit a plan declares (its own and those it assigns to) is an official unit in force
    for the plan's year, under the parent the plan gives it: the list of the first half of 2025
    for the January 2025 plans (three levels), the list in force since 1 July 2025 for a plan of
    2026 (two levels: no districts).  The day is the later of the document's date and 1 January of
    the plan's year.  Names match across tone-mark placement (Thụy/Thuỵ) and with or without their
    kind (Ngọc Thụy, Phường Ngọc Thụy).

    The list is the optional package vietnamadminunits (``pip install "dansokh[units]"``); select
    the rule with ``extend_select = ["O"]`` in ``dansokh.toml``.  Without the package the rule says
    it was not checked, once, as an error: a selected check never passes silently."""
    noted: set[int] = set()
    for loaded, path, placed, day in _placements(repo):
        if placed is None:
            if id(loaded) not in noted:
                noted.add(id(loaded))
                yield rule.at(
                    loaded.span(("year",)),
                    _("not checked: the official list begins in 2025, and this plan's units are those of {day}").format(
                        day=f"{day.day}/{day.month}/{day.year}"
                    ),
                    severity=Severity.INFO,
                )
            continue
        if placed.problem == "name":
            yield rule.at(loaded.span(path + ("name",)), placed.message)


@repo_rule(
    "O002",
    "wrong-official-code",
    N_("A unit's code is not the official code of the unit it names."),
    opt_in=True,
    needs=_needs,
)
def wrong_official_code(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """A unit may carry its official code (``code: "00118"``, in quotes: the leading zeros are part
    of it).  The code must be that of the unit the name names, in the list in force for the plan's
    year: codes were reassigned on 1 July 2025 (00118 was phường Ngọc Thụy; it is now phường Bồ
    Đề, which took part of its territory), so a code copied from last year's plan is caught here."""
    for loaded, path, placed, _day in _placements(repo):
        if placed is not None and placed.problem == "code":
            yield rule.at(loaded.span(path + ("code",)), placed.message)


RULES = (unofficial_unit, wrong_official_code)
