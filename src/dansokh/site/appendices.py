"""A plan's appendices on its unit's page, as ``dansokh render -f html`` renders them (the same
view, the same packaged template, its autoescape), and their documents (DOCX, XLSX, PDF).

The site renders with the packaged templates only: a repository's own ``templates/`` are
somebody else's code, which ``render`` runs bounded in a child process per appendix; run for
every plan of a country that would cost more than the whole check.  The HTML is the content of
the standalone page's ``<main>``: the template escapes every text of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    view: AppendixView
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


def views(loaded: LoadedPlan, plan: Plan | None = None) -> list[AppendixView]:
    """The appendices' views of ``plan`` (the whole plan of ``loaded``; default: what was loaded)."""
    plan = plan if plan is not None else loaded.plan
    marked = illustrative(loaded.file)
    return [build_view(plan, key, appendix, illustrative=marked) for key, appendix in appendix_keys(plan)]


def inner_html(view: AppendixView, grid: bool = True) -> Markup:
    """The appendix as render's HTML page shows it, without the page around it; without
    ``grid``, a schedule's month grid (the screen-only chart below the table) is left out:
    drawing it is half the cost of a country's appendices."""
    if not grid and view.gantt:
        view = replace(view, gantt=[])
    page = appendix_page(view)
    start, end = page.find("<main>"), page.rfind("</main>")
    return Markup(page[start + len("<main>") : end] if start >= 0 and end > start else "")  # noqa: S704  the template's own escaped output


def document_folder(loaded: LoadedPlan) -> str:
    """``documents/<year>/<plan-stem>``: where a plan's documents go inside the site."""
    return f"documents/{loaded.plan.year}/{PurePath(loaded.file).stem}"


def appendices(loaded: LoadedPlan, plan: Plan, documents: set[str], grid: bool = True) -> list[Appendix]:
    """The appendices of ``plan`` (the whole plan of ``loaded``), each with the documents of the
    formats in ``documents`` it has (and a schedule's month grid with ``grid``)."""
    found = []
    for view in views(loaded, plan):
        links = [(fmt, f"{document_folder(loaded)}/{document_name(view)}.{fmt}") for fmt in FORMATS if fmt in documents]
        found.append(Appendix(view, inner_html(view, grid), links))
    return found


def document_name(view: AppendixView) -> str:
    """``appendix1``, ``appendixii``: the appendix's key as a file name."""
    from .tree import slug

    return f"appendix{slug(view.key)}"
