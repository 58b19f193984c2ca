"""The reporting year: ``progress`` (results against targets), ``form`` (the Excel results form)
and ``import`` (a filled form back into its file: one table maps a form's kind to its importer)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from ..diagnostics import Diagnostic, Severity
from ..i18n import N_, _, ngettext
from ..model.periods import PERIODS, parse_period, period_words, vn_date
from ..read.discover import display_path
from ..read.files import read_bounded
from ..read.limits import REREAD_LIMIT, shorten
from ..report.format_names import format_name
from ..report.safe import Console, terminal_text
from ..report.text import TextReporter
from ..write.output import check_outputs, write_output
from . import stages
from .app import app, named_plan, settings_from
from .crosswalk import import_crosswalk_form
from .errors import ERRORS, fail, reported, say
from .usage import PLACEHOLDERS

if TYPE_CHECKING:
    from ..cascade.lookup import Found
    from ..cascade.repository import LoadedPlan
    from ..check.findings import Findings
    from ..model.plan import UnitDecl
    from ..read.form import Workbook
    from ..results.book import Book
    from ..results.progress import Progress

PLANS_HELP = N_("The plans folder.")
RESULTS_HELP = N_("A folder of result files (repeatable; result files inside the plans folder are found too).")
PERIOD_HELP = N_("The period: Q1, Q2 (6 months), Q3 (9 months), Q4 or Y (the year-end review); 6m, 9m, year work too.")


class ProgressFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def load_book(plans: Path, results: list[Path]) -> Book:
    """The plans and the results among ``plans`` and ``results``, checked."""
    return load_run(plans, results)[0]


def load_run(plans: Path, results: list[Path]) -> tuple[Book, list[str]]:
    """``load_book``, and the files the run read (an output never replaces one of them)."""
    findings = load_findings(plans, results)
    return findings.book, findings.files


def load_findings(plans: Path, results: list[Path], focus: list[str] | None = None, whole: bool = True) -> Findings:
    """The check of the plans and the results: its book, the files it read and its diagnostics;
    with ``focus`` (a unit's or plan's id), of that unit's plans and results and what their check
    needs (its parent's and children's), never every file; ``whole=False``: the plans as outlines
    (``check.files.outline``), read by the workers and kept in the cache as validate's are, enough
    for figures against targets (not for a schedule)."""
    return stages.check_run.load_checked([plans, *results], focus=focus or [], whole=whole)[1]


ALLOW_ERRORS_HELP = N_("Show the figures even where the results or plans they come from have errors; the output says so.")


def errors_in(findings: Findings, shown: list[Progress], allow_errors: bool, report: bool = False) -> int:
    """The errors in the files the figures of ``shown`` come from (``results.progress.files_used``),
    printed on standard error.  Without ``allow_errors`` there is nothing to show (``report``:
    nothing to write): exit 1."""
    used = stages.progress.files_used(findings.book, shown, findings.files)
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
    raise typer.Exit(ERRORS)


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


TODAY = "DANSOKH_TODAY"  # the day the report due is reckoned from (2026-01-05); today when unset


def today() -> date:
    """Today, or the day ``DANSOKH_TODAY`` names (to prepare a form ahead, and for tests)."""
    text = os.environ.get(TODAY, "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(_("{name}={value!r}: expected a day written as 2026-01-05").format(name=TODAY, value=shorten(text))) from None


def pick_year(book: Book, period: str, year: int | None, unit: UnitDecl | None = None) -> int:
    """``--year``, else the year of the report of ``period`` due today (``results.book.choose_year``:
    never next year's draft), said on standard error when the unit has targets for other years or
    the year due has none."""
    if year is not None:
        return year
    day = today()
    choice = stages.results_book.choose_year(book, unit.id if unit is not None else None, period, day)
    named = choice.year or (choice.others[0] if choice.others else choice.due)
    years = ", ".join(str(y) for y in choice.others)
    due = period_words(period, choice.due)
    if unit is None:  # every unit: the years of the plans
        if choice.year is None:
            if not choice.others:
                raise fail(_("no plans found"))
            raise fail(_("no plan is for {due}, the report due as of {day}, nor for an earlier year; the plans are for {years}: give --year {first} to choose that year").format(
                due=due, day=vn_date(day), years=years, first=choice.others[0]))
        if choice.year != choice.due:
            say(_("no plan is for {due}, the report due as of {day}; taking {period}, the latest year with plans (--year chooses)").format(
                due=due, day=vn_date(day), period=period_words(period, choice.year)))
        elif choice.others:
            say(_("{period}, the report due as of {day}; there are plans for {years} too (--year chooses)").format(
                period=due, day=vn_date(day), years=years))
        return choice.year
    who = stages.results_book.officer_name(book, unit, named)
    if choice.year is None:
        if not choice.others:
            raise fail(_("{unit} has no targets in any year: no plan states or assigns any").format(unit=who))
        raise fail(_(
            "{unit} has no targets for {due}, the report due as of {day}, nor for an earlier year; it has targets for {years}:"
            " give --year {first} to choose that year"
        ).format(unit=who, due=due, day=vn_date(day), years=years, first=choice.others[0]))
    plans = sorted({goal.plan.plan.id for goal in book.goals(unit.id, choice.year).values()})  # its own plan, or the one assigning to it
    taken = period_words(period, choice.year) + _(", targets of plan {plan}").format(plan=", ".join(plans))
    if choice.year != choice.due:
        say(_("{unit} has no targets for {due}, the report due as of {day}; taking {period}, the latest year with targets (--year chooses)").format(
            unit=who, due=due, day=vn_date(day), period=taken))
    elif choice.others:
        say(_("{unit}: {period}, the report due as of {day}; there are targets for {years} too (--year chooses)").format(
            unit=who, period=taken, day=vn_date(day), years=years))
    return choice.year


def find_unit(book: Book, text: str, option: str | None = None, year: int | None = None, tell: bool = True) -> Found:
    """The unit a name means; a plan id also gives the year (``--year`` wins).  With ``tell``, says
    which plan it picked where the unit has one.  ``option``: the option that named it, else the
    argument's placeholder in the reader's language (ĐƠN_VỊ)."""
    option = option or _(PLACEHOLDERS["unit"])
    with reported(_("{option}: {reason}"), option=option):
        found = stages.lookup.find(book.repo, text, year=year)
    if tell and found.plan is not None and found.telling:
        say(found.note(option, text))
    return found


def find_for_period(book: Book, text: str, period: str, year: int | None, option: str | None = None) -> tuple[Found, int]:
    """The unit ``text`` names and the year of its report of ``period``: ``--year``, else the year of
    a plan named by its id alone (one that is not also a unit's id), else the year due today (``pick_year``)."""
    option = option or _(PLACEHOLDERS["unit"])
    if year is not None:
        return find_unit(book, text, option, year=year), year
    found = find_unit(book, text, option, tell=False)
    if found.pinned and found.year is not None:
        if found.telling:
            say(found.note(option, text))
        return found, found.year
    return found, pick_year(book, period, None, found.unit)


def units_with_targets(book: Book, year: int) -> list[UnitDecl]:
    """Every unit with a target for the year, parents before their children."""
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
    unit: Annotated[str | None, typer.Argument(metavar="UNIT", help=N_("A unit id or name (default: every unit with targets)."))] = None,
    year: Annotated[int | None, typer.Option("--year", help=N_("The year (default: the year whose report of the period is due today, see DANSOKH_TODAY)."))] = None,
    output_format: Annotated[ProgressFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = ProgressFormat.text,
    fail_behind: Annotated[bool, typer.Option("--fail-behind", help=N_("Exit 1 when a unit shown is behind (for CI)."))] = False,
    last_year: Annotated[
        bool,
        typer.Option(
            "--last-year",
            help=N_("Show the same period of last year beside each result, carried through a crosswalk for units made in a reform."),
        ),
    ] = False,
    crosswalk: Annotated[
        str | None, typer.Option("--crosswalk", help=N_("With --last-year: the crosswalk to carry through, its file or id."))
    ] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=PLANS_HELP)] = Path("plans"),
    results: Annotated[list[Path] | None, typer.Option("--results", exists=True, file_okay=False, help=RESULTS_HELP)] = None,
    config_path: Annotated[
        Path | None, typer.Option("--config", exists=True, dir_okay=False, help=N_("Settings file (dansokh.toml)."))
    ] = None,
    allow_errors: Annotated[bool, typer.Option("--allow-errors", help=ALLOW_ERRORS_HELP)] = False,
    detail: Annotated[
        bool | None,
        typer.Option(
            "--detail/--summary",
            help=N_("Every unit's tables, or a summary (default: a summary when no unit is named and more than 50 units"
                    " have targets; text only, json and csv hold every unit)."),
        ),
    ] = None,
) -> None:
    """Results against targets for a period: % achieved, the expected pace, who is behind."""
    settings = settings_from(config_path)
    with reported(_("configuration: {reason}")):
        paces = stages.progress.read_pace(settings.pace)
    code = period_option(period)
    # one unit: its plans and results, its parent's and its children's; last year's too: every file
    results = results or []
    findings = load_findings(plans, results, [unit] if unit and not last_year else None, whole=False)
    book = findings.book
    found, chosen_year = find_for_period(book, unit, code, year) if unit else (None, pick_year(book, code, year))
    partial = bool(findings.inputs) and len(findings.files) < len(findings.inputs)  # a focused load read some files only
    if unit and found is not None and partial and stages.progress.sums_from_below(book, found.unit.id, chosen_year, code):
        findings = load_findings(plans, results, whole=False)  # a child's figures are its own children's sums: every file
        book = findings.book
        found, chosen_year = find_for_period(book, unit, code, year)
    units = [found.unit] if found is not None else units_with_targets(book, chosen_year)
    if unit and not book.goals(units[0].id, chosen_year):
        raise fail(_("{name} ({unit}) has no targets for {year}").format(name=units[0].name, unit=units[0].id, year=chosen_year))
    shown: list[Progress] = [stages.progress.progress(book, u, chosen_year, code, paces, last_year, crosswalk) for u in units]
    errors = errors_in(findings, shown, allow_errors)
    chosen = format_name(output_format.value)
    if errors and chosen != "text":
        say(errors_warning(errors), "yellow")  # and the machine formats' own "errors" field or column
    if chosen == "text":
        warning = errors_warning(errors) if errors else None
        if detail is False or (detail is None and found is None and len(shown) > stages.summary.MANY):
            stages.progress_summary.write_summary(stages.summary.summarise(shown), sys.stdout, warning=warning)
        else:
            stages.report_progress.write_table(shown, sys.stdout, warning=warning)
    else:
        writers = {"json": stages.report_progress.write_json, "csv": stages.report_progress.write_csv}
        writers[chosen](shown, sys.stdout, errors)
    behind = any(p.unit.behind or any(c.behind for c in p.children) for p in shown)
    raise typer.Exit(1 if fail_behind and behind else 0)


def write_plan_form(book: Book, loaded: LoadedPlan, output: Path | None, read: list[str]) -> Path:
    """Write the plan form of ``loaded`` (``dansokh form --plan``, ``dansokh new --form``); its path."""
    path = output or Path(f"{loaded.plan.id}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise fail(_("-o {path}: the form is an .xlsx workbook").format(path=path))
    forms = stages.render_plan_form
    with reported(_("--output: {reason}")):
        write_output(path, forms.render_plan_form(forms.plan_form_spec(book, loaded)), read)
    return path


@app.command(
    "form",
    help=N_("Write an Excel form: the results form of a unit for a period (UNIT --period P), its targets filled in,"
            " or the form of a plan (--plan PLAN): its targets, tables and schedule, to fill and import back."),
)
def form_command(
    unit: Annotated[str | None, typer.Argument(metavar="UNIT", help=N_("A unit id or name (the results form)."))] = None,
    period: Annotated[str | None, typer.Option("--period", help=PERIOD_HELP)] = None,
    plan: Annotated[str | None, typer.Option("--plan", help=N_("The plan whose form to write: a plan id, unit id or unit name."))] = None,
    year: Annotated[int | None, typer.Option("--year", help=N_("The year (default: for a results form, the year whose report of the period is due today, see DANSOKH_TODAY; for a plan's form, the latest year of the plans)."))] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False, help=N_("The .xlsx file (default: UNIT-YEAR-PERIOD.xlsx, or PLAN.xlsx for a plan's form)."))] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=PLANS_HELP)] = Path("plans"),
) -> None:
    """Write the Excel results form of a unit for a period, or the form of a plan."""
    if plan is not None:
        if unit is not None or period is not None:
            raise fail(_("give UNIT --period P (the results form) or --plan PLAN (the plan's form), not both"))
        book, read = load_run(plans, [])
        print(terminal_text(str(write_plan_form(book, named_plan(book.repo, plan, "--plan", year), output, read))))
        return
    if unit is None or period is None:
        raise fail(_("give UNIT --period P (the results form of a unit for a period) or --plan PLAN (the form of a plan)"))
    code = period_option(period)
    book, read = load_run(plans, [])
    named, chosen = find_for_period(book, unit, code, year)
    found_unit = named.unit
    goals = book.goals(found_unit.id, chosen)
    if not goals:
        raise fail(_("{name} ({unit}) has no targets for {year}: no plan states or assigns any").format(name=found_unit.name, unit=found_unit.id, year=chosen))
    spec = stages.render_form.form_spec(book, found_unit, chosen, code)
    path = output or Path(f"{found_unit.id}-{chosen}-{code}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise fail(_("-o {path}: the form is an .xlsx workbook").format(path=path))
    with reported(_("--output: {reason}")):
        write_output(path, stages.render_form.render_form(spec), read)
    print(terminal_text(str(path)))


def print_problems(problems: Sequence[Diagnostic]) -> int:
    """Each problem at its cell, on standard output; the number of errors."""
    console = Console(highlight=False, soft_wrap=True)
    for problem in problems:
        style = "bold red" if problem.severity.value == "error" else "yellow"
        console.print(f"[bold]{escape(str(problem.span))}[/]: [{style}]{problem.code}[/] {escape(problem.message)}")
    return sum(1 for p in problems if p.severity.value == "error")


def nothing_written(count: int, workbook: Path | str) -> typer.Exit:
    """A form with problems: nothing was written (on standard output, after the problems); exit 1."""
    message = _("Nothing written: {count} problem(s) in {file}; fix them in the workbook and import it again.")
    Console(highlight=False, soft_wrap=True).print(escape(message.format(count=count, file=display_path(workbook))), style="bold red")
    return typer.Exit(ERRORS)


@app.command("import", help=N_("Read a filled form back: a results form into a result file, a plan form into its plan, a crosswalk form into its crosswalk; every problem at its cell."))
def import_command(
    workbook: Annotated[Path, typer.Argument(exists=True, dir_okay=False, metavar="FILE.xlsx", help=N_("The filled form (.xlsx)."))],
    into: Annotated[Path | None, typer.Option("--into", file_okay=False, help=N_("Folder of result files: the result goes to FOLDER/PERIOD/UNIT.yaml (default: results/YEAR)."))] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False, help=N_("The result file to write (instead of --into)."))] = None,
    unit: Annotated[str | None, typer.Option("--unit", help=N_("The unit the form must be for."))] = None,
    period: Annotated[str | None, typer.Option("--period", help=N_("The period the form must be for."))] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace a different result already in the file."))] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("A plan form: show the changes to the plan, write nothing."))] = False,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=PLANS_HELP)] = Path("plans"),
) -> None:
    """Read a filled form back: a results form into a result file, a plan form into its plan, a crosswalk form into its crosswalk."""
    opened = stages.read_form.open_workbook(workbook, display_path(workbook), sheets=None, cached=True)
    importers: dict[str, Importer] = {  # the kind of form, from its hidden sheet
        stages.read_form.FORMAT: _import_results,
        stages.read_plan_form.FORMAT: _import_plan,
        stages.read_crosswalk_form.FORMAT: _import_crosswalk,
    }
    importer = importers.get(opened.format or "", _import_results)  # not a form at all: the results reader says why
    importer(workbook, opened, into=into, output=output, unit=unit, period=period, force=force, dry_run=dry_run, plans=plans)


Importer = Callable[..., None]
"""A filled form into its file: (workbook, the workbook opened, the options of ``import``)."""


def _import_crosswalk(workbook: Path, opened: Workbook, *, dry_run: bool, plans: Path, **_options: Any) -> None:
    """A filled crosswalk form into its crosswalk file (``--into``, ``-o``, ``--unit``, ``--period`` are the results form's)."""
    if dry_run:
        raise fail(_("--dry-run is for the form of a plan; a crosswalk form is checked before anything is written"))
    raise typer.Exit(import_crosswalk_form(workbook, plans, opened))


def _import_results(
    workbook: Path, opened: Workbook, *, into: Path | None, output: Path | None, unit: str | None, period: str | None,
    force: bool, dry_run: bool, plans: Path,
) -> None:
    """A filled results form into a result file."""
    if dry_run:
        raise fail(_("--dry-run is for the form of a plan; a results form is checked and written with --output or --into"))
    book = load_book(plans, [])
    expected_unit = find_unit(book, unit, "--unit").unit.id if unit else None
    expected_period = period_option(period) if period else None
    names = {key: spec.name for key, spec in stages.model_catalogue.CATALOGUE.items()}
    form = stages.read_form.read_form(workbook, display_path(workbook), opened, names)
    imported = stages.form_import.result_from_form(form, book, expected_unit, expected_period)
    count = print_problems(imported.problems)
    if imported.result is None:
        raise nothing_written(count, workbook)
    result = imported.result
    path = output or (into or Path("results") / str(result.year)) / result.period / f"{result.unit}.yaml"
    with reported(_("--output: {reason}")):  # a result replaces a result (--force), never a plan
        check_outputs([path], [loaded.file for loaded in book.repo.plans])
    with reported(writing=path):
        written = stages.write_results.write_result(path, result, force)
    messages = {
        "created": _("wrote {path}"),
        "replaced": _("replaced {path}"),
        "unchanged": _("{path} already holds these figures; nothing to write"),
    }
    print(messages[written.status].format(path=terminal_text(display_path(path))))


def _import_plan(
    workbook: Path, opened: Workbook, *, into: Path | None, output: Path | None, unit: str | None, period: str | None,
    force: bool, dry_run: bool, plans: Path,
) -> None:
    """A filled plan form into its plan file, in place (``write.plan_form``, then ``write.apply``)."""
    for name, given in (("--into", into), ("--output", output), ("--unit", unit), ("--period", period), ("--force", force or None)):
        if given is not None:
            raise fail(_("{option} is for a results form; this is the form of a plan, imported into its plan file").format(option=name))
    form = stages.read_plan_form.read_plan_form(opened)
    if form.problems:
        raise nothing_written(print_problems(form.problems), workbook)
    repo, checked = stages.check_run.load_checked([plans], whole=True)
    loaded = repo.by_id.get(form.meta["plan"])
    if loaded is None or loaded.plan.unit.id != form.meta["unit"] or str(loaded.plan.year) != form.meta["year"]:
        problem = stages.read_form.FORM_MISMATCH.at(form.at("", 0, 0), _(
            "the form is for the plan {plan} ({unit}, {year}), which is not in {plans}: import it where that plan is (--plans)"
        ).format(plan=form.meta["plan"], unit=form.meta["unit"], year=form.meta["year"], plans=plans))
        raise nothing_written(print_problems([problem]), workbook)
    with reported(reading=loaded.file):
        text = read_bounded(Path(loaded.file), REREAD_LIMIT).decode("utf-8")
    plan_from_form = stages.write_plan_form.plan_from_form
    imported = plan_from_form(form, loaded.file, text)
    if imported.failed:
        raise nothing_written(print_problems(imported.problems), workbook)
    if imported.text == text:  # the plan holds what the form holds, whatever else the plan has
        print(_("{file}: nothing changes").format(file=terminal_text(loaded.file)))
        raise typer.Exit(0)
    # the figures the form changes may fix what the plan was short of (a child below its assignment, a total)
    status = stages.apply.apply_change(
        loaded, lambda file, now: plan_from_form(form, file, now).text or now, checked, dry_run, sys.stdout,
        resolves=frozenset(rule.code for rule in (
            stages.rule_registry.cascade.below_assignment, stages.rule_registry.cascade.children_below_quota,
            stages.rule_registry.tables.total_not_sum, stages.rule_registry.tables.parts_not_sum,
        )),
    )
    if status != 0 or dry_run:
        raise typer.Exit(status)
    findings = stages.check_run.validate([Path(loaded.file)])  # the plan as it now stands, as `dansokh validate` says it
    TextReporter(sys.stdout, color=False).report(findings)
    raise typer.Exit(1 if findings.failed else 0)
