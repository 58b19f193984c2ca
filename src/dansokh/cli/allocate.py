"""``dansokh allocate``: one edge of the cascade, raising a child's targets, splitting a quota."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cascade.apportion import Method
from ..i18n import N_, _
from ..model.numbers import MAX_WHOLE_DIGITS
from ..read.limits import shorten
from ..report.format_names import format_name
from . import stages
from .app import app, broken_plan, named_plan
from .crosswalk import pick_bridge
from .errors import ERRORS, fail, reported, say
from .new import start_child_plan

if TYPE_CHECKING:
    from decimal import Decimal

    from ..cascade.repository import LoadedPlan, Repository
    from ..reform.crosswalk import Carried


class EdgeFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def _pairs(option: str, items: list[str], repo: Repository, parent: LoadedPlan) -> dict[str, int]:
    """``--min ngoc-thuy=80`` (a unit id or a name as the plan writes it) -> {unit id: 80}.
    N is a whole number of at most 15 ASCII digits (``²`` is a digit to Python, not to a plan)."""
    children = repo.children(parent.plan.unit.id, parent.plan.year)
    result: dict[str, int] = {}
    for item in items:
        name, _equals, value = item.rpartition("=")
        value = value.strip()
        ids = [name] if any(u.id == name for u in children) else repo.resolve(name, children)
        number_ok = value.isascii() and value.isdigit() and len(value) <= MAX_WHOLE_DIGITS
        if not name or len(ids) != 1 or not number_ok:
            raise fail(
                _("{option} {item!r}: expected UNIT=NUMBER with a unit of {parent} and a whole number of at most {digits} digits").format(
                    option=option, item=shorten(item), parent=parent.plan.unit.name, digits=MAX_WHOLE_DIGITS
                )
            )
        if ids[0] in result:
            raise fail(
                _("{option} {item!r}: {unit} is given twice; give each unit once").format(
                    option=option, item=shorten(item), unit=ids[0]
                )
            )
        result[ids[0]] = int(value)
    return result


def _carried_weights(
    repo: Repository, parent: LoadedPlan, by: str, chosen: str | None, method: Method
) -> tuple[Carried, dict[str, Decimal]]:
    """``--by PLAN:COLUMN``: a column of last year's plan, in this year's units through the
    crosswalk that joins them; every row of this year's table must get a figure."""
    plan_text, _sep, column = by.rpartition(":")
    if column not in stages.model_catalogue.CATALOGUE:
        raise fail(_("--by: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(column)))
    old = named_plan(repo, plan_text, "--by", tell=False)
    if old.plan.year >= parent.plan.year:
        raise fail(
            _("--by {plan}: a plan of an earlier year than {year} (last year's, in the old units)").format(
                plan=plan_text, year=parent.plan.year
            )
        )
    bridge = pick_bridge(repo, old.plan.unit.id, old.plan.year, parent.plan.year, chosen)
    with reported():
        carried = stages.reform_crosswalk.carry_column(repo, bridge, old, column, method)
    values = {v.unit: v.value for v in carried.values if v.value is not None}
    rows = [u for u in repo.children(parent.plan.unit.id, parent.plan.year) if u.id not in values]
    if rows:
        raise fail(
            _(
                "no {year} figure of {indicator} is carried into {units}: the crosswalk {crosswalk} covers {count} of"
                " {parent}'s units; weigh by a plan whose crosswalk covers them all (`dansokh crosswalk --from {year}"
                " --to {to} --unit {unit}`), or by --weights FILE.csv"
            ).format(
                year=old.plan.year,
                indicator=column,
                units=", ".join(u.name for u in rows[:8]) + (_(" and {count} more").format(count=len(rows) - 8) if len(rows) > 8 else ""),
                crosswalk=bridge.loaded.label,
                count=len(values),
                parent=parent.plan.unit_title,
                to=parent.plan.year,
                unit=parent.plan.unit.id,
            ),
            ERRORS,
        )
    return carried, values


@app.command(
    "allocate",
    help=N_("See what a parent assigned to a child, start the child's plan from it, or split a quota."),
)
def allocate_command(
    source: Annotated[str, typer.Option("--from", help=N_("The parent: a plan id, unit id or unit name."))],
    to: Annotated[str | None, typer.Option("--to", help=N_("The child: a plan id, unit id or unit name."))] = None,
    split: Annotated[
        str | None, typer.Option("--split", help=N_("Split this quota of --from among its children."))
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help=N_("Weigh the split by this column of the table, or by PLAN:COLUMN, a column of last year's plan carried through a crosswalk."),
        ),
    ] = None,
    crosswalk: Annotated[
        str | None, typer.Option("--crosswalk", help=N_("With --by PLAN:COLUMN: the crosswalk to use, its file or id."))
    ] = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", exists=True, dir_okay=False, help=N_("CSV of unit,weight."))
    ] = None,
    whole: Annotated[
        int | None,
        typer.Option("--whole", min=0, max=10**MAX_WHOLE_DIGITS - 1, help=N_("The quota to split (default: the plan's own).")),
    ] = None,
    method: Annotated[Method, typer.Option("--method", help=N_("How to round the split."))] = Method.LARGEST_REMAINDER,
    minimum: Annotated[list[str] | None, typer.Option("--min", help=N_("UNIT=N: at least N for this child."))] = None,
    fixed: Annotated[list[str] | None, typer.Option("--fixed", help=N_("UNIT=N: exactly N for this child."))] = None,
    output_format: Annotated[EdgeFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = EdgeFormat.text,
    write: Annotated[bool, typer.Option("--write", help=N_("Write the change into the plan file."))] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("With --write: show the diff, write nothing."))] = False,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path(
        "plans"
    ),
    year: Annotated[
        int | None, typer.Option("--year", help=N_("The year of the plans (default: that of a plan named by its id, else the parent's latest)."))
    ] = None,
) -> None:
    """See what a parent assigned to a child, start the child's plan from it, or split a quota."""
    if split is None and to is None:
        raise fail(_("give --to CHILD to compare an edge, or --split INDICATOR to split a quota"))
    # the plans named and what their check needs, never every plan (a unit's name: every plan)
    named = [source, to, by.partition(":")[0] if by is not None and ":" in by else None]
    repo, checked = stages.check_run.load_checked([plans], whole=False, focus=[n for n in named if n is not None])
    if split is not None:
        parent_plan = named_plan(repo, source, "--from", year)
        if split not in stages.model_catalogue.CATALOGUE:
            raise fail(_("--split: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(split)))
        carried = None
        table_weights: dict[str, Decimal] | None = None
        if by is not None and ":" in by:
            if weights:
                raise fail(_("give --by PLAN:COLUMN or --weights, not both"))
            carried, table_weights = _carried_weights(repo, parent_plan, by, crosswalk, method)
            by = None
        with reported(_("--weights: {reason}")):
            if carried is None:
                table_weights = stages.split.read_weights(weights, repo, parent_plan) if weights else None
        with reported():
            proposed = stages.split.make_split(
                repo,
                parent_plan,
                split,
                by=by,
                weights=table_weights,
                whole=whole,
                method=method,
                minimums=_pairs("--min", minimum or [], repo, parent_plan),
                fixed=_pairs("--fixed", fixed or [], repo, parent_plan),
            )
        stages.allocation.report_split(proposed, sys.stdout, format_name(output_format.value), carried)
        if write:
            outcome = stages.apply.apply_change(
                parent_plan,
                lambda file, text: stages.write_split.write_split(file, text, proposed),
                checked,
                dry_run,
                sys.stdout,
                resolves=frozenset(rule.code for rule in (
                    stages.rule_registry.tables.total_not_sum, stages.rule_registry.tables.parts_not_sum,
                    stages.rule_registry.cascade.children_below_quota,
                )),
            )
            raise typer.Exit(outcome)
        return
    assert to is not None  # split is None
    try:
        parent, child = stages.lookup.find_edge(repo, source, to, year)
    except stages.lookup.LookupError_ as error:
        broken_plan(repo, source, "--from", None, year)
        raise fail(str(error)) from None
    if child.plan is None:  # its plan may be a file with errors: never started again beside it
        broken_plan(repo, to, "--to", child.unit.id, child.year)
    assert parent.plan is not None  # find_edge finds the parent's plan, or raises
    if parent.telling:
        say(parent.note("--from", source))
    if child.telling:
        say(child.note("--to", to))
    if not repo.assignments.get((parent.plan.plan.id, child.unit.id)):
        raise fail(
            _("{plan} assigns nothing to {name} ({unit})").format(
                plan=parent.plan.plan.id, name=child.unit.name, unit=child.unit.id
            )
        )
    view = stages.edge.edge(repo, parent.plan, child.plan, child.unit)
    writers = stages.allocation
    {"text": writers.write_table, "json": writers.write_json, "csv": writers.write_csv}[format_name(output_format.value)](view, sys.stdout)
    if child.plan is None:  # nothing to compare with yet: what was assigned is the start of the child's plan
        if write:
            raise typer.Exit(start_child_plan(repo, checked, parent.plan, child.unit, plans, dry_run=dry_run))
        raise typer.Exit(0)
    if write:
        changes, refused = stages.edge.raises(view, repo)
        for reason in refused:
            say(_("not written: {reason}").format(reason=reason), style="yellow")
        if not changes:
            print(_("Nothing to write: every target meets what was assigned."))
            raise typer.Exit(1 if refused else 0)
        outcome = stages.apply.apply_change(
            child.plan,
            lambda file, text: stages.targets.raise_targets(file, text, changes),
            checked,
            dry_run,
            sys.stdout,
            resolves=frozenset({stages.rule_registry.cascade.below_assignment.code}),
        )
        raise typer.Exit(outcome or (1 if refused else 0))
    raise typer.Exit(1 if view.short else 0)
