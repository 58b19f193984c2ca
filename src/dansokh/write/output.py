"""Files a command writes for the user (a report, rendered appendices, the schema).

An output never replaces a plan file read in the same run (``-o plans/2025/city.yaml`` is
a slip of the keyboard, not a wish), and a path that cannot be written is one clear message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..i18n import _
from .atomic import WriteRefused, write_bytes_atomic


class OutputRefused(Exception):
    """Nothing was written to an output path; the message says why (a usage error)."""


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def check_outputs(paths: Iterable[Path], inputs: Iterable[Path | str]) -> None:
    """Refuse outputs that are one of ``inputs`` (the same file, through any path or link)."""
    existing = {identity: path for path in paths if (identity := _identity(path)) is not None}
    if not existing:
        return
    for source in inputs:
        identity = _identity(source)
        if identity in existing:
            path = existing[identity]
            if os.path.normpath(path) == os.path.normpath(source):
                message = _("{path} is a plan file this run reads; choose another output (nothing was written)")
            else:
                message = _("{path} is the plan file {plan}, which this run reads; choose another output (nothing was written)")
            raise OutputRefused(message.format(path=path, plan=source))


def write_output(path: Path, data: bytes, inputs: Iterable[Path | str] = ()) -> None:
    """Write one output (atomically; through, for a FIFO or a device), or raise ``OutputRefused``."""
    check_outputs([path], inputs)
    try:
        write_bytes_atomic(path, data)
    except WriteRefused as error:
        raise OutputRefused(str(error)) from None
    except OSError as error:
        raise OutputRefused(_("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error)) from None
