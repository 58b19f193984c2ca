"""Writing a file so that a failure at any point leaves the original byte for byte.

The new text goes to a temporary file in the same folder, is flushed to disk, and
replaces the original in one atomic rename.  A file that changed on disk since it
was read is not overwritten.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..i18n import _


class ConcurrentChange(RuntimeError):
    """The file on disk is no longer the one that was read."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, text: str, expected_digest: str | None = None) -> None:
    """Replace ``path`` with ``text``; with ``expected_digest``, only if the file on disk is
    still the one that was read."""
    write_bytes_atomic(path, text.encode("utf-8"), expected_digest)


def write_bytes_atomic(path: Path, data: bytes, expected_digest: str | None = None) -> None:
    """Write ``data`` to ``path`` (new or existing) all at once: a temporary file in the same
    folder, flushed to disk, renamed over the target.  An existing file keeps its mode."""
    if expected_digest is not None and digest(path.read_bytes()) != expected_digest:
        raise ConcurrentChange(_("{path} changed on disk since it was read; nothing was written").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
