"""``dansokh allocate``: one edge of the cascade, raising a child's targets, splitting a quota."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cascade.apportion import ApportionError, Method  # light: the enum is an option's type
from ..i18n import N_, _
from ..model.numbers import MAX_WHOLE_DIGITS  # light: a bound of an option
from ..read.limits import shorten
from .app import app, broken_plan, fail, named_plan, say


class EdgeFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def _pairs(option: str, items: list[str], repo, parent) -> dict[str, int]:
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


def _carried_weights(repo, parent, by: str, chosen: str | None, method: Method):  # type: ignore[no-untyped-def]
    """``--by PLAN:COLUMN``: a column of last year's plan, in this year's units through the
    crosswalk that joins them; every row of this year's table must get a figure."""
    from ..reform.crosswalk import CarryError, carry_column
    from ..model.catalogue import CATALOGUE
    from .crosswalk import pick_bridge

    plan_text, _sep, column = by.rpartition(":")
    if column not in CATALOGUE:
        raise fail(_("--by: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(column)))
    old = named_plan(repo, plan_text, "--by", tell=False)
    if old.plan.plan.year >= parent.plan.year:
        raise fail(
            _("--by {plan}: a plan of an earlier year than {year} (last year's, in the old units)").format(
                plan=plan_text, year=parent.plan.year
            )
        )
    bridge = pick_bridge(repo, old.plan.plan.unit.id, old.plan.plan.year, parent.plan.year, chosen)
    try:
        carried = carry_column(repo, bridge, old.plan, column, method)
    except CarryError as error:
        raise fail(str(error), 1) from None
    values = {v.unit: v.value for v in carried.values if v.value is not None}
    rows = [u for u in repo.children(parent.plan.unit.id, parent.plan.year) if u.id not in values]
    if rows:
        raise fail(
            _(
                "no {year} figure of {indicator} is carried into {units}: the crosswalk {crosswalk} covers {count} of"
                " {parent}'s units; weigh by a plan whose crosswalk covers them all (`dansokh crosswalk --from {year}"
                " --to {to} --unit {unit}`), or by --weights FILE.csv"
            ).format(
                year=old.plan.plan.year,
                indicator=column,
                units=", ".join(u.name for u in rows[:8]) + (_(" and {count} more").format(count=len(rows) - 8) if len(rows) > 8 else ""),
                crosswalk=bridge.loaded.label,
                count=len(values),
                parent=parent.plan.unit_title,
                to=parent.plan.year,
                unit=parent.plan.unit.id,
            ),
            1,
        )
    return carried, values


@app.command(
    "allocate",
    help=N_("See what a parent assigned to a child, start the child's plan from it, or split a quota."),
)
def allocate_command(
    source: Annotated[str, typer.Option("--from", help=N_("The parent: a plan id, unit id or unit name."))],
    to: Annotated[Optional[str], typer.Option("--to", help=N_("The child: a plan id, unit id or unit name."))] = None,
    split: Annotated[
        Optional[str], typer.Option("--split", help=N_("Split this quota of --from among its children."))
    ] = None,
    by: Annotated[
        Optional[str],
        typer.Option(
            "--by",
            help=N_("Weigh the split by this column of the table, or by PLAN:COLUMN, a column of last year's plan carried through a crosswalk."),
        ),
    ] = None,
    crosswalk: Annotated[
        Optional[str], typer.Option("--crosswalk", help=N_("With --by PLAN:COLUMN: the crosswalk to use, its file or id."))
    ] = None,
    weights: Annotated[
        Optional[Path], typer.Option("--weights", exists=True, dir_okay=False, help=N_("CSV of unit,weight."))
    ] = None,
    whole: Annotated[
        Optional[int],
        typer.Option("--whole", min=0, max=10**MAX_WHOLE_DIGITS - 1, help=N_("The quota to split (default: the plan's own).")),
    ] = None,
    method: Annotated[Method, typer.Option("--method", help=N_("How to round the split."))] = Method.LARGEST_REMAINDER,
    minimum: Annotated[list[str], typer.Option("--min", help=N_("UNIT=N: at least N for this child."))] = [],
    fixed: Annotated[list[str], typer.Option("--fixed", help=N_("UNIT=N: exactly N for this child."))] = [],
    output_format: Annotated[EdgeFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = EdgeFormat.text,
    write: Annotated[bool, typer.Option("--write", help=N_("Write the change into the plan file."))] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("With --write: show the diff, write nothing."))] = False,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path(
        "plans"
    ),
    year: Annotated[
        Optional[int], typer.Option("--year", help=N_("The year of the plans (default: that of a plan named by its id, else the parent's latest)."))
    ] = None,
) -> None:
    """See what a parent assigned to a child, start the child's plan from it, or split a quota."""
    from ..report.format_names import format_name
    # imported here, not above: `dansokh --help` should not pay for what this command needs
    from ..cascade.edge import edge, raises
    from ..cascade.lookup import LookupError_, find_edge
    from ..cascade.split import SplitError, WeightsError, make_split, read_weights
    from ..check.run import CHECK
    from ..load import load_repository
    from ..model.catalogue import CATALOGUE
    from ..report.allocation import report_split, write_csv, write_json, write_table
    from ..report.safe import Console
    from ..write.apply import apply_change
    from ..write.split import write_split
    from ..write.targets import raise_targets

    if split is None and to is None:
        raise fail(_("give --to CHILD to compare an edge, or --split INDICATOR to split a quota"))
    # the plans named and what their check needs, never every plan (a unit's name: every plan)
    named = [source, to, by.partition(":")[0] if by is not None and ":" in by else None]
    repo, checked = load_repository(CHECK, [plans], whole=False, focus=[n for n in named if n is not None])
    if split is not None:
        parent = named_plan(repo, source, "--from", year)
    if split is not None:
        if split not in CATALOGUE:
            raise fail(_("--split: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(split)))
        carried = None
        if by is not None and ":" in by:
            if weights:
                raise fail(_("give --by PLAN:COLUMN or --weights, not both"))
            carried, table_weights = _carried_weights(repo, parent.plan, by, crosswalk, method)
            by = None
        try:
            if carried is None:
                table_weights = read_weights(weights, repo, parent.plan) if weights else None
            proposed = make_split(
                repo,
                parent.plan,
                split,
                by=by,
                weights=table_weights,
                whole=whole,
                method=method,
                minimums=_pairs("--min", minimum, repo, parent.plan),
                fixed=_pairs("--fixed", fixed, repo, parent.plan),
            )
        except WeightsError as error:
            raise fail(_("--weights: {reason}").format(reason=error)) from None
        except (SplitError, ApportionError) as error:
            raise fail(str(error), 1) from None
        report_split(proposed, sys.stdout, format_name(output_format.value), carried)
        if write:
            outcome = apply_change(
                parent.plan,
                lambda file, text: write_split(file, text, proposed),
                checked,
                dry_run,
                sys.stdout,
                resolves=frozenset({"T001", "T002", "C003"}),
            )
            raise typer.Exit(outcome)
        return
    try:
        parent, child = find_edge(repo, source, to, year)  # type: ignore[arg-type]
    except LookupError_ as error:
        broken_plan(repo, source, "--from", None, year)  # type: ignore[arg-type]
        raise fail(str(error)) from None
    if child.plan is None:  # its plan may be a file with errors: never started again beside it
        broken_plan(repo, to, "--to", child.unit.id, child.year)  # type: ignore[arg-type]
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
    view = edge(repo, parent.plan, child.plan, child.unit)
    {"text": write_table, "json": write_json, "csv": write_csv}[format_name(output_format.value)](view, sys.stdout)
    if child.plan is None:  # nothing to compare with yet: what was assigned is the start of the child's plan
        if write:
            from .new import start_child_plan

            raise typer.Exit(start_child_plan(repo, parent.plan, child.unit, plans, dry_run=dry_run))
        raise typer.Exit(0)
    if write:
        changes, refused = raises(view, repo)
        for reason in refused:
            Console(stderr=True, highlight=False).print(
                _("not written: {reason}").format(reason=reason), style="yellow", markup=False
            )
        if not changes:
            print(_("Nothing to write: every target meets what was assigned."))
            raise typer.Exit(1 if refused else 0)
        outcome = apply_change(
            child.plan,
            lambda file, text: raise_targets(file, text, changes),
            checked,
            dry_run,
            sys.stdout,
            resolves=frozenset({"C001"}),
        )
        raise typer.Exit(outcome or (1 if refused else 0))
    raise typer.Exit(1 if view.short else 0)
