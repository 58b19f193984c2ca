"""The reporting year: ``progress`` (results against targets), ``form`` (the Excel results form)
and ``import`` (a filled form back into a result file)."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..i18n import N_, _, ngettext
from ..model.periods import PERIODS, parse_period
from ..read.limits import shorten
from .app import app, fail, say, settings_from

if TYPE_CHECKING:  # the commands import what they need when they run: `dansokh --help` stays quick
    from ..cascade.progress import Progress
    from ..cascade.lookup import Found
    from ..cascade.results import Book
    from ..check.findings import Findings
    from ..model.plan import UnitDecl

PLANS_HELP = N_("The plans folder.")
RESULTS_HELP = N_("A folder of result files (repeatable; result files inside the plans folder are found too).")
PERIOD_HELP = N_("The period: Q1, Q2 (6 months), Q3 (9 months), Q4 or Y (the year-end review); 6m, 9m, year work too.")


class ProgressFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def load_book(plans: Path, results: list[Path]) -> Book:
    """The plans and the results among ``plans`` and ``results``, checked."""
    return load_run(plans, results)[0]


def load_run(plans: Path, results: list[Path]) -> tuple[Book, list[str]]:
    """``load_book``, and the files the run read (an output never replaces one of them)."""
    findings = load_findings(plans, results)
    return findings.book, findings.files


def load_findings(plans: Path, results: list[Path]) -> Findings:
    """The check of the plans and the results: its book, the files it read and its diagnostics."""
    from ..check.run import load_repository

    _repo, findings = load_repository([plans, *results])
    return findings


ALLOW_ERRORS_HELP = N_("Show the figures even where the results or plans they come from have errors; the output says so.")


def errors_in(findings: Findings, shown: list[Progress], allow_errors: bool, report: bool = False) -> int:
    """The errors in the files the figures of ``shown`` come from (``cascade.progress.files_used``),
    printed on standard error.  Without ``allow_errors`` there is nothing to show (``report``:
    nothing to write): exit 1."""
    from ..cascade.progress import files_used
    from ..diagnostics import Severity
    from ..report.text import TextReporter

    used = files_used(findings.book, shown, findings.files)
    errors = [d for d in findings.diagnostics if d.severity is Severity.ERROR and d.span.file in used]
    if not errors:
        return 0
    count = sum(d.hidden or 1 for d in errors)
    TextReporter(sys.stderr).diagnostics(errors)
    if allow_errors:
        return count
    if report:
        message = ngettext(
            "Nothing written: {count} error in the results or plans the report is made of; correct it, or give --allow-errors to render the report marked as wrong.",
            "Nothing written: {count} errors in the results or plans the report is made of; correct them, or give --allow-errors to render the report marked as wrong.",
            count,
        )
    else:
        message = ngettext(
            "Nothing shown: {count} error in the results or plans these figures come from; correct it, or give --allow-errors to show them marked as wrong.",
            "Nothing shown: {count} errors in the results or plans these figures come from; correct them, or give --allow-errors to show them marked as wrong.",
            count,
        )
    say(message.format(count=count), "bold red")
    raise typer.Exit(1)


def errors_warning(count: int) -> str:
    return ngettext(
        "Warning: {count} error in the results or plans these figures come from (--allow-errors); `dansokh validate` shows it.",
        "Warning: {count} errors in the results or plans these figures come from (--allow-errors); `dansokh validate` lists them.",
        count,
    ).format(count=count)


def period_option(text: str) -> str:
    code = parse_period(text)
    if code is None:
        raise fail(_("--period {text!r}: expected one of {known} (or 6m, 9m, year)").format(text=shorten(text), known=", ".join(PERIODS)))
    return code


def pick_year(book: Book, period: str, year: int | None) -> int:
    """``--year``, else the latest year with results for the period, else the latest plan year."""
    if year is not None:
        return year
    with_results = [y for (_, y, p) in book.by_key if p == period]
    if with_results:
        return max(with_results)
    years = [loaded.plan.year for loaded in book.repo.plans]
    if not years:
        raise fail(_("no plans found"))
    return max(years)


def find_unit(book: Book, text: str, option: str | None = None, year: int | None = None) -> Found:
    """The unit a name means; a plan id also gives the year (``--year`` wins).  Says which plan
    it picked where the unit has one.  ``option``: the option that named it, else the argument's
    placeholder in the reader's language (ĐƠN_VỊ)."""
    from ..cascade.lookup import LookupError_, find
    from .usage import PLACEHOLDERS

    option = option or _(PLACEHOLDERS["unit"])
    try:
        found = find(book.repo, text, year=year)
    except LookupError_ as error:
        raise fail(_("{option}: {reason}").format(option=option, reason=error)) from None
    if found.plan is not None:
        if found.telling:
            say(found.note(option, text))
    return found


def units_with_targets(book: Book, year: int) -> list[UnitDecl]:
    """Every unit with a target for the year, parents before their children."""
    from ..model.plan import UnitDecl

    seen: list[UnitDecl] = []
    roots = [declared[0].unit for declared in book.repo.units.values() if book.repo.unit(declared[0].unit.parent or "") is None]
    roots.sort(key=lambda unit: (-len(book.children(unit.id, year)), unit.name))  # the largest hierarchy first

    def walk(unit: UnitDecl) -> None:
        if book.goals(unit.id, year):
            seen.append(unit)
        for child in book.children(unit.id, year):
            walk(child)

    for root in roots:
        walk(root)
    return seen


@app.command("progress", help=N_("Results against targets for a period: % achieved, the expected pace, who is behind."))
def progress_command(
    period: Annotated[str, typer.Option("--period", help=PERIOD_HELP)],
    unit: Annotated[Optional[str], typer.Argument(metavar="UNIT", help=N_("A unit id or name (default: every unit with targets)."))] = None,
    year: Annotated[Optional[int], typer.Option("--year", help=N_("The year (default: the latest with results for the period)."))] = None,
    output_format: Annotated[ProgressFormat, typer.Option("--format", "-f", help=N_("Output format."))] = ProgressFormat.table,
    fail_behind: Annotated[bool, typer.Option("--fail-behind", help=N_("Exit 1 when a unit shown is behind (for CI)."))] = False,
    last_year: Annotated[
        bool,
        typer.Option(
            "--last-year",
            help=N_("Show the same period of last year beside each result, carried through a crosswalk for units made in a reform."),
        ),
    ] = False,
    crosswalk: Annotated[
        Optional[str], typer.Option("--crosswalk", help=N_("With --last-year: the crosswalk to carry through, its file or id."))
    ] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=PLANS_HELP)] = Path("plans"),
    results: Annotated[list[Path], typer.Option("--results", exists=True, file_okay=False, help=RESULTS_HELP)] = [],
    config_path: Annotated[
        Optional[Path], typer.Option("--config", exists=True, dir_okay=False, help=N_("Settings file (dansokh.toml)."))
    ] = None,
    allow_errors: Annotated[bool, typer.Option("--allow-errors", help=ALLOW_ERRORS_HELP)] = False,
) -> None:
    """Results against targets for a period: % achieved, the expected pace, who is behind."""
    from ..cascade.progress import PaceError, Progress, progress, read_pace
    from ..report.progress import write_csv, write_json, write_table

    settings = settings_from(config_path)
    try:
        paces = read_pace(settings.pace)
    except PaceError as error:
        raise fail(_("configuration: {reason}").format(reason=error)) from None
    code = period_option(period)
    findings = load_findings(plans, results)
    book = findings.book
    found = find_unit(book, unit, year=year) if unit else None
    chosen_year = year if year is not None else found.year if found is not None and found.exact else pick_year(book, code, None)
    units = [found.unit] if found is not None else units_with_targets(book, chosen_year)
    if unit and not book.goals(units[0].id, chosen_year):
        raise fail(_("{name} ({unit}) has no targets for {year}").format(name=units[0].name, unit=units[0].id, year=chosen_year))
    shown: list[Progress] = [progress(book, u, chosen_year, code, paces, last_year, crosswalk) for u in units]
    errors = errors_in(findings, shown, allow_errors)
    if errors and output_format is not ProgressFormat.table:
        say(errors_warning(errors), "yellow")  # and the machine formats' own "errors" field or column
    if output_format is ProgressFormat.table:
        write_table(shown, sys.stdout, warning=errors_warning(errors) if errors else None)
    else:
        {"json": write_json, "csv": write_csv}[output_format.value](shown, sys.stdout, errors)
    behind = any(p.unit.behind or any(c.behind for c in p.children) for p in shown)
    raise typer.Exit(1 if fail_behind and behind else 0)


@app.command("form", help=N_("Write the Excel results form of a unit for a period, its targets filled in."))
def form_command(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help=N_("A unit id or name."))],
    period: Annotated[str, typer.Option("--period", help=PERIOD_HELP)],
    year: Annotated[Optional[int], typer.Option("--year", help=N_("The year (default: the latest year of the plans)."))] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False, help=N_("The .xlsx file (default: UNIT-YEAR-PERIOD.xlsx)."))] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=PLANS_HELP)] = Path("plans"),
) -> None:
    """Write the Excel results form of a unit for a period, its targets filled in."""
    from ..render.form import form_spec, render_form
    from ..write.output import OutputRefused, write_output

    code = period_option(period)
    book, read = load_run(plans, [])
    named = find_unit(book, unit, year=year)
    chosen = year if year is not None else named.year if named.exact else max((p.plan.year for p in book.repo.plans), default=None)
    if chosen is None:
        raise fail(_("no plans found"))
    found = named.unit
    goals = book.goals(found.id, chosen)
    if not goals:
        raise fail(_("{name} ({unit}) has no targets for {year}: no plan states or assigns any").format(name=found.name, unit=found.id, year=chosen))
    spec = form_spec(book, found, chosen, code)
    path = output or Path(f"{found.id}-{chosen}-{code}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise fail(_("-o {path}: the form is an .xlsx workbook").format(path=path))
    try:
        write_output(path, render_form(spec), read)
    except OutputRefused as error:
        raise fail(_("--output: {reason}").format(reason=error)) from None
    from ..report.safe import terminal_text

    print(terminal_text(str(path)))


@app.command("import", help=N_("Read a filled results form into a result file, reporting every problem at its cell."))
def import_command(
    workbook: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="FILE.xlsx", help=N_("The filled form (.xlsx)."))],
    into: Annotated[Optional[Path], typer.Option("--into", file_okay=False, help=N_("Folder of result files: the result goes to FOLDER/PERIOD/UNIT.yaml (default: results/YEAR)."))] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False, help=N_("The result file to write (instead of --into)."))] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help=N_("The unit the form must be for."))] = None,
    period: Annotated[Optional[str], typer.Option("--period", help=N_("The period the form must be for."))] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace a different result already in the file."))] = False,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=PLANS_HELP)] = Path("plans"),
) -> None:
    """Read a filled results form into a result file, reporting every problem at its cell."""
    from rich.markup import escape

    from ..model.catalogue import CATALOGUE
    from ..read.discover import display_path
    from ..read.form import read_form
    from ..report.safe import Console, terminal_text
    from ..write.form_import import result_from_form
    from ..write.atomic import WriteRefused
    from ..write.output import OutputRefused, check_outputs
    from ..write.results import ResultExists, write_result

    book = load_book(plans, [])
    expected_unit = find_unit(book, unit, "--unit").unit.id if unit else None
    expected_period = period_option(period) if period else None
    form = read_form(workbook, display_path(workbook), {key: spec.name for key, spec in CATALOGUE.items()})
    imported = result_from_form(form, book, expected_unit, expected_period)
    console = Console(highlight=False, soft_wrap=True)
    for problem in imported.problems:
        style = "bold red" if problem.severity.value == "error" else "yellow"
        console.print(f"[bold]{escape(str(problem.span))}[/]: [{style}]{problem.code}[/] {escape(problem.message)}")
    if imported.result is None:
        count = sum(1 for p in imported.problems if p.severity.value == "error")
        console.print(escape(_("Nothing written: {count} problem(s) in {file}; fix them in the workbook and import it again.").format(count=count, file=display_path(workbook))), style="bold red")
        raise typer.Exit(1)
    result = imported.result
    path = output or (into or Path("results") / str(result.year)) / result.period / f"{result.unit}.yaml"
    try:  # a result replaces a result (--force), never a plan
        check_outputs([path], [loaded.file for loaded in book.repo.plans])
    except OutputRefused as error:
        raise fail(_("--output: {reason}").format(reason=error)) from None
    try:
        written = write_result(path, result, force)
    except (ResultExists, WriteRefused) as error:
        raise fail(str(error), 1) from None
    except OSError as error:
        raise fail(_("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error), 1) from None
    messages = {
        "created": _("wrote {path}"),
        "replaced": _("replaced {path}"),
        "unchanged": _("{path} already holds these figures; nothing to write"),
    }
    print(messages[written.status].format(path=terminal_text(display_path(path))))


def render_report_command(
    unit: str | None, period: str | None, output_format, output: str | None, plans: Path, results: list[Path],
    year: int | None = None, allow_errors: bool = False,
) -> None:
    """``dansokh render report --plan UNIT --period P``: the result report of a unit for a period."""
    from ..cascade.progress import PaceError, progress, read_pace

    from .. import config
    from ..read.discover import display_path
    from ..render.formats import Format
    from ..render.report import render_report_bytes
    from ..render.report_view import build_report
    from ..render.pdf import NoChromium
    from ..render.templates import TemplateFailure, environment, user_template_dirs
    from ..report.safe import terminal_text
    from ..write.output import OutputRefused, check_outputs, write_output
    from .render import RenderError, format_for, is_folder, tell_font

    if period is None:
        raise fail(_("render report: give --period (Q1, Q2, Q3, Q4 or Y)"))
    code = period_option(period)
    try:
        fmt = Format(format_for(output, output_format).value)  # -o's suffix and --format agree, as for appendices
    except RenderError as error:
        raise fail(str(error)) from None
    findings = load_findings(plans, results)
    book, read = findings.book, findings.files
    if unit is None:
        try:
            unit = config.load(Path.cwd()).default_plan
        except config.ConfigError as error:
            raise fail(_("configuration: {reason}").format(reason=error)) from None
    if unit is None:
        raise fail(_("render report: give --plan UNIT (a unit id or name), or default_plan in the configuration"))
    named = find_unit(book, unit, "--plan", year=year)
    found = named.unit
    year = year if year is not None else named.year if named.exact else pick_year(book, code, None)
    if not book.goals(found.id, year):
        raise fail(_("{name} ({unit}) has no targets for {year}").format(name=found.name, unit=found.id, year=year))
    try:
        paces = read_pace(settings_from(None).pace)
    except PaceError as error:
        raise fail(_("configuration: {reason}").format(reason=error)) from None
    shown = progress(book, found, year, code, paces)
    errors = errors_in(findings, [shown], allow_errors, report=True)
    report = build_report(book, shown, errors)
    name = _("{unit}-{year}-{period}-report").format(unit=found.id, year=year, period=code) + f".{fmt.value}"
    path = None if output is None and fmt is Format.md else Path(output) / name if output is not None and is_folder(output) else Path(output or name)
    try:
        check_outputs([path] if path is not None else [], read)
    except OutputRefused as error:
        raise fail(_("--output: {reason}").format(reason=error)) from None
    env = environment(user_template_dirs([Path.cwd(), plans.resolve().parent]))
    try:
        data = render_report_bytes(report, fmt, env)
    except NoChromium as error:
        raise fail(str(error), 2) from None
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        raise fail(_("printing to PDF failed: {reason}").format(reason=error), 1) from None
    except TemplateFailure as error:
        raise fail(str(error), 1) from None
    if path is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    try:
        write_output(path, data)  # checked against the files read, above
    except OutputRefused as error:
        raise fail(_("--output: {reason}").format(reason=error)) from None
    print(terminal_text(display_path(path)))
    tell_font(fmt.value)
