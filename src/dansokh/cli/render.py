"""``dansokh render``: appendices in the official format, as Markdown, HTML, XLSX, DOCX or PDF,
and ``render report``, the result report of a unit for a period."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import Enum
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import config
from ..diagnostics import Severity
from ..i18n import N_, _, ngettext
from ..read.discover import display_path
from ..read.files import illustrative
from ..report.safe import terminal_text
from ..write.output import check_outputs, write_output
from . import stages
from .app import app, named_plan, settings_from
from .errors import fail, printing, reported, say
from .results import errors_in, find_for_period, load_findings, period_option

if TYPE_CHECKING:
    from ..cascade.repository import LoadedPlan, Repository
    from ..check.findings import Findings
    from ..render.view import AppendixView


class Format(str, Enum):
    """The formats of ``--format``: ``render.formats.Format``'s, named here so that the help
    does not import the renderers (tests/test_context.py keeps the two the same)."""

    md = "md"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"
    pdf = "pdf"
    markdown = "markdown"  # md's other name, the one every other command's --format gives (report.format_names)


REPORT_WORDS = ("report", "bao-cao", "results")


class RenderError(Exception):
    """A usage problem: the message says what to do; exit status 2 (``errors.STATUS``)."""


@dataclass(frozen=True)
class Job:
    loaded: LoadedPlan
    view: AppendixView


def _plans_to_render(repo: Repository, plan: str | None, root: Path, year: int | None = None) -> tuple[list[LoadedPlan], bool]:
    """The plans asked for, and whether the user named them (explicitly or by configuration)."""
    where = "--plan"
    if plan is None:
        with reported(_("configuration: {reason}")):
            plan = config.load(root).default_plan
        where = _("default_plan (configuration)")
    if plan is None:
        every = [p for p in repo.by_id.values() if year is None or p.plan.year == year]
        return sorted(every, key=lambda p: p.plan.id), False
    found = named_plan(repo, plan, where, year)
    if year is not None and found.plan.year != year:
        raise RenderError(
            _("{where}: {plan} is the {plan_year} plan, not the {year} one").format(
                where=where, plan=found.plan.id, plan_year=found.plan.year, year=year
            )
        )
    return [found], True


def plan_jobs(repo: Repository, which: str, plan: str | None, root: Path, year: int | None = None) -> tuple[list[Job], list[LoadedPlan]]:
    """The appendices to render, and the plans they were looked for in."""
    appendix_keys, appendix_word, describe_appendices = stages.view.appendix_keys, stages.view.appendix_word, stages.view.describe_appendices
    key = stages.view.parse_which(which)
    plans, named = _plans_to_render(repo, plan, root, year)
    jobs: list[Job] = []
    for loaded in plans:
        keys = appendix_keys(loaded.plan)
        chosen = [(k, a) for k, a in keys if key is None or k == key]
        if not chosen and named and key is not None:
            raise RenderError(
                _("{plan} has no {appendix}; {appendices}").format(
                    plan=loaded.plan.id, appendix=appendix_word(key), appendices=describe_appendices(loaded.plan)
                )
            )
        marked = illustrative(loaded.file)
        jobs += [Job(loaded, stages.view.build_view(loaded.plan, k, a, illustrative=marked)) for k, a in chosen]
    if not jobs and key is None:
        return [], plans  # `render all` of plans without appendices renders nothing, and that is no error
    if not jobs:
        listing = "; ".join(f"{p.plan.id}: {describe_appendices(p.plan, listing=True)}" for p in plans)
        raise RenderError(
            _("no plan has {appendix} ({listing})").format(appendix=appendix_word(key or ""), listing=listing or _("no plans loaded"))
        )
    return jobs, plans


def is_folder(output: str) -> bool:
    """``-o out/`` always names a folder (a Path forgets the slash, so the text is asked)."""
    return output.endswith(("/", "\\")) or os.path.isdir(output)  # False, not an error, for a name too long


def tell_font(fmt: str) -> None:
    """For a PDF, the font it is set in where that is not Times New Roman (on standard error)."""
    if fmt == "pdf":
        note = stages.pdf.font_note()
        if note:
            say(note)


def format_for(output: str | None, fmt: Format | None) -> Format:
    """The format asked for, or the one ``-o``'s suffix names; a file whose suffix names no
    format (``x.odt``) or another one than ``--format`` is a usage error, never a mislabelled file."""
    suffix = Path(output).suffix.lstrip(".").lower() if output is not None and not is_folder(output) else ""
    named = Format(suffix) if suffix in Format.__members__ else None
    fmt, named = (Format.md if f is Format.markdown else f for f in (fmt, named))  # the files are .md
    if fmt is not None:
        if suffix and named is not None and named is not fmt:
            raise RenderError(
                _("-o {output} names a .{suffix} file, but --format is {format}").format(
                    output=output, suffix=suffix, format=fmt.value
                )
            )
        return fmt
    if named is not None:
        return named
    if suffix:
        raise RenderError(
            _("-o {output}: dansokh writes {formats}, not .{suffix}; name such a file or give --format").format(
                output=output, suffix=suffix, formats=", ".join(f.value for f in Format if f is not Format.markdown)
            )
        )
    return Format.md


def targets(jobs: list[Job], fmt: Format, output: str | Path | None) -> list[Path] | None:
    """Where each job goes; None means standard output."""
    names = [Path(f"{job.view.name}.{fmt.value}") for job in jobs]
    if output is None:
        return None if fmt is Format.md else names
    text = str(output)
    output = Path(text)
    looks_like_folder = is_folder(text) or (len(jobs) > 1 and not output.suffix)
    if looks_like_folder:
        return [output / name for name in names]
    if len(jobs) > 1:
        raise RenderError(
            _("-o {output}: {count} files would be written; give -o a folder").format(output=output, count=len(jobs))
        )
    return [output]


def _warn_about_errors(checked: Findings, files: set[str], plans: Path) -> None:
    """Name each plan being rendered that has errors: the appendix would print what is wrong."""
    for file in sorted(files):
        errors = sum(1 for d in checked.diagnostics if d.severity is Severity.ERROR and d.span.file == file)
        if errors:
            say(
                ngettext(
                    "warning: {file} has {count} error; `dansokh validate {plans}` shows it",
                    "warning: {file} has {count} errors; `dansokh validate {plans}` lists them",
                    errors,
                ).format(file=file, count=errors, plans=display_path(plans)),
                style="yellow",
            )


@app.command("render", help=N_("Render appendices of plans in the official format (Nghị định 30/2020/NĐ-CP)."))
def render_command(
    which: Annotated[str, typer.Argument(metavar="APPENDIX", help=N_("appendix1, appendix2 … (the plan's own numbering), all, or report (the result report of --plan's unit for --period)."))],
    plan: Annotated[
        str | None,
        typer.Option("--plan", "-p", help=N_("The plan: a plan id, unit id or unit name (default: default_plan from configuration, else every plan).")),
    ] = None,
    output_format: Annotated[
        Format | None, typer.Option("--format", "-f", help=N_("md (or markdown), html, xlsx, docx or pdf (pdf needs Chromium; default: from -o's suffix, else md)."))
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help=N_("A file, or a folder for several files (default: standard output for md, else the current folder)."))
    ] = None,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path("plans"),
    period: Annotated[str | None, typer.Option("--period", help=N_("For `render report`: the period (Q1, Q2, Q3, Q4, Y)."))] = None,
    results: Annotated[list[Path] | None, typer.Option("--results", exists=True, file_okay=False, help=N_("For `render report`: a folder of result files (repeatable)."))] = None,
    year: Annotated[int | None, typer.Option("--year", help=N_("The year of --plan (default: a plan named by its id, else the unit's latest; for a report, the year whose report of the period is due today)."))] = None,
    allow_errors: Annotated[
        bool,
        typer.Option("--allow-errors", help=N_("For `render report`: render even from results or plans with errors; the report says so on its first row.")),
    ] = False,
) -> None:
    """Render appendices of plans in the official format (Nghị định 30/2020/NĐ-CP)."""
    if which.strip().lower() in REPORT_WORDS:  # the result report of a unit for a period
        return render_report(plan, period, output_format, output, plans, results or [], year, allow_errors)
    # a plan named: only its unit's plans and what their check needs are read
    repo, checked = stages.check_run.load_checked([plans], focus=[plan] if plan is not None else [])
    root = Path.cwd()
    with reported():
        jobs, chosen = plan_jobs(repo, which, plan, root, year)
        fmt = format_for(output, output_format)
        paths = targets(jobs, fmt, output)
        # never over a file of the repository, read or not (named only when an output would replace one)
        check_outputs(paths or [], chain(checked.files, map(display_path, checked.inputs)))
    if not jobs:
        say(_("nothing to render: {plans} has no appendices").format(plans=", ".join(sorted(p.plan.id for p in chosen))))
        return
    _warn_about_errors(checked, {job.loaded.file for job in jobs}, plans)
    templates = stages.templates
    env = templates.environment(templates.user_template_dirs([root, plans.resolve().parent]))
    rendered: list[bytes] = []
    for job in jobs:
        with printing():
            rendered.append(stages.formats.render_bytes(job.view, fmt.value, env))
    if paths is None:
        sys.stdout.write("\n".join(data.decode("utf-8") for data in rendered))
        sys.stdout.flush()
        return
    for path, data in zip(paths, rendered):
        with reported():
            write_output(path, data)  # each was checked against the plans read, above
        print(terminal_text(str(path)))
    tell_font(fmt.value)


def render_report(
    unit: str | None, period: str | None, output_format: Format | None, output: str | None, plans: Path, results: list[Path],
    year: int | None = None, allow_errors: bool = False,
) -> None:
    """``dansokh render report --plan UNIT --period P``: the result report of a unit for a period."""
    if period is None:
        raise fail(_("render report: give --period (Q1, Q2, Q3, Q4 or Y)"))
    code = period_option(period)
    with reported():
        fmt = format_for(output, output_format)  # -o's suffix and --format agree, as for appendices
    findings = load_findings(plans, results)
    book, read = findings.book, findings.files
    if unit is None:
        with reported(_("configuration: {reason}")):
            unit = config.load(Path.cwd()).default_plan
    if unit is None:
        raise fail(_("render report: give --plan UNIT (a unit id or name), or default_plan in the configuration"))
    named, year = find_for_period(book, unit, code, year, "--plan")
    found = named.unit
    if not book.goals(found.id, year):
        raise fail(_("{name} ({unit}) has no targets for {year}").format(name=found.name, unit=found.id, year=year))
    with reported(_("configuration: {reason}")):
        paces = stages.progress.read_pace(settings_from(None).pace)
    shown = stages.progress.progress(book, found, year, code, paces)
    errors = errors_in(findings, [shown], allow_errors, report=True)
    report = stages.report_view.build_report(book, shown, errors)
    name = _("{unit}-{year}-{period}-report").format(unit=found.id, year=year, period=code) + f".{fmt.value}"
    path = None if output is None and fmt is Format.md else Path(output) / name if output is not None and is_folder(output) else Path(output or name)
    with reported(_("--output: {reason}")):
        check_outputs([path] if path is not None else [], read)
    templates = stages.templates
    env = templates.environment(templates.user_template_dirs([Path.cwd(), plans.resolve().parent]))
    with printing():
        data = stages.render_report.render_report_bytes(report, fmt.value, env)
    if path is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    with reported(_("--output: {reason}")):
        write_output(path, data)  # checked against the files read, above
    print(terminal_text(display_path(path)))
    tell_font(fmt.value)
