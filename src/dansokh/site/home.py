"""The home page: the years, each with its units as a tree (nested lists), and the search."""

from __future__ import annotations

from .pages import Site
from .results_pages import year_links


def build(site: Site) -> None:
    plans = len(site.repo.plans)
    units = sum(len(year.units) for year in site.years)
    site.page(
        "index.html", "home.html.j2", title=site.w["site_title"], crumbs=[],
        years=site.years, links=year_links(site) if "indicator" in site.provides else {}, counts=site.w["summary"].format(
            units=_number(units), plans=_number(plans), problems=_number(len(site.findings.diagnostics))
        ),
    )


def _number(value: int) -> str:
    from ..model.numbers import number

    return number(value)
