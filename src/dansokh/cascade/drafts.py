"""New plans for the officer to complete: a child's first plan from what its parent assigned, and
next year's plan of any plan.  Pure computation: a ``Draft`` is the new plan's data, with the
remarks to write beside its values; ``write.new`` turns it into a file.

Nothing is invented.  What the repository knows is used (the parent's assignments and documents,
the unit's declarations and its plans of other years); what it does not know is left for the
officer: ``null`` where the plan format allows it (a document's number, its day), the placeholder
``…`` where a text is required (check P002 reminds of each one).

Next year's plan carries last year's units and figures through a ``Carry``: the same units
(``SameUnits``) unless a boundary change says otherwise (a crosswalk from old units to new ones
plugs in here, ``next_year_draft(…, carry=…)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..model.catalogue import CATALOGUE
from ..model.numbers import ATTACHED_UNITS, vn
from ..model.plan import AllocationRow, AllocationTable, Plan, Schedule, ScheduleRow, ScheduleSection, UnitDecl
from ..model.years import next_year_text, next_year_time, year_id
from ..read.positions import Path
from .lookup import main_plan
from .repository import LoadedPlan, Repository

PLACEHOLDER = "…"  # a text the officer fills in (check P002)
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"  # how a People's Committee (UBND) signs its plans
SCHEDULE_TITLE = "TIẾN ĐỘ THỰC HIỆN"


@dataclass
class Draft:
    """A new plan's data (keys in the order a plan file writes them), the remarks to write at the
    end of some values' lines (by path), and the comment lines that open the file."""

    data: dict[str, Any]
    comments: dict[Path, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)

    @property
    def plan_id(self) -> str:
        return self.data["id"]

    @property
    def year(self) -> int:
        return self.data["year"]


def _ref(plan: Plan) -> dict[str, Any]:
    """A plan as another plan cites it (``implements``)."""
    document = plan.document
    number = document.number
    if number and document.symbol and "/" not in number:
        number = f"{number}/{document.symbol}"
    return _without_none({
        "kind": document.kind,
        "number": number,
        "date": document.date,
        "issuer": document.issuer,
        "title": document.title,
    })


def _vn_quantity(value: Any, unit: str) -> str:
    """A figure as a Vietnamese remark in the plan file writes it: ``90%``, ``1.100 người``."""
    return f"{vn(value)}{unit}" if unit in ATTACHED_UNITS else f"{vn(value)} {unit}"


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def unit_data(unit: UnitDecl, parent: str | None) -> dict[str, Any]:
    """A declared unit as a draft writes it (under ``parent``)."""
    return _without_none({"id": unit.id, "name": unit.name, "level": unit.level, "parent": parent, "code": unit.code})


def _unit_words(issuer: str) -> str:
    """"UBND phường Ngọc Thụy" -> "phường Ngọc Thụy": the unit as a title writes it."""
    for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
        if issuer.lower().startswith(prefix.lower()):
            return issuer[len(prefix):]
    return issuer


def replace_unit(text: str, old: str, new: str) -> str | None:
    """``text`` with the words ``old`` (the parent as its title writes it) replaced by ``new``;
    ``None`` where ``text`` does not hold them."""
    start = text.lower().find(old.lower())
    if start < 0:
        return None
    return text[:start] + new + text[start + len(old):]


def schedule_skeleton(parent: Plan) -> dict[str, Any]:
    """The parent's schedule's sections (its work areas: A. Công tác chỉ đạo …), without their
    rows; one row to fill in, in the first.  A parent without a schedule gives one section."""
    schedules = [appendix for _, appendix in parent.schedules]
    source = schedules[0] if schedules else None
    sections: list[dict[str, Any]] = []
    for section in source.sections if source else ():
        sections.append({"number": section.number, "title": section.title, "rows": []})
    if not sections:
        sections = [{"number": "A", "title": PLACEHOLDER, "rows": []}]
    sections[0]["rows"] = [{"number": "1", "content": PLACEHOLDER, "time": PLACEHOLDER, "lead": PLACEHOLDER}]
    schedule: dict[str, Any] = {"kind": "schedule", "number": "1", "heading": "Phụ lục 1"}
    schedule["title"] = source.title if source else SCHEDULE_TITLE
    if source and source.subtitle:
        schedule["subtitle"] = source.subtitle
    schedule["sections"] = sections
    return schedule


def child_draft(repo: Repository, parent: LoadedPlan, unit: UnitDecl) -> Draft:
    """The first plan of ``unit`` for the parent's year, from what ``parent`` assigned to it: its
    identity, every assigned indicator as a target at the assigned figure (the assignment noted
    beside it), and a schedule to fill in."""
    year = parent.plan.year
    earlier = sorted(repo.plans_of(unit.id), key=lambda p: (p.plan.scope != "annual", -p.plan.year))
    issuer = earlier[0].plan.document.issuer if earlier else f"UBND {PLACEHOLDER} {unit.name}"
    annual = [p.plan for p in earlier if p.plan.scope == "annual"]
    known = annual[0] if annual else None  # the unit's annual plan of another year, if any
    words = _unit_words(issuer)
    if known is not None:
        title = next_year_text(known.document.title, known.year, by=year - known.year)
    else:
        title = replace_unit(parent.plan.document.title, parent.plan.unit_title, words) or PLACEHOLDER
    signer: dict[str, Any] = {}
    if known is not None:
        signer = _without_none({"on_behalf": known.document.signer.on_behalf, "authority": known.document.signer.authority,
                                "title": known.document.signer.title})
    elif issuer.startswith("UBND"):
        signer = {"on_behalf": ON_BEHALF}
    document = {
        "kind": "Kế hoạch",
        "issuer": issuer,
        "number": None,
        "symbol": parent.plan.document.symbol or "KH-UBND",
        "date": str(year),
        "title": title,
        "signer": signer,
        "implements": [_ref(parent.plan)],
    }
    declared = repo.unit(unit.id) or unit
    data: dict[str, Any] = {
        "id": year_id(unit.id, year),
        "year": year,
        "scope": "annual",
        "document": document,
        "unit": unit_data(declared, declared.parent or parent.plan.unit.id),
        "goals": [PLACEHOLDER],
        "targets": [],
    }
    comments: dict[Path, str] = {}
    giver = parent.plan.unit_title
    seen: set[str] = set()
    for assignment in repo.assignments.get((parent.plan.id, unit.id), []):
        if assignment.indicator in seen:
            continue
        seen.add(assignment.indicator)
        target: dict[str, Any] = {"indicator": assignment.indicator, "value": assignment.value}
        if assignment.unit != CATALOGUE[assignment.indicator].unit:
            target["unit"] = assignment.unit
        index = len(data["targets"])
        data["targets"].append(target)
        where = _appendix_words(parent.plan, assignment.path)
        comments[("targets", index, "value")] = f"{giver} giao {_vn_quantity(assignment.value, assignment.unit)} ({where})"
    data["appendices"] = [schedule_skeleton(parent.plan)]
    header = [
        f"Kế hoạch năm {year} của {words}: bản nháp do dansokh lập từ những gì {giver} giao",
        f"(kế hoạch {parent.plan.id}). Mỗi chỉ tiêu bằng đúng mức được giao, ghi bên cạnh;",
        f"điền những chỗ {PLACEHOLDER} rồi chạy dansokh validate.",
    ]
    return Draft(data, comments, header)


def _appendix_words(plan: Plan, path: Path) -> str:
    """"kế hoạch long-bien, Phụ lục 2": where an assignment stands, as an officer finds it."""
    appendix = plan.appendices[path[1]]  # type: ignore[index]
    label = appendix.heading or (f"Phụ lục {appendix.number}" if appendix.number else appendix.title)
    return f"kế hoạch {plan.id}, {label}"


# next year ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRows:
    """An allocation table's rows in next year's plan, the remark to write beside some of them (by
    row index: where a row's figures came from), and the remark beside the rows (``None``: the
    usual "last year's figures, to review")."""

    rows: list[AllocationRow]
    remarks: dict[int, str] = field(default_factory=dict)
    note: str | None = None


class Carry(Protocol):
    """How last year's units and figures reach next year's plan.  The same units, unless the
    boundaries changed: a crosswalk maps old units to new ones (and splits a divided unit's
    figures by its shares) behind this seam (``reform.carry.CrosswalkCarry``)."""

    def unit(self, unit: UnitDecl, year: int) -> UnitDecl:
        """The plan's own unit in ``year``."""
        ...

    def children(self, plan: Plan, year: int) -> list[UnitDecl]:
        """The units next year's plan assigns to."""
        ...

    def rows(self, repo: Repository, loaded: LoadedPlan, table_index: int, year: int) -> TableRows:
        """An allocation table's rows for ``year``, from last year's."""
        ...

    def notes(self) -> list[str]:
        """Lines the new file's opening comment adds (Vietnamese: the file is the officer's)."""
        ...


class SameUnits:
    """The same units next year, with last year's figures as the starting point."""

    def unit(self, unit: UnitDecl, year: int) -> UnitDecl:
        return unit

    def children(self, plan: Plan, year: int) -> list[UnitDecl]:
        return list(plan.units)

    def rows(self, repo: Repository, loaded: LoadedPlan, table_index: int, year: int) -> TableRows:
        appendix = loaded.plan.appendices[table_index]
        return TableRows(list(appendix.rows) if isinstance(appendix, AllocationTable) else [])

    def notes(self) -> list[str]:
        return []


def _dump(model: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model's data as a plan file writes it, in the model's order: keys at their default
    (``total: false``, the usual column labels) and empty ones left out."""
    return model.model_dump(mode="python", exclude_none=True, exclude_defaults=True, exclude=set(exclude))


def _later_date(date: str, by: int) -> str:
    year, _, rest = date.partition("-")
    moved = f"{int(year) + by}" + (f"-{rest}" if rest else "")
    return moved.replace("-02-29", "-02-28") if rest.endswith("02-29") else moved


def next_year_draft(
    repo: Repository,
    loaded: LoadedPlan,
    carry: Carry | None = None,
    plan_id: str | None = None,
) -> Draft:
    """Next year's plan of ``loaded``: the same structure, every text that names the year moved on
    (titles, subtitles, attached lines, table titles, column labels, section titles), every
    schedule time moved to the next year in the same form, last year's figures as the starting
    point with last year's value beside each target, a link to the plan it continues."""
    carry = carry or SameUnits()
    plan = loaded.plan
    old, year = plan.year, plan.year + 1
    shift = lambda text: next_year_text(text, old) if text is not None else None  # noqa: E731
    document = plan.document
    implements = [_dump(ref) for ref in document.implements if not (ref.date or "").startswith(str(old))]
    parent_unit = plan.unit.parent
    parent_plan = main_plan(repo, parent_unit, year) if parent_unit else None
    if parent_plan is not None:
        implements.insert(0, _ref(parent_plan.plan))
    signer = _without_none({"on_behalf": document.signer.on_behalf, "authority": document.signer.authority,
                            "title": document.signer.title})
    new_document: dict[str, Any] = {
        "kind": document.kind,
        "issuer": document.issuer,
        "number": None,  # next year's document has no number yet
        "symbol": document.symbol,
        "date": str(year),
    }
    if document.place:
        new_document["place"] = document.place
    new_document["title"] = shift(document.title)
    new_document["signer"] = signer
    if implements:
        new_document["implements"] = implements
    data: dict[str, Any] = {
        "id": plan_id or year_id(plan.id, year),
        "year": year,
        "scope": plan.scope,
        "continues": plan.id,
        "document": new_document,
    }
    unit = carry.unit(plan.unit, year)
    data["unit"] = unit_data(unit, unit.parent)
    children = carry.children(plan, year)
    if children:
        data["units"] = [_dump(child) for child in children]
    if plan.goals:
        data["goals"] = [shift(goal) for goal in plan.goals]
    comments: dict[Path, str] = {}
    if plan.targets:
        data["targets"] = []
        for index, target in enumerate(plan.targets):
            entry: dict[str, Any] = {"indicator": target.indicator, "value": target.value}
            if target.unit is not None:
                entry["unit"] = target.unit
            data["targets"].append(entry)
            comments[("targets", index, "value")] = f"năm {old}: {_vn_quantity(target.value, target.unit_code)}"
    if plan.appendices:
        data["appendices"] = []
        for index, appendix in enumerate(plan.appendices):
            if isinstance(appendix, Schedule):
                data["appendices"].append(_next_schedule(appendix, old, plan.document.number))
                continue
            table = _next_table(appendix, old, plan.document.number)
            carried = carry.rows(repo, loaded, index, year)
            table["rows"] = [_dump(row) for row in carried.rows]
            comments[("appendices", index, "rows")] = carried.note or f"số liệu năm {old} (kế hoạch {plan.id}), cần rà soát"
            for row, remark in carried.remarks.items():
                comments[("appendices", index, "rows", row)] = remark
            data["appendices"].append(table)
    if plan.duties:
        data["duties"] = [
            _without_none({"number": duty.number, "unit": duty.unit, "items": [shift(item) for item in duty.items]})
            for duty in plan.duties
        ]
    if plan.reporting is not None:
        reporting = _dump(plan.reporting, exclude=("reports",))
        reporting["text"] = shift(plan.reporting.text)
        reporting["reports"] = [{"period": r.period, "before": _later_date(r.before, 1)} for r in plan.reporting.reports]
        data["reporting"] = reporting
    header = [
        f"Kế hoạch năm {year}: bản nháp do dansokh lập từ kế hoạch năm {old} ({plan.id}).",
        f"Các con số là của năm {old} (ghi bên cạnh), cần rà soát theo chỉ tiêu năm {year} được giao.",
        *carry.notes(),
    ]
    return Draft(data, comments, header)


def _next_schedule(schedule: Schedule, old: int, number: str | None) -> dict[str, Any]:
    data = _dump(schedule, exclude=("sections",))
    for key in ("title", "subtitle"):
        if getattr(schedule, key):
            data[key] = next_year_text(getattr(schedule, key), old)
    if schedule.attached:
        data["attached"] = next_year_text(schedule.attached, old, attached=True, number=number)
    data["sections"] = [_next_section(section, old) for section in schedule.sections]
    return data


def _next_section(section: ScheduleSection, old: int) -> dict[str, Any]:
    data: dict[str, Any] = {"number": section.number, "title": next_year_text(section.title, old)}
    if section.sections:
        data["sections"] = [_next_section(child, old) for child in section.sections]
    if section.rows or not section.sections:
        data["rows"] = [_next_row(row, old) for row in section.rows]
    return data


def _next_row(row: ScheduleRow, old: int) -> dict[str, Any]:
    data = _without_none({
        "number": row.number,
        "content": next_year_text(row.content, old),
        "time": next_year_time(row.time),
        "lead": row.lead,
        "partners": row.partners,
    })
    if row.rows:
        data["rows"] = [_next_row(child, old) for child in row.rows]
    return data


def _next_table(table: AllocationTable, old: int, number: str | None) -> dict[str, Any]:
    data = _dump(table, exclude=("rows", "columns"))
    for key in ("title", "subtitle", "header"):
        if getattr(table, key):
            data[key] = next_year_text(getattr(table, key), old)
    if table.attached:
        data["attached"] = next_year_text(table.attached, old, attached=True, number=number)
    columns = []
    for column in table.columns:
        entry = _dump(column)
        entry["label"] = next_year_text(column.label, old)
        if column.group:
            entry["group"] = next_year_text(column.group, old)
        columns.append(entry)
    data["columns"] = columns
    return data


__all__ = ["Draft", "Carry", "SameUnits", "TableRows", "child_draft", "next_year_draft", "PLACEHOLDER"]
