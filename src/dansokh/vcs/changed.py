"""``validate --changed-since REV``: the whole tree is checked, only what a change touches is reported.

A diagnostic *touches* the change when its file (or the file of one of its
related positions) is a changed file, or the plan of a parent or a child unit of
a changed plan: changing Long Biên's table can break Ngọc Thụy's cascade, and
changing Ngọc Thụy's plan can leave Long Biên's quotas uncovered.  A plan deleted
since REV is read at REV to find its parent and children.  Diagnostics that
belong to no plan file (a folder without plans) are always kept.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..cascade.repository import Repository
from ..check.findings import Findings
from ..check.run import load_repository
from ..diagnostics import Diagnostic
from ..model.parse import parse_plan
from ..model.plan import Plan
from ..read.loader import DEFAULT_MAX_BYTES, load_text
from .git import changed_files, files_at


def _norm(file: str) -> str:
    return os.path.normpath(file)


def _plan_files(repo: Repository, unit_ids: list[str], year: int) -> set[str]:
    return {_norm(loaded.file) for unit_id in unit_ids for loaded in repo.plans_of(unit_id, year)}


def related_files(repo: Repository, plan: Plan) -> set[str]:
    """The files of the plans (of the same year) of a plan's parent unit and of its children."""
    units = [child.id for child in repo.children(plan.unit.id)] + [unit.id for unit in plan.units]
    if plan.unit.parent is not None:
        units.append(plan.unit.parent)
    return _plan_files(repo, units, plan.year)


def touched_files(repo: Repository, changed: set[str], deleted: Sequence[Plan] = ()) -> set[str]:
    """Changed files, plus the plan files of the parents and children of the plans in them
    (``deleted``: the plans of changed files that exist no more)."""
    changed = {_norm(file) for file in changed}
    touched = set(changed)
    for loaded in repo.plans:
        if _norm(loaded.file) in changed:
            touched |= related_files(repo, loaded.plan)
    for plan in deleted:
        touched |= related_files(repo, plan)
    return touched


def touching_changes(
    findings: Findings,
    repo: Repository,
    changed_files: set[str] | list[str],
    deleted: Sequence[Plan] = (),
) -> list[Diagnostic]:
    """The diagnostics of ``findings`` that touch ``changed_files`` (paths as ``validate``
    displays them: relative to the current folder) or a parent or child plan of one.
    ``deleted`` are plans removed since the revision (their parent and children are touched)."""
    touched = touched_files(repo, set(changed_files), deleted)
    plan_files = {_norm(file) for file in findings.files}
    kept = []
    for diagnostic in findings.diagnostics:
        files = {_norm(diagnostic.span.file)} | {_norm(r.span.file) for r in diagnostic.related}
        if files & touched or not files & plan_files:
            kept.append(diagnostic)
    return kept


def deleted_plans(rev: str, changed: set[str], present: set[str]) -> list[Plan]:
    """The plans of files that existed at ``rev`` and are gone now."""
    gone = [Path(file) for file in sorted(changed) if file not in present and file.endswith((".yaml", ".yml"))]
    if not gone:
        return []
    plans = []
    for name, raw in files_at(rev, gone).items():
        plan, _ = parse_plan(load_text(name, raw))
        if plan is not None:
            plans.append(plan)
    return plans


def only_changed(
    findings: Findings, rev: str, repo: Repository | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Findings:
    """``findings`` (from ``validate``) keeping only what touches the files changed since ``rev``;
    the summary's counts are those of what is kept.  Raises ``GitError`` (a usage error)
    outside a git repository or for an unknown revision.  Without ``repo`` the plans of
    ``findings.files`` are loaded again to know who is whose parent."""
    changed = changed_files(rev)
    if repo is None:
        repo, _ = load_repository([Path(file) for file in findings.files], max_bytes)
    present = {_norm(loaded.file) for loaded in repo.plans} | {_norm(file) for file in findings.files}
    deleted = deleted_plans(rev, {_norm(file) for file in changed}, present)
    findings.diagnostics = touching_changes(findings, repo, changed, deleted)
    return findings.finish()
