"""``diff.html``: what changed in the plans since the previous publication.

The comparison is ``dansokh diff``'s (``compare.diff.compare`` of two sides loaded from git and the
work tree, its words from ``report.diff``), never another.  The revision compared from is, in order:
``--since REV``; else the commit the previous site recorded in its ``.dansokh-site`` marker, when the
output folder already holds a site; else none, and the page says that there is no previous
publication to compare with (a first publication has nothing to list).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..cascade.repository import LoadedPlan
from ..compare.diff import Change, PlanDiff, compare
from ..i18n import _
from ..report.diff import change_text, headline, item, section, skipped_lines, where
from ..vcs.git import GitError, files_at, resolve, working_files
from ..vcs.sides import WORKING_TREE, load_sides

MARKER = ".dansokh-site"


@dataclass(frozen=True)
class ChangeRow:
    status: str  # added, removed, changed
    section: str
    where: str
    item: str
    text: str  # "100 → 85", "added: …"
    unit: str
    file: str
    line: str


@dataclass
class PlanChanges:
    plan: str
    rows: list[ChangeRow]


@dataclass
class DiffPage:
    since: str  # the revision compared from, as given or recorded; "" for none
    headline: str
    plans: list[PlanChanges] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def labels() -> dict[str, str]:
    return {
        "section": _("Section"),
        "where": _("Where"),
        "item": _("Item"),
        "change": _("Change"),
        "unit": _("Unit of measure"),
        "line": _("Line"),
        "notes": _("Not compared"),
    }


def recorded_commit(out: Path) -> str | None:
    """The commit the site already in ``out`` was built from, as its marker records it."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    commit = data.get("commit") if isinstance(data, dict) else None
    return commit if isinstance(commit, str) and commit else None


def since_revision(given: str | None, out: Path | None) -> str | None:
    """The revision to compare from: ``--since``, else the previous site's recorded commit."""
    if given:
        return given
    return recorded_commit(out) if out is not None else None


def plan_folders(files: list[str]) -> list[Path]:
    """The folders holding the plans the site shows: what both sides are read from."""
    return [Path(folder) for folder in sorted({str(PurePosixPath(file).parent) for file in files})]


def row(change: Change) -> ChangeRow:
    return ChangeRow(change.status, section(change), where(change), item(change), change_text(change),
                     change.unit or "", change.file, str(change.line) if change.line else "")


def diff_page_of(diff: PlanDiff, since: str) -> DiffPage:
    """The page of a comparison already made."""
    plans: dict[str, list[ChangeRow]] = {}
    for change in diff.changes:
        plans.setdefault(change.plan, []).append(row(change))
    return DiffPage(since, headline(diff), [PlanChanges(plan, rows) for plan, rows in plans.items()],
                    skipped_lines(diff), labels())


def diff_page(since: str | None, folders: list[Path], max_bytes: int, typed: Mapping[str, LoadedPlan] | None = None) -> DiffPage:
    """The page comparing the plans under ``folders`` at ``since`` with the work tree the site is
    built from (``typed``: its plans as the site loaded them, by file; ``vcs.sides.load_sides``);
    without a revision, or where git cannot give one, the page says why."""
    if not since:
        return DiffPage("", _("No previous publication to compare with: give --since REV to list the changes since a revision."),
                        labels=labels())
    try:
        commit = resolve(since)
        old, new = load_sides(f"{since} ({commit[:7]})", files_at(commit, folders, max_bytes=max_bytes),
                              WORKING_TREE, working_files(folders, max_bytes), max_bytes, typed)
    except GitError as error:
        return DiffPage(since, _("The changes since {rev} cannot be listed: {reason}").format(rev=since, reason=error),
                        labels=labels())
    return diff_page_of(compare(old, new), since)
