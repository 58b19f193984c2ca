"""A PlanDiff as a terminal table, one JSON document, or Markdown for a pull-request comment."""

from __future__ import annotations

import json
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..diffing import ADDED, REMOVED, Change, PlanDiff

MARKER = "<!-- dansokh diff -->"  # lets a workflow find and update its own comment


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _value(value: str | None, unit: str | None) -> str:
    if value is None:
        return "—"
    return f"{value} {unit}" if unit else value


def change_text(change: Change) -> str:
    """``100 → 85`` (with the units when they changed), ``added: 85``, ``removed: 100``."""
    if change.status == ADDED:
        return f"added: {change.new}"
    if change.status == REMOVED:
        return f"removed: {change.old}"
    if change.old_unit is not None:
        return f"{_value(change.old, change.old_unit)} → {_value(change.new, change.unit)}"
    return f"{change.old} → {change.new}"


def where(change: Change, width: int = 48) -> str:
    """The unit, or the schedule row with the start of its content."""
    if change.area != "schedule" or not change.detail or change.item == "schedule":
        return change.where
    detail = " ".join(change.detail.split())
    if len(detail) > width:
        detail = detail[: width - 1].rstrip() + "…"
    return f"{change.where} · {detail}"


def section(change: Change) -> str:
    if change.area == "target":
        return "Chỉ tiêu"
    if change.area == "plan":
        return "plan"
    return change.appendix or ""


def headline(diff: PlanDiff) -> str:
    if not diff.changes:
        return f"No plan changed between {diff.old.label} and {diff.new.label}."
    return (
        f"{_plural(len(diff.changes), 'change')} in {_plural(len(diff.plans_changed), 'plan')}"
        f" between {diff.old.label} and {diff.new.label}."
    )


def skipped_lines(diff: PlanDiff) -> list[str]:
    return [
        f"{name} at {side.label} is not a readable plan and was not compared (see `dansokh validate`)."
        for side in (diff.old, diff.new)
        for name in side.skipped
    ]


class DiffReporter:
    def __init__(self, stream: IO[str], color: bool | None = None):
        self.stream = stream
        self.color = color

    def report(self, diff: PlanDiff) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class TextDiffReporter(DiffReporter):
    def report(self, diff: PlanDiff) -> None:
        console = Console(
            file=self.stream,
            highlight=False,
            force_terminal=self.color,
            no_color=self.color is False,
            width=None if self.stream.isatty() else 200,  # a CI log is wide; do not wrap at 80
        )
        if diff.changes:
            table = Table("plan", "section", "where", "item", "change", "unit", box=None, pad_edge=False)
            for change in diff.changes:
                unit = "" if change.old_unit is not None else change.unit or ""
                table.add_row(
                    escape(change.plan),
                    escape(section(change)),
                    escape(where(change)),
                    escape(change.item),
                    escape(change_text(change)),
                    escape(unit),
                )
            console.print(table)
        for line in skipped_lines(diff):
            console.print(escape(line), style="yellow")
        console.print(escape(headline(diff)), style="bold")


class JsonDiffReporter(DiffReporter):
    def report(self, diff: PlanDiff) -> None:
        document = {
            "old": diff.old.label,
            "new": diff.new.label,
            "changes": [change.to_dict() for change in diff.changes],
            "skipped": {"old": diff.old.skipped, "new": diff.new.skipped},
            "summary": {"changes": len(diff.changes), "plans": diff.plans_changed},
        }
        json.dump(document, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


class MarkdownDiffReporter(DiffReporter):
    def report(self, diff: PlanDiff) -> None:
        write = self.stream.write
        write(f"{MARKER}\n### dansokh: what changed in the plans\n\n{headline(diff)}\n")
        for plan in diff.plans_changed:
            changes = [change for change in diff.changes if change.plan == plan]
            write(f"\n#### `{plan}`\n\n| section | where | item | change | unit |\n|---|---|---|---|---|\n")
            for change in changes:
                unit = "" if change.old_unit is not None else change.unit or ""
                cells = (section(change), where(change), change.item, change_text(change), unit)
                write("| " + " | ".join(_cell(cell) for cell in cells) + " |\n")
        skipped = skipped_lines(diff)
        if skipped:
            write("\n" + "".join(f"- ⚠️ {_cell(line)}\n" for line in skipped))


DIFF_REPORTERS: dict[str, type[DiffReporter]] = {
    "text": TextDiffReporter,
    "json": JsonDiffReporter,
    "markdown": MarkdownDiffReporter,
}
