"""Writing a file so that a failure at any point leaves the original byte for byte.

The new text goes to a temporary file in the same folder, is flushed to disk, and replaces
the original in one atomic rename; the replacement keeps the original's mode and owner.
A file that changed on disk since it was read is not overwritten: the check is made under an
advisory lock on the file, and made again immediately before the rename.  A read-only file is
refused, as an editor would.  A path that is not a regular file (a FIFO, ``/dev/stdout``, a
device) is written through, never replaced; a symbolic link is followed, so the link stays.
A new file (``create_bytes_atomic``) is linked into place only while its path is free: nothing is
at the path until the whole text is.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..i18n import _
from ..read.files import read_bounded
from ..read.limits import REREAD_LIMIT

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, the digest checks remain
    fcntl = None  # type: ignore[assignment]


class WriteRefused(OSError):
    """Nothing was written, on purpose; the message says why (an OSError, so that a caller that
    reports a failed write reports this one too)."""


class ConcurrentChange(WriteRefused):
    """The file on disk is no longer the one that was read."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, text: str, expected_digest: str | None = None) -> None:
    """Replace ``path`` with ``text``; with ``expected_digest``, only if the file on disk is
    still the one that was read."""
    write_bytes_atomic(path, text.encode("utf-8"), expected_digest)


def write_bytes_atomic(path: Path, data: bytes, expected_digest: str | None = None) -> None:
    """Write ``data`` to ``path`` (new or existing) all at once: a temporary file in the same
    folder, flushed to disk, renamed over the target.  Raises ``WriteRefused`` (nothing was
    written: changed on disk, read-only, its owner cannot be kept) or ``OSError``."""
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, _("it is a folder"), str(path))
        if expected_digest is not None:
            raise WriteRefused(_("{path} is not a regular file; nothing was written").format(path=path))
        _write_through(target, data)
        return
    if info is not None and not info.st_mode & 0o222:
        raise WriteRefused(
            _("{path} is read-only (mode {mode}); make it writable first, nothing was written").format(
                path=path, mode=format(stat.S_IMODE(info.st_mode), "o")
            )
        )
    if info is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target if expected_digest is not None else None):
        if expected_digest is not None:
            _still(target, expected_digest, path)
        if info is not None:
            mode = stat.S_IMODE(info.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        temporary = _flushed_temporary(target, data, mode)
        try:
            if info is not None:
                _keep_owner(temporary, info, path)
            if expected_digest is not None:
                _still(target, expected_digest, path)  # once more, just before the rename
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
    _sync_folder(target.parent)


def create_bytes_atomic(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``, never over anything already there (a file, a link, even a
    dangling one, a FIFO): the text goes to a temporary file in the same folder, flushed to disk,
    which is then hard-linked to ``path`` (the link fails when the path is taken) and unlinked.
    Until that link nothing is at ``path``; an interruption at any moment leaves nothing there.
    Raises ``FileExistsError`` when the path is taken, ``OSError`` when it cannot be written.

    Where hard links are not supported (some network and FAT file systems), the path is claimed
    with an exclusive create only once the text is on disk, and the text renamed over that empty
    file while it is still empty: an interruption in those few microseconds can leave it empty."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    temporary = _flushed_temporary(target, data, 0o666 & ~umask)
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        _claim_then_replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _sync_folder(target.parent)


def _flushed_temporary(target: Path, data: bytes, mode: int) -> str:
    """A temporary file beside ``target`` holding ``data``, flushed to disk, with ``mode``: what
    a rename or a link then puts at ``target`` whole."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


_NO_LINKS = frozenset(
    getattr(errno, name) for name in ("EPERM", "EOPNOTSUPP", "ENOTSUP", "EXDEV", "EMLINK", "ENOSYS") if hasattr(errno, name)
)
"""What ``link`` says on a file system without hard links."""


def _claim_then_replace(temporary: str, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    os.close(descriptor)
    try:
        _still(target, digest(b""), target)  # another program wrote into the claimed file meanwhile
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            if os.lstat(target).st_size == 0:
                os.unlink(target)
        raise


def _still(target: Path, expected_digest: str, shown: Path) -> None:
    try:
        current = read_bounded(target, REREAD_LIMIT)
    except OSError:  # gone, or no longer a regular file
        current = b""
    if digest(current) != expected_digest:
        raise ConcurrentChange(_("{path} changed on disk since it was read; nothing was written").format(path=shown))


@contextlib.contextmanager
def _locked(target: Path | None) -> Iterator[None]:
    """An advisory lock on ``target`` while it is checked and replaced: a second dansokh run
    writing the same plan at the same moment is refused instead of losing the first one's change."""
    if target is None or fcntl is None:
        yield
        return
    try:
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConcurrentChange(
                _("{path} is being written by another program (it holds a lock); nothing was written").format(path=target)
            ) from None
        except OSError:  # a filesystem without locks: the digest checks remain
            pass
        yield
    finally:
        os.close(descriptor)


def _keep_owner(temporary: str, info: os.stat_result, shown: Path) -> None:
    if not hasattr(os, "chown"):
        return
    current = os.stat(temporary)
    if (current.st_uid, current.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.chown(temporary, info.st_uid, info.st_gid)
    except PermissionError:
        if current.st_uid != info.st_uid:
            raise WriteRefused(
                _("{path} belongs to another user, and replacing it would change its owner; nothing was written").format(
                    path=shown
                )
            ) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform can)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_through(target: Path, data: bytes) -> None:
    """Write into a FIFO or a device as it is: no temporary file, no rename, no truncation."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(target, flags)
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OSError(error.errno, _("no program is reading from it"), str(target)) from None
        raise
    try:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):  # replaced by a regular file meanwhile
            raise ConcurrentChange(_("{path} changed while it was opened; nothing was written").format(path=target))
        if fcntl is not None:
            flags = fcntl.fcntl(descriptor, fcntl.F_GETFL)
            fcntl.fcntl(descriptor, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
    finally:
        os.close(descriptor)
