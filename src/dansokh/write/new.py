"""A new plan file: where it goes, its text, checked before it is written, created atomically.

``dansokh new`` makes a ``cascade.drafts.Draft`` (a child's first plan, next year's plan) and
comes here: the text (``plan_text``) is read back and must give exactly the draft's plan; the new
file is checked in its repository as it would be once written; then it is created, never over an
existing file: the text is written to a temporary file beside it and linked to its path only if
the path is still free, so that an interruption leaves nothing there (``atomic.create_bytes_atomic``).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..cascade.drafts import Draft
from ..check.findings import Findings
from ..check.run import validate
from ..check.selection import Selection
from ..i18n import _
from ..load import Survey
from ..model.parse import parse_plan
from ..model.plan import Plan
from ..read.files import read_bounded
from ..read.loader import load_text
from .atomic import create_bytes_atomic
from .plan_text import plan_text


class NotCreated(RuntimeError):
    """The plan was not written; the message says why."""


def default_path(beside: Path, old_year: int, draft: Draft) -> Path:
    """Where a new plan goes: beside the plan it comes from, in the folder of its year where the
    plans are kept by year (``plans/2025/long-bien.yaml`` -> ``plans/2026/long-bien-2026.yaml``)."""
    folder = beside.parent
    if folder.name == str(old_year) and draft.year != old_year:
        folder = folder.parent / str(draft.year)
    return folder / f"{draft.plan_id}.yaml"


def draft_text(draft: Draft) -> str:
    """The file's text; a text that would not read back as the draft's plan is never written."""
    text = plan_text(draft.data, draft.comments, draft.header)
    name = f"{draft.plan_id}.yaml"
    read, problems = parse_plan(load_text(name, text.encode("utf-8")))
    if read is None:  # a plan no plan file may hold (the year after 9999, say): what is wrong, where
        raise NotCreated(
            _("the new plan would not be a valid plan ({problems}); nothing was written").format(
                problems="; ".join(f"{name}:{d.span.line}: {d.message}" for d in problems[:5]) or "?"
            )
        )
    try:
        expected = Plan.model_validate(draft.data)
    except ValidationError:
        expected = None
    if read != expected:  # a fault of dansokh, not of the plans: say so plainly
        raise NotCreated(
            _("the new plan's text does not read back as the plan ({problems}); nothing was written").format(
                problems="; ".join(d.message for d in problems) or "?"
            )
        )
    return text


@dataclass
class Checked:
    text: str
    findings: Findings  # the new file checked in its repository, before it is written


def check_new(path: Path, draft: Draft, within: Path, selection: Selection | None = None, survey: Survey | None = None) -> Checked:
    """The new file's text, and what ``dansokh validate`` will say of it once it is written in
    the repository of ``within`` (the plans folder), with the rules the repository selects;
    ``survey``: the repository's files as the command's load found them (not identified again)."""
    text = draft_text(draft)
    return Checked(text, validate([path], overrides={path: text}, selection=selection, within=within, survey=survey))


def refuse_existing(path: Path) -> None:
    """A ``NotCreated`` when anything is at ``path`` already: a plan, a FIFO, a device, a link
    (even a dangling one): a new plan is created, never written over or through something."""
    if os.path.lexists(path):
        raise NotCreated(_exists(path))


def _exists(path: Path) -> str:
    """What is at ``path``: an empty file (a plan whose writing an older dansokh was interrupted
    in, which claimed the file before writing it) is named with what to do about it."""
    try:
        info = os.lstat(path)
        empty = stat.S_ISREG(info.st_mode) and info.st_size <= _BLANK and not read_bounded(path, _BLANK).strip()
    except OSError:
        empty = False
    if empty:
        return _(
            "{path} exists already and is empty (a plan whose writing was interrupted, perhaps by an older dansokh);"
            " nothing was written: delete it and run the command again, or choose another file with -o"
        ).format(path=path)
    return _("{path} exists already; nothing was written (choose another file with -o)").format(path=path)


_BLANK = 4096
"""A file of at most this many bytes of blanks counts as empty."""


def create(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` atomically (nothing is at ``path`` until the whole text is);
    a ``NotCreated`` when something is there already, an ``OSError`` when the folder cannot be
    written."""
    try:
        create_bytes_atomic(path, text.encode("utf-8"))
    except FileExistsError:
        raise NotCreated(_exists(path)) from None
