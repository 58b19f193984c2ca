"""``dansokh crosswalk``: propose a crosswalk from the official reform table, or show last year's
figures in this year's units through one."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..cascade.apportion import Method  # light: the enum is an option's type
from ..diagnostics import shorten
from ..i18n import N_, _, ngettext
from .app import app, fail, named_plan

if TYPE_CHECKING:
    from ..read.form import Workbook
    from ..reform.crosswalk import Bridge
    from ..reform.propose import Proposal, ProposedEntry
    from ..cascade.repository import Repository
    from ..check.findings import Findings


class CarryFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def pick_bridge(repo: Repository, from_unit: str, from_year: int, to_year: int | None, chosen: str | None) -> Bridge:
    """The crosswalk that carries ``from_unit``'s units of ``from_year``: the one named by
    ``--crosswalk`` (a file or an id), else the only one there is."""
    from ..reform.crosswalk import CarryError, bridge_for, bridges

    if chosen is not None:
        wanted = Path(chosen).resolve()
        for bridge in bridges(repo):
            if bridge.crosswalk.id == chosen or Path(bridge.loaded.file).resolve() == wanted:
                return bridge
        raise fail(_("--crosswalk: no crosswalk {name!r} in the repository").format(name=shorten(chosen)))
    try:
        return bridge_for(repo, from_unit, from_year, to_year)
    except CarryError as error:
        raise fail(str(error)) from None


def refuse_broken(bridge: Bridge, checked: Findings) -> None:
    """No figure is carried through a crosswalk with errors (a negative figure, a count that is
    not whole: W008 …): its diagnostics on standard error, then exit 1, as ``progress`` does
    with figures that have errors."""
    from ..diagnostics import Severity
    from ..report.text import TextReporter

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
        1,
    )


@app.command(
    "crosswalk",
    help=N_("Propose a crosswalk of last year's units to this year's from the official list, or show last year's figures carried through one."),
)
def crosswalk_command(
    from_year: Annotated[Optional[int], typer.Option("--from", help=N_("The year of the old units (2025)."))] = None,
    to_year: Annotated[Optional[int], typer.Option("--to", help=N_("The year of the new units (2026)."))] = None,
    unit: Annotated[
        Optional[str], typer.Option("--unit", help=N_("Only the units this unit's plan assigns to (default: every plan's)."))
    ] = None,
    into: Annotated[Path, typer.Option("--into", file_okay=False, help=N_("The folder to write proposals into."))] = Path(
        "plans/crosswalks"
    ),
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Print the proposal, write nothing."))] = False,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace a crosswalk file that exists."))] = False,
    carry: Annotated[
        Optional[str],
        typer.Option("--carry", help=N_("Show this plan's table in this year's units (a plan id, unit id or name).")),
    ] = None,
    indicator: Annotated[list[str], typer.Option("--indicator", help=N_("Only this indicator (repeatable)."))] = [],
    crosswalk: Annotated[
        Optional[str], typer.Option("--crosswalk", help=N_("The crosswalk to use: its file or id (default: the only one)."))
    ] = None,
    method: Annotated[Method, typer.Option("--method", help=N_("How to round the parts of a divided unit."))] = Method.LARGEST_REMAINDER,
    output_format: Annotated[CarryFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = CarryFormat.text,
    form: Annotated[
        Optional[Path],
        typer.Option("--form", dir_okay=False, help=N_("Write the crosswalk as an Excel form, a population to type for each part (read it back with dansokh import).")),
    ] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path(
        "plans"
    ),
) -> None:
    """Propose a crosswalk of last year's units to this year's, or show figures carried through one."""
    from ..check.run import CHECK
    from ..load import load_repository

    repo, checked = load_repository(CHECK, [plans], whole=False)
    if form is not None:
        _form(repo, form, crosswalk)
        return
    if carry is not None:
        _carry(repo, checked, carry, to_year, indicator, crosswalk, method, output_format)
        return
    if from_year is None or to_year is None:
        raise fail(_("give --from YEAR --to YEAR to propose a crosswalk, or --carry PLAN to show figures carried through one"))
    _propose(repo, from_year, to_year, unit, into, dry_run, force)


def _propose(repo: Repository, from_year: int, to_year: int, unit: str | None, into: Path, dry_run: bool, force: bool) -> None:
    from ..cascade.lookup import LookupError_, find
    from ..reform.propose import ProposalError, propose
    from ..report.crosswalk import write_additions, write_proposals
    from ..write.atomic import WriteRefused, digest, write_atomic
    from ..write.crosswalk import proposal_text
    from ..write.output import OutputRefused, check_outputs, write_output

    if to_year <= from_year:
        raise fail(_("--to {to} must be a later year than --from {year}").format(to=to_year, year=from_year))
    unit_id = None
    if unit is not None:
        try:
            unit_id = find(repo, unit, year=from_year).unit.id
        except LookupError_ as error:
            raise fail(_("--unit: {reason}").format(reason=error)) from None
    try:
        proposals = propose(repo, from_year, to_year, unit_id)
    except ProposalError as error:
        raise fail(str(error)) from None
    paths = [into / f"{proposal.id}.yaml" for proposal in proposals]
    try:  # never over a plan (even with --force), never a traceback for a folder that cannot be written
        check_outputs(paths, [loaded.file for loaded in repo.plans])
    except OutputRefused as error:
        raise fail(_("--into: {reason}").format(reason=error)) from None
    # a crosswalk already there keeps what it has: only the units it lacks are added to it
    extended = {} if force else {path: _extended(path, proposal) for path, proposal in zip(paths, proposals) if path.exists()}
    if dry_run:
        for path, proposal in zip(paths, proposals):
            sys.stdout.write(extended[path][1] if path in extended else proposal_text(proposal))
        return
    written, grown = [], 0
    try:
        for path, proposal in zip(paths, proposals):
            if path not in extended:
                write_output(path, proposal_text(proposal).encode("utf-8"))
                written.append((str(path), proposal))
                continue
            raw, text, added = extended[path]
            if added:
                write_atomic(path, text, digest(raw))
                grown += 1
            write_additions(str(path), proposal, added, sys.stdout)
    except OutputRefused as error:
        raise fail(_("--into: {reason}").format(reason=error)) from None
    except WriteRefused as error:
        raise fail(str(error), 1) from None
    except OSError as error:
        raise fail(_("cannot write {path}: {reason}").format(path=error.filename, reason=error.strerror or error), 1) from None
    write_proposals(written, sys.stdout)
    if written or grown:
            print(_("Decide the shares of the divided units in the files, then run `dansokh validate`."))


def _form(repo: Repository, output: Path, chosen: str | None) -> None:
    """``crosswalk --form OUT.xlsx``: the crosswalk as a form, a population to type for each part."""
    from ..reform.carry import title_of
    from ..reform.crosswalk import bridges
    from ..render.crosswalk_form import render_crosswalk_form
    from ..report.safe import terminal_text
    from ..write.output import OutputRefused, write_output

    found = bridges(repo)
    if chosen is not None:
        bridge = pick_bridge(repo, "", 0, None, chosen)
    elif len(found) == 1:
        bridge = found[0]
    else:
        listed = ", ".join(b.loaded.label for b in found) or _("none")
        raise fail(_("--form: name the crosswalk with --crosswalk ID (the repository has: {listed})").format(listed=listed))
    walk = bridge.crosswalk
    names = {unit: bridge.name_of(unit) for entry in walk.units for unit in (entry.old, *(p.unit for p in entry.parts))}
    data = render_crosswalk_form(
        walk, bridge.loaded.label, names, title_of(repo, walk.from_.unit, walk.from_.year), title_of(repo, walk.to.unit, walk.to.year)
    )
    try:
        write_output(output, data, [loaded.file for loaded in repo.plans] + [c.file for c in repo.crosswalks])
    except OutputRefused as error:
        raise fail(_("--form: {reason}").format(reason=error)) from None
    except OSError as error:
        raise fail(_("cannot write {path}: {reason}").format(path=output, reason=error.strerror or error), 1) from None
    parts = sum(len(entry.parts) for entry in walk.units)
    print(_("wrote {path}: {parts} parts of {units} old units of {file}; type each part's population, then dansokh import {path}").format(
        path=terminal_text(str(output)), parts=parts, units=len(walk.units), file=bridge.loaded.file))


def import_crosswalk_form(workbook: Path, plans: Path, opened: Workbook | None = None) -> int:
    """``dansokh import`` of a crosswalk form: the populations and shares typed into the crosswalk
    file; every problem at its cell, nothing written while there is one.  The exit status."""
    from rich.markup import escape

    from ..check.run import CHECK

    from ..load import load_repository
    from ..model.parse import parse_crosswalk
    from ..read.crosswalk_form import read_crosswalk_form
    from ..read.discover import display_path
    from ..read.files import read_bounded
    from ..read.limits import DEFAULT_MAX_BYTES
    from ..read.loader import load_text
    from ..read.positions import SourceMap
    from ..report.safe import Console, terminal_text
    from ..write.atomic import WriteRefused, digest, write_atomic
    from ..write.crosswalk_import import decide, find_crosswalk

    repo, _checked = load_repository(CHECK, [plans], whole=False)
    shown = display_path(workbook)
    form = read_crosswalk_form(workbook, shown, opened)
    loaded = find_crosswalk(form, repo.crosswalks) if form.meta else None
    raw, text, source = b"", "", SourceMap("")
    if loaded is not None:
        try:
            raw = read_bounded(Path(loaded.file), DEFAULT_MAX_BYTES)
        except OSError as error:
            raise fail(_("cannot read {path}: {reason}").format(path=loaded.file, reason=error.strerror or error), 1) from None
        text, source = raw.decode("utf-8-sig", "replace"), load_text(loaded.file, raw).source
    decided = decide(form, loaded, text, source)
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
    walk, problems = parse_crosswalk(load_text(loaded.file, decided.text.encode("utf-8")))
    if walk is None or problems:  # never expected: the edits write numbers and words the format takes
        raise fail(_("not written: {file} would not be a crosswalk any more; report this").format(file=loaded.file), 1)
    try:
        write_atomic(Path(loaded.file), decided.text, digest(raw))
    except WriteRefused as error:
        raise fail(str(error), 1) from None
    except OSError as error:
        raise fail(_("cannot write {path}: {reason}").format(path=loaded.file, reason=error.strerror or error), 1) from None
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
    from ..read.files import NotARegularFile, read_bounded
    from ..read.limits import DEFAULT_MAX_BYTES
    from ..read.loader import load_text
    from ..write.crosswalk import CannotExtend, extended_text

    try:
        raw = read_bounded(path, DEFAULT_MAX_BYTES)
    except NotARegularFile:
        raise fail(_("{path} exists and is not a regular file: choose another --into").format(path=path)) from None
    except OSError as error:
        raise fail(_("cannot read {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
    read = load_text(str(path), raw)
    try:
        text, added = extended_text(read, raw.decode("utf-8-sig") if read.data is not None else "", proposal)
    except CannotExtend as error:
        raise fail(str(error)) from None
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
    from ..report.format_names import format_name
    from ..reform.crosswalk import CarryError, carried_indicators, carry_column
    from ..model.catalogue import CATALOGUE
    from ..report.crosswalk import write_csv, write_json, write_table

    found = named_plan(repo, text, "--carry", tell=False)
    loaded = found.plan
    bridge = pick_bridge(repo, loaded.plan.unit.id, loaded.plan.year, to_year, chosen)
    refuse_broken(bridge, checked)
    for key in indicators:
        if key not in CATALOGUE:
            raise fail(_("--indicator: unknown indicator {key!r} (see `dansokh indicators`)").format(key=shorten(key)))
    labels = {key: CATALOGUE[key].name for key in CATALOGUE}
    try:
        carried = [carry_column(repo, bridge, loaded, key, method) for key in (indicators or carried_indicators(repo, loaded))]
    except CarryError as error:
        raise fail(str(error), 1) from None
    {"text": write_table, "json": write_json, "csv": write_csv}[format_name(output_format.value)](carried, labels, sys.stdout)
