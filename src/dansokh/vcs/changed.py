"""``validate --changed-since REV``: the plans changed since a revision, for checking them and
their neighbours only.

Git says which files changed (staged, unstaged, untracked; both names of a rename).  The check
then reports on the changed plans and on the plans of their parent and child units of the same
year (changing Long Biên's table can put Ngọc Thụy's plan below it; changing Ngọc Thụy's plan
can leave Long Biên's quotas uncovered), each checked against its own neighbours: the rest of the
repository is read only where those checks need it.  A plan deleted since REV is read at REV to
find the plans that lost their parent or child.  A submodule that changed holds another
repository's plans: it is named (Y011, skipped), never passed in silence.
"""

from __future__ import annotations

from pathlib import Path

from ..load import Changed
from ..read.index import Header
from ..read.loader import DEFAULT_MAX_BYTES, load_text
from .git import changed_files, files_at


def changed_since(rev: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Changed:
    """The files changed since ``rev`` and the headers of the plans deleted since then.  Raises
    ``GitError`` (a usage error) outside a git repository or for an unknown revision."""
    changes = changed_files(rev)
    names = sorted(changes)
    present = {name: str(Path(name).resolve()) for name in names if Path(name).exists()}
    gone = [Path(name) for name in names if name not in present and name.endswith((".yaml", ".yml"))]
    deleted = []
    if gone:
        for name, raw in files_at(rev, gone, max_bytes=max_bytes).items():  # one over the limit is not read
            header = Header.of(load_text(name, raw, max_bytes).data)
            if header.unit is not None:
                deleted.append(header)
    submodules = tuple(str(Path(name).resolve()) for name in changes.submodules)
    return Changed(frozenset(present.values()), tuple(deleted), submodules)
