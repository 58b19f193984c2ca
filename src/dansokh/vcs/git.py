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

from ..diagnostics import shorten
from ..i18n import _
from ..read.discover import PLAN_SUFFIXES, discover
from ..read.files import read_bounded
from ..read.limits import DEFAULT_MAX_BYTES


class GitError(Exception):
    """Not a git repository, an unknown revision, or git itself missing."""


def _git(args: list[str], cwd: Path | None = None, data: bytes | None = None) -> bytes:
    """git's output (``data`` on its standard input); a ``GitError`` when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)
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
        raise GitError(_("not a revision: {rev!r}").format(rev=shorten(rev)))
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd).decode().strip()
    except GitError:
        if shallow(cwd):
            raise GitError(
                _("unknown revision {rev!r}: this clone is shallow (git clone --depth, the default checkout in CI) and lacks it; fetch the history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: \"0\"), or at least that revision (git fetch origin REV)").format(rev=shorten(rev))
            ) from None
        raise GitError(
            _("unknown revision {rev!r} (is it fetched? in CI, fetch the base branch first)").format(rev=shorten(rev))
        ) from None


def _relative(path: Path) -> str:
    """A path as git takes it relative to the current folder."""
    return os.path.relpath(path) if path.is_absolute() else os.path.normpath(path)


def _is_plan(name: str, under: str) -> bool:
    return name.endswith(PLAN_SUFFIXES) and not _hidden(name, under)


def _hidden(name: str, under: str) -> bool:
    """Whether ``name`` is hidden or lies in a hidden folder below ``under``, as ``discover`` skips."""
    rest = os.path.basename(name) if under == name else os.path.relpath(name, under)
    return any(part.startswith(".") for part in Path(rest).parts)


def exists_at(commit: str, path: Path, cwd: Path | None = None) -> bool:
    """Whether ``path`` (relative to the current folder) is a file or folder at ``commit``."""
    try:
        _git(["cat-file", "-e", f"{commit}:./{_relative(path)}"], cwd)
    except GitError:
        return False
    return True


class Files(dict[str, bytes]):
    """Plan files (their paths relative to the current folder, and their bytes), with what was
    not read: ``too_large`` the files over the size limit (their sizes: never read), and
    ``submodules`` the git submodules under the paths (their plans are another repository's)."""

    def __init__(self) -> None:
        super().__init__()
        self.too_large: dict[str, int] = {}
        self.submodules: list[str] = []


GITLINK = b"160000"
"""The mode git gives a submodule's entry (a commit of another repository, not a file)."""


def files_at(rev: str, paths: list[Path], cwd: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Files:
    """The plan files (``*.yaml``/``*.yml``, hidden folders skipped, as ``discover``
    does) under ``paths`` at ``rev``: their paths relative to the current folder,
    and their bytes.  Their sizes come first (``ls-tree -l``): a file over ``max_bytes`` is
    never read (``too_large``, reported as Y006); the others are read in one ``cat-file
    --batch``.  A submodule (a gitlink) is never read as a file: it is named in ``submodules``."""
    commit = resolve(rev, cwd)
    files = Files()
    wanted: dict[str, str] = {}  # name -> blob id
    for path in paths:
        under = _relative(path)
        for entry in _git(["ls-tree", "-r", "-l", "-z", commit, "--", under], cwd).split(b"\0"):
            if not entry:
                continue
            info, _tab, raw_name = entry.partition(b"\t")
            mode, kind, blob, size = info.split()
            name = raw_name.decode("utf-8", errors="surrogateescape")
            if name in wanted or name in files.too_large or name in files.submodules:
                continue
            if mode == GITLINK or kind != b"blob":
                if not _hidden(name, under):
                    files.submodules.append(name)
                continue
            if not _is_plan(name, under):
                continue
            if int(size) > max_bytes:
                files.too_large[name] = int(size)
            else:
                wanted[name] = blob.decode("ascii")
    files.submodules.sort()
    for name, data in zip(sorted(wanted), _blobs([wanted[name] for name in sorted(wanted)], max_bytes, cwd)):
        files[name] = data
    return files


def _blobs(ids: list[str], max_bytes: int, cwd: Path | None) -> list[bytes]:
    """The contents of the blobs ``ids`` (each of at most ``max_bytes``), read in one
    ``git cat-file --batch``: ``<id> blob <size>\\n<content>\\n`` each."""
    if not ids:
        return []
    output = _git(["cat-file", "--batch"], cwd, ("\n".join(ids) + "\n").encode("ascii"))
    view = memoryview(output)
    found: list[bytes] = []
    at = 0
    for blob in ids:
        end = output.index(b"\n", at)
        header = bytes(view[at:end]).split()
        if len(header) != 3 or header[1] != b"blob" or int(header[2]) > max_bytes:
            shown = b" ".join(header).decode("utf-8", "replace")
            raise GitError(_("git cat-file gave {header!r} for {blob}").format(header=shorten(shown), blob=blob))
        size = int(header[2])
        found.append(bytes(view[end + 1 : end + 1 + size]))
        at = end + 1 + size + 1
    return found


def working_files(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Files:
    """The same, from the work tree (what ``validate`` reads): regular files only, none over
    ``max_bytes`` read (``too_large``: reported as Y006); a submodule's folder is not read into
    this repository's plans (``submodules``), as at a revision."""
    existing = [path for path in paths if os.path.exists(path)]
    found, _ = discover(existing)
    result = Files()
    result.submodules = _submodules([_relative(path) for path in existing])
    inside = tuple(name + os.sep for name in result.submodules)
    for file in found:
        name = _relative(file)
        if name.startswith(inside):
            continue
        try:
            data = read_bounded(file, max_bytes)
        except OSError:
            continue
        if len(data) > max_bytes:
            result.too_large[name] = max(len(data), _size(file))
        else:
            result[name] = data
    return result


def _size(file: Path) -> int:
    try:
        return os.stat(file).st_size
    except OSError:
        return 0


def _submodules(unders: list[str]) -> list[str]:
    """The submodules (gitlinks in the index) under the folders ``unders`` of the work tree."""
    if not unders:
        return []
    try:
        listing = _git(["ls-files", "-s", "-z", "--", *unders])
    except GitError:  # not a git work tree: no submodules
        return []
    found = []
    for entry in listing.split(b"\0"):
        info, _tab, name = entry.partition(b"\t")
        if info.startswith(GITLINK + b" "):
            found.append(name.decode("utf-8", errors="surrogateescape"))
    return sorted(found)


class Changes(set[str]):
    """Files changed since a revision (relative to the current folder), with ``submodules``: the
    submodules (and nested repositories) among them, whose files are another repository's."""

    def __init__(self, names: set[str] | None = None) -> None:
        super().__init__(names or ())
        self.submodules: list[str] = []


def changed_files(rev: str, cwd: Path | None = None) -> Changes:
    """Files that differ between ``rev`` and the work tree (staged or not, added,
    deleted, renamed: both names) and untracked files, relative to the current folder; a
    submodule added, removed or moved to another commit is named in ``submodules``."""
    commit = resolve(rev, cwd)
    root = repository_root(cwd)
    base = (cwd or Path.cwd()).resolve()
    raw = _git(["diff", "--raw", "-z", "--no-renames", "--no-abbrev", commit, "--"], cwd).split(b"\0")
    names: list[str] = []
    submodules: list[str] = []
    for status, path in zip(raw[0::2], raw[1::2]):  # ":100644 160000 <id> <id> A", then the path
        text = path.decode("utf-8", errors="surrogateescape")
        modes = status.lstrip(b":").split()[:2]
        (submodules if GITLINK in modes else names).append(text)
    for name in _names(_git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"], cwd)):
        # an untracked repository inside this one is listed as its folder, "sub/"
        (submodules if name.endswith("/") else names).append(name.rstrip("/"))
    found = Changes({os.path.relpath(root / name, base) for name in names})
    found.submodules = sorted({os.path.relpath(root / name, base) for name in submodules})
    return found


def checkout_state(folder: Path) -> tuple[str, bool] | None:
    """The short hash of the commit checked out in the work tree at ``folder`` and whether its
    tracked files have changes not committed (untracked files do not count, as for a build's
    version); ``None`` when git cannot say."""
    try:
        commit = _git(["rev-parse", "--short=7", "HEAD"], folder).decode("ascii").strip()
        dirty = bool(_git(["status", "--porcelain", "--untracked-files=no"], folder).strip())
    except (GitError, OSError, UnicodeDecodeError):
        return None
    return commit, dirty
def head_commit(paths: list[Path], cwd: Path | None = None) -> tuple[str, bool] | None:
    """The short hash of the commit checked out, and whether ``paths`` differ from it (changed,
    staged or untracked files under them); ``None`` outside a git repository or before the
    first commit."""
    try:
        short = _git(["rev-parse", "--short", "--verify", "--quiet", "HEAD"], cwd).decode("ascii", "replace").strip()
        status = _git(["status", "--porcelain", "-z", "--untracked-files=all", "--", *(_relative(p) for p in paths)], cwd)
    except GitError:
        return None
    return (short, bool(status.strip(b"\0"))) if short else None


def shallow(cwd: Path | None = None) -> bool:
    """Whether the clone is shallow (``git clone --depth N``, CI's default checkout)."""
    try:
        return _git(["rev-parse", "--is-shallow-repository"], cwd).strip() == b"true"
    except GitError:
        return False
