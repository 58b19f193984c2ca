"""The builder of the results, indicator, crosswalk and diff pages (registered in ``build.BUILDERS``).

It turns the loaded plans and results into page models (``indicator_page``, ``period_page``,
``crosswalk_page``, ``diff_page``, and ``unit_results`` for the section of each unit's page) and
writes them through ``Site.page``; the templates only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import config
from ..i18n import _
from ..model.catalogue import CATALOGUE
from ..read.loader import DEFAULT_MAX_BYTES
from ..results.book import Book
from ..results.progress import Pace, PaceError, read_pace
from .addresses import DIFF_PATH, Addresses
from .crosswalk_page import crosswalk_pages
from .diff_page import diff_page, plan_folders, since_revision
from .figures import period_name
from .indicator_page import indicator_codes, indicator_page
from .pages import Site
from .period_page import period_page
from .results_data import ResultsData
from .tree import UnitNode
from .unit_results import UnitResults, unit_results

PROVIDES = {"indicator", "results", "crosswalk", "diff"}


def addresses_of(site: Site) -> Addresses:
    """Each unit's page, as the tree named it."""
    return Addresses({(node.unit.id, year.year): node.path for year in site.years for node in year.units.values()})


def paces() -> dict[str, Pace]:
    """The paces configured for the repository (``[tool.dansokh.pace]``), else ``progress``'s defaults."""
    try:
        return read_pace(config.load().pace)
    except (config.ConfigError, PaceError):
        return {}


def results_data(site: Site) -> ResultsData:
    """One ``ResultsData`` per site: every page reads the same figures, computed once."""
    found = site.shared.get("results_data")
    if found is None:
        book = site.book if site.book is not None else Book.build(site.repo, [])
        found = site.shared["results_data"] = ResultsData(book, paces())
    return found


def unit_section(site: Site, node: UnitNode) -> UnitResults | None:
    """The results section of ``node``'s page (the unit builder includes it)."""
    return unit_results(results_data(site), node.unit, node.year, addresses_of_cached(site), node.path)


def addresses_of_cached(site: Site) -> Addresses:
    found = site.shared.get("results_addresses")
    if found is None:
        found = site.shared["results_addresses"] = addresses_of(site)
    return found


@dataclass
class YearLinks:
    """What the home page links to for a year: its indicators' pages (the cascade of each, the units
    behind per period), its periods' reports, the crosswalks into it, and the changes."""

    indicators: list[tuple[str, str]]  # (name, path)
    periods: list[tuple[str, str]]
    crosswalks: list[tuple[str, str]]
    labels: dict[str, str] = field(default_factory=dict)  # the headings of the lists
    names: dict[str, str] = field(default_factory=dict)  # the lists' landmark names, with the year: a home page of two years tells them apart


def year_links(site: Site) -> dict[int, YearLinks]:
    data = results_data(site)
    addresses = addresses_of_cached(site)
    labels = {
        "indicators": _("Indicators: targets by unit, and the units behind in each period"),
        "periods": _("Reports by period: who reported, late, not at all"),
        "crosswalks": _("Crosswalks of the reform"),
        "diff": _("Changes since the previous publication"),
    }
    crosswalks = crosswalk_pages(site.repo, addresses)
    links = {}
    for year in site.years:
        indicators = [(CATALOGUE[code].name, addresses.indicator(code, year.year)) for code in indicator_codes(data, year.year)]
        periods = [(period_name(period, year.year), addresses.period(year.year, period)) for period in data.periods(year.year)]
        into = [(page.title, page.path) for page in crosswalks if page.to_year == year.year]
        names = {
            "indicators": _("Indicators of {year}").format(year=year.year),
            "periods": _("Reports by period of {year}").format(year=year.year),
            "crosswalks": _("Crosswalks into {year}").format(year=year.year),
        }
        links[year.year] = YearLinks(indicators, periods, into, labels, names)
    return links


DRAWN_APART = 1000
"""Units with results above which the indicator and period pages are drawn in worker processes
with the unit pages (``Site.later``), their figures computed here first (``reckon``): a country's
dozen indicator pages take seconds each, while the other core would wait."""


def reckon(data: ResultsData, year: int) -> None:
    """Every unit's figures of every period of ``year`` computed once, here: the workers drawing
    the pages, and those drawing the unit pages after them, inherit them."""
    for period in data.periods(year):
        for unit in data.units(year):
            data.own(unit, year, period)
            if data.book.children(unit.id, year):
                data.progress(unit, year, period)


def build(site: Site) -> None:
    data = results_data(site)
    addresses = addresses_of_cached(site)
    pages: list[tuple[str, int, str, list[tuple[str, str]]]] = []  # (kind, year, code or period, the year's indicators)
    units = 0
    years = sorted({year.year for year in site.years})
    for year in years:
        codes = indicator_codes(data, year)
        names = [(CATALOGUE[code].name, code) for code in codes]
        pages += [("indicator", year, code, names) for code in codes]
        pages += [("period", year, period, names) for period in data.periods(year)]
        units += len(data.units(year)) if data.periods(year) else 0
    if units > DRAWN_APART:
        for year in years:
            reckon(data, year)
        site.later(_draw, pages, least=2)
    else:
        for page in pages:
            _draw(site, page)
    home = site.w["home"]
    for crosswalk in crosswalk_pages(site.repo, addresses):
        site.page(crosswalk.path, "crosswalk.html.j2", title=crosswalk.title, crumbs=[(home, "index.html"), (crosswalk.title, "")],
                  page=crosswalk)
    site.later(_changes, [since_revision(site.since, site.out)])  # a country's takes seconds: beside the unit pages


def _changes(site: Site, since: str | None) -> None:
    """The page of changes since ``since`` (the work tree's plans as the site loaded them stand
    for the files unchanged since: ``diff_page``)."""
    folders = plan_folders([loaded.file for loaded in site.repo.plans])
    changes = diff_page(since, folders, DEFAULT_MAX_BYTES, {loaded.file: loaded for loaded in site.repo.plans})
    title = _("Changes since the previous publication")
    site.page(DIFF_PATH, "diff.html.j2", title=title, crumbs=[(site.w["home"], "index.html"), (title, "")], page=changes)


def _draw(site: Site, page: tuple[str, int, str, list[tuple[str, str]]]) -> None:
    """One indicator's page of a year, or one period's."""
    kind, year, key, names = page
    data = results_data(site)
    addresses = addresses_of_cached(site)
    home = site.w["home"]
    if kind == "indicator":
        found = indicator_page(data, key, year, addresses)
        if found is None:
            return
        title = _("{indicator}, {year}").format(indicator=found.name, year=year)
        site.page(found.path, "indicator.html.j2", title=title, crumbs=[(home, "index.html"), (title, "")],
                  body={"data-indicator": key, "data-year": str(year)}, page=found)
        site.add_search(found.name, "indicator", found.path, str(year))
        return
    overview = period_page(data, year, key, addresses, names)
    if overview is None:
        return
    title = _("Reports for {period}").format(period=overview.title)
    site.page(addresses.period(year, key), "period.html.j2", title=title,
              crumbs=[(home, "index.html"), (title, "")], body={"data-year": str(year), "data-period": key},
              page=overview)
