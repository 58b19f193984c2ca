"""A plan's appendices on its unit's page, as ``dansokh render -f html`` renders them (the same
view, the same packaged template, its autoescape), and their documents (DOCX, XLSX, PDF).

The site renders with the packaged templates only: a repository's own ``templates/`` are
somebody else's code, which ``render`` runs bounded in a child process per appendix; run for
every plan of a country that would cost more than the whole check.  The HTML is the content of
the standalone page's ``<main>``: the template escapes every text of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath

from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..cascade.repository import LoadedPlan
from ..read.files import illustrative
from ..render.templates import TEMPLATES, environment
from ..render.view import AppendixView, appendix_keys, build_view

FORMATS = ("docx", "xlsx", "pdf")


@dataclass
class Appendix:
    view: AppendixView
    html: Markup
    documents: list[tuple[str, str]] = field(default_factory=list)  # (format, path inside the site)


@cache
def environment_for_documents() -> SandboxedEnvironment:
    return environment()


def views(loaded: LoadedPlan) -> list[AppendixView]:
    marked = illustrative(loaded.file)
    return [build_view(loaded.plan, key, appendix, illustrative=marked) for key, appendix in appendix_keys(loaded.plan)]


def inner_html(view: AppendixView) -> Markup:
    """The appendix as render's HTML page shows it, without the page around it."""
    page = environment_for_documents().get_template(TEMPLATES["html"]).render(view=view, months=list(range(1, 13)))
    start, end = page.find("<main>"), page.rfind("</main>")
    return Markup(page[start + len("<main>") : end] if start >= 0 and end > start else "")  # noqa: S704  the template's own escaped output


def document_folder(loaded: LoadedPlan) -> str:
    """``documents/<year>/<plan-stem>``: where a plan's documents go inside the site."""
    return f"documents/{loaded.plan.year}/{PurePath(loaded.file).stem}"


def appendices(loaded: LoadedPlan, documents: set[str]) -> list[Appendix]:
    """The plan's appendices, each with the documents of the formats in ``documents`` it has."""
    found = []
    for view in views(loaded):
        links = [(fmt, f"{document_folder(loaded)}/{document_name(view)}.{fmt}") for fmt in FORMATS if fmt in documents]
        found.append(Appendix(view, inner_html(view), links))
    return found


def document_name(view: AppendixView) -> str:
    """``appendix1``, ``appendixii``: the appendix's key as a file name."""
    from .tree import slug

    return f"appendix{slug(view.key)}"
