"""Commands for CI and editors: ``diff`` (what changed between two revisions) and ``schema``.

Like every command they only parse options, call the
core and map the outcome to an exit code (2 for a usage error).
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..diagnostics import shorten
from ..i18n import N_, _
from ..read.discover import display_path
from ..read.limits import DEFAULT_MAX_BYTES
from ..read.root import find_root
from ..report.format_names import format_name
from ..vcs.git import GitError, exists_at, files_at, repository_root, resolve, working_files
from ..write.output import write_output
from . import stages
from .app import app, named_plan, settings_from
from .catalogue import repository_catalogue
from .crosswalk import pick_bridge
from .errors import fail, reported

if TYPE_CHECKING:
    from ..cascade.repository import LoadedPlan, Repository
    from ..compare.diff import PlanDiff


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    md = "md"  # markdown's other name (report.format_names)


@app.command(
    "diff",
    help=N_(
        "List every target, quota and schedule row that changed between two revisions, or between a plan and last"
        " year's (--plan), old → new with its unit."
    ),
)
def diff_command(
    rev: Annotated[
        str | None,
        typer.Argument(help=N_("The revision to compare from (origin/main, HEAD~1, a tag, a hash); without it, --plan is compared with last year's plan.")),
    ] = None,
    rev2: Annotated[
        str | None, typer.Argument(help=N_("The revision to compare to (default: the working tree)."))
    ] = None,
    against: Annotated[
        str | None,
        typer.Option("--against", help=N_("With --plan: last year's plan in other units, carried into --plan's units through a crosswalk.")),
    ] = None,
    crosswalk: Annotated[
        str | None, typer.Option("--crosswalk", help=N_("Across a reform: the crosswalk to use, its file or id (default: the one there is)."))
    ] = None,
    plans: Annotated[
        list[Path] | None,
        typer.Option("--plans", help=N_("Plan files or folders to compare (repeatable; default: plans/ at the repository's root).")),
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option("--plan", "-p", help=N_("One plan (a plan id, unit id or unit name): with REV, its changes between revisions; without, against the plan it continues.")),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help=N_("The year of --plan (default: a plan named by its id, else the unit's latest)."))] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help=N_("Output format (md: the same as markdown)."))] = DiffFormat.text,
    max_file_size: Annotated[
        int | None, typer.Option(help=N_("Largest plan file read, in bytes (default 5 MiB)."), min=1)
    ] = None,
) -> None:
    """List every target, quota and schedule row that changed between two revisions, or between a plan and last year's."""
    reporters, compare_diff = stages.report_diff.DIFF_REPORTERS, stages.compare_diff
    if rev is None and plan is None:
        raise fail(_("dansokh diff: give a revision (HEAD, origin/main …), or --plan PLAN to compare a plan with last year's"))
    max_file_size = max_file_size or settings_from(None).max_file_size or DEFAULT_MAX_BYTES  # validate's limit
    if not plans:  # plans/ at the repository's root, wherever in it the command runs
        try:
            plans = [Path(display_path(repository_root() / "plans"))]
        except GitError:
            plans = [Path("plans")]
    if against is not None:
        if plan is None or rev is not None:
            raise fail(_("give --plan THIS_YEAR --against LAST_YEAR (no revision) to compare across years, or a revision"))
        _across(plans, plan, year, against, crosswalk, output_format)
        return
    chosen = _diff_plan(plans, plan, year, max_file_size) if plan is not None else None
    if rev is None:
        assert chosen is not None  # --plan, without a revision
        reporters[format_name(output_format.value)](sys.stdout).report(_against_last_year(*chosen, crosswalk))
        return
    repository_catalogue(plans[0])
    with reported(_("dansokh diff: {reason}")):
        old_commit = resolve(rev)
        new_commit = resolve(rev2) if rev2 is not None else None
        for path in plans:
            here = os.path.exists(path) if new_commit is None else exists_at(new_commit, path)
            if not here and not exists_at(old_commit, path):
                where = _("the working tree") if new_commit is None else rev2
                raise GitError(
                    _("--plans {path}: no such file or folder at {rev} or in {where}").format(path=path, rev=rev, where=where)
                )
        old_files = files_at(old_commit, plans, max_bytes=max_file_size)
        if new_commit is None:
            new_label, new_files = stages.vcs_sides.WORKING_TREE, working_files(plans, max_file_size)
        else:
            new_label, new_files = f"{rev2} ({new_commit[:7]})", files_at(new_commit, plans, max_bytes=max_file_size)
        old, new = stages.vcs_sides.load_sides(f"{rev} ({old_commit[:7]})", old_files, new_label, new_files, max_file_size)
    found = compare_diff.compare(old, new)
    if chosen is not None:
        found.changes = [change for change in found.changes if change.plan == chosen[1].plan.id]
    reporters[format_name(output_format.value)](sys.stdout).report(found)


def _diff_plan(plans: list[Path], text: str, year: int | None, max_bytes: int) -> tuple[Repository, LoadedPlan]:
    """``--plan``: the plan named, in its repository."""
    repo, _findings = stages.check_run.load_checked(plans, max_bytes, whole=True)
    return repo, named_plan(repo, text, "--plan", year)


def _against_last_year(repo: Repository, loaded: LoadedPlan, chosen: str | None = None) -> PlanDiff:
    """A plan against the plan it continues (last year's); across a reform of the units, through
    the crosswalk from that plan's units to this one's."""
    before = stages.lookup.continued(repo, loaded)
    if before is None:
        plan = loaded.plan
        if plan.continues is not None:
            raise fail(_("--plan: {plan} continues {other!r}, which is not in the repository").format(plan=plan.id, other=shorten(plan.continues)))
        raise fail(
            _("--plan: {plan} continues no plan: {unit} has no {year} plan in the repository to compare it with").format(
                plan=plan.id, unit=plan.unit_title, year=plan.year - 1
            )
        )
    reformed = [
        b for b in stages.reform_crosswalk.bridges(repo)
        if b.crosswalk.from_.unit == before.plan.unit.id and b.from_year == before.plan.year
        and b.to_year == loaded.plan.year and (chosen is None or chosen in (b.crosswalk.id, b.loaded.file))
    ]
    if reformed:  # last year's units are not this year's: compare through the crosswalk
        bridge = pick_bridge(repo, before.plan.unit.id, before.plan.year, loaded.plan.year, chosen)
        return stages.compare_diff.compare_across(repo, loaded, before, bridge)
    return stages.compare_diff.compare_years(repo, before, loaded)


def _across(plans: list[Path], plan: str, year: int | None, against: str, chosen: str | None, output_format: DiffFormat) -> None:
    """``--plan THIS_YEAR --against LAST_YEAR``: last year's plan carried into this year's units."""
    repo, _checked = stages.check_run.load_checked(plans, whole=False)
    found = {}
    for option, text, when in (("--plan", plan, year), ("--against", against, None)):
        found[option] = named_plan(repo, text, option, when, tell=False)
    new, old = found["--plan"], found["--against"]
    if old.plan.year >= new.plan.year:
        raise fail(_("--against: a plan of an earlier year than --plan's {year}").format(year=new.plan.year))
    bridge = pick_bridge(repo, old.plan.unit.id, old.plan.year, new.plan.year, chosen)
    diff = stages.compare_diff.compare_across(repo, new, old, bridge)
    stages.report_diff.DIFF_REPORTERS[format_name(output_format.value)](sys.stdout).report(diff)


@app.command(
    "schema",
    help=N_("Print the JSON Schema of a plan file, for editors (yaml-language-server) and check-jsonschema."),
)
def schema_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help=N_("Write the schema to this file."))
    ] = None,
    results: Annotated[bool, typer.Option("--results", help=N_("The schema of a result file (kind: result) instead."))] = False,
) -> None:
    """Print the JSON Schema of a plan file, for editors (yaml-language-server) and check-jsonschema."""
    status = repository_catalogue()  # the repository's indicators and units are in the schema too
    schema = stages.schema
    text = json.dumps(schema.result_schema() if results else schema.plan_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        if find_root([]).keeps(output):  # the schema reads no plan, yet replaces none either
            raise fail(_("--output: {path} is a file of the plans repository; choose another output (nothing was written)").format(path=output))
        with reported(_("--output: {reason}")):
            write_output(output, text.encode("utf-8"))
    raise typer.Exit(status)
