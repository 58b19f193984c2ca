"""Next year's plan across a reform of the units: the ``drafts.Carry`` of a crosswalk.

A crosswalk from a unit's units of one year into the same unit's units of the next (Hà Nội's 30
districts of 2025 into its 126 wards and communes of 2026) gives next year's plan of that unit:

- its units are the crosswalk's new units, named and coded as the official list in force that
  year names them where the list is installed (``model.official``), else as the crosswalk does;
  a level that neither the repository nor the list gives is left blank (``…``, check P002);
- each allocation table's rows are last year's carried into them by ``Bridge`` (a count split
  exactly by the same apportionment ``allocate --split`` uses, a rate weighted by population),
  the total row last year's (the territory is the same: one unit on both sides);
- each row says where its figures came from, and whether an old unit was divided on the way;
  a figure that cannot be carried (a rate of parts with different rates, and no population to
  weigh them by) is left empty, and its row says so.

Everything is computed when the carry is made (``crosswalk_carry``), so that a crosswalk that
cannot carry the plan's figures is refused before any file is drafted.  Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..cascade.apportion import Method
from ..cascade.drafts import ON_BEHALF, PLACEHOLDER, Draft, TableRows, replace_unit, schedule_skeleton, unit_data
from ..cascade.repository import LoadedPlan, Repository
from ..i18n import _
from ..model import official
from ..model.catalogue import CATALOGUE
from ..model.crosswalk import Part
from ..model.official import OfficialUnit, Snapshot
from ..model.plan import AllocationRow, AllocationTable, Plan, UnitDecl
from ..model.years import next_year_text, year_id
from ..official.placing import Placer, level_words
from ..read.positions import Path
from .crosswalk import Bridge, CarriedValue, CarryError, bridges, carried_indicators, carry_column


@dataclass(frozen=True)
class CrosswalkCarry:
    """Last year's plan carried into next year's units through one crosswalk (``drafts.Carry``);
    made by ``crosswalk_carry``."""

    bridge: Bridge
    own: UnitDecl  # the plan's unit next year (its official code added where the list gives it)
    units: tuple[UnitDecl, ...]  # the new units, in the order next year's plan lists them
    tables: dict[int, TableRows]  # by appendix index
    blanks: tuple[tuple[str, str], ...]  # (unit, column label) of every figure that could not be carried

    def unit(self, unit: UnitDecl, year: int) -> UnitDecl:
        return self.own

    def children(self, plan: Plan, year: int) -> list[UnitDecl]:
        return list(self.units)

    def rows(self, repo: Repository, loaded: LoadedPlan, table_index: int, year: int) -> TableRows:
        return self.tables[table_index]

    def notes(self) -> list[str]:
        walk = self.bridge.crosswalk
        return [
            f"Đơn vị năm {walk.to.year} theo bảng chuyển đổi {self.bridge.loaded.label}: số liệu năm {walk.from_.year}"
            " của các đơn vị cũ được chuyển sang đơn vị mới (nguồn ghi cạnh từng dòng;",
            "* có phần của đơn vị cũ bị chia tách, + đơn vị mới còn nhận địa bàn ngoài bảng chuyển đổi).",
        ]


def next_year_bridges(repo: Repository, loaded: LoadedPlan) -> list[Bridge]:
    """The crosswalks that lead from a plan's units to its own unit's units of the next year."""
    plan = loaded.plan
    return [
        bridge
        for bridge in bridges(repo)
        if bridge.crosswalk.from_.unit == plan.unit.id == bridge.crosswalk.to.unit
        and bridge.from_year == plan.year
        and bridge.to_year == plan.year + 1
    ]


def crosswalk_carry(
    repo: Repository, loaded: LoadedPlan, bridge: Bridge, method: Method = Method.LARGEST_REMAINDER
) -> CrosswalkCarry:
    """Next year's units and tables of ``loaded`` through ``bridge``; a ``CarryError`` saying why
    where the crosswalk does not lead from this plan's units to its unit's of the next year, or
    cannot carry a figure of its tables (shares undecided, an old unit left out)."""
    plan = loaded.plan
    walk = bridge.crosswalk
    year = plan.year + 1
    if walk.from_.unit != plan.unit.id or bridge.from_year != plan.year:
        raise CarryError(
            _("the crosswalk {crosswalk} carries {unit}'s units of {year}, not {title}'s units of {plan_year}").format(
                crosswalk=bridge.loaded.label, unit=title_of(repo, walk.from_.unit, bridge.from_year), year=bridge.from_year,
                title=plan.unit_title, plan_year=plan.year,
            )
        )
    if walk.to.unit != plan.unit.id or bridge.to_year != year:
        raise CarryError(
            _(
                "the crosswalk {crosswalk} leads into {unit}'s units of {to_year}: next year's plan of {title}"
                " needs one into its own units of {year}"
            ).format(
                crosswalk=bridge.loaded.label, unit=title_of(repo, walk.to.unit, bridge.to_year), to_year=bridge.to_year,
                title=plan.unit_title, year=year,
            )
        )
    snapshot = official.snapshot_for(date(year, 1, 1)) if official.available() else None
    placer = Placer(repo, snapshot) if snapshot is not None else None
    own = _own_unit(plan.unit, placer)
    units = _new_units(repo, bridge, plan.unit.id, placer)
    tables: dict[int, TableRows] = {}
    blanks: list[tuple[str, str]] = []
    for index, table in plan.allocation_tables:
        tables[index], missing = _table_rows(repo, bridge, loaded, table, units, method)
        blanks += missing
    return CrosswalkCarry(bridge, own, tuple(units), tables, tuple(blanks))


def title_of(repo: Repository, unit: str, year: int) -> str:
    """A unit as officers name it (``quận Long Biên``), from its plan of ``year`` or any year."""
    plans = repo.plans_of(unit, year) or repo.plans_of(unit)
    if plans:
        return plans[0].plan.unit_title
    declared = repo.unit(unit)
    return declared.name if declared is not None else unit


def _own_unit(unit: UnitDecl, placer: Placer | None) -> UnitDecl:
    """The plan's unit, with the code the official list gives it where it has none."""
    if unit.code is not None or placer is None:
        return unit
    placed = placer.place(unit, unit.parent).unit
    return unit if placed is None else unit.model_copy(update={"code": placed.code})


def _new_units(repo: Repository, bridge: Bridge, parent: str, placer: Placer | None) -> list[UnitDecl]:
    """The crosswalk's new units as next year's plan declares them: as the repository declares
    them already (a ward's own plan), else as the official list names them under ``parent``, else
    as the crosswalk names them with their level left blank.  In the order of their codes where
    every one has a code (the official list's order), else in the crosswalk's."""
    parts: dict[str, Part] = {}
    for entry in bridge.crosswalk.units:
        for part in entry.parts:
            parts.setdefault(part.unit, part)
    units: list[UnitDecl] = []
    for unit_id, part in parts.items():
        declared = repo.unit(unit_id)
        if declared is not None:
            units.append(declared.model_copy(update={"parent": None}))  # the plan's list names no parent
            continue
        named = UnitDecl(id=unit_id, name=part.name or bridge.name_of(unit_id), level=PLACEHOLDER, code=part.code)
        placed = placer.place(named, parent).unit if placer is not None else None
        units.append(_official(named, placed, placer.snapshot) if placer is not None and placed is not None else named)
    if all(unit.code is not None for unit in units):
        units.sort(key=lambda unit: (len(unit.code or ""), unit.code or ""))
    return units


def _official(unit: UnitDecl, placed: OfficialUnit, snapshot: Snapshot) -> UnitDecl:
    return unit.model_copy(update={"name": placed.name, "code": placed.code, "level": level_words(placed, snapshot)})


def _table_rows(
    repo: Repository, bridge: Bridge, loaded: LoadedPlan, table: AllocationTable, units: list[UnitDecl], method: Method
) -> tuple[TableRows, list[tuple[str, str]]]:
    """One table's rows in the new units, their remarks, and the figures left empty."""
    carried = [carry_column(repo, bridge, loaded, column.indicator, method).by_unit() for column in table.columns]
    labels = [column.label for column in table.columns]
    total = table.total_row
    offset = 1 if total is not None and total[0] == 0 else 0  # the total row stays where last year's stood
    rows: list[AllocationRow] = []
    remarks: dict[int, str] = {}
    blanks: list[tuple[str, str]] = []
    for number, unit in enumerate(units, 1):
        values = [column.get(unit.id) for column in carried]
        rows.append(AllocationRow(tt=str(number), name=unit.name, values=[v.value if v else None for v in values]))
        missing = [label for label, v in zip(labels, values) if v is not None and v.contributions and v.value is None]
        blanks += [(unit.name, label) for label in missing]
        remarks[offset + number - 1] = _remark(values, missing, bridge.from_year)
    if total is not None:
        rows.insert(0 if offset else len(rows), total[1].model_copy())
    walk = bridge.crosswalk
    note = (
        f"số liệu năm {walk.from_.year} (kế hoạch {loaded.plan.id}) chuyển sang đơn vị năm {walk.to.year}"
        f" qua bảng chuyển đổi {bridge.loaded.label}, cần rà soát"
    )
    return TableRows(rows, remarks, note), blanks


def _remark(values: list[CarriedValue | None], missing: list[str], year: int) -> str:
    """Where a row's figures came from, in Vietnamese (the plan file's language): ``năm 2025:
    Ngọc Thụy (15%) + Ngọc Lâm; * có phần của đơn vị bị chia tách``."""
    given = [v for v in values if v is not None and v.contributions]
    if not given:
        return f"không có số liệu năm {year} để chuyển sang: điền số liệu"
    first = given[0]
    same_shares = all([(c.old, c.share) for c in v.contributions] == [(c.old, c.share) for c in first.contributions] for v in given)
    if same_shares:
        sources = first.sources_text(lang="vi")
    else:  # shared by figure: each column its own shares
        sources = " + ".join(c.name + (" (một phần)" if c.divided else "") for c in first.contributions)
    marks = ("*" if any(v.divided for v in given) else "") + ("+" if any(v.partial for v in given) else "")
    text = f"{marks} năm {year}: {sources}" if marks else f"năm {year}: {sources}"
    if any(v.divided for v in given):
        text += "; có phần của đơn vị bị chia tách"
    if any(v.partial for v in given):
        text += "; đơn vị còn nhận địa bàn ngoài bảng chuyển đổi, số liệu chưa đủ"
    if missing:
        text += (
            f"; chưa chuyển được {', '.join(missing)}: các phần có tỷ lệ khác nhau mà bảng chuyển đổi"
            " không ghi dân số để tính bình quân gia quyền, cần điền"
        )
    return text


# a new unit's first plan, before its parent's plan of the year ---------------------------------


def bridges_into(repo: Repository, unit: str) -> list[Bridge]:
    """The crosswalks that carry figures into ``unit`` (one of their new units), the best first:
    one that covers its whole territory before one that does not, then the finer (a district's
    wards rather than a city's districts), as ``progress --last-year`` chooses."""

    def preference(bridge: Bridge) -> tuple[bool, bool]:
        partial = (bridge.partial_units() or {}).get(unit)
        return (bool(partial), bridge.crosswalk.from_.unit == bridge.crosswalk.to.unit)

    found = [bridge for bridge in bridges(repo) if any(part.unit == unit for entry in bridge.crosswalk.units for part in entry.parts)]
    return sorted(found, key=preference)


def new_unit_draft(repo: Repository, bridge: Bridge, unit: str, method: Method = Method.LARGEST_REMAINDER) -> tuple[Draft, tuple[str, ...]]:
    """The first plan of ``unit``, a new unit of ``bridge``, for the crosswalk's later year,
    before its parent's plan of that year exists: as targets, what last year's plan (``from``'s)
    assigned to its old units, carried through the crosswalk (a count split by the shares, a
    rate weighted by population), each with where it came from; the note that the parent's
    assignment is not known yet.  Also the labels of the figures that could not be carried.  A
    ``CarryError`` where last year's plan is missing or a figure cannot be carried."""
    walk = bridge.crosswalk
    loaded = bridge.from_plan()
    if loaded is None:
        raise CarryError(
            _("the crosswalk {crosswalk} carries the units {unit} assigned to in {year}, and the repository has no {year} plan of {unit}").format(
                crosswalk=bridge.loaded.label, unit=title_of(repo, walk.from_.unit, bridge.from_year), year=bridge.from_year
            )
        )
    plan, year, parent = loaded.plan, bridge.to_year, walk.to.unit
    snapshot = official.snapshot_for(date(year, 1, 1)) if official.available() else None
    placer = Placer(repo, snapshot) if snapshot is not None else None
    declared = next(u for u in _new_units(repo, bridge, parent, placer) if u.id == unit)
    placed = placer.place(declared, parent).unit if placer is not None else None
    words = f"{placed.kind.lower()} {placed.name}" if placed is not None else f"{PLACEHOLDER} {declared.name}"
    giver, parent_title = plan.unit_title, title_of(repo, parent, year)
    title = replace_unit(plan.document.title, plan.unit_title, words)
    document = {
        "kind": "Kế hoạch",
        "issuer": f"UBND {words}",
        "number": None,
        "symbol": plan.document.symbol or "KH-UBND",
        "date": str(year),
        "title": next_year_text(title, plan.year, by=year - plan.year) if title else PLACEHOLDER,
        "signer": {"on_behalf": ON_BEHALF},
    }
    data: dict[str, Any] = {
        "id": year_id(unit, year),
        "year": year,
        "scope": "annual",
        "document": document,
        "unit": unit_data(declared.model_copy(update={"parent": None}), parent),
        "goals": [PLACEHOLDER],
        "targets": [],
    }
    comments: dict[Path, str] = {}
    blanks: list[str] = []
    sources: list[str] = []
    for indicator in carried_indicators(repo, loaded):
        carried = carry_column(repo, bridge, loaded, indicator, method)
        value = carried.by_unit().get(unit)
        if value is None or not value.contributions:
            continue
        if value.value is None:
            blanks.append(CATALOGUE[indicator].name)
            continue
        target: dict[str, Any] = {"indicator": indicator, "value": value.value}
        if carried.unit != CATALOGUE[indicator].unit:
            target["unit"] = carried.unit
        index = len(data["targets"])
        data["targets"].append(target)
        sources.append(value.sources_text(lang="vi"))
        remark = ("* " if value.divided else "") + f"năm {bridge.from_year} {giver} giao{{sources}}"
        if value.partial:
            remark += "; đơn vị còn nhận địa bàn ngoài bảng chuyển đổi, số liệu chưa đủ"
        comments[("targets", index, "value")] = remark + f"; {parent_title} chưa giao năm {year}"
    one = len(set(sources)) == 1  # the same old units and shares for every target: said once, above
    for (path, remark), source in zip(comments.items(), sources):
        comments[path] = remark.format(sources="" if one else f" {source}")
    schedule = schedule_skeleton(plan)
    if "subtitle" in schedule:
        schedule["subtitle"] = next_year_text(schedule["subtitle"], plan.year, by=year - plan.year)
    data["appendices"] = [schedule]
    header = [
        f"Kế hoạch năm {year} của {words}: bản nháp do dansokh lập trước khi có kế hoạch năm {year} của {parent_title}.",
        f"Mỗi chỉ tiêu là mức {giver} giao năm {bridge.from_year} cho các đơn vị cũ nay thuộc {words},",
        f"chuyển qua bảng chuyển đổi {bridge.loaded.label} (* có phần của đơn vị cũ bị chia tách)"
        + (f": {sources[0]}." if one else "; nguồn ghi cạnh từng chỉ tiêu."),
        f"CHƯA BIẾT mức {parent_title} giao năm {year}: khi có kế hoạch đó, ghi văn bản vào implements,",
        "đối chiếu từng chỉ tiêu với mức được giao (dansokh validate báo chỉ tiêu nào thấp hơn) rồi điều chỉnh.",
    ]
    if blanks:
        header.append(f"Chưa chuyển được (điền khi có số liệu): {', '.join(blanks)}.")
    header.append(f"Điền những chỗ {PLACEHOLDER} rồi chạy dansokh validate.")
    return Draft(data, comments, header), tuple(blanks)


__all__ = ["CrosswalkCarry", "bridges_into", "crosswalk_carry", "new_unit_draft", "next_year_bridges"]
