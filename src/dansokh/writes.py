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


class ConcurrentChange(RuntimeError):
    """The file on disk is no longer the one that was read."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, text: str, expected_digest: str) -> None:
    current = path.read_bytes()
    if digest(current) != expected_digest:
        raise ConcurrentChange(f"{path} changed on disk since it was read; nothing was written")
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
