"""The one way a command changes a plan file: check, show the diff, check again, write atomically."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..cascade.repository import LoadedPlan
from ..check.findings import Findings
from ..check.run import validate
from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from ..read.files import read_bounded
from ..read.limits import REREAD_LIMIT
from ..report.safe import terminal_text
from ..report.text import TextReporter
from .atomic import WriteRefused, digest, write_atomic


def unified_diff(file: str, old: str, new: str) -> str:
    """The change as a terminal shows it: each line's own ending kept, what the line holds that a
    reader cannot see (a direction override, a joiner) as an escape."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{file}", f"b/{file}")
    shown = []
    for line in lines:
        body = line.rstrip("\r\n")
        shown.append(terminal_text(body) + line[len(body):])
    return "".join(shown)


def _identity(diagnostic: Diagnostic) -> tuple[str, str, int, int, str]:
    return (diagnostic.code, diagnostic.file, diagnostic.span.line, diagnostic.span.col, diagnostic.message)


def apply_change(
    loaded: LoadedPlan,
    transform: Callable[[str, str], str],
    checked: Findings,
    dry_run: bool,
    stream: IO[str],
    resolves: frozenset[str] = frozenset(),
) -> int:
    """Returns the exit status: 0 written (or nothing to write, or a dry run), 1 refused.

    A file with errors is not touched, except errors of the codes in ``resolves``: the ones
    the change exists to fix (a child below its assignment, for ``allocate --write``).  After
    the change the file is checked again, against its parent's and children's plans: it is
    refused for an error in the file, or an error elsewhere that the change would cause (one
    that was not there before).  Errors in plans the change does not touch (another ward's
    draft, next year's plans) are not its business."""
    errors = [
        d
        for d in checked.diagnostics
        if d.severity is Severity.ERROR and d.file == loaded.file and d.code not in resolves
    ]
    if errors:
        stream.write(
            _("not written: {file} has {count} error(s) already; `dansokh validate` shows them").format(
                file=loaded.file, count=sum(d.hidden or 1 for d in errors)
            )
            + "\n"
        )
        return 1
    path = Path(loaded.file)
    try:
        raw = read_bounded(path, REREAD_LIMIT)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        stream.write(_("not written: cannot read {file}: {reason}").format(file=loaded.file, reason=reason) + "\n")
        return 1
    try:
        new_text = transform(loaded.file, text)
    except KeyError:  # a position the edit needs is not known: the file no longer reads as it did
        stream.write(
            _("not written: the place of the change in {file} cannot be found (it no longer reads as it did when it was"
              " checked); run `dansokh validate` and try again").format(file=loaded.file) + "\n"
        )
        return 1
    if new_text == text:
        stream.write(_("{file}: nothing changes").format(file=loaded.file) + "\n")
        return 0
    stream.write(unified_diff(loaded.file, text, new_text))
    if dry_run:
        stream.write(_("dry run: nothing was written") + "\n")
        return 0
    after = validate([path], overrides={path: new_text})
    before = {_identity(d) for d in checked.diagnostics}
    caused = [
        d
        for d in after.diagnostics
        if d.severity is Severity.ERROR and (d.file == loaded.file or _identity(d) not in before)
    ]
    if caused:
        after.diagnostics = caused
        after.finish()
        stream.write(_("not written: after the change the plans would not validate:") + "\n")
        TextReporter(stream, color=False).report(after)
        return 1
    try:
        write_atomic(path, new_text, digest(raw))
    except WriteRefused as error:
        stream.write(_("not written: {reason}").format(reason=error) + "\n")
        return 1
    except OSError as error:
        stream.write(
            _("not written: cannot write {file}: {reason}").format(file=loaded.file, reason=error.strerror or error) + "\n"
        )
        return 1
    stream.write(_("wrote {file}").format(file=loaded.file) + "\n")
    return 0
