"""Plan files as git holds them: at a revision, or changed since one.

Everything goes through the ``git`` command (``ls-tree``, ``show``, ``diff``), run
in the current folder, so paths are the ones the user types (relative to that
folder), as everywhere else in dansokh.  Any failure of git becomes a
``GitError`` with a message a person can act on: the CLI turns it into a usage
error (exit 2).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..i18n import _
from ..read.discover import PLAN_SUFFIXES, discover
from ..read.files import read_bounded
from ..read.limits import DEFAULT_MAX_BYTES


class GitError(Exception):
    """Not a git repository, an unknown revision, or git itself missing."""


def _git(args: list[str], cwd: Path | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError(_("git is not installed (or not on PATH)")) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise GitError(message[-1] if message else _("git {command} failed").format(command=args[0]))
    return done.stdout


def _names(output: bytes) -> list[str]:
    return [name.decode("utf-8", errors="surrogateescape") for name in output.split(b"\0") if name]


def repository_root(cwd: Path | None = None) -> Path:
    """The top folder of the work tree around ``cwd``; a GitError outside one."""
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd).decode("utf-8").strip())
    except GitError:
        where = (cwd or Path.cwd()).resolve()
        raise GitError(
            _("not a git repository: {folder} (diff and --changed-since compare git revisions)").format(folder=where)
        ) from None


def resolve(rev: str, cwd: Path | None = None) -> str:
    """The commit a revision names (``origin/main``, ``HEAD~1``, a tag, a hash)."""
    repository_root(cwd)
    if not rev or rev.startswith("-"):
        raise GitError(_("not a revision: {rev!r}").format(rev=rev))
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd).decode().strip()
    except GitError:
        raise GitError(
            _("unknown revision {rev!r} (is it fetched? in CI, fetch the base branch first)").format(rev=rev)
        ) from None


def _relative(path: Path) -> str:
    """A path as git takes it relative to the current folder."""
    return os.path.relpath(path) if path.is_absolute() else os.path.normpath(path)


def _is_plan(name: str, under: str) -> bool:
    if not name.endswith(PLAN_SUFFIXES):
        return False
    rest = os.path.basename(name) if under == name else os.path.relpath(name, under)
    return not any(part.startswith(".") for part in Path(rest).parts)


def exists_at(commit: str, path: Path, cwd: Path | None = None) -> bool:
    """Whether ``path`` (relative to the current folder) is a file or folder at ``commit``."""
    try:
        _git(["cat-file", "-e", f"{commit}:./{_relative(path)}"], cwd)
    except GitError:
        return False
    return True


def files_at(rev: str, paths: list[Path], cwd: Path | None = None) -> dict[str, bytes]:
    """The plan files (``*.yaml``/``*.yml``, hidden folders skipped, as ``discover``
    does) under ``paths`` at ``rev``: their paths relative to the current folder,
    and their bytes."""
    commit = resolve(rev, cwd)
    files: dict[str, bytes] = {}
    for path in paths:
        under = _relative(path)
        names = _names(_git(["ls-tree", "-r", "-z", "--name-only", commit, "--", under], cwd))
        for name in sorted(names):
            if name not in files and _is_plan(name, under):
                files[name] = _git(["show", f"{commit}:./{name}"], cwd)
    return files


def working_files(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, bytes]:
    """The same, from the work tree (what ``validate`` reads): regular files only, at most
    ``max_bytes`` + 1 bytes of each (the loader reports a larger one)."""
    existing = [path for path in paths if os.path.exists(path)]
    found, _ = discover(existing)
    result: dict[str, bytes] = {}
    for file in found:
        try:
            result[_relative(file)] = read_bounded(file, max_bytes)
        except OSError:
            continue
    return result


def changed_files(rev: str, cwd: Path | None = None) -> set[str]:
    """Files that differ between ``rev`` and the work tree (staged or not, added,
    deleted, renamed: both names) and untracked files, relative to the current folder."""
    commit = resolve(rev, cwd)
    root = repository_root(cwd)
    base = (cwd or Path.cwd()).resolve()
    names = _names(_git(["diff", "--name-only", "-z", "--no-renames", commit, "--"], cwd))
    names += _names(_git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"], cwd))
    return {os.path.relpath(root / name, base) for name in names}
