"""The official administrative units, by date, and how the 2025 reform mapped old units to new.

Names and codes come from the optional package ``vietnamadminunits`` (``pip install
"dansokh[units]"``), never from a list typed here.  It holds two lists: the units in force in
the first half of 2025 (63 provinces, 696 districts, 10,035 communes: three levels; its table has 10,040
rows, five of them island districts without communes) and the units
in force since 1 July 2025 (34 provinces, 3,321 communes: two levels), and the reform's table of
which old commune went to which new one, with the old communes that were divided among several
marked as such.  Its data files are read directly (an SQLite table and a JSON file), without
importing its address parser, which would load geopy and shapely for nothing.

A date picks the list in force (``snapshot_for``); a name is matched across tone-mark placement
(Thụy/Thuỵ) with or without its kind (``Ngọc Thụy``, ``Phường Ngọc Thụy``).  Without the package,
``available()`` is false and ``unavailable_reason()`` says how to install it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from ..i18n import _
from .names import name_key, slug

LIBRARY = "vietnamadminunits"
EXTRA = "dansokh[units]"
REFORM = date(2025, 7, 1)  # the two-level local government (Luật Tổ chức chính quyền địa phương 2025)
LEGACY_START = date(2025, 1, 1)  # the library's older list is the one of the first half of 2025

# the kinds of unit as the library writes them, longest first (to split "Thành phố Hà Nội")
KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


@dataclass(frozen=True, slots=True)
class OfficialUnit:
    """One official unit: its code (``00118``), its name without its kind (``Ngọc Thụy``), its
    full name (``Phường Ngọc Thụy``), its kind (``Phường``), its level (1 a province, then
    districts and communes) and the code of the unit above it."""

    code: str
    name: str
    full_name: str
    kind: str
    level: int
    parent: str | None

    @property
    def title(self) -> str:
        """As officers write it in a sentence: ``phường Ngọc Thụy``."""
        return f"{self.kind[:1].lower()}{self.kind[1:]} {self.name}" if self.kind else self.name

    @property
    def unit_id(self) -> str:
        """The id dansokh proposes for a unit of the new list: its name and code, unique
        whatever old unit had the same name (``bo-de-00118``)."""
        return f"{slug(self.name)}-{self.code}"


@dataclass
class Snapshot:
    """The units in force from ``start`` (until ``end``, exclusive, if it ended)."""

    key: str  # "2025-01": the list of the first half of 2025; "2025-07": since the reform
    start: date
    end: date | None
    levels: int
    units: dict[str, OfficialUnit] = field(default_factory=dict)
    children: dict[str | None, list[OfficialUnit]] = field(default_factory=lambda: defaultdict(list))
    # names indexed when first looked up, a parent's children at a time: a run that checks one
    # province's plans keys a few hundred names, not the country's
    _names: dict[object, dict[str, list[OfficialUnit]]] = field(default_factory=dict)

    def add(self, unit: OfficialUnit) -> None:
        if unit.code in self.units:
            return
        self.units[unit.code] = unit
        self.children[unit.parent].append(unit)

    def _index(self, pool: object, units: list[OfficialUnit]) -> dict[str, list[OfficialUnit]]:
        found = self._names.get(pool)
        if found is None:
            found = self._names[pool] = defaultdict(list)
            for unit in units:
                key = name_key(unit.name)
                if unit.kind and unit.full_name == f"{unit.kind} {unit.name}":  # the kind's key made once, not per unit
                    full = f"{name_key(unit.kind)} {key}" if key else name_key(unit.kind)
                else:
                    full = name_key(unit.full_name)
                for each in {key, full}:
                    found[each].append(unit)
        return found

    def named(self, name: str, parent: str | None = None, anywhere: bool = False) -> list[OfficialUnit]:
        """The units called ``name`` (with or without their kind): among the children of
        ``parent`` (the provinces when ``None``), or ``anywhere``."""
        if anywhere:
            index = self._names.get("*") or self._index("*", list(self.units.values()))  # the list built once
        else:
            index = self._index(parent, self.children.get(parent, []))
        return list(index.get(name_key(name), []))

    def ancestors(self, unit: OfficialUnit) -> list[OfficialUnit]:
        chain = []
        while unit.parent is not None and unit.parent in self.units:
            unit = self.units[unit.parent]
            chain.append(unit)
        return chain

    def describe(self) -> str:
        """``the list in force since 1/7/2025`` in the reader's language."""
        if self.end is None:
            return _("the official list in force since {day}").format(day=_day(self.start))
        return _("the official list in force before {day}").format(day=_day(self.end))


def _day(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


@dataclass(frozen=True, slots=True)
class NewPart:
    """Where (part of) an old commune went in the reform: the new unit's code, and whether it
    holds the old commune's geocoded point: the one new unit the library marks for a divided
    commune (``isDefaultNewWard``), chosen by where a geocoder put the old commune, which is not
    where its seat was (old phường Ngọc Thụy's point is in the new Hồng Hà, its seat in the new
    Bồ Đề)."""

    code: str
    geocoded: bool


@dataclass
class Reform:
    """The 2025 reform: which new units each old commune went to (``divided`` when several) and
    which old provinces each new province was made of."""

    old: Snapshot
    new: Snapshot
    communes: dict[str, list[NewPart]]  # old commune code -> its new units
    provinces: dict[str, list[str]]  # new province code -> old province codes

    def parts_of(self, old: OfficialUnit) -> list[NewPart]:
        """The new units an old unit's territory went to: a commune's from the table; a district's
        or a province's, the union of its communes' (a unit above the communes is divided
        whenever its communes went to more than one new unit)."""
        if old.level == self.old.levels:
            return list(self.communes.get(old.code, []))
        seen: dict[str, NewPart] = {}
        stack = [old]
        while stack:
            unit = stack.pop()
            for child in self.old.children.get(unit.code, []):
                if child.level == self.old.levels:
                    for part in self.communes.get(child.code, []):
                        seen.setdefault(part.code, NewPart(part.code, False))
                else:
                    stack.append(child)
        return list(seen.values())

    def sources_of(self, new: OfficialUnit) -> list[str]:
        """The old communes (codes) a new unit took territory from."""
        return [old for old, parts in self.communes.items() if any(p.code == new.code for p in parts)]


@cache
def _library_folder() -> Path | None:
    """The package's folder, found without importing it (its ``__init__`` loads geopy and shapely);
    looked for once a process (a plan rule asks for every plan)."""
    try:
        spec = importlib.util.find_spec(LIBRARY)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _data_folder() -> Path | None:
    folder = _library_folder()
    return None if folder is None else _data_in(folder)


@cache
def _data_in(folder: Path) -> Path | None:
    data = folder / "data"
    if not (data / "dataset.db").is_file() or not (data / "converter_2025.json").is_file():
        return None
    return data


def available() -> bool:
    return _data_folder() is not None


def library_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(LIBRARY)
    except PackageNotFoundError:
        return None


def unavailable_reason() -> str:
    """Why the official list cannot be read, and how to fix it, in the reader's language."""
    if _library_folder() is None:
        return _(
            "the official list of administrative units is not installed: install it with"
            ' pip install "{extra}" (the package {library})'
        ).format(extra=EXTRA, library=LIBRARY)
    return _(
        "the installed {library} {version} does not have the data files this dansokh reads"
        " (data/dataset.db, data/converter_2025.json): install {library} 1.0.4 or a later 1.x"
    ).format(library=LIBRARY, version=library_version() or "?")


def source_label() -> str:
    """``vietnamadminunits 1.0.4``: where the names and codes came from."""
    return f"{LIBRARY} {library_version() or '?'}"


def _split_kind(full: str, short: str | None) -> str:
    if short and full.endswith(short):
        return full[: len(full) - len(short)].strip()
    return next((kind for kind in KINDS if full.startswith(kind + " ")), "")


def _unit(code: str, full: str, short: str | None, level: int, parent: str | None) -> OfficialUnit:
    kind = _split_kind(full, short)
    name = short if short else full[len(kind):].strip()
    return OfficialUnit(code, name, full, kind, level, parent)


def _connected() -> contextlib.closing[sqlite3.Connection]:
    folder = _data_folder()
    if folder is None:
        raise LookupError(unavailable_reason())
    uri = (folder / "dataset.db").resolve().as_uri() + "?mode=ro"
    return contextlib.closing(sqlite3.connect(uri, uri=True))  # closed, not only committed


@cache
def _old_list() -> tuple[Snapshot, dict[tuple[str, ...], str]]:
    """The list of the first half of 2025, and the library's text keys of its units (what its
    reform table names): (province, district, commune), and (province,)."""
    old = Snapshot("2025-01", LEGACY_START, REFORM, 3)
    old_keys: dict[tuple[str, ...], str] = {}
    with _connected() as connection:
        for row in connection.execute(
            "SELECT provinceCode, province, provinceShort, provinceKey, districtCode, district, districtShort,"
            " districtKey, wardCode, ward, wardShort, wardKey FROM admin_units_legacy"
        ):
            p_code, p_full, p_short, p_key, d_code, d_full, d_short, d_key, w_code, w_full, w_short, w_key = row
            if p_code not in old.units:  # a province and a district stand on each of their communes' rows
                old.add(_unit(p_code, p_full, p_short, 1, None))
            if d_code not in old.units:
                old.add(_unit(d_code, d_full, d_short, 2, p_code))
            old_keys[(p_key,)] = p_code
            if w_code:
                old.add(_unit(w_code, w_full, w_short, 3, d_code))
                old_keys[(p_key, d_key, w_key)] = w_code
    return old, old_keys


@cache
def _new_list() -> tuple[Snapshot, dict[tuple[str, str], str]]:
    """The list in force since the reform, and its units' text keys: (province, commune), (province, "")."""
    new = Snapshot("2025-07", REFORM, None, 2)
    new_keys: dict[tuple[str, str], str] = {}
    with _connected() as connection:
        for row in connection.execute(
            "SELECT provinceCode, province, provinceShort, provinceKey, wardCode, ward, wardShort, wardKey FROM admin_units"
        ):
            p_code, p_full, p_short, p_key, w_code, w_full, w_short, w_key = row
            if p_code not in new.units:
                new.add(_unit(p_code, p_full, p_short, 1, None))
            new.add(_unit(w_code, w_full, w_short, 2, p_code))
            new_keys[(p_key, w_key)] = w_code
            new_keys[(p_key, "")] = p_code
    return new, new_keys


def _tables() -> tuple[Snapshot, Snapshot, dict[tuple[str, ...], str], dict[tuple[str, str], str]]:
    """Both lists, and the library's text keys of their units (what its reform table names)."""
    (old, old_keys), (new, new_keys) = _old_list(), _new_list()
    return old, new, old_keys, new_keys


def snapshots() -> tuple[Snapshot, Snapshot]:
    old, new, _old_keys, _new_keys = _tables()
    return old, new


def list_in_force(day: date) -> str | None:
    """Which list is in force on ``day`` (``Snapshot.key``), known from the date alone: the
    lists are read only where their units are needed (the one of 2025 has three times as many)."""
    if day >= REFORM:
        return "2025-07"
    if day >= LEGACY_START:
        return "2025-01"
    return None


def snapshot_for(day: date) -> Snapshot | None:
    """The list in force on ``day``; ``None`` before 2025 (the library has no older list)."""
    key = list_in_force(day)
    if key is None:
        return None
    return _new_list()[0] if key == "2025-07" else _old_list()[0]


@cache
def reform() -> Reform:
    """The reform's table, by codes: every old commune's new units, every new province's old ones."""
    old, new, old_keys, new_keys = _tables()
    with (_data_folder() / "converter_2025.json").open(encoding="utf-8") as stream:  # type: ignore[operator]
        table = json.load(stream)
    provinces: dict[str, list[str]] = {}
    for new_key, old_province_keys in table["DICT_PROVINCE"].items():
        code = new_keys.get((new_key, ""))
        if code is not None:
            provinces[code] = [old_keys[(k,)] for k in old_province_keys if (k,) in old_keys]
    communes: dict[str, list[NewPart]] = defaultdict(list)
    for new_province, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            new_code = new_keys.get((new_province, new_ward))
            for old_key in olds:
                old_code = old_keys.get(tuple(old_key.split("_")))
                if new_code is not None and old_code is not None:
                    communes[old_code].append(NewPart(new_code, True))
    for new_province, divided in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            old_code = old_keys.get(tuple(old_key.split("_")))
            if old_code is None:
                continue
            for part in parts:
                new_code = new_keys.get((new_province, part["newWardKey"]))
                if new_code is not None:
                    communes[old_code].append(NewPart(new_code, bool(part.get("isDefaultNewWard"))))
    return Reform(old, new, dict(communes), provinces)
