"""``dansokh new``: a child's first plan from what its parent assigned, or next year's plan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import config
from ..cascade.apportion import Method
from ..diagnostics import shorten
from ..i18n import N_, _, ngettext
from ..model.names import name_key
from ..read.discover import display_path
from ..report.safe import terminal_text
from ..report.text import TextReporter
from . import stages
from .app import app, broken_plan, named_plan
from .crosswalk import pick_bridge, refuse_broken
from .errors import ERRORS, fail, reported, say
from .render import is_folder
from .results import load_run, write_plan_form

if TYPE_CHECKING:
    from ..cascade.drafts import Carry, Draft
    from ..cascade.repository import LoadedPlan, Repository
    from ..check.findings import Findings
    from ..model.plan import UnitDecl


def write_draft(draft: Draft, beside: Path, old_year: int, repo: Repository, checked: Findings, plans: Path,
                output: str | Path | None = None, dry_run: bool = False, form: Path | None = None) -> int:
    """Check a new plan in its repository (``checked``: the command's load of it, whose files are
    not identified again), say what validate will say of it, and create its file (never over
    another, never through a link, a FIFO or a device), then its Excel form where ``form`` names
    one; the exit status."""
    write_new = stages.write_new
    taken = repo.by_id.get(draft.plan_id)
    if taken is None and draft.plan_id in repo.unread_ids:  # a plan of another unit, not read: read it now
        taken = stages.check_run.load_checked([plans], focus=[draft.plan_id])[0].by_id.get(draft.plan_id)
    if taken is not None:
        raise fail(
            _("plan id {id!r} is already used by {file}; choose another with --id").format(id=shorten(draft.plan_id), file=taken.file)
        )
    path = write_new.default_path(beside, old_year, draft)
    if output is not None:  # -o plans/2026/ (a trailing slash, or a folder) is the folder to put it in
        path = Path(output) / path.name if is_folder(str(output)) else Path(output)
    with reported():  # the rules the repository selects (its dansokh.toml), as `dansokh validate` will run them
        settings = config.load(start=plans)
        selection = stages.selection.Selection.make(settings.select, settings.ignore, settings.severity, settings.extend_select)
    with reported():
        if dry_run:  # the text only: what validate would say of it is not shown, and so not found (a second load)
            sys.stdout.write(write_new.draft_text(draft))
            return 0
        write_new.refuse_existing(path)  # before the check: its report would be about a file never written
        new = write_new.check_new(path, draft, plans, selection, checked.survey)
    shown = display_path(path)
    findings = new.findings
    findings.diagnostics = [d for d in findings.diagnostics if d.file == shown]
    findings.finish()
    TextReporter(sys.stdout, color=False).report(findings)  # what `dansokh validate` will say of it
    if findings.failed:
        raise fail(_("not written: the new plan would not validate (the errors above)"), ERRORS)
    with reported(writing=shown):  # nothing written on purpose (NotCreated, WriteRefused): the message says why
        write_new.create(path, new.text)
    print(_("wrote {file} (plan {id}, {year})").format(file=terminal_text(shown), id=draft.plan_id, year=draft.year))
    if form is not None:  # the plan's form, from the plans as they now stand
        book, read = load_run(plans, [])
        loaded = book.repo.by_id.get(draft.plan_id)
        if loaded is None:  # the plan just written cannot be read back: validate says why
            raise fail(_("the form was not written: {file} cannot be read as a plan; run `dansokh validate {file}`").format(file=terminal_text(shown)), ERRORS)
        print(_("wrote {file} (the plan's form: fill it in Excel, then dansokh import {file})").format(file=terminal_text(str(write_plan_form(book, loaded, form, read)))))
    return 0


def start_child_plan(repo: Repository, checked: Findings, parent: LoadedPlan, unit: UnitDecl, plans: Path, plan_id: str | None = None,
                     output: str | Path | None = None, dry_run: bool = False, form: Path | None = None) -> int:
    """A child's first plan, from what ``parent`` assigned to it (also ``allocate --write`` to a
    unit without a plan)."""
    draft = stages.drafts.child_draft(repo, parent, unit)
    if plan_id is not None:
        draft.data["id"] = plan_id
    return write_draft(draft, Path(parent.file), parent.plan.year, repo, checked, plans, output, dry_run, form)


def next_year_carry(repo: Repository, checked: Findings, loaded: LoadedPlan, chosen: str | None, method: Method) -> Carry | None:
    """How next year's plan of ``loaded`` gets its units: through the crosswalk named by
    ``--crosswalk``, else the one crosswalk from its units to its unit's of next year, else the
    same units (``None``).  Says which, and what could not be carried."""
    plan = loaded.plan
    year = plan.year + 1
    if chosen is not None:
        bridge = pick_bridge(repo, plan.unit.id, plan.year, year, chosen)
    else:
        found = stages.carry.next_year_bridges(repo, loaded)
        if len(found) > 1:
            raise fail(
                _("several crosswalks carry {unit}'s units of {year} into {next}: {files}; name one with --crosswalk").format(
                    unit=plan.unit_title, year=plan.year, next=year, files=", ".join(b.loaded.file for b in found)
                )
            )
        if not found:
            note = _reform_note(repo, loaded) if stages.official.units_changed(plan, year) else None
            if note:
                say(note)
            return None
        bridge = found[0]
    refuse_broken(bridge, checked)
    with reported(_("--next: {reason}")):
        carry = stages.carry.crosswalk_carry(repo, loaded, bridge, method)
    say(
        _("{unit}'s units of {next}: the crosswalk {crosswalk} ({file}), with the figures of {year} carried into them").format(
            unit=plan.unit_title, next=year, crosswalk=bridge.loaded.label, file=bridge.loaded.file, year=plan.year
        )
    )
    if carry.blanks:
        say(
            ngettext(
                "{count} figure could not be carried and is left empty for you to fill in ({which}): see the remark beside its row",
                "{count} figures could not be carried and are left empty for you to fill in ({which}): see the remark beside each row",
                len(carry.blanks),
            ).format(count=len(carry.blanks), which=_blank_list(carry.blanks))
        )
    return carry


def _new_unit_named(repo: Repository, text: str, year: int | None) -> str | None:
    """The new unit of a crosswalk ``text`` names (its id, or a name only one new unit has), where
    ``text`` names no plan to continue: ``--next bo-de-00118`` before phường Bồ Đề has a plan."""
    try:
        if stages.lookup.find(repo, text, year=year).plan is not None:
            return None
    except stages.lookup.LookupError_:
        pass
    ids: dict[str, None] = {}
    for bridge in stages.reform_crosswalk.bridges(repo):
        if year is not None and bridge.to_year != year:
            continue
        for entry in bridge.crosswalk.units:
            for part in entry.parts:
                if part.unit == text or name_key(bridge.name_of(part.unit)) == name_key(text):
                    ids.setdefault(part.unit, None)
    if text in ids:
        return text
    return next(iter(ids)) if len(ids) == 1 else None


def start_new_unit_plan(repo: Repository, checked: Findings, unit: str, year: int | None, chosen: str | None, method: Method,
                        plans: Path, plan_id: str | None, output: str | None, dry_run: bool) -> int:
    """The first plan of a unit made in a reform, before its parent's plan of the year: last year's
    assignments to its old units, carried through the crosswalk into it."""
    carry, main_plan = stages.carry, stages.lookup.main_plan
    found = [b for b in carry.bridges_into(repo, unit) if year is None or b.to_year == year]
    bridge = pick_bridge(repo, "", 0, None, chosen) if chosen is not None else found[0]  # found: _new_unit_named saw one
    if not any(b.loaded is bridge.loaded for b in found):
        raise fail(_("--crosswalk: {crosswalk} carries nothing into {unit}").format(crosswalk=bridge.loaded.label, unit=unit), ERRORS)
    refuse_broken(bridge, checked)
    name, to_year, parent = bridge.name_of(unit), bridge.to_year, bridge.crosswalk.to.unit
    own = main_plan(repo, unit, to_year)
    if own is not None:
        raise fail(_("{name} already has a {year} plan, {plan} ({file}): edit it").format(
            name=name, year=to_year, plan=own.plan.id, file=own.file), ERRORS)
    given = main_plan(repo, parent, to_year)
    if given is not None:
        raise fail(
            _("{parent} has its {year} plan, {plan}: start {name}'s plan from what it assigned, dansokh new --from {plan} --unit {unit}").format(
                parent=given.plan.unit_title, year=to_year, plan=given.plan.id, name=name, unit=unit
            )
        )
    with reported(_("--next: {reason}")):
        draft, blanks = carry.new_unit_draft(repo, bridge, unit, method)
    if plan_id is not None:
        draft.data["id"] = plan_id
    last = bridge.from_plan()
    assert last is not None  # new_unit_draft refuses a crosswalk without it
    say(
        _("{name} ({unit}) has no plan yet and {parent} no {year} plan to start it from: its targets are what {giver}"
          " assigned in {old} to its old units, carried through the crosswalk {crosswalk} ({file}). What {parent} assigns"
          " to it in {year} is not known yet: when its plan comes, compare each target with it (dansokh validate).").format(
            name=name, unit=unit, parent=carry.title_of(repo, parent, to_year), year=to_year,
            giver=last.plan.unit_title, old=bridge.from_year, crosswalk=bridge.loaded.label, file=bridge.loaded.file,
        )
    )
    if blanks:
        say(
            ngettext(
                "{count} figure could not be carried and is left out for you to add ({which}): see the file's opening lines",
                "{count} figures could not be carried and are left out for you to add ({which}): see the file's opening lines",
                len(blanks),
            ).format(count=len(blanks), which=", ".join(blanks))
        )
    return write_draft(draft, Path(last.file), bridge.from_year, repo, checked, plans, output, dry_run)


def _reform_note(repo: Repository, loaded: LoadedPlan) -> str | None:
    """What to know when next year's plan is drafted in last year's units across the reform: that
    its unit no longer exists, or that the units it assigns to have changed."""
    plan = loaded.plan
    values = {"year": plan.year, "next": plan.year + 1, "unit": plan.unit_title, "id": plan.unit.id}
    if stages.official.placed_in(repo, plan.unit, plan.year + 1) is None:
        gone = _(
            "note: {unit} is not an official unit in {next} (the reform of 1/7/2025): the new plan is of a unit that"
            " no longer exists."
        ).format(**values)
        if not plan.units:
            return gone
        return gone + " " + _(
            "The figures of its units of {year} reach the units that took them over through a crosswalk (dansokh"
            " crosswalk --from {year} --to {next} --unit {id})."
        ).format(**values)
    if not plan.units:
        return None
    return _(
        "note: the official units of {year} are not those of {next} (the reform of 1/7/2025), and no crosswalk leads"
        " from {unit}'s units of {year} to its units of {next}: the new plan keeps last year's units. To start it in"
        " the new units, propose a crosswalk (dansokh crosswalk --from {year} --to {next} --unit {id}), decide its"
        " shares, and run this again."
    ).format(**values)


def _blank_list(blanks: tuple[tuple[str, str], ...], shown: int = 3) -> str:
    """"Sóc Sơn: Tỷ lệ …, Ba Vì: Tỷ lệ … and 12 more": the first few figures left empty."""
    listed = "; ".join(f"{unit}: {label}" for unit, label in blanks[:shown])
    more = len(blanks) - shown
    return listed if more <= 0 else _("{listed} and {count} more").format(listed=listed, count=more)


@app.command(
    "new",
    help=N_("Start a plan: a child's from what its parent assigned (--from, --unit), or next year's (--next)."),
)
def new_command(
    source: Annotated[
        str | None, typer.Option("--from", help=N_("The parent whose assignment starts the plan: a plan id, unit id or unit name."))
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help=N_("With --from: the child unit (an id or a name)."))] = None,
    next_of: Annotated[
        str | None, typer.Option("--next", help=N_("Next year's plan of this plan (a plan id, unit id or unit name)."))
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help=N_("The year of the plan named by --from or --next (default: its latest)."))
    ] = None,
    plan_id: Annotated[str | None, typer.Option("--id", help=N_("The new plan's id (default: its unit and year, long-bien-2026)."))] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help=N_("The new plan file, or a folder to put it in (default: beside the plan it comes from, in its year's folder).")),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Print the new plan, write nothing."))] = False,
    crosswalk: Annotated[
        str | None,
        typer.Option("--crosswalk", help=N_("With --next across a reform: the crosswalk into next year's units, its file or id (default: the one there is).")),
    ] = None,
    method: Annotated[Method, typer.Option("--method", help=N_("How to round the parts of a divided unit."))] = Method.LARGEST_REMAINDER,
    form: Annotated[
        Path | None, typer.Option("--form", dir_okay=False, metavar="FILE.xlsx", help=N_("Also write the new plan's Excel form, to fill and import back."))
    ] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path("plans"),
) -> None:
    """Start a plan: a child's from what its parent assigned (--from, --unit), or next year's (--next)."""
    if (next_of is None) == (source is None):
        raise fail(_("give --from PARENT --unit UNIT (a child's first plan) or --next PLAN (next year's plan)"))
    if source is not None and unit is None:
        raise fail(_("--from needs --unit: the child whose plan to start"))
    if plan_id is not None and not stages.plan._SLUG.match(plan_id):
        raise fail(_("--id {id!r}: expected an id of lowercase letters, digits and hyphens, like long-bien-2026").format(id=shorten(plan_id)))
    if form is not None and (dry_run or form.suffix.lower() != ".xlsx"):
        raise fail(_("--form FILE.xlsx: an .xlsx workbook, written with the new plan (not with --dry-run)"))
    # the plans named and what their check needs, never every plan (a unit's name: every plan)
    named = [next_of] if next_of is not None else [source, unit]
    repo, checked = stages.check_run.load_checked([plans], whole=True, focus=[n for n in named if n is not None])
    if next_of is not None:
        new_unit = _new_unit_named(repo, next_of, year)
        if new_unit is not None:  # a unit made in a reform, without a plan: its first, through a crosswalk
            raise typer.Exit(start_new_unit_plan(repo, checked, new_unit, year, crosswalk, method, plans, plan_id, output, dry_run))
        found = named_plan(repo, next_of, "--next", year)
        carry = next_year_carry(repo, checked, found, crosswalk, method)
        draft = stages.drafts.next_year_draft(repo, found, carry=carry, plan_id=plan_id)
        raise typer.Exit(write_draft(draft, Path(found.file), found.plan.year, repo, checked, plans, output, dry_run, form))
    if crosswalk is not None:
        raise fail(_("--crosswalk goes with --next: it carries last year's plan into next year's units"))
    assert source is not None and unit is not None  # --from --unit, checked above
    try:
        parent, child = stages.lookup.find_edge(repo, source, unit, year)
    except stages.lookup.LookupError_ as error:
        broken_plan(repo, source, "--from", None, year)
        raise fail(str(error)) from None
    if child.plan is None:  # its plan may be a file with errors: never started again beside it
        broken_plan(repo, unit, "--unit", child.unit.id, child.year)
    if parent.telling:
        say(parent.note("--from", source))
    assert parent.plan is not None
    if child.plan is not None:
        raise fail(
            _("{unit} already has a {year} plan, {plan} ({file}): edit it, or raise its targets with"
              " dansokh allocate --from {parent} --to {plan} --write").format(
                unit=child.plan.plan.unit_title, year=child.plan.plan.year, plan=child.plan.plan.id,
                file=child.plan.file, parent=parent.plan.plan.id,
            )
        )
    if not repo.assignments.get((parent.plan.plan.id, child.unit.id)):
        raise fail(
            _("{plan} assigns nothing to {name} ({unit}): a child's plan starts from what its parent assigned to it").format(
                plan=parent.plan.plan.id, name=child.unit.name, unit=child.unit.id
            )
        )
    raise typer.Exit(start_child_plan(repo, checked, parent.plan, child.unit, plans, plan_id, output, dry_run, form))
