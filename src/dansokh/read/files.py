"""Reading a file a user names, without hanging and without reading more than asked.

A path may name a FIFO (blocks until someone writes), a device (``/dev/zero`` never ends), a
socket or a folder.  Only regular files are read, never more than the limit + 1 byte, so
that the caller can tell a file that is too large without holding all of it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..i18n import _

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class NotARegularFile(OSError):
    """The path names a FIFO, a device, a socket or a folder; nothing was read from it."""

    def __init__(self, path: Path, mode: int):
        super().__init__(kind_of(mode))
        self.strerror = _("not a regular file ({kind})").format(kind=kind_of(mode))
        self.filename = str(path)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, as a person names it."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit + 1`` of them.

    The path is checked before it is opened (opening a device can have effects), and the open
    file again (the path may have changed in between); the open never blocks on a FIFO."""
    before = os.stat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotARegularFile(path, before.st_mode)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise NotARegularFile(path, opened.st_mode)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


ILLUSTRATIVE = "ILLUSTRATIVE"
_FIRST_LINE = 4096  # bytes: a label is on the first line, near its start


def illustrative(path: str | Path, raw: bytes | None = None) -> bool:
    """Whether a file holds illustrative figures, no official source's: it lies under a folder
    ``examples`` or its first line says ILLUSTRATIVE (what every example file starts with).
    A file that cannot be read is not said to be illustrative.  ``raw``: its bytes, where they
    are at hand (not read again)."""
    if "examples" in Path(path).parts:
        return True
    if raw is not None:
        head = raw[: _FIRST_LINE + 1]  # as much as ``read_bounded`` gives below
    else:
        try:
            head = read_bounded(Path(path), _FIRST_LINE)
        except OSError:
            return False
    return ILLUSTRATIVE in head.split(b"\n", 1)[0].decode("utf-8", "replace").upper()
