"""A plan's appendices on its unit's page, as ``dansokh render -f html`` renders them (the same
view, the same packaged template, its autoescape), and their documents (DOCX, XLSX, PDF).

The site renders with the packaged templates only: a repository's own ``templates/`` are
somebody else's code, which ``render`` runs bounded in a child process per appendix; run for
every plan of a country that would cost more than the whole check.  The HTML is the content of
the standalone page's ``<main>``: the template escapes every text of the plan.

Loading keeps of each plan its outline, without the schedules an appendix shows.  The check's
worker, which has the whole plan typed, renders its appendices there (``handed_over``, the
site's ``check_keeping``), so that a plan is read and typed once; a plan the cache answered
for (or, where the month grid is shown, every plan) is read again for its page (``whole``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath

from markupsafe import Markup

from ..cascade.repository import LoadedPlan
from ..model.parse import parse_plan
from ..model.plan import Plan
from ..read.files import illustrative, read_bounded
from ..read.loader import load_text
from ..render.templates import TEMPLATES, packaged_environment
from ..render.view import AppendixView, appendix_keys, build_view

FORMATS = ("docx", "xlsx", "pdf")


@dataclass
class Appendix:
    key: str  # the appendix's key in its plan ("1", "II")
    html: Markup
    documents: list[tuple[str, str]] = field(default_factory=list)  # (format, path inside the site)


def appendix_page(view: AppendixView) -> str:
    """The appendix as ``dansokh render -f html`` writes it, from the packaged template."""
    return packaged_environment().get_template(TEMPLATES["html"]).render(view=view, months=list(range(1, 13)))


def whole(loaded: LoadedPlan, max_bytes: int) -> Plan:
    """The whole plan: loading keeps of each plan only its outline (what the cascade needs, as
    validate does), without the schedules an appendix shows; read again here, in the worker
    that writes its page.  A file that cannot be read again shows what the outline has."""
    try:
        plan, _problems = parse_plan(load_text(loaded.file, read_bounded(Path(loaded.file), max_bytes), max_bytes))
    except OSError:
        plan = None
    return plan if plan is not None else loaded.plan


def views(loaded: LoadedPlan, plan: Plan | None = None, raw: bytes | None = None, grid: bool = True) -> list[AppendixView]:
    """The appendices' views of ``plan`` (the whole plan of ``loaded``; default: what was loaded);
    ``raw``: the file's bytes, where they are at hand; ``grid``: with a schedule's month grid."""
    plan = plan if plan is not None else loaded.plan
    marked = illustrative(loaded.file, raw)
    return [build_view(plan, key, appendix, illustrative=marked, grid=grid) for key, appendix in appendix_keys(plan)]


def handed_over(loaded: LoadedPlan, raw: bytes) -> list[tuple[str, str]]:
    """What the check's worker keeps of a whole plan for its unit's page (``check.files.
    check_file_keeping``): each appendix's key and HTML, without the month grid (a country's
    pages leave it out; ``shown`` uses these only then)."""
    return [(view.key, str(inner_html(view))) for view in views(loaded, loaded.plan, raw, grid=False)]


def inner_html(view: AppendixView) -> Markup:
    """The appendix as render's HTML page shows it, without the page around it (a view built
    without its month grid, ``views(grid=False)``, shows none: drawing the grid is half the cost
    of a country's appendices)."""
    page = appendix_page(view)
    start, end = page.find("<main>"), page.rfind("</main>")
    return Markup(page[start + len("<main>") : end] if start >= 0 and end > start else "")  # noqa: S704  the template's own escaped output


def document_folder(loaded: LoadedPlan) -> str:
    """``documents/<year>/<plan-stem>``: where a plan's documents go inside the site."""
    return f"documents/{loaded.plan.year}/{PurePath(loaded.file).stem}"


def appendices(loaded: LoadedPlan, plan: Plan, documents: set[str], grid: bool = True) -> list[Appendix]:
    """The appendices of ``plan`` (the whole plan of ``loaded``), each with the documents of the
    formats in ``documents`` it has (and a schedule's month grid with ``grid``)."""
    return [Appendix(view.key, inner_html(view), links(loaded, view.key, documents)) for view in views(loaded, plan, grid=grid)]


def shown(loaded: LoadedPlan, kept: list[tuple[str, str]] | None, documents: set[str], grid: bool, max_bytes: int) -> list[Appendix]:
    """The appendices of ``loaded`` on its unit's page: as the check's worker rendered them
    (``kept``, from ``handed_over``) where the month grid is left out, else from the plan file
    read again."""
    if kept is not None and not grid:
        return [Appendix(key, Markup(html), links(loaded, key, documents)) for key, html in kept]
    return appendices(loaded, whole(loaded, max_bytes), documents, grid)


def links(loaded: LoadedPlan, key: str, documents: set[str]) -> list[tuple[str, str]]:
    """The documents of the appendix ``key`` of ``loaded`` in the formats ``documents`` names."""
    return [(fmt, f"{document_folder(loaded)}/{document_name(key)}.{fmt}") for fmt in FORMATS if fmt in documents]


def document_name(key: str) -> str:
    """``appendix1``, ``appendixii``: the appendix's key as a file name."""
    from .tree import slug

    return f"appendix{slug(key)}"
