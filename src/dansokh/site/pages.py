"""The page-writing machinery every builder uses: one Jinja environment (autoescape on, the
packaged templates under ``templates/site/``), the layout every page shares, relative links, the
search entries, and the bytes written into the folder being built.

A page is written by ``Site.page(path, template, title=…, crumbs=…, **context)``; inside its
template, ``href(target)`` is the link from this page to ``target`` (a path inside the site), so
the folder works from ``file://`` and from any sub-path of a web server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from ..cascade.repository import Repository
from ..check.findings import Findings
from ..diagnostics import Diagnostic
from ..load.workers import PARALLEL_MIN, parallel
from ..model.numbers import number, quantity
from ..render.escaping import OwnTemplatesEnvironment
from ..render.templates import PackagedLoader
from ..results.book import Book
from .addresses import relative
from .fold import fold
from .tree import UnitNode, Year
from .words import words

PAGE_LIMIT = 1_000_000  # bytes: no page over 1 MB (the issue); a bigger one is a bug to fix here


def script_json(value: Any) -> str:
    """JSON that can stand inside ``<script>``: no ``</script>``, ``<!--`` or line separators
    (U+2028, U+2029) can end the script or the string early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def environment() -> Environment:
    """The site's templates: packaged, trusted, autoescaped (``render.escaping``), strict about undefined names."""
    env = OwnTemplatesEnvironment(
        loader=PackagedLoader(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["quantity"] = quantity
    return env


@dataclass
class SearchEntry:
    name: str
    kind: str  # "unit" or "indicator"
    url: str  # inside the site
    detail: str = ""

    def row(self) -> list[str]:
        return [self.name, fold(self.name), self.kind, self.url, self.detail]


@dataclass
class Site:
    """What every builder reads and writes through."""

    folder: Path  # the folder being built (swapped into place when all is written)
    repo: Repository
    findings: Findings
    book: Book | None
    years: list[Year]
    lang: str
    version: str
    commit: str | None = None
    document_formats: set[str] = field(default_factory=set)  # docx, xlsx, pdf: the documents built
    since: str | None = None  # --since: the git revision of the previous publication (the diff page)
    jobs: int = 1  # processes writing pages (``map``)
    grid: bool = True  # a schedule's month grid on its unit's page (left out for a large repository)
    tree_units: int = 2000  # units of a year above which the home page shows only the first levels of its tree (``home``)
    max_bytes: int = 5 * 1024 * 1024  # the largest plan file read again (``appendices.whole``)
    kept: dict[str, Any] = field(default_factory=dict)  # file -> its appendices as the check's worker rendered them (``appendices.handed_over``)
    provides: set[str] = field(default_factory=set)  # what the registered builders add ("indicator" pages, …)
    search: list[SearchEntry] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # said on standard error by the command
    written: dict[str, int] = field(default_factory=dict)  # path -> bytes
    shared: dict[str, Any] = field(default_factory=dict)  # what a builder computes once for others (results_pages)
    out: Path | None = None  # the folder the site replaces: the previous publication, its marker (the diff page)
    env: Environment = field(default_factory=environment)
    w: dict[str, str] = field(default_factory=words)
    pending: list[tuple[Callable[[Site, Any], Any], Any]] = field(default_factory=list)  # pages drawn by ``draw``
    pending_least: int = PARALLEL_MIN
    _by_file: dict[str, list[Diagnostic]] | None = field(default=None, repr=False)

    # -- data every builder asks for ---------------------------------------------------------
    def diagnostics_in(self, files: Iterable[str]) -> list[Diagnostic]:
        """The diagnostics that stand in ``files``, in validate's order."""
        if self._by_file is None:
            self._by_file = {}
            for diagnostic in self.findings.diagnostics:
                self._by_file.setdefault(diagnostic.file, []).append(diagnostic)
        return [d for file in dict.fromkeys(files) for d in self._by_file.get(file, [])]

    def unit(self, year: int, unit_id: str) -> UnitNode | None:
        for found in self.years:
            if found.year == year:
                return found.units.get(unit_id)
        return None

    # -- writing ------------------------------------------------------------------------------
    def write_bytes(self, path: str, data: bytes) -> None:
        target = self.folder.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[path] = len(data)

    def page(self, path: str, template: str, *, title: str, crumbs: list[tuple[str, str]] = (), body: dict[str, str] | None = None, **context: Any) -> None:  # type: ignore[assignment]
        """Write the page ``path`` from ``templates/site/<template>`` in the shared layout:
        ``crumbs`` are (title, path) pairs from the home page down (the page itself last, no link);
        ``body`` the attributes of ``<body>`` (``data-unit``, ``data-year``)."""

        def href(target: str) -> str:
            return relative(target, path)

        text = self.env.get_template(f"site/{template}").render(
            w=self.w, lang=self.lang, title=title, crumbs=list(crumbs), body=body or {}, href=href, site=self,
            root=href("index.html").removesuffix("index.html"), **context,
        )
        self.write_bytes(path, text.encode("utf-8"))

    def add_search(self, name: str, kind: str, url: str, detail: str = "") -> None:
        self.search.append(SearchEntry(name, kind, url, detail))

    def map(self, function: Callable[[Site, Any], Any], items: Sequence[Any], least: int = PARALLEL_MIN) -> list[Any]:
        """``function(site, item)`` for each item, in worker processes where there are at least
        ``least`` (a page per unit of a country; a few pages that each take long); what each call
        writes and adds to the search comes back here, in the order of the items, whatever the
        scheduling.  ``function`` is a module's."""
        global _WORK
        _WORK = (self, function, items)
        try:
            outcomes = list(parallel(_work, [(index,) for index in range(len(items))], self.jobs, least=least))
        finally:
            _WORK = None
        results = []
        for result, written, search in outcomes:
            self.written.update(written)
            self.search.extend(search)
            results.append(result)
        return results

    def later(self, function: Callable[[Site, Any], Any], items: Sequence[Any], least: int = PARALLEL_MIN) -> None:
        """``function(site, item)`` for each item, drawn by ``draw`` with every other builder's
        pages in one round of worker processes: a country's site forks its heap of plans once,
        and its few long pages (an indicator across ten thousand units) run beside the many
        short ones instead of after them."""
        self.pending.extend((function, item) for item in items)
        self.pending_least = min(self.pending_least, least)

    def draw(self) -> None:
        """The pages ``later`` was given, in their order (``map``)."""
        pending, least = self.pending, self.pending_least
        self.pending, self.pending_least = [], PARALLEL_MIN
        self.map(_call, pending, least=least)


def _call(site: Site, pending: tuple[Callable[[Site, Any], Any], Any]) -> Any:
    function, item = pending
    return function(site, item)


_WORK: tuple[Site, Callable[[Site, Any], Any], Sequence[Any]] | None = None  # what a forked worker inherits


def _work(index: int) -> tuple[Any, dict[str, int], list[SearchEntry]]:
    assert _WORK is not None
    site, function, items = _WORK
    kept = site.written, site.search
    site.written, site.search = {}, []
    try:
        return function(site, items[index]), site.written, site.search
    finally:
        site.written, site.search = kept
