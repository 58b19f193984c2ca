"""The repository's units placed in the official list in force for their plans (``model.official``).

A unit a plan declares is found in the list by its code, or by its name under its parent's
official unit (tone-mark placement and the kind forgiven; the level a plan declares, cấp tỉnh,
cấp huyện or cấp xã, tells a district from a ward of the same name).  The O rules report what
does not place; ``reform.expected`` uses the places to judge a crosswalk against the official
reform table.  Pure computation.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from ..cascade.repository import Repository
from ..diagnostics import shorten
from ..i18n import _
from ..model import official
from ..model.names import name_key, slug
from ..model.official import OfficialUnit, Snapshot
from ..model.plan import Plan, UnitDecl

# the level a plan declares (``cấp tỉnh``, ``cấp huyện``, ``cấp xã``), as the tier of the list
_TIERS = (("tỉnh", "province"), ("huyện", "district"), ("xã", "commune"))


def declared_tier(level: str) -> str | None:
    key = name_key(level)
    return next((tier for word, tier in _TIERS if name_key(word) in key.split()), None)


def official_tier(unit: OfficialUnit, snapshot: Snapshot) -> str:
    if unit.level == 1:
        return "province"
    return "commune" if unit.level == snapshot.levels else "district"


def level_words(unit: OfficialUnit, snapshot: Snapshot) -> str:
    """The level of an official unit as plans declare it: ``cấp tỉnh``, ``cấp huyện``, ``cấp xã``."""
    tier = official_tier(unit, snapshot)
    return next(f"cấp {word}" for word, name in _TIERS if name == tier)


def units_changed(plan: Plan, year: int) -> bool:
    """Whether the official list in force for ``plan`` is not the one in force in ``year`` (the
    2025 reform lies between them); false where the list is not installed."""
    if not official.available() or not 1 <= year <= 9999:
        return False
    before, after = official.list_in_force(in_force_on(plan)), official.list_in_force(date(year, 1, 1))
    return before is not None and after is not None and before != after


def placed_in(repo: Repository, unit: UnitDecl, year: int) -> OfficialUnit | None:
    """``unit`` in the official list in force on 1 January of ``year``; ``None`` where it is not
    there (a district after the reform) or the list is not installed."""
    snapshot = official.snapshot_for(date(year, 1, 1)) if official.available() and 1 <= year <= 9999 else None
    return Placer(repo, snapshot).place(unit, unit.parent, explain=False).unit if snapshot is not None else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def in_force_on(plan: Plan) -> date:
    """The day whose list a plan's units are checked against: the later of its document's date
    and 1 January of its year (a 2026 plan signed in December 2025 names the units of 2026)."""
    start = date(plan.year, 1, 1) if 1 <= plan.year <= 9999 else date.min
    text = plan.document.date
    if not text:
        return start
    parts = [int(part) for part in text.split("-")]
    try:
        signed = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return start
    return max(signed, start)


@dataclass(frozen=True)
class Placed:
    """A declared unit as the official list knows it, or why it does not."""

    unit: OfficialUnit | None
    problem: str | None = None  # "name" (O001) or "code" (O002)
    message: str = ""


class Placer:
    """Each unit of the repository placed in one list, its parent first (memoised: a national
    repository declares each unit in its own plan and in its parent's)."""

    def __init__(self, repo: Repository, snapshot: Snapshot):
        self.repo, self.snapshot = repo, snapshot
        self.memo: dict[str, OfficialUnit | None] = {}

    def parent_of(self, parent_id: str | None) -> tuple[bool, OfficialUnit | None]:
        """(whether the parent is declared in the repository, its official unit)."""
        declared = self.repo.unit(parent_id) if parent_id is not None else None
        if parent_id is None or declared is None:
            return False, None
        if parent_id not in self.memo:
            self.memo[parent_id] = None  # a cycle of parents stops here
            self.memo[parent_id] = self.place(declared, declared.parent, explain=False).unit
        return True, self.memo[parent_id]

    def place(self, unit: UnitDecl, parent_id: str | None, explain: bool = True) -> Placed:
        """Where ``unit`` stands in the list, or why not: with ``explain``, the message that says so
        (what it names nearby and before the reform: a search of the whole list, not made for the
        place alone)."""
        snapshot = self.snapshot
        declared, parent = self.parent_of(parent_id)
        if declared and parent is None:
            return Placed(None)  # its parent is not official: that is the parent's diagnostic
        if unit.code is not None:
            return self._by_code(unit, parent, explain)
        if parent is not None:
            found = snapshot.named(unit.name, parent.code)
        elif parent_id is None:
            found = snapshot.named(unit.name) or snapshot.named(unit.name, anywhere=True)
        else:  # a parent outside the repository (Bắc Cường's city): the name anywhere in the list
            found = snapshot.named(unit.name, anywhere=True)
        tier = declared_tier(unit.level)
        fitting = [u for u in found if tier is None or official_tier(u, snapshot) == tier]
        if len(fitting) == 1:
            return Placed(fitting[0])
        if len(fitting) > 1:  # one name, several units (a ward and a commune): the code tells them apart
            return Placed(None)
        if not explain:
            return Placed(None, "name")
        if len(found) == 1 and tier is not None:
            return Placed(None, "name", self._wrong_tier(unit, found[0]))
        return Placed(None, "name", self._unknown(unit, parent))

    def _wrong_tier(self, unit: UnitDecl, found: OfficialUnit) -> str:
        snapshot = self.snapshot
        if declared_tier(unit.level) == "district" and snapshot.levels == 2:
            message = _(
                "{name!r} is declared {level}, and there are no districts in {list}: {official} ({code}) is a"
                " commune-level unit (cấp xã)."
            ).format(name=shorten(unit.name), level=unit.level, list=snapshot.describe(), official=found.title, code=found.code)
        else:
            message = _("{name!r} is declared {level}, but {official} ({code}) is not at that level in {list}.").format(
                name=shorten(unit.name), level=unit.level, official=found.title, code=found.code, list=snapshot.describe()
            )
        moved = self._before_the_reform(unit, self.snapshot.units.get(found.parent or ""))
        return message + (" " + moved if moved else "")

    def _by_code(self, unit: UnitDecl, parent: OfficialUnit | None, explain: bool = True) -> Placed:
        snapshot, code = self.snapshot, unit.code
        found = snapshot.units.get(code)  # type: ignore[arg-type]
        if not explain:
            named = []  # the hint's search, for a message not asked for
        elif parent is not None:
            named = snapshot.named(unit.name, parent.code)
        else:
            named = snapshot.named(unit.name, anywhere=True)
        hint = ""
        if len(named) == 1 and (found is None or found.code != named[0].code):
            hint = " " + _("{unit}'s code is {code}: write code: \"{code}\"").format(unit=named[0].title, code=named[0].code)
        if found is None:
            message = _("{code} is not the code of any unit in {list}.").format(code=code, list=snapshot.describe())
            return Placed(None, "code", message + hint)
        if name_key(found.name) != name_key(unit.name) and name_key(found.full_name) != name_key(unit.name):
            message = _("{code} is the code of {official}, not of {name} ({list}).").format(
                code=code, official=found.title, name=unit.name, list=snapshot.describe()
            )
            return Placed(None, "code", message + hint)
        tier = declared_tier(unit.level)
        if tier is not None and official_tier(found, snapshot) != tier:
            return Placed(None, "name", self._wrong_tier(unit, found) if explain else "")
        if parent is not None and found.parent != parent.code:
            above = snapshot.units.get(found.parent or "")
            message = _("{official} ({code}) is a unit of {other}, not of {parent} ({list}).").format(
                official=found.title, code=code, other=above.title if above else "?", parent=parent.title,
                list=snapshot.describe(),
            )
            return Placed(None, "name", message)
        return Placed(found)

    def _unknown(self, unit: UnitDecl, parent: OfficialUnit | None) -> str:
        snapshot = self.snapshot
        pool = snapshot.children.get(parent.code if parent else None, [])
        where = _("a unit of {parent}").format(parent=parent.title) if parent else _("an official unit")
        message = _("{name!r} is not {where} in {list}.").format(name=shorten(unit.name), where=where, list=snapshot.describe())
        by_slug = {slug(u.name): u for u in pool}
        if slug(unit.name) in by_slug:  # the same letters, other marks (Hồng Hả for Hồng Hà)
            close = [slug(unit.name)]
        else:
            close = difflib.get_close_matches(slug(unit.name), list(by_slug), n=3, cutoff=0.8)
        if close:
            message += " " + _("Did you mean {names}?").format(
                names=(" " + _("or") + " ").join(f"{by_slug[c].title} ({by_slug[c].code})" for c in close)
            )
        moved = self._before_the_reform(unit, parent)
        if moved:
            message += " " + moved
        return message

    def _before_the_reform(self, unit: UnitDecl, parent: OfficialUnit | None) -> str:
        """A unit of the old list named in a plan of the new one: where its territory went."""
        old, new = official.snapshots()
        if self.snapshot is not new:
            return ""
        province = parent if parent is not None and parent.level == 1 else None
        olds = old.named(unit.name, anywhere=True)
        tier = declared_tier(unit.level)
        if tier is not None:
            olds = [u for u in olds if official_tier(u, old) == tier]
        if province is not None:
            reform = official.reform()
            sources = set(reform.provinces.get(province.code, []))
            olds = [u for u in olds if (old.ancestors(u) or [u])[-1].code in sources]
        if len(olds) != 1:
            return ""
        gone = olds[0]
        parts = [new.units[p.code].title for p in official.reform().parts_of(gone) if p.code in new.units]
        if not parts:
            return ""
        return _sentence(
            _(
                "{old} was a unit before 1/7/2025; its territory is now in {new} (`dansokh crosswalk` maps last"
                " year's units to this year's)."
            ).format(old=gone.title, new=", ".join(parts))
        )


# --- units that no longer exist, named in a plan's texts ------------------------------------------

# a kind of unit as texts write it, any case (``quận``, ``Quận``, ``thị xã``): the library's kinds
_KIND = re.compile(
    r"(?<![^\W_])(" + "|".join(re.escape(kind) for kind in official.KINDS) + r")(?![^\W_])", re.IGNORECASE
)
_NAME_WORD = re.compile(r"[^\S\n]*([^\W_][\w'’-]*)")
_AND = re.compile(r"\s*,\s*|\s+và\s+")


@dataclass(frozen=True)
class Gone:
    """A unit a text names that the list in force no longer has: as the text writes it
    (``quận Long Biên``, or a kind alone: ``quận``), and the titles of the units that took its
    territory where the reform's table says (none for a kind alone)."""

    words: str
    now: tuple[str, ...] = ()
    kind_only: bool = False


_LONGEST_NAME = 8  # words a unit's name is read to (the longest official names have five or six)
_GONE_KINDS: dict[tuple[str, str], frozenset[str]] = {}


def _gone_kinds(old: Snapshot, new: Snapshot) -> frozenset[str]:
    """The kinds of unit of the older list that no unit of the newer one has (``quận``, ``huyện``,
    ``thị xã``, ``thị trấn`` since 1 July 2025), as keys: from the data, not typed here (once a run)."""
    found = _GONE_KINDS.get((old.key, new.key))
    if found is None:
        found = _GONE_KINDS[(old.key, new.key)] = frozenset(name_key(u.kind) for u in old.units.values()) - frozenset(
            name_key(u.kind) for u in new.units.values()
        )
    return found


_LONGEST: dict[tuple[str, str], int] = {}


def _longest_name(old: Snapshot, new: Snapshot) -> int:
    """The length of the longest name of a unit in either list (once a run)."""
    found = _LONGEST.get((old.key, new.key))
    if found is None:
        found = _LONGEST[(old.key, new.key)] = max(len(u.name) for s in (old, new) for u in s.units.values())
    return found


class Abolished:
    """The units of the list before the reform that a plan's text names and the list in force no
    longer has, for a plan in force under the newer list.  Names are looked up with their kind,
    in the plan's province where it can be placed (else anywhere, where one unit has the name):
    ``phường Bồ Đề`` is in force (a new unit of that name), ``phường Ngọc Thụy`` is not; a kind
    that no unit of the list in force has (``UBND quận``) is reported on its own."""

    def __init__(self, plan: Plan):
        self.old, self.new = official.snapshots()
        self.reform = official.reform()
        self.gone_kinds = _gone_kinds(self.old, self.new)
        self.new_province, self.old_provinces = self._provinces(plan)
        self._seen: dict[tuple[str, str, str], list[OfficialUnit]] = {}
        self.longest = _longest_name(self.old, self.new)

    def _place(self, snapshot: Snapshot, unit: UnitDecl) -> OfficialUnit | None:
        """The plan's own unit in ``snapshot``, by its code or else by its name and level, where
        that is one unit; the plan alone, without its parents (a check of one file)."""
        if unit.code is not None:
            found = snapshot.units.get(unit.code)
            return found if found is not None and name_key(found.name) == name_key(unit.name) else None
        tier = declared_tier(unit.level)
        named = [u for u in snapshot.named(unit.name, anywhere=True) if tier is None or official_tier(u, snapshot) == tier]
        return named[0] if len(named) == 1 else None

    def _provinces(self, plan: Plan) -> tuple[str | None, frozenset[str]]:
        placed = self._place(self.new, plan.unit)
        if placed is not None:
            top = (self.new.ancestors(placed) or [placed])[-1]
            return top.code, frozenset(self.reform.provinces.get(top.code, []))
        placed = self._place(self.old, plan.unit)
        if placed is not None:
            top = (self.old.ancestors(placed) or [placed])[-1]
            new = next((code for code, olds in self.reform.provinces.items() if top.code in olds), None)
            return new, frozenset([top.code])
        return None, frozenset()

    def _in(self, snapshot: Snapshot, kind: str, name: str, provinces: frozenset[str] | None) -> list[OfficialUnit]:
        key = (snapshot.key, kind, name)
        found = self._seen.get(key)
        if found is None:
            found = [u for u in snapshot.named(name, anywhere=True) if name_key(u.kind) == kind]
            if provinces is not None:
                found = [u for u in found if (snapshot.ancestors(u) or [u])[-1].code in provinces]
            if len(self._seen) < 1 << 14:  # a text of many names keeps a bounded memory
                self._seen[key] = found
        return found

    def _named(self, kind: str, words: list[str]) -> tuple[int, OfficialUnit | None] | None:
        """The longest run of ``words`` that names a unit of ``kind``: (its length, the old unit
        when it is one the list in force no longer has, else None); None when no run names one."""
        new_scope = frozenset([self.new_province]) if self.new_province else None
        old_scope = self.old_provinces or None
        for length in range(len(words), 0, -1):
            name = " ".join(words[:length])
            if len(name) > self.longest:  # longer than any official name: not one
                continue
            if self._in(self.new, kind, name, new_scope):
                return length, None
            olds = self._in(self.old, kind, name, old_scope)
            if len(olds) == 1:
                return length, olds[0]
        return None

    def _now(self, unit: OfficialUnit) -> tuple[str, ...]:
        return tuple(self.new.units[p.code].title for p in self.reform.parts_of(unit) if p.code in self.new.units)

    def find(self, text: str) -> list[Gone]:
        """What ``text`` names that no longer exists, in the order written, each once."""
        found: dict[str, Gone] = {}  # by the old unit's code, or the kind written alone
        for match in _KIND.finditer(text):
            kind = name_key(match.group(1))
            end, named_any = match.end(), False
            while True:  # "phường Ngọc Lâm, Thượng Thanh và Gia Thụy": one kind, several names
                words: list[str] = []
                ends: list[int] = []
                at = end
                while (
                    len(words) < _LONGEST_NAME
                    and (word := _NAME_WORD.match(text, at))
                    and (word.group(1)[0].isupper() or word.group(1)[0].isdigit())
                ):
                    words.append(word.group(1))
                    ends.append(word.end())
                    at = word.end()
                named = self._named(kind, words) if words else None
                if named is None:
                    break
                length, old = named
                named_any = True
                if old is not None and old.code not in found:
                    found[old.code] = Gone(f"{match.group(1)} {' '.join(words[:length])}", self._now(old))
                end = ends[length - 1]
                joined = _AND.match(text, end)
                if joined is None:
                    break
                end = joined.end()
            if not named_any and kind in self.gone_kinds and "kind " + kind not in found:
                found["kind " + kind] = Gone(match.group(1), kind_only=True)
        return list(found.values())
