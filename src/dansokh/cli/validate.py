"""``dansokh validate``: check plans and report the findings in the chosen format."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import config
from ..diagnostics import shorten
from ..i18n import N_, _
from ..read.limits import DEFAULT_MAX_BYTES
from ..report import pick
from ..report.base import Context
from ..report.format_names import format_name
from ..vcs.ci import AUTO, ci_base
from ..vcs.git import head_commit
from ..vcs.staged import StagedTree, staged_tree
from ..write.output import write_output
from . import app as state, stages
from .app import LANG_HELP, app, settings_from, speak
from .errors import fail, reported, say

if TYPE_CHECKING:
    from ..load import Changed


class OutputFormat(str, Enum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    codeclimate = "codeclimate"
    rdjson = "rdjson"
    markdown = "markdown"
    md = "md"  # markdown's other name (report.format_names)


def _codes(values: list[str]) -> list[str]:
    """``--select C,T --select U001`` -> ["C", "T", "U001"]."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _severities(values: list[str]) -> dict[str, str]:
    levels = {}
    for value in values:
        code, _equals, level = value.partition("=")
        if not code.strip() or not level.strip():
            raise fail(_("--severity {value!r}: expected CODE=error|warning|info").format(value=shorten(value)))
        levels[code.strip()] = level.strip().lower()
    return levels


@app.command("validate", help=N_("Check plans: the schema, each plan's arithmetic, and the cascade between plans."))
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(exists=True, help=N_("Plan files or folders (searched recursively); default: plans/.")),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help=N_("Output format; auto is github under GitHub Actions, else text.")),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help=N_("Write the report to this file."))
    ] = None,
    output_formats: Annotated[
        list[str] | None,
        typer.Option(
            "--output-format",
            metavar="FORMAT=FILE",
            help=N_("Also write the report in FORMAT to FILE (repeatable: one run, several reports)."),
        ),
    ] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help=N_("Report only these codes or prefixes (C,T001)."))] = None,
    extend_select: Annotated[
        list[str] | None, typer.Option("--extend-select", help=N_("Also run these opt-in rules (O: the official units)."))
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help=N_("Do not report these codes or prefixes."))] = None,
    severity: Annotated[
        list[str] | None, typer.Option("--severity", help=N_("CODE=error|warning|info: change a rule's severity."))
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            help=N_("Check only the plans changed since this git revision, and their neighbours; auto: the base GitHub Actions or GitLab CI names (none: every plan)."),
        ),
    ] = None,
    config_path: Annotated[
        Path | None, typer.Option("--config", exists=True, dir_okay=False, help=N_("Settings file (dansokh.toml)."))
    ] = None,
    max_file_size: Annotated[
        int | None, typer.Option(help=N_("Largest plan file read, in bytes (default 5 MiB)."), min=1)
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="vi|en", help=LANG_HELP)] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help=N_("Read every file afresh; neither read nor write the cache."))
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help=N_("Processes reading plans (default: one per core; 1: none).")),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help=N_("Check the plans and settings as staged for the next commit (git's index), not the working folder: the pre-commit hook."),
        ),
    ] = False,
) -> None:
    """Check plans: the schema, each plan's arithmetic, and the cascade between plans."""
    if staged and changed_since is not None:
        raise fail(_("--staged and --changed-since: give one (the hook checks what is staged)"))
    tree: contextlib.AbstractContextManager[StagedTree | None] = contextlib.nullcontext(None)
    if staged:  # the check runs in the staged tree; --output is written here afterwards
        if config_path is not None:  # the file named here, wherever the check runs
            config_path = Path(os.path.abspath(config_path))

        tree = staged_tree(max_file_size, config_path)
    here = Path.cwd()
    with reported(_("--staged: {reason}")), tree as snapshot:
        done = _check(
            snapshot, here, paths or [], output_format, output, output_formats or [], select or [], extend_select or [], ignore or [],
            severity or [], changed_since, config_path, max_file_size, lang, no_cache, jobs,
        )
    _write(done)  # the staged tree's reports, here in the working folder (a plan here is never written over)
    raise typer.Exit(done.status)


class _Done:
    """What a check leaves to write: the reports (``--output``, ``--output-format``) not yet
    written, the files read, the exit status."""

    def __init__(self, reports: list[tuple[Path, bytes]], files: list[str], status: int):
        self.reports, self.files, self.status = reports, files, status


def _check(
    snapshot: StagedTree | None, here: Path, paths: list[Path], output_format: OutputFormat | None, output: Path | None,
    output_formats: list[str], select: list[str], extend_select: list[str], ignore: list[str], severity: list[str],
    changed_since: str | None, config_path: Path | None, max_file_size: int | None, lang: str | None, no_cache: bool,
    jobs: int | None,
) -> _Done:
    """The check and its reports, in the working folder or in the staged tree (``snapshot``):
    the report on standard output; the report files written, or (staged) returned to be written
    in the working folder."""
    settings = settings_from(config_path)
    if lang is not None or config_path is not None or snapshot is not None:  # a staged dansokh.toml speaks too
        speak(lang if lang is not None else state.explicit_lang, settings)
    with reported():
        selection = stages.selection.Selection.make(
            _codes(select) or settings.select,
            _codes(ignore) or settings.ignore,
            settings.severity | _severities(severity),
            _codes(extend_select) or settings.extend_select,
        )
    if snapshot is not None and paths:
        given = []
        for path in paths:
            inside = snapshot.path(path, here)
            if not os.path.lexists(inside):
                raise fail(
                    _("--staged: {path} is not in the index (git add it to commit it, or check it without --staged)").format(path=path)
                )
            given.append(inside)
        paths = given
    if not paths:  # like the other commands: the plans folder of the current folder
        paths = [Path("plans")]
        if not paths[0].is_dir():
            raise fail(_("no plans/ folder here: run dansokh in the plans repository, or name the plans (dansokh validate PATH)"))
    extra = _extra_outputs(output_formats, output)
    max_bytes = max_file_size or settings.max_file_size or DEFAULT_MAX_BYTES
    changed: Changed | None = None
    if changed_since == AUTO:  # the base CI names, or every plan when there is none
        base = ci_base()
        say(base.notice)
        changed_since = base.rev
    if changed_since is not None:
        with reported(_("--changed-since: {reason}")):
            changed = stages.changed.changed_since(changed_since, max_bytes)
    with reported():
        findings = stages.check_run.validate(
            paths, max_bytes, selection=selection, changed=changed, use_cache=not no_cache, jobs=jobs,
            cache_for=snapshot.real if snapshot is not None else None,
        )
    for notice in findings.notices:  # the cache refused: said once, on standard error
        say(notice)
    chosen = format_name((output_format.value if output_format else None) or settings.format or "auto")
    with reported():
        context = _context(paths, chosen, extra, settings)
    reporter = pick(chosen)
    done = _Done([], findings.files, 1 if findings.failed else 0)
    with reported():
        for name, path in extra:  # every report is made before the first is written
            buffer = io.StringIO()
            pick(name)(buffer, color=False, context=context).report(findings)
            done.reports.append((path, buffer.getvalue().encode("utf-8")))
        if output is not None:
            buffer = io.StringIO()
            reporter(buffer, color=False, context=context).report(findings)
            done.reports.insert(0, (output, buffer.getvalue().encode("utf-8")))
        if snapshot is None:  # written here and now; a file that cannot be written stops the run first
            _write(done)
            done.reports = []
        if output is None:
            reporter(sys.stdout, context=context).report(findings)
    return done


def _write(done: _Done) -> None:
    """Write the reports a check made (``--output``, ``--output-format``), each never over a file it read."""
    with reported(_("--output: {reason}")):
        for path, data in done.reports:
            write_output(path, data, done.files)


def _extra_outputs(values: list[str], output: Path | None) -> list[tuple[str, Path]]:
    """``--output-format sarif=dansokh.sarif --output-format junit=out.xml`` -> the pairs; a
    usage error for a format dansokh has not, no file, or one file named twice."""
    pairs: list[tuple[str, Path]] = []
    seen = {str(output)} if output is not None else set()
    names = [f.value for f in OutputFormat if f is not OutputFormat.auto]
    for value in values:
        name, equals, file = value.partition("=")
        name = name.strip()
        if not equals or name not in names or not file.strip():
            raise fail(
                _("--output-format {value!r}: expected FORMAT=FILE, FORMAT one of {formats}").format(
                    value=shorten(value), formats=", ".join(names)
                )
            )
        if file in seen:
            raise fail(_("--output-format: {file} is named twice; give each report its own file").format(file=shorten(file)))
        seen.add(file)
        pairs.append((format_name(name), Path(file)))
    return pairs


def _context(paths: list[Path], chosen: str, extra: list[tuple[str, Path]], settings: config.Config) -> Context:
    """What the reports say beside the findings: the commit checked, for the Markdown summary
    (git is asked only then), and where the rules' documentation is."""
    names = {chosen, *(name for name, _path in extra)}
    found = head_commit(paths) if "markdown" in names else None
    commit, uncommitted = found if found else (None, False)
    docs_url = config.docs_url(settings) if names & {"sarif", "rdjson"} else None  # the formats that link to the rules
    return Context(commit=commit, uncommitted=uncommitted, docs_url=docs_url)


