"""The site built: the plans loaded and checked as ``validate`` checks them, the tree of units,
then each registered builder writes its pages, then the search index, the assets and the marker;
all into a temporary folder swapped into place at the end (``output.staged``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from importlib import resources
from pathlib import Path
from types import ModuleType

from .. import __version__
from ..check.files import check_file_keeping
from ..check.findings import Findings
from ..check.run import JOB, check
from ..check.selection import Selection
from ..load import load
from ..load.workers import collector_paused, default_jobs
from ..read.loader import DEFAULT_MAX_BYTES
from . import documents, home, results_pages, search, unit
from .appendices import handed_over
from .output import MARKER, marker_text, staged
from .pages import PAGE_LIMIT, Site
from .tree import years

BUILDERS: list[ModuleType] = [home, results_pages, unit, documents]  # results_pages computes the figures unit pages share
"""Each a module with ``build(site)``, which writes its pages or leaves them to ``Site.later``
(and, optionally, ``PROVIDES``: the kinds of page it adds, which other pages link to only when
some builder provides them, e.g. ``{"indicator"}``)."""

ASSETS = ("site.css", "site.js")
LARGE = 1000
"""Plans above which a schedule's month grid is left out of the unit pages (the appendix's table
stays): the grid is half the cost of the appendices, and a country's site must build in at most
twice the time of its check (benchmarks/README.md)."""
SITE_JOB = replace(JOB, check_keeping=partial(check_file_keeping, handed_over))
"""validate's job on each file, which also renders a plan's appendices while the whole plan is
typed in the worker (``appendices.handed_over``): loading keeps only outlines, as validate's."""
TREE_UNITS = 2000
"""Units of a year above which the home page's tree stops at ``home.TREE_LEVELS`` levels: ten
thousand communes would make it a page of a megabyte."""


@dataclass
class Built:
    """What the command says after a build."""

    findings: Findings
    pages: int
    largest: tuple[str, int]
    notices: list[str]


def build_site(
    paths: Sequence[Path],
    out: Path,
    lang: str,
    *,
    selection: Selection | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    document_formats: set[str] | None = None,
    documents_when: int = 0,
    commit: str | None = None,
    since: str | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    tree_units: int = TREE_UNITS,
) -> Built:
    """Load and check ``paths`` (plans and results) as validate does, then write the site to
    ``out``.  ``document_formats``: the documents to build (``None``: docx, xlsx and pdf when the
    repository has at most ``documents_when`` plans, else none); ``tree_units``: the units of a year
    above which the home page shows only the first levels of its tree."""
    loaded = load(list(paths), SITE_JOB, max_bytes, every_file=True, use_cache=use_cache, jobs=jobs)  # outlines, as validate loads them
    with collector_paused():
        findings = check(loaded, selection).finish()
        repo = loaded.repository
        notices: list[str] = []
        if document_formats is None:
            document_formats = {"docx", "xlsx", "pdf"} if len(repo.plans) <= documents_when else set()
        if "pdf" in document_formats:
            from ..render.pdf import BROWSER_VARIABLE, find_chromium

            if find_chromium() is None:
                document_formats = document_formats - {"pdf"}
                from ..i18n import _

                notices.append(_("no Chromium found: the appendices' PDF files are left out (install chromium, or name it in {variable})").format(variable=BROWSER_VARIABLE))
        with staged(out) as folder:
            site = Site(folder, repo, findings, findings.book, years(repo, findings.book), lang, __version__, commit, set(document_formats), since,
                        jobs=default_jobs() if jobs is None else max(1, jobs), max_bytes=max_bytes,
                        grid=len(repo.plans) <= LARGE, tree_units=tree_units, kept=loaded.kept, out=out)
            for builder in BUILDERS:
                site.provides |= set(getattr(builder, "PROVIDES", ()))
            for builder in BUILDERS:
                builder.build(site)
            site.draw()  # the pages the builders left for the workers (``Site.later``)
            search.write(site)
            for name in ASSETS:
                site.write_bytes(f"assets/{name}", resources.files(__package__).joinpath("assets", name).read_bytes())
            (folder / MARKER).write_text(marker_text(__version__, commit), encoding="utf-8")
    pages = {path: size for path, size in site.written.items() if path.endswith(".html")}
    largest = max(pages.items(), key=lambda item: item[1], default=("", 0))
    if largest[1] > PAGE_LIMIT:
        pass  # said by the command: the site is written, a page over the limit is a bug of dansokh's
    return Built(findings, len(pages), largest, notices + site.notices)
