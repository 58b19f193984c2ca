"""The edge view of ``dansokh allocate`` as a table, JSON or CSV."""

from __future__ import annotations

import csv
from typing import IO, TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from ..cascade.edge import Edge, EdgeLine
from ..i18n import N_, _
from ..model.catalogue import CATALOGUE, Direction
from ..model.numbers import exact, number, plain, unit_name
from .safe import Console, csv_record, fit_table, json_dump, plain_text, terminal_width

if TYPE_CHECKING:
    from ..cascade.split import Split
    from ..reform.crosswalk import Carried


def _handed_text(line: EdgeLine) -> str:
    handed = line.handed
    if handed.total is not None:
        return number(handed.total)
    if handed.mean is not None:
        return _("{mean} (weighted mean)").format(mean=number(handed.mean, 2))
    if handed.low is not None:
        return number(handed.low) if handed.low == handed.high else f"{number(handed.low)}–{number(handed.high)}"
    return "—"


DIRECTIONS = {
    Direction.FLOOR: N_("floor"),
    Direction.CEILING: N_("ceiling"),
    Direction.REDUCTION: N_("reduction"),
    Direction.INFO: N_("info"),
}


METHODS = {
    "largest-remainder": N_("largest remainder"),
    "dhondt": N_("D'Hondt"),
    "sainte-lague": N_("Sainte-Laguë"),
}


def direction_text(direction: Direction) -> str:
    """An indicator's direction as the table shows it (JSON and CSV keep ``floor`` etc.)."""
    return _(DIRECTIONS[direction])


def _record(line: EdgeLine) -> dict[str, Any]:
    return {
        "indicator": line.indicator,
        "name": line.name,
        "unit": line.unit,
        "direction": line.direction.value,
        "assigned": plain(line.assigned),
        "own": plain(line.own),
        "own_from": line.own_from or None,
        "handed_sum": plain(line.handed.total),
        "handed_min": plain(line.handed.low),
        "handed_max": plain(line.handed.high),
        "handed_weighted_mean": plain(line.handed.mean),
        "children": line.handed.children,
        "margin": plain(line.margin),
        "verdict": line.verdict,
    }


def write_table(edge: Edge, stream: IO[str], color: bool | None = None) -> None:
    console = Console(file=stream, highlight=False, force_terminal=color, no_color=color is False, width=terminal_width(stream))
    parent = edge.parent.plan
    if edge.child is None:
        _write_assigned(edge, console)
        return
    child = edge.child.plan
    table = Table(  # names are data: Text, never markup
        _("Indicator"),
        _("Unit"),
        _("Direction"),
        escape(_("{unit} assigned").format(unit=parent.unit_title)),
        escape(_("{unit} sets").format(unit=child.unit_title)),
        escape(_("{unit} hands down").format(unit=child.unit_title)),
        _("Verdict"),
        title=plain_text(_("{parent} → {child}, year {year} (plans {parent_plan} → {child_plan})").format(
            parent=parent.unit_title, child=child.unit_title, year=parent.year,
            parent_plan=parent.id, child_plan=child.id,
        )),
        title_justify="left",
    )
    for line in edge.lines:
        style = "red" if line.short else ("green" if line.margin is not None else "")
        table.add_row(
            plain_text(line.name),
            plain_text(unit_name(line.unit)),
            direction_text(line.direction),
            number(line.assigned),
            number(line.own) if line.own is not None else "—",
            _handed_text(line),
            f"[{style}]{escape(line.verdict_text())}[/]" if style else escape(line.verdict_text()),
        )
    console.print(fit_table(console, table))


def _write_assigned(edge: Edge, console: Console) -> None:
    """What a parent assigned to a unit that has no plan of the year yet, and how to start one."""
    parent = edge.parent.plan
    table = Table(
        _("Indicator"),
        _("Unit"),
        _("Direction"),
        escape(_("{unit} assigned").format(unit=parent.unit_title)),
        title=plain_text(_("{parent} → {child}, year {year}: what plan {parent_plan} assigned").format(
            parent=parent.unit_title, child=edge.child_title, year=parent.year, parent_plan=parent.id
        )),
        title_justify="left",
    )
    for line in edge.lines:
        table.add_row(plain_text(line.name), plain_text(unit_name(line.unit)), direction_text(line.direction), number(line.assigned))
    console.print(fit_table(console, table))
    console.print(
        _("{child} has no {year} plan yet; dansokh new --from {parent_plan} --unit {unit} starts it from these figures.").format(
            child=edge.child_title, year=parent.year, parent_plan=parent.id, unit=edge.child_unit
        ),
        markup=False,
    )


def write_json(edge: Edge, stream: IO[str]) -> None:
    document = {
        "parent": edge.parent.plan.id,
        "child": edge.child.plan.id if edge.child is not None else None,
        "child_unit": edge.child_unit,
        "year": edge.parent.plan.year,
        "lines": [_record(line) for line in edge.lines],
        "short": edge.short,
    }
    json_dump(document, stream)


def write_csv(edge: Edge, stream: IO[str]) -> None:
    records = [_record(line) for line in edge.lines]
    writer = csv.DictWriter(stream, fieldnames=list(records[0]) if records else ["indicator"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_record(record) for record in records)


@exact  # the current column's total, exact however long the table
def report_split(split: Split, stream: IO[str], output_format: str, carried: Carried | None = None) -> None:
    """A proposed split: each child's weight, its current and proposed quota; with ``carried``,
    the weights are last year's figures carried through a crosswalk, and each says whether it
    came through a divided unit."""
    through = carried.by_unit() if carried is not None else {}
    records = [
        {
            "unit": row.unit_id,
            "name": row.name,
            "weight": plain(row.weight),
            "current": plain(row.old),
            "proposed": row.new,
            **(
                {"carried_divided": through[row.unit_id].divided, "carried_partial": through[row.unit_id].partial}
                if row.unit_id in through
                else {}
            ),
        }
        for row in split.rows
    ]
    if output_format == "json":
        document = {
            "plan": split.plan.plan.id,
            "indicator": split.indicator,
            "whole": split.whole,
            "method": split.method.value,
            "rows": records,
        }
        if carried is not None:
            document["weights_from"] = {
                "plan": _carried_plan(carried),
                "indicator": carried.indicator,
                "year": carried.bridge.from_year,
                "crosswalk": carried.bridge.loaded.file,
            }
        json_dump(document, stream)
        return
    if output_format == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_record(record) for record in records)
        return
    console = Console(file=stream, highlight=False, width=terminal_width(stream))
    table = Table(
        _("Unit"),
        _("Weight"),
        _("Current"),
        _("Proposed"),
    )
    console.print(
        _("{unit}: splitting {indicator} {whole} ({method})").format(
            unit=split.plan.plan.unit_title,
            indicator=CATALOGUE[split.indicator].name,
            whole=number(split.whole),
            method=_(METHODS.get(split.method.value, split.method.value)),
        ),
        markup=False,
    )
    for row in split.rows:
        mark = ""
        if row.unit_id in through:
            mark = ("*" if through[row.unit_id].divided else "") + ("+" if through[row.unit_id].partial else "")
        table.add_row(plain_text(row.name), number(row.weight) + mark, number(row.old), number(row.new))
    current = [row.old for row in split.rows if row.old is not None]
    table.add_row(
        _("Total"), "", number(sum(current)) if len(current) == len(split.rows) else "", number(sum(row.new for row in split.rows)), style="bold"
    )
    console.print(fit_table(console, table))
    if carried is not None:
        old = carried.bridge.from_plan()
        console.print(
            _("Weights: {indicator} in the plan of {unit} for {year} ({plan}), carried into this year's units through {crosswalk}.").format(
                indicator=CATALOGUE[carried.indicator].name,
                unit=old.plan.unit_title if old is not None else carried.bridge.crosswalk.from_.unit,
                year=carried.bridge.from_year,
                plan=_carried_plan(carried),
                crosswalk=carried.bridge.loaded.file,
            ),
            markup=False,
            soft_wrap=True,
        )
        if any(v.divided for v in through.values()):
            console.print(_("* carried (in part) through a divided unit, by the shares the crosswalk gives"), markup=False)
        if any(v.partial for v in through.values()):
            console.print(
                _("+ the unit also took territory from units the crosswalk does not cover: its weight is only part of its territory's"),
                markup=False,
            )


def _carried_plan(carried: Carried) -> str:
    plan = carried.bridge.from_plan()
    return plan.plan.id if plan is not None else carried.bridge.crosswalk.from_.unit
