"""The home page: the years, each with its units as a tree (nested lists), and the search.

A year of more than ``Site.tree_units`` units (a country: ten thousand communes) shows the first
``TREE_LEVELS`` levels of its tree only, so that the page stays well under ``pages.PAGE_LIMIT``;
the units below are reached through their parent's page, which lists the units below it."""

from __future__ import annotations

from .pages import Site
from .results_pages import year_links
from .tree import Year

TREE_LEVELS = 3
"""The levels of a large year's tree on the home page (nation, provinces, districts)."""


def build(site: Site) -> None:
    plans = len(site.repo.plans)
    units = sum(len(year.units) for year in site.years)
    site.page(
        "index.html", "home.html.j2", title=site.w["site_title"], crumbs=[],
        years=site.years, levels={year.year: levels(site, year) for year in site.years},
        links=year_links(site) if "indicator" in site.provides else {}, counts=site.w["summary"].format(
            units=_number(units), plans=_number(plans), problems=_number(len(site.findings.diagnostics))
        ),
    )


def levels(site: Site, year: Year) -> int:
    """How many levels of ``year``'s tree the home page shows (0: every level)."""
    return TREE_LEVELS if len(year.units) > site.tree_units else 0


def _number(value: int) -> str:
    from ..model.numbers import number

    return number(value)
