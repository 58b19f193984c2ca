"""``dansokh crosswalk``: propose a crosswalk from the official reform table, or show last year's
figures in this year's units through one."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from ..cascade.apportion import Method
from ..diagnostics import Severity, shorten
from ..i18n import N_, _, ngettext
from ..read.discover import display_path
from ..read.files import NotARegularFile, read_bounded
from ..read.limits import DEFAULT_MAX_BYTES
from ..read.positions import SourceMap
from ..report.format_names import format_name
from ..report.safe import Console, terminal_text
from ..report.text import TextReporter
from ..write.atomic import digest, write_atomic
from ..write.output import check_outputs, write_output
from . import stages
from .app import app, named_plan
from .errors import ERRORS, FILENAME, USAGE, exit_for, fail, reported

if TYPE_CHECKING:
    from ..cascade.repository import Repository
    from ..check.findings import Findings
    from ..read.form import Workbook
    from ..reform.crosswalk import Bridge
    from ..reform.propose import Proposal, ProposedEntry


class CarryFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def pick_bridge(repo: Repository, from_unit: str, from_year: int, to_year: int | None, chosen: str | None) -> Bridge:
    """The crosswalk that carries ``from_unit``'s units of ``from_year``: the one named by
    ``--crosswalk`` (a file or an id), else the only one there is."""
    if chosen is not None:
        wanted = Path(chosen).resolve()
        for bridge in stages.reform_crosswalk.bridges(repo):
            if bridge.crosswalk.id == chosen or Path(bridge.loaded.file).resolve() == wanted:
                return bridge
        raise fail(_("--crosswalk: no crosswalk {name!r} in the repository").format(name=shorten(chosen)))
    with reported(status=USAGE):  # no crosswalk, or several: name one
        return stages.reform_crosswalk.bridge_for(repo, from_unit, from_year, to_year)


def refuse_broken(bridge: Bridge, checked: Findings) -> None:
    """No figure is carried through a crosswalk with errors (a negative figure, a count that is
    not whole: W008 …): its diagnostics on standard error, then exit 1, as ``progress`` does
    with figures that have errors."""
    file = bridge.loaded.file
    errors = [d for d in checked.diagnostics if d.severity is Severity.ERROR and d.span.file == file]
    if not errors:
        return
    count = sum(d.hidden or 1 for d in errors)
    TextReporter(sys.stderr).diagnostics(errors)
    raise fail(
        ngettext(
            "Nothing carried: {file} has {count} error; correct it (dansokh validate {file}), or name another crosswalk with --crosswalk",
            "Nothing carried: {file} has {count} errors; correct them (dansokh validate {file}), or name another crosswalk with --crosswalk",
            count,
        ).format(file=file, count=count),
        ERRORS,
    )


@app.command(
    "crosswalk",
    help=N_("Propose a crosswalk of last year's units to this year's from the official list, or show last year's figures carried through one."),
)
def crosswalk_command(
    from_year: Annotated[int | None, typer.Option("--from", help=N_("The year of the old units (2025)."))] = None,
    to_year: Annotated[int | None, typer.Option("--to", help=N_("The year of the new units (2026)."))] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help=N_("Only the units this unit's plan assigns to (default: every plan's)."))
    ] = None,
    into: Annotated[Path, typer.Option("--into", file_okay=False, help=N_("The folder to write proposals into."))] = Path(
        "plans/crosswalks"
    ),
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Print the proposal, write nothing."))] = False,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace a crosswalk file that exists."))] = False,
    carry: Annotated[
        str | None,
        typer.Option("--carry", help=N_("Show this plan's table in this year's units (a plan id, unit id or name).")),
    ] = None,
    indicator: Annotated[list[str] | None, typer.Option("--indicator", help=N_("Only this indicator (repeatable)."))] = None,
    crosswalk: Annotated[
        str | None, typer.Option("--crosswalk", help=N_("The crosswalk to use: its file or id (default: the only one)."))
    ] = None,
    method: Annotated[Method, typer.Option("--method", help=N_("How to round the parts of a divided unit."))] = Method.LARGEST_REMAINDER,
    output_format: Annotated[CarryFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = CarryFormat.text,
    form: Annotated[
        Path | None,
        typer.Option("--form", dir_okay=False, help=N_("Write the crosswalk as an Excel form, a population to type for each part (read it back with dansokh import).")),
    ] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path(
        "plans"
    ),
) -> None:
    """Propose a crosswalk of last year's units to this year's, or show figures carried through one."""
    repo, checked = stages.check_run.load_checked([plans], whole=False)
    if form is not None:
        _form(repo, form, crosswalk)
        return
    if carry is not None:
        _carry(repo, checked, carry, to_year, indicator or [], crosswalk, method, output_format)
        return
    if from_year is None or to_year is None:
        raise fail(_("give --from YEAR --to YEAR to propose a crosswalk, or --carry PLAN to show figures carried through one"))
    _propose(repo, from_year, to_year, unit, into, dry_run, force)


def _propose(repo: Repository, from_year: int, to_year: int, unit: str | None, into: Path, dry_run: bool, force: bool) -> None:
    """``crosswalk --from YEAR --to YEAR``: a crosswalk proposed from the official list, written into ``into``."""
    proposal_text = stages.write_crosswalk.proposal_text
    if to_year <= from_year:
        raise fail(_("--to {to} must be a later year than --from {year}").format(to=to_year, year=from_year))
    unit_id = None
    if unit is not None:
        with reported(_("--unit: {reason}")):
            unit_id = stages.lookup.find(repo, unit, year=from_year).unit.id
    with reported():
        proposals = stages.propose.propose(repo, from_year, to_year, unit_id)
    paths = [into / f"{proposal.id}.yaml" for proposal in proposals]
    with reported(_("--into: {reason}")):  # never over a plan (even with --force), never a traceback for a folder that cannot be written
        check_outputs(paths, [loaded.file for loaded in repo.plans])
    # a crosswalk already there keeps what it has: only the units it lacks are added to it
    extended = {} if force else {path: _extended(path, proposal) for path, proposal in zip(paths, proposals) if path.exists()}
    if dry_run:
        for path, proposal in zip(paths, proposals):
            sys.stdout.write(extended[path][1] if path in extended else proposal_text(proposal))
        return
    written: list[tuple[str, Proposal]] = []
    grown = 0
    for path, proposal in zip(paths, proposals):
        if path not in extended:
            with reported(_("--into: {reason}")):
                write_output(path, proposal_text(proposal).encode("utf-8"))
            written.append((str(path), proposal))
            continue
        raw, text, added = extended[path]
        if added:
            with reported(writing=FILENAME):
                write_atomic(path, text, digest(raw))
            grown += 1
        stages.report_crosswalk.write_additions(str(path), proposal, added, sys.stdout)
    stages.report_crosswalk.write_proposals(written, sys.stdout)
    if written or grown:
        print(_("Decide the shares of the divided units in the files, then run `dansokh validate`."))


def _form(repo: Repository, output: Path, chosen: str | None) -> None:
    """``crosswalk --form OUT.xlsx``: the crosswalk as a form, a population to type for each part."""
    title_of = stages.carry.title_of
    found = stages.reform_crosswalk.bridges(repo)
    if chosen is not None:
        bridge = pick_bridge(repo, "", 0, None, chosen)
    elif len(found) == 1:
        bridge = found[0]
    else:
        listed = ", ".join(b.loaded.label for b in found) or _("none")
        raise fail(_("--form: name the crosswalk with --crosswalk ID (the repository has: {listed})").format(listed=listed))
    walk = bridge.crosswalk
    names = {unit: bridge.name_of(unit) for entry in walk.units for unit in (entry.old, *(p.unit for p in entry.parts))}
    data = stages.render_crosswalk_form.render_crosswalk_form(
        walk, bridge.loaded.label, names, title_of(repo, walk.from_.unit, walk.from_.year), title_of(repo, walk.to.unit, walk.to.year)
    )
    with reported(_("--form: {reason}"), writing=output):
        write_output(output, data, [loaded.file for loaded in repo.plans] + [c.file for c in repo.crosswalks])
    parts = sum(len(entry.parts) for entry in walk.units)
    print(_("wrote {path}: {parts} parts of {units} old units of {file}; type each part's population, then dansokh import {path}").format(
        path=terminal_text(str(output)), parts=parts, units=len(walk.units), file=bridge.loaded.file))


def import_crosswalk_form(workbook: Path, plans: Path, opened: Workbook | None = None) -> int:
    """``dansokh import`` of a crosswalk form: the populations and shares typed into the crosswalk
    file; every problem at its cell, nothing written while there is one.  The exit status."""
    load_text, crosswalk_import = stages.loader.load_text, stages.crosswalk_import
    repo, _checked = stages.check_run.load_checked([plans], whole=False)
    shown = display_path(workbook)
    form = stages.read_crosswalk_form.read_crosswalk_form(workbook, shown, opened)
    loaded = crosswalk_import.find_crosswalk(form, repo.crosswalks) if form.meta else None
    raw, text, source = b"", "", SourceMap("")
    if loaded is not None:
        with reported(reading=loaded.file):
            raw = read_bounded(Path(loaded.file), DEFAULT_MAX_BYTES)
        text, source = raw.decode("utf-8-sig", "replace"), load_text(loaded.file, raw).source
    decided = crosswalk_import.decide(form, loaded, text, source)
    console = Console(highlight=False, soft_wrap=True)
    for problem in decided.problems:
        style = "bold red" if problem.severity.value == "error" else "yellow"
        console.print(f"[bold]{escape(str(problem.span))}[/]: [{style}]{problem.code}[/] {escape(problem.message)}")
    if decided.text is None or loaded is None:
        count = sum(1 for p in decided.problems if p.severity.value == "error")
        console.print(escape(_("Nothing written: {count} problem(s) in {file}; fix them in the workbook and import it again.").format(count=count, file=shown)), style="bold red")
        return 1
    if decided.text == text:
        print(_("{path} already holds what the form says; nothing to write").format(path=terminal_text(loaded.file)))
        return 0
    walk, problems = stages.parse.parse_crosswalk(load_text(loaded.file, decided.text.encode("utf-8")))
    if walk is None or problems:  # never expected: the edits write numbers and words the format takes
        raise fail(_("not written: {file} would not be a crosswalk any more; report this").format(file=loaded.file), ERRORS)
    with reported(writing=loaded.file):
        write_atomic(Path(loaded.file), decided.text, digest(raw))
    population, share = decided.by.get("population", 0), decided.by.get("share", 0)
    print(ngettext(
        "wrote {file}: {count} divided unit decided ({population} by population, {share} by share), {parts} parts with their population; check it with dansokh validate",
        "wrote {file}: {count} divided units decided ({population} by population, {share} by share), {parts} parts with their population; check it with dansokh validate",
        population + share,
    ).format(file=terminal_text(loaded.file), count=population + share, population=population, share=share, parts=decided.populations))
    return 0


def _extended(path: Path, proposal: Proposal) -> tuple[bytes, str, list[ProposedEntry]]:
    """An existing crosswalk file with the proposal's units it lacks: its bytes as read, its new
    text, and the entries added."""
    try:
        raw = read_bounded(path, DEFAULT_MAX_BYTES)
    except NotARegularFile:
        raise fail(_("{path} exists and is not a regular file: choose another --into").format(path=path)) from None
    except OSError as error:
        raise exit_for(error, status=USAGE, reading=path) from None
    read = stages.loader.load_text(str(path), raw)
    with reported():
        text, added = stages.write_crosswalk.extended_text(read, raw.decode("utf-8-sig") if read.data is not None else "", proposal)
    return raw, text, added


def _carry(
    repo: Repository,
    checked: Findings,
    text: str,
    to_year: int | None,
    indicators: list[str],
    chosen: str | None,
    method: Method,
    output_format: CarryFormat,
) -> None:
    """``crosswalk --carry PLAN``: the plan's table, last year's figures in this year's units."""
    reform_crosswalk, writers, catalogue = stages.reform_crosswalk, stages.report_crosswalk, stages.model_catalogue.CATALOGUE
    loaded = named_plan(repo, text, "--carry", tell=False)
    bridge = pick_bridge(repo, loaded.plan.unit.id, loaded.plan.year, to_year, chosen)
    refuse_broken(bridge, checked)
    for key in indicators:
        if key not in catalogue:
            raise fail(_("--indicator: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(key)))
    labels = {key: catalogue[key].name for key in catalogue}
    with reported():
        keys = indicators or reform_crosswalk.carried_indicators(repo, loaded)
        carried = [reform_crosswalk.carry_column(repo, bridge, loaded, key, method) for key in keys]
    write = {"text": writers.write_table, "json": writers.write_json, "csv": writers.write_csv}[format_name(output_format.value)]
    write(carried, labels, sys.stdout)
