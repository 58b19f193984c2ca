"""One side of a comparison of plans (``compare.diff``) from git: the files of a revision or of
the work tree, as bytes, loaded into plans (``load.texts``).
"""

from __future__ import annotations

from ..compare.diff import Side
from ..i18n import N_
from ..load.texts import plans_from_texts
from ..read.loader import DEFAULT_MAX_BYTES

WORKING_TREE = N_("the working tree")  # the label of the work tree's side (JSON keeps it English)


def load_side(label: str, files: dict[str, bytes], max_bytes: int = DEFAULT_MAX_BYTES) -> Side:
    """One side of a comparison from files' bytes (``load.texts``; a ``vcs.git.Files`` names the
    files over the size limit, never read, and the submodules too)."""
    found = plans_from_texts(files, max_bytes)
    return Side(
        label, found.repo, found.files, found.skipped, found.skipped_ids, found.reasons,
        submodules=list(getattr(files, "submodules", [])),
    )
