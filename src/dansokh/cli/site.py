"""``dansokh site``: the plans repository as a static website (``dansokh.site`` builds it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _, current
from ..model.numbers import number
from ..read.limits import DEFAULT_MAX_BYTES
from ..report.safe import terminal_text
from ..vcs.git import head_commit
from . import app as state, stages
from .app import LANG_HELP, app, fail, say, settings_from, speak

SMALL = 50
"""Plans up to which the documents (DOCX, XLSX, PDF of every appendix) are built by default:
Chromium prints a PDF in about a second, so a country's documents would take hours."""


@app.command("site", help=N_("Build a static website of the plans (and results): one folder that opens from disk."))
def site_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(exists=True, help=N_("Plan files or folders, and result folders; default: plans/."))
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", file_okay=False, help=N_("The site's folder (replaced whole, only if it is a dansokh site)."))] = Path("public"),
    results: Annotated[list[Path] | None, typer.Option("--results", exists=True, file_okay=False, help=N_("A folder of result files (repeatable)."))] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="vi|en", help=LANG_HELP)] = None,
    since: Annotated[str | None, typer.Option("--since", help=N_("The git revision of the previous publication, for the page of changes."))] = None,
    documents: Annotated[
        bool | None,
        typer.Option("--documents/--no-documents", help=N_("Build the DOCX, XLSX and PDF of every appendix (default: only for up to 50 plans)."), show_default=False),
    ] = None,
    config_path: Annotated[Path | None, typer.Option("--config", exists=True, dir_okay=False, help=N_("Settings file (dansokh.toml)."))] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=N_("Read every file afresh; neither read nor write the cache."))] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help=N_("Processes reading plans (default: one per core; 1: none)."))] = None,
) -> None:
    """Build a static website of the plans (and results): one folder that opens from disk."""
    settings = settings_from(config_path)
    speak(lang or state.explicit_lang or settings.lang or "vi", settings)  # Vietnamese unless told otherwise: the site is for officers
    language = current()
    try:
        selection = stages.selection.Selection.make(settings.select, settings.ignore, settings.severity, settings.extend_select)
    except stages.selection.SelectionError as error:
        raise fail(str(error)) from None
    if not paths:
        paths = [Path("plans")]
        if not paths[0].is_dir():
            raise fail(_("no plans/ folder here: run dansokh in the plans repository, or name the plans (dansokh site PATH -o public)"))
    paths = [*paths, *(results or [])]
    found = head_commit(paths)
    formats = None if documents is None else ({"docx", "xlsx", "pdf"} if documents else set())
    try:
        built = stages.site_build.build_site(
            paths, output, language, selection=selection, max_bytes=settings.max_file_size or DEFAULT_MAX_BYTES,
            document_formats=formats, documents_when=SMALL, commit=found[0] if found else None, since=since,
            use_cache=not no_cache, jobs=jobs,
        )
    except stages.site_output.SiteRefused as error:
        raise fail(str(error)) from None
    for notice in built.notices:
        say(notice)
    if built.largest[1] > stages.site_pages.PAGE_LIMIT:
        say(_("{page} is {size} bytes, over the 1 MB a page should stay under").format(page=built.largest[0], size=number(built.largest[1])), "yellow")
    print(terminal_text(_("{output}: {pages} pages; {problems} problems found in the plans are shown on their units' pages").format(
        output=output, pages=number(built.pages), problems=number(len(built.findings.diagnostics)))))
