"""``validate --staged``: the plans as the next commit will hold them (git's index), for the
pre-commit hook.

What the working folder holds beside the index is not what is committed: an untracked draft, a
change not staged, an untracked ``dansokh.toml`` that ignores a rule.  The index's own files are
laid out in a temporary folder (a *staged tree*) and the check runs there, unchanged: the plans
and results, the settings (``dansokh.toml``, ``pyproject.toml``) and the catalogue they name, as
staged.  Only the files dansokh reads are written (``*.yaml``/``*.yml`` outside hidden folders,
the settings files, the catalogue); their sizes come first (``cat-file --batch-check``), and a
blob over the size limit is never read: it stands in the tree as a sparse file of its size, which
the check reports as Y006 without reading more than the limit + 1 byte of it, as on disk.  The
others are read in batches of ``cat-file --batch`` (``git._blobs``).  A symbolic link is laid out
as a link (to the same file of the tree, or where it points outside the repository); a submodule
is another repository's and is left out.

The run works in the staged tree's copy of the working folder, so the paths it reports are the
ones the user typed; the repository's cache (``.dansokh_cache``) serves it, entries being keyed
by content.  The tree is removed afterwards, whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..i18n import _
from ..read.discover import PLAN_SUFFIXES
from ..read.limits import DEFAULT_MAX_BYTES
from .git import GitError, _blobs, _git, repository_root

SETTINGS = (config.CONFIG_FILE, "pyproject.toml")
SYMLINK = "120000"
GITLINK = "160000"
BATCH = 256  # blobs read at a time: a repository's plans are never all in memory at once
_LINK_LIMIT = 4096  # a link's target is a path


@dataclass(frozen=True)
class StagedTree:
    """The index laid out at ``tree``; ``top`` is the work tree it stands for."""

    tree: Path
    top: Path

    def real(self, path: Path) -> Path:
        """Where a folder of the staged tree is in the work tree (for the cache)."""
        try:
            return self.top / Path(path).relative_to(self.tree)
        except ValueError:
            return Path(path)

    def path(self, given: Path, here: Path) -> Path:
        """A path the user gave (relative to the working folder ``here``) as the staged tree has
        it: the same path inside the repository, the path itself outside it."""
        absolute = Path(os.path.abspath(here / given))
        if not absolute.is_relative_to(self.top):
            return absolute
        return self.tree / absolute.relative_to(self.top) if given.is_absolute() else given


def _entries(top: Path) -> list[tuple[str, str, str]]:
    """The index: (mode, blob id, name relative to the top) of each entry; a ``GitError`` when
    a merge left some unresolved (git commits nothing then either)."""
    entries = []
    unmerged = []
    for entry in _git(["ls-files", "-s", "-z", "--full-name"], top).split(b"\0"):
        if not entry:
            continue
        info, _tab, raw = entry.partition(b"\t")
        mode, blob, stage = info.decode("ascii").split()
        name = raw.decode("utf-8", errors="surrogateescape")
        if stage != "0":
            unmerged.append(name)
            continue
        entries.append((mode, blob, name))
    if unmerged:
        raise GitError(
            _("{file} is not merged yet (resolve the conflict and git add it; git commits nothing before)").format(
                file=sorted(unmerged)[0]
            )
        )
    return entries


def _wanted(name: str) -> bool:
    parts = name.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    return parts[-1].endswith(PLAN_SUFFIXES) or parts[-1] in SETTINGS


def _sizes(blobs: list[str], top: Path) -> dict[str, int]:
    """The size of each blob (``cat-file --batch-check``), none of them read."""
    if not blobs:
        return {}
    sizes = {}
    for line in _git(["cat-file", "--batch-check"], top, ("\n".join(blobs) + "\n").encode("ascii")).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == b"blob":
            sizes[parts[0].decode("ascii")] = int(parts[2])
    return sizes


def _place(tree: Path, name: str) -> Path:
    target = tree.joinpath(*name.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _lay_out(tree: Path, top: Path, entries: list[tuple[str, str, str]], max_bytes: int) -> None:
    """Write the entries dansokh reads into ``tree`` (and the files the links among them point
    to): files over ``max_bytes`` as sparse files of their size (never read), links as links,
    the rest from their blobs."""
    sizes = _sizes(sorted({blob for mode, blob, _name in entries if mode != GITLINK}), top)
    links = [(blob, name) for mode, blob, name in entries if mode == SYMLINK and sizes.get(blob, _LINK_LIMIT + 1) <= _LINK_LIMIT]
    targets = {name: os.fsdecode(data) for (_blob, name), data in zip(links, _blobs([blob for blob, _name in links], _LINK_LIMIT, top))}
    pointed = {_pointed(top, name, target) for name, target in targets.items()}
    files: list[tuple[str, str]] = []
    for mode, blob, name in entries:
        if mode in (GITLINK, SYMLINK) or blob not in sizes or not (_wanted(name) or name in pointed):
            continue
        if sizes[blob] > max_bytes:
            with open(_place(tree, name), "wb") as placeholder:
                placeholder.truncate(sizes[blob])
        else:
            files.append((blob, name))
    for start in range(0, len(files), BATCH):
        chunk = files[start : start + BATCH]
        for (_blob, name), data in zip(chunk, _blobs([blob for blob, _name in chunk], max_bytes, top)):
            _place(tree, name).write_bytes(data)
    for name, target in targets.items():
        _link(tree, top, name, target)


def _pointed(top: Path, name: str, target: str) -> str | None:
    """The file of the repository a link of the index points to (its name), if inside it."""
    pointed = Path(os.path.normpath(top / Path(name).parent / target))
    return pointed.relative_to(top).as_posix() if pointed.is_relative_to(top) else None


def _link(tree: Path, top: Path, name: str, target: str) -> None:
    """A link of the index: to the same file of the staged tree when it points inside the
    repository, else to where it points on disk (as the work tree's link does)."""
    place = _place(tree, name)
    pointed = Path(os.path.normpath(top / Path(name).parent / target))
    if pointed.is_relative_to(top):
        destination = str(tree / pointed.relative_to(top))
    else:
        destination = str(pointed)
    try:
        os.symlink(destination, place)
    except OSError:  # no links on this file system (Windows without the right): not laid out
        pass


def _catalogue(tree: Path, here: Path, top: Path, entries: list[tuple[str, str, str]], max_bytes: int) -> None:
    """The catalogue the staged settings name, when its name is not a plan file's (already there)."""
    try:
        found = config.find(here)
        if found is None:
            return
        settings = config.parse(*found)
        if settings.catalogue is None:
            return
        path = config.inside(found[0], "catalogue", settings.catalogue)
    except config.ConfigError:
        return  # reported by the check itself
    if path.exists() or not path.is_relative_to(tree):
        return
    name = path.relative_to(tree).as_posix()
    for mode, blob, entry in entries:
        if entry == name and mode not in (GITLINK, SYMLINK):
            if _sizes([blob], top).get(blob, max_bytes + 1) > max_bytes:
                with open(_place(tree, name), "wb") as placeholder:
                    placeholder.truncate(_sizes([blob], top).get(blob, 0))
            else:
                _place(tree, name).write_bytes(_blobs([blob], max_bytes, top)[0])


@contextlib.contextmanager
def staged_tree(max_bytes: int | None = None, settings: Path | None = None) -> Iterator[StagedTree]:
    """The index laid out in a temporary folder, the run moved into its copy of the working
    folder for the time of the ``with`` block; the working folder and the tree restored and
    removed afterwards.  The size limit is ``max_bytes``, else the staged settings' (or those
    of the file ``settings``), else the default.  A ``GitError`` outside a git work tree."""
    here = Path.cwd()
    top = repository_root()
    entries = _entries(top)
    tree = Path(tempfile.mkdtemp(prefix="dansokh-staged-"))
    try:
        (tree / ".git").mkdir()  # the top of the work tree, as dansokh finds it (read.root)
        inside = os.path.relpath(os.path.realpath(here), os.path.realpath(top))
        folder = tree if inside == "." else tree / inside
        folder.mkdir(parents=True, exist_ok=True)
        # the settings first: they may set the size limit of the plans
        _lay_out(tree, top, [e for e in entries if e[2].rsplit("/", 1)[-1] in SETTINGS], config.MAX_CONFIG_BYTES)
        if max_bytes is None:
            try:
                max_bytes = config.load(folder, settings).max_file_size or DEFAULT_MAX_BYTES
            except config.ConfigError:  # reported by the check itself
                max_bytes = DEFAULT_MAX_BYTES
        _lay_out(tree, top, [e for e in entries if e[2].rsplit("/", 1)[-1] not in SETTINGS], max_bytes)
        _catalogue(tree, folder, top, entries, max_bytes)
        os.chdir(folder)
        try:
            yield StagedTree(tree, top)
        finally:
            os.chdir(here)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
