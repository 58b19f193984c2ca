"""One side of a comparison of plans (``compare.diff``) from git: the files of a revision or of
the work tree, as bytes, loaded into plans (``load.texts``).
"""

from __future__ import annotations

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
               max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Side, Side]:
    """Both sides of a comparison, each file of the same name and bytes on both typed once: the
    same ``LoadedPlan`` on both sides, which ``compare`` knows unchanged without comparing it (a
    country's repository between two commits differs in a few files)."""
    old = plans_from_texts(old_files, max_bytes)
    new = plans_from_texts(new_files, max_bytes, known=old.parsed)
    return _side(old_label, old_files, old), _side(new_label, new_files, new)


def _side(label: str, files: dict[str, bytes], found: TextPlans) -> Side:
    return Side(
        label, found.repo, found.files, found.skipped, found.skipped_ids, found.reasons,
        submodules=list(getattr(files, "submodules", [])),
    )
