"""A page per unit and year: where it sits (breadcrumbs, the units below), its targets beside
what its parent assigned, its plans' appendices with their documents, the problems the check
found in its files at their lines."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..i18n import _
from .appendices import shown
from .pages import Site
from .results_pages import unit_section
from .targets import mark, rows
from .tree import UnitNode


@dataclass
class Problem:
    number: int
    diagnostic: Diagnostic
    indicator: str

    @property
    def text(self) -> str:
        """As ``dansokh validate`` writes it: ``file:line:col: CODE message``."""
        return f"{self.diagnostic.span}: {self.diagnostic.code} {self.diagnostic.message}"

    @property
    def related(self) -> list[str]:
        return [f"{r.span}: {r.message}" for r in self.diagnostic.related]


def crumbs(site: Site, node: UnitNode) -> list[tuple[str, str]]:
    return [(site.w["home"], "index.html")] + [(n.title, n.path) for n in node.ancestors()] + [(node.title, "")]


def build(site: Site) -> None:
    site.diagnostics_in(())  # indexed once, before the workers start
    site.later(page, [(year.year, unit_id) for year in site.years for unit_id in year.units])


def page(site: Site, key: tuple[int, str]) -> None:
    """The page of one unit in one year (in a worker process: ``Site.map``)."""
    node = site.unit(*key)
    assert node is not None
    files = [p.file for p in node.plans]
    diagnostics = site.diagnostics_in(files)
    target_rows, parent = rows(site.repo, node, positions=bool(diagnostics))
    indicators = mark(target_rows, diagnostics)
    problems = [Problem(n, d, indicators.get(n, "")) for n, d in enumerate(diagnostics)]
    plans = [(p, shown(p, site.kept.get(p.file), site.document_formats, site.grid, site.max_bytes)) for p in node.plans]
    parent_title = parent.plan.unit_title if parent is not None else ""
    site.page(
        node.path, "unit.html.j2", title=node.title, crumbs=crumbs(site, node),
        body={"data-unit": node.slug, "data-year": str(node.year)},
        node=node, rows=target_rows, parent_title=parent_title, plans=plans, problems=problems,
        caption=(site.w["targets_caption"] if parent is not None else site.w["targets_caption_alone"]).format(
            unit=node.title, year=node.year, parent=parent_title
        ),
        no_plan=site.w["no_plan"].format(year=node.year) if node.main is None else "",
        indicator_pages="indicator" in site.provides,
        results=unit_section(site, node) if "results" in site.provides else None,
    )
    parent_name = node.parent.title if node.parent is not None else ""
    site.add_search(node.title, "unit", node.path, _("{year}, {parent}").format(year=node.year, parent=parent_name) if parent_name else str(node.year))
