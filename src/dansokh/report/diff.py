"""A PlanDiff as a terminal table, one JSON document, or Markdown for a pull-request comment."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import IO

from rich.markup import escape
from rich.table import Table

from ..compare.diff import ADDED, REMOVED, Change, PlanDiff, Side
from ..i18n import _, ngettext
from ..model.numbers import number
from ..vcs.sides import WORKING_TREE
from .safe import Console, fit_table, json_dump, markdown_text, terminal_width

MARKER = "<!-- dansokh diff -->"  # lets a workflow find and update its own comment


def label(side: Side) -> str:
    """A side as the user reads it: the revision, or the working tree in the current language."""
    return _(WORKING_TREE) if side.label == WORKING_TREE else side.label


def whole_text(change: Change) -> str | None:
    """What a plan, table or schedule added or removed whole holds, in the current language
    (``Change.old``/``new`` keep the English, for JSON)."""
    whole = change.whole
    if whole is None:
        return None
    if whole["kind"] == "plan":
        return _("{file} ({targets} targets, {appendices} appendices)").format(
            file=whole["file"], targets=whole["targets"], appendices=whole["appendices"]
        )
    if whole["kind"] == "table":
        return _("{title} ({units} units, {columns} columns)").format(
            title=whole["title"], units=whole["units"], columns=whole["columns"]
        )
    return _("{title} ({rows} rows)").format(title=whole["title"], rows=whole["rows"])


def _figure(value: str | None, unit: str | None) -> str | None:
    """A figure in the reader's number format (``1100`` -> ``1.100`` in Vietnamese); text
    (a schedule's time, a title) as it is.  JSON keeps the plain digits."""
    if value is None or not unit:
        return value
    try:
        return number(Decimal(value))
    except (InvalidOperation, ValueError):
        return value


def _value(value: str | None, unit: str | None) -> str:
    if value is None:
        return "—"
    return f"{_figure(value, unit)} {unit}" if unit else value


def change_text(change: Change) -> str:
    """``100 → 85`` (with the units when they changed), ``added: 85``, ``removed: 100``."""
    if change.status == ADDED:
        return _("added: {value}").format(value=whole_text(change) or _figure(change.new, change.unit))
    if change.status == REMOVED:
        return _("removed: {value}").format(value=whole_text(change) or _figure(change.old, change.old_unit or change.unit))
    if change.old_unit is not None:
        return f"{_value(change.old, change.old_unit)} → {_value(change.new, change.unit)}"
    return f"{_figure(change.old, change.unit)} → {_figure(change.new, change.unit)}"


CARRIED_DIVIDED, CARRIED_PARTIAL = "*", "+"  # as `dansokh crosswalk --carry` marks them


def where(change: Change, width: int = 48) -> str:
    """The unit, or the schedule row with the start of its content; across a reform, the unit
    marked when its old figure came through a divided unit (*) or is only part of its territory's (+)."""
    if change.carried is not None:
        marks = (CARRIED_DIVIDED if change.carried["divided"] else "") + (CARRIED_PARTIAL if change.carried["partial"] else "")
        return change.where + (f" {marks}" if marks else "")
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
        return _("plan")
    return change.appendix or ""


def item(change: Change) -> str:
    """The indicator or column; a table or schedule added or removed whole says which."""
    if change.whole is not None and change.whole["kind"] == "table":
        return _("table")
    if change.whole is not None and change.whole["kind"] == "schedule":
        return _("schedule")
    return change.item


def headline(diff: PlanDiff) -> str:
    if not diff.changes:
        return _("No plan changed between {old} and {new}.").format(old=label(diff.old), new=label(diff.new))
    changes, plans = len(diff.changes), len(diff.plans_changed)
    return _("{changes} in {plans} between {old} and {new}.").format(
        changes=ngettext("{count} change", "{count} changes", changes).format(count=changes),
        plans=ngettext("{count} plan", "{count} plans", plans).format(count=plans),
        old=label(diff.old),
        new=label(diff.new),
    )


def skipped_lines(diff: PlanDiff) -> list[str]:
    lines = []
    for side in (diff.old, diff.new):
        for name in side.skipped:
            if name in side.reasons:
                lines.append(
                    _("{file} at {side} was not read and not compared: {reason} (--max-file-size)").format(
                        file=name, side=label(side), reason=side.reasons[name]
                    )
                )
            else:
                lines.append(
                    _("{file} at {side} is not a readable plan and was not compared (see `dansokh validate`).").format(
                        file=name, side=label(side)
                    )
                )
        lines.extend(
            _("{file} at {side} is a git submodule: its plans belong to another repository and were not compared"
              " (run dansokh diff inside it).").format(file=name, side=label(side))
            for name in side.submodules
        )
    return lines + list(diff.notes)


def carried_lines(diff: PlanDiff) -> list[str]:
    """Across a reform: where each unit's old figures came from, and what the marks mean."""
    carried = [c for c in diff.changes if c.carried is not None]
    if not carried:
        return []
    lines = [_("The {old} figures, carried into this year's units:").format(old=label(diff.old))]
    for unit, text in dict.fromkeys((c.where, c.carried["text"]) for c in carried):  # type: ignore[index]
        lines.append(f"  {unit}: {text}")
    if any(c.carried["divided"] for c in carried):  # type: ignore[index]
        lines.append(_("{mark} carried (in part) through a divided unit, by the shares the crosswalk gives").format(mark=CARRIED_DIVIDED))
    if any(c.carried["partial"] for c in carried):  # type: ignore[index]
        lines.append(
            _("{mark} the unit also took territory from units the crosswalk does not cover: its old figure is only part of its territory's").format(
                mark=CARRIED_PARTIAL
            )
        )
    return lines


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
            width=terminal_width(self.stream),  # a CI log is wide; do not wrap at 80
        )
        if diff.changes:
            table = Table(
                _("plan"), _("section"), _("where"), _("item"), _("change"), _("unit"), box=None, pad_edge=False
            )
            for change in diff.changes:
                unit = "" if change.old_unit is not None else change.unit or ""
                table.add_row(
                    escape(change.plan),
                    escape(section(change)),
                    escape(where(change)),
                    escape(item(change)),
                    escape(change_text(change)),
                    escape(unit),
                )
            console.print(fit_table(console, table, main=3))
        for line in carried_lines(diff):
            console.print(escape(line))
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
            "submodules": {"old": diff.old.submodules, "new": diff.new.submodules},
            "notes": diff.notes,
            "summary": {"changes": len(diff.changes), "plans": diff.plans_changed},
        }
        json_dump(document, self.stream)


_SLUG = re.compile(r"[A-Za-z0-9._-]+\Z")


def _code(text: str) -> str:
    """A plan id in a code span; anything else as text."""
    return f"`{text}`" if _SLUG.match(text) else markdown_text(text)


class MarkdownDiffReporter(DiffReporter):
    def report(self, diff: PlanDiff) -> None:
        write = self.stream.write
        title = _("dansokh: what changed in the plans")
        write(f"{MARKER}\n### {markdown_text(title)}\n\n{markdown_text(headline(diff))}\n")
        for plan in diff.plans_changed:
            changes = [change for change in diff.changes if change.plan == plan]
            columns = (_("section"), _("where"), _("item"), _("change"), _("unit"))
            write(f"\n#### {_code(plan)}\n\n| " + " | ".join(markdown_text(c) for c in columns) + " |\n|---|---|---|---|---|\n")
            for change in changes:
                unit = "" if change.old_unit is not None else change.unit or ""
                cells = (section(change), where(change), item(change), change_text(change), unit)
                write("| " + " | ".join(markdown_text(cell) for cell in cells) + " |\n")
        carried = carried_lines(diff)
        if carried:
            write("\n" + "".join(f"{markdown_text(line)}  \n" for line in carried))
        skipped = skipped_lines(diff)
        if skipped:
            write("\n" + "".join(f"- ⚠️ {markdown_text(line)}\n" for line in skipped))


DIFF_REPORTERS: dict[str, type[DiffReporter]] = {
    "text": TextDiffReporter,
    "json": JsonDiffReporter,
    "markdown": MarkdownDiffReporter,
}
