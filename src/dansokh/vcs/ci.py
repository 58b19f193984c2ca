"""``validate --changed-since auto``: the revision a CI run compares with, from the variables
GitHub Actions and GitLab CI set.

- GitHub, a pull request (``GITHUB_BASE_REF`` set): ``origin/BASE``, the base branch's tip, which
  the checkout (the pull request's merge commit) has as its first parent;
- GitHub, a push (``GITHUB_EVENT_NAME=push``): the commit before the push, ``before`` in the
  event's payload (``GITHUB_EVENT_PATH``);
- GitLab, a merge request: ``CI_MERGE_REQUEST_DIFF_BASE_SHA``, the merge base (the target branch's
  later commits are not the merge request's); in a merged-results pipeline, whose checkout is the
  merge of the merge request into the target's ``CI_MERGE_REQUEST_TARGET_BRANCH_SHA``, that commit
  (the merge base of the checkout and the target): its first parent, so again only the merge
  request's changes;
- GitLab, a push: ``CI_COMMIT_BEFORE_SHA``.

A push that starts a branch (``0000000…``), a base that is not in the clone, or a run outside CI
has no base: the whole repository is checked, and the reason is said once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import shorten
from ..i18n import _
from ..read.files import read_bounded
from .git import GitError, resolve, shallow

AUTO = "auto"
_NO_COMMIT = frozenset("0")
_EVENT_LIMIT = 25 * 1024 * 1024  # GitHub's event payloads are at most 25 MB


@dataclass(frozen=True)
class Base:
    """The revision to compare with (``None``: check everything) and what to tell the user."""

    rev: str | None
    notice: str


def _commit(value: str | None) -> str | None:
    """A commit hash as CI gives it; ``None`` for nothing or the zeros of a new branch."""
    value = (value or "").strip()
    return value if value and set(value) != _NO_COMMIT else None


def _github_before() -> str | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(read_bounded(Path(path), _EVENT_LIMIT).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    before = event.get("before") if isinstance(event, dict) else None
    return _commit(before) if isinstance(before, str) else None


def ci_base() -> Base:
    """The base of this CI run, or ``Base(None, why)`` when there is none to compare with."""
    found: str | None
    if os.environ.get("GITHUB_ACTIONS") == "true":
        event = os.environ.get("GITHUB_EVENT_NAME", "")
        base_ref = (os.environ.get("GITHUB_BASE_REF") or "").strip()
        if base_ref:
            found, where = f"origin/{base_ref}", _("the pull request's base branch")
        elif event == "push":
            found, where = _github_before(), _("the commit before the push")
        else:
            found, where = None, _("the {event} event").format(event=shorten(event) or "?")
    elif os.environ.get("GITLAB_CI") == "true":
        merge_base = _commit(os.environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"))
        target = _commit(os.environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA"))
        if os.environ.get("CI_MERGE_REQUEST_EVENT_TYPE") == "merged_result" and target:
            # the checkout merges the merge request into this commit of the target: against it,
            # exactly the merge request's changes (against the merge base, the target's since too)
            found, where = target, _("the merged-results pipeline's target")
        elif merge_base:
            found, where = merge_base, _("the merge request's merge base")
        else:
            found, where = _commit(os.environ.get("CI_COMMIT_BEFORE_SHA")), _("the commit before the push")
    else:
        return Base(None, _("--changed-since auto: not in GitHub Actions or GitLab CI, so there is no base to compare with; every plan was checked"))
    if found is None:
        return Base(None, _("--changed-since auto: {where} names no earlier commit (a new branch?); every plan was checked").format(where=where))
    try:
        resolve(found)
    except GitError:
        advice = _(" (the clone is shallow: fetch the history, fetch-depth: 0 or GIT_DEPTH: 0)") if shallow() else ""
        return Base(
            None,
            _("--changed-since auto: {rev} ({where}) is not in this clone{advice}; every plan was checked").format(
                rev=shorten(found), where=where, advice=advice
            ),
        )
    return Base(found, _("--changed-since auto: compared with {rev} ({where})").format(rev=shorten(found), where=where))
