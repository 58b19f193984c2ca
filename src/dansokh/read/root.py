"""The repository the given paths belong to: its root, and the folders that hold its plans.

A plan is checked against its parent's and its children's plans wherever they are in the
repository, so ``dansokh validate plans/2025/ngoc-thuy.yaml`` needs to know where the repository
is.  The root is, from the first given path upwards: the folder of a ``dansokh.toml`` or of a
``pyproject.toml`` with ``[tool.dansokh]``; else the top of the git work tree; else the folder
given.  Its plans are under the folders of the ``plans`` setting, else under ``plans/`` when
there is one, else anywhere in the root.  Its indicator catalogue, where it extends dansokh's, is
the file the ``catalogue`` setting names (relative to the settings file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import config
from .discover import PLAN_SUFFIXES

CACHE_FOLDER = ".dansokh_cache"


@dataclass(frozen=True)
class Root:
    path: Path  # absolute
    plan_folders: tuple[Path, ...]  # absolute, under ``path``
    catalogue: Path | None = None  # absolute: the repository's catalogue file (``catalogue`` setting)

    def keeps(self, path: Path) -> bool:
        """Whether ``path`` is a file of the repository's plans (a YAML file in a plans folder,
        through any link) or its catalogue: what no output may replace."""
        try:
            real = Path(os.path.realpath(path))
        except (OSError, ValueError):
            return False
        if not os.path.isfile(real):
            return False
        if self.catalogue is not None and real == Path(os.path.realpath(self.catalogue)):
            return True
        return real.name.endswith(PLAN_SUFFIXES) and any(real.is_relative_to(os.path.realpath(f)) for f in self.plan_folders)

    def relative(self, path: Path) -> str:
        """A file's name inside the repository (``plans/2025/city.yaml``): the cache's and the
        index's key, independent of the working folder."""
        return Path(os.path.relpath(path, self.path)).as_posix()


def _start(paths: list[Path]) -> Path:
    """The folder the search starts from: that of the first given path (paths elsewhere, a
    results folder from another repository say, are read as given, not searched as context)."""
    if not paths:
        return Path.cwd().resolve()
    first = paths[0].resolve()
    return first if os.path.isdir(first) else first.parent


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_root(paths: list[Path]) -> Root:
    """The repository of the given paths (see the module's docstring); a ``ConfigError`` when
    its configuration file cannot be read."""
    start = _start(paths)
    found = config.find(start)
    folders: list[str] = []
    catalogue: Path | None = None
    if found is not None:
        marker, table = found
        root = marker.parent
        settings = config.parse(marker, table)  # of the right types, and inside the repository
        folders = settings.plans
        if settings.catalogue is not None:
            catalogue = config.inside(marker, "catalogue", settings.catalogue)
    else:
        root = _git_root(start) or start
    if folders:
        plan_folders = tuple(config.inside(marker, "plans", folder) for folder in folders)
    elif (root / "plans").is_dir():
        plan_folders = (root / "plans",)
    else:
        plan_folders = (root,)
    return Root(root, plan_folders, catalogue)
