"""Plans from files' bytes held in memory (a git revision's, ``vcs.git.Files``): the loading of a
side of a comparison, where no file is on disk and nothing is cached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..cascade.repository import LoadedPlan, Repository
from ..model.crosswalk import is_crosswalk
from ..model.parse import parse_plan
from ..model.result import is_result
from ..read.loader import DEFAULT_MAX_BYTES, load_text, too_large

Parsed = tuple[str, LoadedPlan | str | None]
"""What a file's bytes gave: ``("plan", LoadedPlan)``, ``("skipped", its id or None)`` (no readable
plan), or ``("other", None)`` (a result file or a crosswalk)."""


@dataclass
class TextPlans:
    """The plans of some files' bytes, and the files that gave none."""

    repo: Repository
    files: int = 0  # every file, those never read included
    skipped: list[str] = field(default_factory=list)  # files that are no readable plan
    skipped_ids: set[str] = field(default_factory=set)  # ids of unreadable plans, where their id is readable
    reasons: dict[str, str] = field(default_factory=dict)  # why a skipped file was not even read (Y006)
    parsed: dict[str, tuple[bytes, Parsed]] = field(default_factory=dict)  # each file's bytes and what they gave


def plans_from_texts(files: Mapping[str, bytes], max_bytes: int = DEFAULT_MAX_BYTES,
                     known: Mapping[str, tuple[bytes, Parsed]] | None = None) -> TextPlans:
    """Typed plans from files' bytes (``{display path: bytes}``; a ``vcs.git.Files`` also names the
    files over the size limit, never read); result files and crosswalks are left out.  ``known``:
    what another side's files gave (its ``parsed``); a file of the same name and the same bytes is
    not read again, and its ``LoadedPlan`` is the same object on both sides."""
    plans: list[LoadedPlan] = []
    found = TextPlans(Repository())
    for name, size in getattr(files, "too_large", {}).items():  # never read: refused by its size
        found.skipped.append(name)
        found.reasons[name] = " ".join(f"{d.code} {d.message}" for d in too_large(name, size, max_bytes).diagnostics)
    for name, raw in files.items():
        earlier = known.get(name) if known is not None else None
        outcome = earlier[1] if earlier is not None and earlier[0] == raw else _parsed(name, raw, max_bytes)
        found.parsed[name] = (raw, outcome)
        kind, value = outcome
        if kind == "plan":
            plans.append(value)  # type: ignore[arg-type]
        elif kind == "skipped":
            found.skipped.append(name)
            if isinstance(value, str):
                found.skipped_ids.add(value)
    found.repo = Repository.build(plans)
    found.files = len(files) + len(found.reasons)
    return found


def _parsed(name: str, raw: bytes, max_bytes: int) -> Parsed:
    loaded = load_text(name, raw, max_bytes)
    if is_result(loaded.data) or is_crosswalk(loaded.data):
        return ("other", None)
    plan, _problems = parse_plan(loaded)
    if plan is None:
        plan_id = loaded.data.get("id") if isinstance(loaded.data, dict) else None
        return ("skipped", plan_id if isinstance(plan_id, str) else None)
    return ("plan", LoadedPlan(plan, loaded.source))
