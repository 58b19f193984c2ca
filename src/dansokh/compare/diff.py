"""What changed between two sets of plans, item by item, in the plans' own terms.

A reviewer wants "Ngọc Thuỵ: Dụng cụ tử cung (đặt vòng) 100 → 85 người", not a
YAML diff.  Two sides (two git revisions, or a revision and the work tree) are
loaded into typed plans and matched:

- plans by ``id`` (a renamed file is the same plan);
- headline targets by indicator;
- allocation tables by their appendix number (or their order among the plan's
  tables when unnumbered); their cells by (the unit the row resolves to, the
  column's indicator), so that a re-spelt name (Thụy/Thuỵ) or reordered rows are
  no change; a row that resolves to no unit is matched by its name;
- schedules by appendix number; their rows by section path and row number
  (``A.I.2``), field by field (content, time, lead, partners).

A plan, table or schedule added or removed whole is one change, not one per cell.
Files that are not readable plans on a side are listed as skipped: ``validate``
says why (a file over the size limit, never read, says Y006 itself).  A submodule is another
repository: named, never read as a plan file.

Across a reform of the units (``compare_across``), a plan of this year is compared with last
year's plan of other units, its figures carried into this year's units through a crosswalk
(``reform.crosswalk``): each cell of this year's tables against what was carried into its unit,
with where it came from and whether it came through a divided unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..cascade.apportion import Method
from ..cascade.repository import LoadedPlan, Repository
from ..i18n import _
from ..model.catalogue import CATALOGUE
from ..model.names import name_key
from ..model.numbers import plain
from ..model.plan import AllocationTable, Schedule, ScheduleRow, ScheduleSection, Target
from ..model.years import next_year_text, next_year_time
from ..reform.crosswalk import Bridge, CarryError, carry_column

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass
class Change:
    """One changed item.  ``old``/``new`` are values as the plan writes them
    (``None`` on the side where the item is absent); ``unit`` is the unit of
    measure (``old_unit`` too when it changed)."""

    status: str
    plan: str
    area: str  # plan | target | allocation | schedule
    where: str  # the unit (as printed) or the schedule row (A.I.2)
    item: str  # the indicator's label, or the schedule column
    old: str | None
    new: str | None
    unit: str | None = None
    old_unit: str | None = None
    appendix: str | None = None  # "Phụ lục 2"
    file: str = ""
    line: int | None = None
    ref: dict[str, str] = field(default_factory=dict)  # stable keys for machines
    detail: str | None = None  # what the item is about (a schedule row's content)
    whole: dict[str, Any] | None = None  # a plan, table or schedule added or removed whole: what it holds
    carried: dict[str, Any] | None = None  # across a reform: where the old figure came from (sources, divided, partial)


    def row(self) -> tuple[str, str, str, str, str | None, str | None, str | None]:
        """(status, plan, where, item, old, new, unit): what a test usually asserts."""
        return (self.status, self.plan, self.where, self.item, self.old, self.new, self.unit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "plan": self.plan,
            "area": self.area,
            "appendix": self.appendix,
            "where": self.where,
            "item": self.item,
            "old": self.old,
            "new": self.new,
            "unit": self.unit,
            "old_unit": self.old_unit if self.old_unit is not None else self.unit,
            "file": self.file,
            "line": self.line,
            "ref": self.ref,
            "detail": self.detail,
            **({"carried": self.carried} if self.carried is not None else {}),
        }


@dataclass
class Side:
    """One side of a comparison: its label and its plans."""

    label: str
    repo: Repository
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    skipped_ids: set[str] = field(default_factory=set)  # ids of unreadable plans, where their id is readable
    reasons: dict[str, str] = field(default_factory=dict)  # why a skipped file was not even read (Y006)
    submodules: list[str] = field(default_factory=list)  # another repository's plans: never read as files

    def unreadable(self, loaded: LoadedPlan) -> bool:
        """Whether this side holds ``loaded``'s plan, but not as a readable plan."""
        return loaded.file in self.skipped or loaded.plan.id in self.skipped_ids


@dataclass
class PlanDiff:
    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be compared, and why

    @property
    def plans_changed(self) -> list[str]:
        return list(dict.fromkeys(change.plan for change in self.changes))


def indicator_label(indicator: str) -> str:
    return CATALOGUE[indicator].name if indicator in CATALOGUE else indicator


def compare(old: Side, new: Side) -> PlanDiff:
    diff = PlanDiff(old, new)
    old_plans = _first_by_id(old.repo)
    new_plans = _first_by_id(new.repo)
    for plan_id, after in new_plans.items():
        before = old_plans.get(plan_id)
        if before is None:
            if not old.unreadable(after):  # else it is listed as skipped, not as new
                diff.changes.append(_whole_plan(ADDED, after))
        elif before is not after or not _rows_alike(old.repo, new.repo, after):
            diff.changes.extend(_plan_changes(old.repo, before, new.repo, after))
    for plan_id, before in old_plans.items():
        if plan_id not in new_plans and not new.unreadable(before):
            diff.changes.append(_whole_plan(REMOVED, before))
    return diff


def _rows_alike(old_repo: Repository, new_repo: Repository, loaded: LoadedPlan) -> bool:
    """Whether each row of ``loaded``'s tables resolves to the same units in both repositories: a
    plan typed once for both sides (``vcs.sides.load_sides``) then has no change to list."""
    return all(old_repo.row_candidates(loaded, index) == new_repo.row_candidates(loaded, index)
               for index, _table in loaded.plan.allocation_tables)


def _first_by_id(repo: Repository) -> dict[str, LoadedPlan]:
    plans: dict[str, LoadedPlan] = {}
    for loaded in repo.plans:
        plans.setdefault(loaded.plan.id, loaded)
    return plans


def _status(old: object, new: object) -> str | None:
    if old is None and new is None:
        return None
    if old is None:
        return ADDED
    if new is None:
        return REMOVED
    return CHANGED if old != new else None


def _whole_plan(status: str, loaded: LoadedPlan) -> Change:
    plan = loaded.plan
    whole = {"kind": "plan", "file": loaded.file, "targets": len(plan.targets), "appendices": len(plan.appendices)}
    summary = f"{loaded.file} ({len(plan.targets)} targets, {len(plan.appendices)} appendices)"  # JSON: English
    return Change(
        status,
        plan.id,
        "plan",
        plan.unit.name,
        plan.document.title,
        summary if status == REMOVED else None,
        summary if status == ADDED else None,
        file=loaded.file,
        line=1,
        ref={"plan": plan.id},
        whole=whole,
    )


def _plan_changes(old_repo: Repository, before: LoadedPlan, new_repo: Repository, after: LoadedPlan) -> Iterator[Change]:
    yield from _target_changes(before, after)
    yield from _table_changes(old_repo, before, new_repo, after)
    yield from _schedule_changes(before, after)


def compare_years(repo: Repository, before: LoadedPlan, after: LoadedPlan) -> PlanDiff:
    """A plan against the plan it continues (last year's), in one repository.  Schedule rows are
    compared a year on: ``Tháng 3/2025`` last year and ``Tháng 3/2026`` this year is no change,
    nor is a content whose only difference is the year it names."""
    old = Side(f"{before.plan.id} ({before.plan.year})", repo, files=1)
    new = Side(f"{after.plan.id} ({after.plan.year})", repo, files=1)
    diff = PlanDiff(old, new)
    diff.changes.extend(_target_changes(before, after))
    diff.changes.extend(_table_changes(repo, before, repo, after))
    diff.changes.extend(_schedule_changes(before, after, years=after.plan.year - before.plan.year))
    return diff


# targets ---------------------------------------------------------------------------------------------------


def _target_changes(before: LoadedPlan, after: LoadedPlan) -> Iterator[Change]:
    old_targets: dict[str, tuple[int, Target]] = {}
    new_targets: dict[str, tuple[int, Target]] = {}
    for targets, plan in ((old_targets, before.plan), (new_targets, after.plan)):
        for index, target in enumerate(plan.targets):
            targets.setdefault(target.indicator, (index, target))  # a duplicate is P001's business
    where = after.plan.unit.name
    for indicator in _union(new_targets, old_targets):
        old, new = old_targets.get(indicator), new_targets.get(indicator)
        side, (index, target) = (after, new) if new is not None else (before, old)  # type: ignore[misc]
        base = Change(
            "",
            after.plan.id,
            "target",
            where,
            indicator_label(indicator),
            None,
            None,
            unit=target.unit_code,
            file=side.file,
            line=side.span(("targets", index, "value")).line,
            ref={"plan": after.plan.id, "indicator": indicator, "field": "value"},
        )
        if old is None or new is None:
            yield _with(base, ADDED if old is None else REMOVED, old and plain(old[1].value), new and plain(new[1].value))
            continue
        (_, o), (_, n) = old, new
        if plain(o.value) != plain(n.value) or o.unit_code != n.unit_code:
            yield _with(base, CHANGED, plain(o.value), plain(n.value), old_unit=o.unit_code)
        for name, label, unit in (("count", "số tuyệt đối", None), ("base", "mẫu số", None)):
            status = _status(getattr(o, name), getattr(n, name))
            if status:
                change = _with(base, status, plain(getattr(o, name)), plain(getattr(n, name)))
                change.item = f"{base.item} ({label})"
                change.unit = unit
                change.ref = {**base.ref, "field": name}
                change.line = after.span(("targets", new[0], name)).line
                yield change


def _with(base: Change, status: str, old: str | None, new: str | None, old_unit: str | None = None) -> Change:
    return Change(
        status,
        base.plan,
        base.area,
        base.where,
        base.item,
        old,
        new,
        base.unit,
        old_unit if old_unit is not None and old_unit != base.unit else None,
        base.appendix,
        base.file,
        base.line,
        dict(base.ref),
        base.detail,
    )


def _union(first: dict[Any, Any], second: dict[Any, Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


# allocation tables -----------------------------------------------------------------------------------------


def appendix_label(appendix: AllocationTable | Schedule) -> str:
    if appendix.heading:
        return appendix.heading
    if appendix.number:
        return f"Phụ lục {appendix.number}"
    return appendix.title


def _keyed(appendices: list[tuple[int, Any]]) -> dict[str, tuple[int, Any]]:
    result: dict[str, tuple[int, Any]] = {}
    for ordinal, (index, appendix) in enumerate(appendices, 1):
        key = appendix.number if appendix.number and appendix.number not in result else f"#{ordinal}"
        result[key] = (index, appendix)
    return result


def _unique(key: str, taken: Any, repeats: dict[str, int]) -> str:
    """``key``, or the first of ``key+``, ``key+2``, ``key+3`` … not yet taken: a broken plan may
    repeat one row thousands of times, and probing one "+" at a time would cost their square."""
    if key not in taken:
        return key
    count = repeats.get(key, 1)
    candidate = key + "+" if count == 1 else f"{key}+{count}"
    while candidate in taken:
        count += 1
        candidate = f"{key}+{count}"
    repeats[key] = count + 1
    return candidate


def _row_keys(repo: Repository, loaded: LoadedPlan, table_index: int, table: AllocationTable) -> dict[str, int]:
    """Each row of a table by the unit it resolves to (its name when it resolves to none or several)."""
    resolved = repo.row_candidates(loaded, table_index)
    keys: dict[str, int] = {}
    repeats: dict[str, int] = {}
    for row_index, row in enumerate(table.rows):
        candidates = resolved.get(row_index, [])
        if row.total:
            key = "total"
        elif len(candidates) == 1:
            key = candidates[0]
        else:
            key = "name:" + name_key(row.name)
        keys[_unique(key, keys, repeats)] = row_index
    return keys


def _column_keys(table: AllocationTable) -> dict[str, int]:
    keys: dict[str, int] = {}
    for index, column in enumerate(table.columns):
        key = column.indicator if column.indicator not in keys else f"{column.indicator}:{column.label}"
        keys.setdefault(key, index)
    return keys


def _cell(table: AllocationTable, row: int | None, column: int | None) -> Decimal | None:
    if row is None or column is None:
        return None
    values = table.rows[row].values
    return values[column] if column < len(values) else None


def _table_changes(old_repo: Repository, before: LoadedPlan, new_repo: Repository, after: LoadedPlan) -> Iterator[Change]:
    old_tables = _keyed(before.plan.allocation_tables)
    new_tables = _keyed(after.plan.allocation_tables)
    for key in _union(new_tables, old_tables):
        old, new = old_tables.get(key), new_tables.get(key)
        if old is None or new is None:
            side, (index, table) = (after, new) if new is not None else (before, old)  # type: ignore[misc]
            size = f"{table.title} ({len(table.unit_rows)} units, {len(table.columns)} columns)"
            whole = {"kind": "table", "title": table.title, "units": len(table.unit_rows), "columns": len(table.columns)}
            yield Change(
                ADDED if old is None else REMOVED,
                after.plan.id,
                "allocation",
                side.plan.unit.name,
                "table",
                None if old is None else size,
                None if new is None else size,
                appendix=appendix_label(table),
                file=side.file,
                line=side.span(("appendices", index)).line,
                ref={"plan": after.plan.id, "table": key},
                whole=whole,
            )
            continue
        (old_index, old_table), (new_index, new_table) = old, new
        old_rows = _row_keys(old_repo, before, old_index, old_table)
        new_rows = _row_keys(new_repo, after, new_index, new_table)
        old_columns, new_columns = _column_keys(old_table), _column_keys(new_table)
        for row_key in _union(new_rows, old_rows):
            for column_key in _union(new_columns, old_columns):
                new_row, new_column = new_rows.get(row_key), new_columns.get(column_key)
                old_row, old_column = old_rows.get(row_key), old_columns.get(column_key)
                old_value = _cell(old_table, old_row, old_column)
                new_value = _cell(new_table, new_row, new_column)
                old_text, new_text = plain(old_value), plain(new_value)
                status = _status(old_text, new_text)
                old_unit = old_table.columns[old_column].unit_code if old_column is not None else None
                new_unit = new_table.columns[new_column].unit_code if new_column is not None else None
                if status is None and (old_value is None or old_unit == new_unit):
                    continue
                status = status or CHANGED
                present = new_value is not None
                table, side = (new_table, after) if present else (old_table, before)
                row_index = new_row if present else old_row
                column_index = new_column if present else old_column
                table_index = new_index if present else old_index
                assert row_index is not None and column_index is not None  # a value stands in a row and a column of its side
                column = table.columns[column_index]
                row = table.rows[row_index]
                yield Change(
                    status,
                    after.plan.id,
                    "allocation",
                    row.name,
                    indicator_label(column.indicator),
                    old_text,
                    new_text,
                    column.unit_code,
                    old_unit if status == CHANGED and old_unit != column.unit_code else None,
                    appendix_label(table),
                    side.file,
                    side.span(("appendices", table_index, "rows", row_index, "values", column_index)).line,
                    {"plan": after.plan.id, "table": key, "row": row_key, "column": column_key},
                )


# schedules -------------------------------------------------------------------------------------------------

_FIELDS = ("content", "time", "lead", "partners")


def _schedule_rows(schedule: Schedule) -> dict[tuple[str, ...], tuple[str, ScheduleRow, tuple[Any, ...]]]:
    """Every row of a schedule by (section numbers…, row numbers…), with its label and data path."""
    rows: dict[tuple[str, ...], tuple[str, ScheduleRow, tuple[Any, ...]]] = {}
    numbers: dict[tuple[str, ...], set[str]] = {}  # the numbers taken under each parent
    repeats: dict[tuple[str, ...], dict[str, int]] = {}

    def walk_rows(sections: tuple[str, ...], chain: tuple[str, ...], items: list[ScheduleRow], path: tuple[Any, ...]) -> None:
        parent = (*sections, "/", *chain)
        taken = numbers.setdefault(parent, set())
        for index, row in enumerate(items):
            number = _unique(row.number, taken, repeats.setdefault(parent, {}))
            taken.add(number)
            key = (*parent, number)
            label = ".".join([*sections, row.number])
            rows[key] = (label, row, path + ("rows", index))
            walk_rows(sections, (*chain, row.number), row.rows, path + ("rows", index))

    def walk_sections(prefix: tuple[str, ...], sections: list[ScheduleSection], path: tuple[Any, ...]) -> None:
        for index, section in enumerate(sections):
            here = (*prefix, section.number)
            walk_rows(here, (), section.rows, path + ("sections", index))
            walk_sections(here, section.sections, path + ("sections", index))

    walk_sections((), schedule.sections, ())
    return rows


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _moved(row: ScheduleRow, name: str, year: int, years: int) -> str | None:
    """A field of last year's row as this year's plan would write it (``years`` later)."""
    value = getattr(row, name)
    if value is None or not years:
        return value
    if name == "time":
        return next_year_time(value, years)
    return next_year_text(value, year, by=years)


def _schedule_changes(before: LoadedPlan, after: LoadedPlan, years: int = 0) -> Iterator[Change]:
    old_schedules = _keyed(before.plan.schedules)
    new_schedules = _keyed(after.plan.schedules)
    for key in _union(new_schedules, old_schedules):
        old, new = old_schedules.get(key), new_schedules.get(key)
        if old is None or new is None:
            side, (index, schedule) = (after, new) if new is not None else (before, old)  # type: ignore[misc]
            rows = len(_schedule_rows(schedule))
            size = f"{schedule.title} ({rows} rows)"
            whole = {"kind": "schedule", "title": schedule.title, "rows": rows}
            yield Change(
                ADDED if old is None else REMOVED,
                after.plan.id,
                "schedule",
                side.plan.unit.name,
                "schedule",
                None if old is None else size,
                None if new is None else size,
                appendix=appendix_label(schedule),
                file=side.file,
                line=side.span(("appendices", index)).line,
                ref={"plan": after.plan.id, "schedule": key},
                whole=whole,
            )
            continue
        (old_index, old_schedule), (new_index, new_schedule) = old, new
        old_rows, new_rows = _schedule_rows(old_schedule), _schedule_rows(new_schedule)
        for row_key in _union(new_rows, old_rows):
            ref = {"plan": after.plan.id, "schedule": key, "row": ".".join(k for k in row_key if k != "/")}
            if row_key not in old_rows or row_key not in new_rows:
                added = row_key not in old_rows
                side, schedule, index = (after, new_schedule, new_index) if added else (before, old_schedule, old_index)
                label, row, path = (new_rows if added else old_rows)[row_key]
                text = f"{_shorten(row.content)} [{row.time}]"
                yield Change(
                    ADDED if added else REMOVED,
                    after.plan.id,
                    "schedule",
                    label,
                    schedule.columns.content,
                    None if added else text,
                    text if added else None,
                    appendix=appendix_label(schedule),
                    file=side.file,
                    line=side.span(("appendices", index, *path)).line,
                    ref={**ref, "field": "row"},
                    detail=row.content,
                )
                continue
            label, old_row, _ = old_rows[row_key]
            label, new_row, path = new_rows[row_key]
            for name in _FIELDS:
                status = _status(_moved(old_row, name, before.plan.year, years), getattr(new_row, name))
                if status is None:
                    continue
                yield Change(
                    status,
                    after.plan.id,
                    "schedule",
                    label,
                    getattr(new_schedule.columns, name),
                    getattr(old_row, name),
                    getattr(new_row, name),
                    appendix=appendix_label(new_schedule),
                    file=after.file,
                    line=after.span(("appendices", new_index, *path, name)).line,
                    ref={**ref, "field": name},
                    detail=new_row.content,
                )


# across a reform --------------------------------------------------------------------------------------------


def compare_across(repo: Repository, new: LoadedPlan, old: LoadedPlan, bridge: Bridge, method: Method = Method.LARGEST_REMAINDER) -> PlanDiff:
    """``new`` (this year's plan) against ``old`` (last year's, in the old units), its figures
    carried through ``bridge``: each cell of ``new``'s tables whose unit got a carried figure,
    and the headline targets where both plans are of one unit."""
    diff = PlanDiff(
        Side(f"{old.plan.id} ({old.plan.unit_title}, {old.plan.year})", repo),
        Side(f"{new.plan.id} ({new.plan.unit_title}, {new.plan.year})", repo),
    )
    if old.plan.unit.id == new.plan.unit.id:
        diff.changes.extend(_target_changes(old, new))
    for table_index, table in new.plan.allocation_tables:
        rows = repo.row_candidates(new, table_index)
        for column_index, column in enumerate(table.columns):
            try:
                carried = carry_column(repo, bridge, old, column.indicator, method)
            except CarryError as error:
                diff.notes.append(_("{indicator}: not compared: {reason}").format(indicator=indicator_label(column.indicator), reason=error))
                continue
            by_unit = carried.by_unit()
            for row_index, row in table.unit_rows:
                units = rows.get(row_index, [])
                value = by_unit.get(units[0]) if len(units) == 1 else None
                if value is None or not value.contributions:
                    continue
                cell = row.values[column_index] if column_index < len(row.values) else None
                old_text, new_text = plain(value.value), plain(cell)
                status = _status(old_text, new_text)
                if status is None:
                    continue
                path = ("appendices", table_index, "rows", row_index, "values", column_index)
                diff.changes.append(
                    Change(
                        status,
                        new.plan.id,
                        "allocation",
                        row.name,
                        indicator_label(column.indicator),
                        old_text,
                        new_text,
                        column.unit_code,
                        appendix=appendix_label(table),
                        file=new.file,
                        line=new.span(path).line if cell is not None else new.span(path[:-2]).line,
                        ref={"plan": new.plan.id, "against": old.plan.id, "row": units[0], "column": column.indicator},
                        carried={
                            "sources": [
                                {"old": c.old, "name": c.name, "value": plain(c.value), "share": f"{c.share.numerator}/{c.share.denominator}"}
                                for c in value.contributions
                            ],
                            "text": value.sources_text(),
                            "divided": value.divided,
                            "partial": value.partial,
                            "reason": value.reason,
                        },
                    )
                )
            for value in carried.values:
                if value.reason:
                    diff.notes.append(
                        _("{unit}: {indicator} not compared: {reason}").format(
                            unit=value.name, indicator=indicator_label(column.indicator), reason=value.reason
                        )
                    )
    covered = {part.unit for entry in bridge.crosswalk.units for part in entry.parts}
    uncovered = [u.name for u in repo.children(new.plan.unit.id, new.plan.year) if u.id not in covered]
    if uncovered:
        diff.notes.append(
            _("{count} of {unit}'s units get nothing of {old}'s figures through {crosswalk}: they are not compared").format(
                count=len(uncovered), unit=new.plan.unit_title, old=old.plan.unit_title, crosswalk=bridge.loaded.label
            )
        )
    return diff
