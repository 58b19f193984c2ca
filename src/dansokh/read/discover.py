"""Finding the plan files under the paths a user gives, and naming them as the user would."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from .files import kind_of

PLAN_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Skipped:
    """A path under a plans folder that was not read, and why (said as a warning, never silently)."""

    path: Path
    reason: str


def display_path(path: Path | str) -> str:
    """Paths as the user would type them: relative to the working folder where possible."""
    text = os.fspath(path)
    if not os.path.isabs(text):  # relative already: ``relpath`` would only normalise it, at ten times the cost
        normal = os.path.normpath(text)
        if normal != os.pardir and not normal.startswith(os.pardir + os.sep):
            return normal
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def plan_files(folder: Path, skipped: list[Skipped] | None = None) -> list[Path]:
    """The plan files under a folder, recursively, hidden files and folders skipped, in the
    order of their paths; what cannot be read as a plan file goes into ``skipped``."""
    return [Path(name) for name in plan_file_names(str(folder), skipped)]


def plan_file_names(folder: str, skipped: list[Skipped] | None = None) -> list[str]:
    """``plan_files`` as strings: ``os.scandir`` and no ``Path`` per file, which counts at ten
    thousand files; ordered as paths are (by their parts).  Links to folders are not followed
    (a link may loop or leave the tree); a broken or looping link, a FIFO or device named like a
    plan, and a folder that cannot be listed go into ``skipped`` when it is given."""
    found: list[str] = []
    pending = [folder]
    while pending:  # a loop, not recursion: a tree may be deeper than Python's stack
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            if skipped is not None:
                skipped.append(Skipped(Path(directory), _("cannot list the folder: {reason}").format(reason=error.strerror)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                plan_name = entry.name.endswith(PLAN_SUFFIXES)
                if plan_name and entry.is_file(follow_symlinks=False):
                    found.append(entry.path)
                    continue
                if entry.is_symlink():
                    reason = _link_problem(entry.path, plan_name)
                    if reason is None:
                        found.append(entry.path)
                    elif reason and skipped is not None:
                        skipped.append(Skipped(Path(entry.path), reason))
                elif plan_name and skipped is not None:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    skipped.append(Skipped(Path(entry.path), _("{kind}, not a plan file").format(kind=kind_of(mode))))
            except OSError as error:
                if skipped is not None:
                    skipped.append(Skipped(Path(entry.path), error.strerror or str(error)))
    return sorted(found, key=path_order)


def path_order(name: str) -> str:
    """The key that orders paths by their parts (``a/b`` before ``a-b/c``): the separator as the
    least character, which no name holds; cheaper than a list of parts at ten thousand files."""
    return name.replace(os.sep, "\0")


def _link_problem(path: str, plan_name: bool) -> str | None:
    """None for a link to a regular plan file (it is read); "" for a link to be ignored quietly
    (to a file not named like a plan); otherwise why the link is skipped."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ENOENT:
            return _("a broken symbolic link (to {target})").format(target=os.readlink(path))
        return _("a symbolic link that cannot be followed: {reason}").format(reason=error.strerror)
    if stat.S_ISDIR(mode):
        return _("a symbolic link to a folder, not followed")
    if not plan_name:
        return ""
    if stat.S_ISREG(mode):
        return None
    return _("{kind}, not a plan file").format(kind=kind_of(mode))


def discover(paths: list[Path], skipped: list[Skipped] | None = None) -> tuple[list[Path], list[Path]]:
    """Plan files under the given paths (recursively, hidden files and folders skipped), and
    the directories that held none; what cannot be read as a plan file goes into ``skipped``."""
    files: list[Path] = []
    empty: list[Path] = []
    for path in paths:
        if os.path.isdir(path):  # not Path.is_dir: a name too long for the system is a file, reported when read
            found = plan_files(path, skipped)
            if not found:
                empty.append(path)
            files.extend(found)
        else:
            files.append(path)
    return list(dict.fromkeys(files)), empty


Scan = tuple[list[str], list[Skipped]]
"""What ``plan_file_names`` found under a folder, and what it skipped there."""


def names_within(folder: str, scans: dict[str, Scan]) -> Scan | None:
    """``plan_file_names(folder)`` (and its skipped paths) from the scan of a folder that holds it,
    where that scan walked into it (no hidden folder, no link on the way): the names as a scan of
    ``folder`` itself gives them, in the same order; ``None`` where no scan did.  A command given
    the plans of one year need not list them twice."""
    real = os.path.realpath(folder)
    for scanned, (names, skipped) in scans.items():
        real_scanned = os.path.realpath(scanned)
        if real != real_scanned and not real.startswith(os.path.join(real_scanned, "")):
            continue
        parts = [] if real == real_scanned else os.path.relpath(real, real_scanned).split(os.sep)
        walked = scanned
        for part in parts:  # the scan enters neither a hidden folder nor a link
            walked = os.path.join(walked, part)
            if part.startswith(".") or os.path.islink(walked):
                break
        else:
            top = os.path.join(scanned, *parts)
            prefix = os.path.join(top, "")
            cut = len(prefix)
            joined = os.path.join(folder, "")
            mine = [joined + name[cut:] for name in names if name.startswith(prefix)]
            missed: list[Skipped] = []
            for entry in skipped:
                name = str(entry.path)
                if name == top:  # the folder itself could not be listed
                    missed.append(Skipped(Path(folder), entry.reason))
                elif name.startswith(prefix):
                    missed.append(Skipped(Path(os.path.join(folder, name[cut:])), entry.reason))
            return mine, missed
    return None
