"""Official units: a plan's units and their codes are the ones in force for the plan's year.

Opt-in (``extend_select = ["O"]`` in ``dansokh.toml``, or ``--extend-select O``): they need the
official list (``model.official``, the optional package), and a repository of units that are not
administrative units (residential groups, a programme's sites) has no use for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...cascade.repository import LoadedPlan, Repository
from ...i18n import N_, _
from ...model import official
from ...model.plan import UnitDecl
from ...official.placing import Abolished, Gone, Placed, Placer, in_force_on
from .base import Diagnostic, Rule, Severity, plan_rule, repo_rule
from .targets import plan_texts


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


def _gone_words(gone: Gone, since: str) -> str:
    if gone.now:
        return _("{old} (now {new})").format(old=gone.words, new=", ".join(gone.now))
    return _("{old} (a unit before {day})").format(old=gone.words, day=since)


@plan_rule(
    "O003",
    "unit-no-longer-exists",
    N_("A text of a plan after the reform names a unit or a kind of unit that no longer exists."),
    Severity.WARNING,
    opt_in=True,
    needs=_needs,
)
def unit_no_longer_exists(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A plan in force under the list since 1 July 2025 (a plan of 2026) is read by units of
    two levels: its issuer, title, goals, schedule (each row's content, lead and co-operating
    units), duties and reporting text name units and bodies that exist.  Next year's plan
    drafted from a plan of 2025 keeps what that plan wrote: ``UBND quận Long Biên``, ``phường
    Ngọc Thụy`` (a ward that went to the new Bồ Đề and Hồng Hà), ``Trung tâm Y tế quận``,
    ``các quận, huyện, thị xã``.  Each such text gets one warning, at the text, naming what no
    longer exists and, for a named unit, the units of the list in force that took its territory.
    A unit is looked up with its kind in the plan's province: ``phường Bồ Đề`` is a unit in force
    (a new ward of that name, not the old one's territory), ``phường Ngọc Thụy`` is not; a kind
    that no unit in force has (``quận``) is reported wherever it is written."""
    old, new = official.snapshots()
    if old is new or official.snapshot_for(in_force_on(loaded.plan)) is not new:
        return
    since = f"{new.start.day}/{new.start.month}/{new.start.year}"
    finder = Abolished(loaded.plan)
    for path, what, text in plan_texts(loaded):
        gone = finder.find(text)
        if not gone:
            continue
        kinds = [g.words for g in gone if g.kind_only]
        items = [_gone_words(g, since) for g in gone if not g.kind_only]
        if kinds:
            items.append(_("{kinds} (no unit of this kind in {list})").format(kinds=", ".join(kinds), list=new.describe()))
        yield rule.at(
            loaded.span(path),
            _(
                "{what} names what no longer exists since {day} ({source}): {found}. Write the units in force,"
                " or the body that now does the work"
            ).format(what=what(), day=since, source=official.source_label(), found="; ".join(items)),
        )


RULES = (unofficial_unit, wrong_official_code, unit_no_longer_exists)
