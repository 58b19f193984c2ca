"""The site's folder written all at once: built in a sibling temporary folder, then swapped in.

A reader of the old site (a Pages job, a browser) never sees half a site; a failure leaves the
old folder as it was.  A folder that exists and is not a dansokh site (no ``.dansokh-site``
marker) is never replaced: it may be somebody's work.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..i18n import _

MARKER = ".dansokh-site"


class SiteRefused(Exception):
    """The output folder cannot be used; the message says why and what to do (exit status 2)."""


def check_target(out: Path) -> None:
    """Refuse ``out`` when it is a file, or a folder that is not empty and has no marker."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SiteRefused(_("-o {out}: not a folder; name a folder for the site").format(out=out))
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise SiteRefused(
            _("-o {out}: the folder exists and is not a dansokh site (no {marker} file in it); it is left as it is: name a new folder").format(
                out=out, marker=MARKER
            )
        )


def marker_text(version: str, commit: str | None) -> str:
    """What the marker says: that dansokh wrote the folder, which version and from which commit."""
    return json.dumps({"generator": "dansokh", "version": version, "commit": commit}, ensure_ascii=False, sort_keys=True) + "\n"


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to build in; on success it becomes ``out`` (the old site
    moved aside, then removed), on failure it is removed and ``out`` is untouched."""
    check_target(out)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=parent))
    try:
        yield building
        os.chmod(building, 0o755)  # mkdtemp's 0700 would hide the site from a web server
        check_target(out)  # again: another process may have put something there meanwhile
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.rename(out, old / "site")
            try:
                os.rename(building, out)
            except OSError:
                os.rename(old / "site", out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(building, out)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
