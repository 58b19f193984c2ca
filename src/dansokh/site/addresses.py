"""Where the results pages live in the site, relative to its root (``2025/indicators/new_users_iud.html``).

The generator knows each unit's page (its plan file's stem, else its id's slug); the results pages
ask through ``Addresses`` and never guess.  A page writes an address relative to itself with
``relative``, so that the folder works from ``file://`` and from a sub-path of a Pages site.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache


def indicator_path(code: str, year: int) -> str:
    return f"{year}/indicators/{code}.html"


def period_path(year: int, period: str) -> str:
    return f"{year}/results/{period}.html"


def crosswalk_path(stem: str) -> str:
    return f"crosswalks/{stem}.html"


DIFF_PATH = "diff.html"


def relative(target: str, page: str) -> str:
    """``target`` (from the root) as a link written on ``page`` (from the root)."""
    return _relative(target, posixpath.dirname(page) or ".")


@lru_cache(maxsize=65536)
def _relative(target: str, folder: str) -> str:
    """Cached: a nation's ten thousand unit pages link the same indicator pages from one folder."""
    if folder != "." and target.startswith(folder + "/"):
        return target[len(folder) + 1:]
    return posixpath.relpath(target, folder)


def root_of(page: str) -> str:
    """The way up from ``page`` to the root: ``../`` per folder, ``""`` at the root."""
    return "../" * page.count("/")


@dataclass
class Addresses:
    """The unit pages the generator writes: ``(unit id, year) -> path from the root``."""

    units: dict[tuple[str, int], str] = field(default_factory=dict)

    def unit(self, unit_id: str, year: int) -> str | None:
        return self.units.get((unit_id, year))

    def indicator(self, code: str, year: int) -> str:
        return indicator_path(code, year)

    def period(self, year: int, period: str) -> str:
        return period_path(year, period)
