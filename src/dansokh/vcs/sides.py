"""One side of a comparison of plans (``compare.diff``) from git: the files of a revision or of
the work tree, as bytes, loaded into plans (``load.texts``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..cascade.repository import LoadedPlan
from ..compare.diff import Side
from ..i18n import N_
from ..load.texts import TextPlans, plans_from_texts
from ..read.loader import DEFAULT_MAX_BYTES

WORKING_TREE = N_("the working tree")  # the label of the work tree's side (JSON keeps it English)


def load_side(label: str, files: dict[str, bytes], max_bytes: int = DEFAULT_MAX_BYTES) -> Side:
    """One side of a comparison from files' bytes (``load.texts``; a ``vcs.git.Files`` names the
    files over the size limit, never read, and the submodules too)."""
    return _side(label, files, plans_from_texts(files, max_bytes))


def load_sides(old_label: str, old_files: dict[str, bytes], new_label: str, new_files: dict[str, bytes],
               max_bytes: int = DEFAULT_MAX_BYTES, typed: Mapping[str, LoadedPlan] | None = None) -> tuple[Side, Side]:
    """Both sides of a comparison, each file of the same name and bytes on both typed once: the
    same ``LoadedPlan`` on both sides, which ``compare`` knows unchanged without comparing it (a
    country's repository between two commits differs in a few files).  ``typed``: the new side's
    plans as the caller already typed them, by file (the site's, outlines: what ``compare`` reads
    of a plan it knows unchanged, its units and tables); a file the same on both sides is then not
    read at all.  Where a plan's id is taken twice (U005), an unchanged file's plan may be compared
    with another file's: every file is then typed whole."""
    seeded = {name: (raw, ("plan", typed[name])) for name, raw in old_files.items()
              if typed is not None and name in typed and new_files.get(name) == raw}
    old = plans_from_texts(old_files, max_bytes, known=seeded)
    new = plans_from_texts(new_files, max_bytes, known=old.parsed)
    if seeded and (_ids_taken_twice(old) or _ids_taken_twice(new)):
        return load_sides(old_label, old_files, new_label, new_files, max_bytes)
    return _side(old_label, old_files, old), _side(new_label, new_files, new)


def _ids_taken_twice(found: TextPlans) -> bool:
    ids = [loaded.plan.id for loaded in found.repo.plans]
    return len(ids) != len(set(ids))


def _side(label: str, files: dict[str, bytes], found: TextPlans) -> Side:
    return Side(
        label, found.repo, found.files, found.skipped, found.skipped_ids, found.reasons,
        submodules=list(getattr(files, "submodules", [])),
    )
