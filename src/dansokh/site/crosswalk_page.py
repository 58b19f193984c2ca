"""``crosswalks/<stem>.html``: a crosswalk of the reform, old units → new units with shares.

Each old unit with its parts, the share of its figures each part takes (``Bridge.shares``: by
population, the exact fraction of its people; by share, as written; whole, 100 %), and the same
read the other way: each new unit with the old units it took territory from.  Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import PurePosixPath

from ..cascade.repository import LoadedCrosswalk, Repository
from ..i18n import _
from ..model.numbers import number
from ..reform.crosswalk import Bridge, CarryError
from .addresses import Addresses, crosswalk_path, relative


@dataclass(frozen=True)
class Place:
    unit: str
    name: str
    href: str | None
    code: str


@dataclass(frozen=True)
class PartRow:
    new: Place
    share: str  # "50%", "33,3%", "by figures"
    value: str  # data-value: the exact fraction ("1/2"), empty where there is none
    population: str
    note: str


@dataclass
class EntryRow:
    old: Place
    how: str  # whole, by population, by share, by figures, undecided
    parts: list[PartRow]
    note: str = ""


@dataclass
class NewUnit:
    new: Place
    sources: list[tuple[Place, str]]  # the old units, each with its share


@dataclass
class CrosswalkPage:
    stem: str
    path: str
    title: str
    file: str
    from_year: int
    to_year: int
    from_name: str
    to_name: str
    source: str
    date: str
    note: str
    entries: list[EntryRow]
    new_units: list[NewUnit]
    labels: dict[str, str] = field(default_factory=dict)


def share_text(share: Fraction) -> str:
    """A share as officers read it: a percentage with at most one decimal (``50%``, ``33,3%``)."""
    percent = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if percent == percent.to_integral_value():
        percent = percent.quantize(Decimal(1))
    return _("{value}%").format(value=number(percent))


def labels() -> dict[str, str]:
    return {
        "entries": _("Old units and where they went"),
        "old": _("Old unit"),
        "how": _("Divided"),
        "new": _("New unit"),
        "share": _("Share of its figures"),
        "population": _("Population of the part"),
        "code": _("Code"),
        "reverse": _("New units and the old units they took"),
        "sources": _("From"),
        "source": _("Source"),
        "date": _("In force from"),
        "file": _("File"),
    }


def _how(entry_by: str | None, divided: bool) -> str:
    if not divided:
        return _("whole")
    return {"population": _("by population"), "share": _("by share"), "figure": _("by figures"),
            "undecided": _("undecided")}.get(entry_by or "", "")


def crosswalk_stem(loaded: LoadedCrosswalk) -> str:
    return PurePosixPath(loaded.file).stem


def crosswalk_page(repo: Repository, loaded: LoadedCrosswalk, addresses: Addresses, stem: str | None = None) -> CrosswalkPage:
    bridge = Bridge(repo, loaded)
    crosswalk = loaded.crosswalk
    stem = stem or crosswalk_stem(loaded)
    page = crosswalk_path(stem)

    def place(unit: str, year: int, code: str | None) -> Place:
        path = addresses.unit(unit, year)
        slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else unit
        return Place(slug, bridge.name_of(unit), relative(path, page) if path else None, code or "")

    entries: list[EntryRow] = []
    sources: dict[str, list[tuple[Place, str]]] = {}
    new_places: dict[str, Place] = {}
    for entry in crosswalk.units:
        old = place(entry.old, crosswalk.from_.year, entry.code)
        try:
            shares: list[Fraction | None] = list(bridge.shares(entry, "")) if entry.by != "figure" else [None] * len(entry.parts)
        except (CarryError, ZeroDivisionError):
            shares = [None] * len(entry.parts)
        parts = []
        for part, share in zip(entry.parts, shares):
            new = new_places.setdefault(part.unit, place(part.unit, crosswalk.to.year, part.code))
            text = share_text(share) if share is not None else (_("by figures") if entry.by == "figure" else "—")
            parts.append(PartRow(new, text, f"{share.numerator}/{share.denominator}" if share is not None else "",
                                 number(part.population) if part.population is not None else "", part.note or ""))
            sources.setdefault(part.unit, []).append((old, text))
        entries.append(EntryRow(old, _how(entry.by, entry.divided), parts, entry.note or ""))
    ordered = [unit for unit in bridge.order() if unit in sources]
    new_units = [NewUnit(new_places[unit], sources[unit]) for unit in ordered]
    title = _("Crosswalk {from_year} → {to_year}: {from_name} → {to_name}").format(
        from_year=crosswalk.from_.year, to_year=crosswalk.to.year,
        from_name=bridge.name_of(crosswalk.from_.unit), to_name=bridge.name_of(crosswalk.to.unit))
    return CrosswalkPage(
        stem=stem, path=page, title=title, file=loaded.file, from_year=crosswalk.from_.year, to_year=crosswalk.to.year,
        from_name=bridge.name_of(crosswalk.from_.unit), to_name=bridge.name_of(crosswalk.to.unit),
        source=crosswalk.source or "", date=crosswalk.date or "", note=crosswalk.note or "",
        entries=entries, new_units=new_units, labels=labels(),
    )


def crosswalk_pages(repo: Repository, addresses: Addresses) -> list[CrosswalkPage]:
    """A page per crosswalk of the repository, each named by its file's stem (never two alike)."""
    pages, taken = [], set()
    for loaded in repo.crosswalks:
        stem, count = crosswalk_stem(loaded), 2
        wanted = stem
        while stem in taken:
            stem, count = f"{wanted}-{count}", count + 1
        taken.add(stem)
        pages.append(crosswalk_page(repo, loaded, addresses, stem))
    return pages
