"""A filled plan form into its plan file, in place: every problem at its cell, only what changed
rewritten, every other byte kept.

``read.plan_form`` reads the cells; here each one whose value differs from what the form showed
becomes a position-exact edit (``write.edits``) of the value at its path, written as the plan's
own numbers and texts are written (``model.numbers.plain``, ``write.plan_text.scalar``).  A total
of a count column (a SUM formula on the form) becomes the sum of its rows, where one of them
changed.  A value the plan no longer holds as the form showed it (the file was edited after the
form was written) is F003 at its cell: the form is not written over newer work.  ``write.apply``
then checks, shows the diff, checks again and writes atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from ..model.numbers import MAX_DECIMALS, MAX_WHOLE_DIGITS, bounded, in_domain, number, plain
from ..read.form import EMPTY, FORM_MISMATCH, NOT_A_NUMBER, TOTAL_DIFFERS
from ..read.loader import load_text
from ..read.plan_form import FilledPlanForm, PlanCell, cell_ref
from ..read.positions import Path
from .edits import TextEdit, apply, insert_lines, item_lines, replace_value
from .plan_text import scalar


@dataclass
class PlanImport:
    text: str | None  # the plan file's new text (the same text where nothing changed), None with an error
    problems: list[Diagnostic] = field(default_factory=list)
    changed: int = 0  # the values rewritten

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def _original(data: Any, path: tuple) -> tuple[bool, Any]:
    value = data
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, value


def _as_shown(value: Any) -> str:
    """A plan's value as the form wrote it in the hidden sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, Decimal)):
        return plain(Decimal(str(value))) or ""
    return str(value)


def _same(typed: Any, original: str) -> bool:
    if typed is None or original == "":
        return typed is None and original == ""
    if isinstance(typed, Decimal):
        try:
            return typed == Decimal(original)
        except ArithmeticError:
            return False
    return typed == original


def plan_from_form(form: FilledPlanForm, file: str, text: str) -> PlanImport:
    """The plan file's text with the form's changes, or the problems that keep it unwritten."""
    result = PlanImport(None, list(form.problems))
    if result.failed or not form.meta:
        return result
    loaded = load_text(file, text.encode("utf-8"))
    if loaded.data is None or not isinstance(loaded.data, dict):
        result.problems.append(FORM_MISMATCH.at(form.at("", 0, 0), _("{file} cannot be read as a plan: run `dansokh validate` on it").format(file=file)))
        return result
    data, source = loaded.data, loaded.source
    edits: list[TextEdit] = []
    changed_cells: set[tuple[str, int, int]] = set()
    problems = result.problems
    new_rows: dict[Path, dict[str | int, dict[str | int, tuple[PlanCell, Any]]]] = {}
    for spec in form.cells:
        if spec.type == "total":
            continue
        place = (spec.sheet, spec.row, spec.column)
        if len(spec.path) > 3 and spec.path[-4:-2] == ("rows", "new"):  # a new task: written below, whole
            new_rows.setdefault(spec.path[:-4], {}).setdefault(spec.path[-2], {})[spec.path[-1]] = (spec, form.values.get(place))
            continue
        typed = form.values.get(place)
        if place not in form.values and any(p.span.line == spec.row and p.span.col == spec.column and getattr(p.span, "sheet", None) == spec.sheet for p in problems):
            continue  # reported where it was read
        if typed is None and spec.required:
            problems.append(EMPTY.at(form.at(*place), _("the cell is empty, but the plan needs a value here: type it (the form showed {value})").format(value=_shown(spec))))
            continue
        if isinstance(typed, Decimal) and not in_domain(typed):
            problems.append(NOT_A_NUMBER.at(form.at(*place), _(
                "{value} is not a figure dansokh takes: at most {whole} digits before the decimal point and {decimals} after it"
            ).format(value=bounded(typed), whole=MAX_WHOLE_DIGITS, decimals=MAX_DECIMALS)))
            continue
        if _same(typed, spec.original):
            continue
        found, now = _original(data, spec.path)
        if found and _same(typed, _as_shown(now)):
            continue  # the plan already holds it (the same form imported again)
        if not found or spec.path not in source.values or _as_shown(now) != spec.original:
            problems.append(FORM_MISMATCH.at(form.at(*place), _(
                "the plan no longer holds what the form showed here ({shown}; it now holds {now}): it was changed after the form"
                " was written; write a new form with `dansokh form --plan {plan}` and fill that"
            ).format(shown=_shown(spec), now=_as_shown(now) or "—", plan=form.meta.get("plan", "PLAN"))))
            continue
        edits.append(replace_value(source, spec.path, _written(typed)))
        changed_cells.add(place)
    for section, blanks in new_rows.items():
        edit = _new_tasks(form, text, data, source, section, blanks, problems)
        if edit is not None:
            edits.append(edit)
    for spec in form.cells:  # a total: the sum of its rows, where one of them changed
        if spec.type != "total":
            continue
        parts = [(spec.sheet, row, column) for row, column in spec.parts]
        values = []
        for part in parts:
            value = form.values.get(part)
            if value is None:
                original = next((c.original for c in form.cells if (c.sheet, c.row, c.column) == part), "")
                value = Decimal(original) if original else None
            values.append(value)
        known = [value for value in values if value is not None]
        if len(known) < len(values):
            continue
        total = sum(known, Decimal(0))
        cached = form.cached.get((spec.sheet, spec.row, spec.column))
        if cached is not None and cached != total:
            problems.append(TOTAL_DIFFERS.at(form.at(spec.sheet, spec.row, spec.column), _(
                "the total {total} is not the sum of its rows ({whole}): the total is a formula, put it back (=SUM) rather than typing over it"
            ).format(total=number(cached), whole=number(total))))
            continue
        if not any(part in changed_cells for part in parts):
            continue
        found, now = _original(data, spec.path)
        if found and isinstance(now, (int, float, Decimal)) and not isinstance(now, bool) and Decimal(str(now)) == total:
            continue
        if not found or spec.path not in source.values:
            continue
        edits.append(replace_value(source, spec.path, _written(total)))
    problems.sort(key=lambda d: (getattr(d.span, "sheet", ""), d.span.line, d.span.col, d.code))
    if result.failed:
        return result
    result.changed = len(edits)
    result.text = apply(text, edits) if edits else text
    return result


_TASK_KEYS = ("content", "time", "lead", "partners")


def _new_tasks(form: FilledPlanForm, text: str, data: Any, source: Any, section: tuple, blanks: dict, problems: list) -> TextEdit | None:
    """The tasks typed in a section's blank rows, appended to its ``rows`` (numbered after the last),
    in the style of its rows; F011 at a task's content, time or lead left empty."""
    tasks = []
    for _blank, cells in sorted(blanks.items()):
        if all(value is None for _spec, value in cells.values()):
            continue
        missing = [cells[key][0] for key in ("content", "time", "lead") if key in cells and cells[key][1] is None]
        for spec in missing:
            problems.append(EMPTY.at(form.at(spec.sheet, spec.row, spec.column), _(
                "a new task needs its content, time and lead: type this one too, or clear the row"
            )))
        if missing:
            continue
        tasks.append({key: cells[key][1] for key in _TASK_KEYS if key in cells and cells[key][1] is not None})
    found, rows = _original(data, section + ("rows",))
    if found and isinstance(rows, list):  # a task the section already has (the same form imported again) is not added twice
        had = {tuple(str(row.get(key) or "") for key in _TASK_KEYS) for row in rows if isinstance(row, dict)}
        tasks = [task for task in tasks if tuple(str(task.get(key) or "") for key in _TASK_KEYS) not in had]
    if not tasks:
        return None
    if not found or not isinstance(rows, list) or section + ("rows",) not in source.keys:
        spec = next(iter(next(iter(blanks.values())).values()))[0]
        problems.append(FORM_MISMATCH.at(form.at(spec.sheet, spec.row, spec.column), _(
            "the plan no longer has this section's rows: it was changed after the form was written; write a new form with"
            " `dansokh form --plan {plan}` and fill that"
        ).format(plan=form.meta.get("plan", "PLAN"))))
        return None
    fields = [
        {"number": scalar(str(len(rows) + index + 1), flow=True)} | {key: scalar(value, flow=True) for key, value in task.items()}
        for index, task in enumerate(tasks)
    ]
    if rows:
        position, lines = item_lines(text, source, section + ("rows",), len(rows), fields[0])
        for extra in fields[1:]:
            lines += item_lines(text, source, section + ("rows",), len(rows), extra)[1]
        return insert_lines(position, lines)
    line = source.keys[section + ("rows",)].line
    current = text.splitlines()[line - 1]
    match = re.fullmatch(r"(\s*)rows:\s*\[\]\s*(#.*)?", current)
    if match is None:  # not the `rows: []` dansokh writes: the officer's own layout is not guessed
        spec = next(iter(next(iter(blanks.values())).values()))[0]
        problems.append(FORM_MISMATCH.at(form.at(spec.sheet, spec.row, spec.column), _(
            "the plan writes this section's empty rows in a way the form cannot extend ({line}): add the task in the plan file"
        ).format(line=current.strip()[:60])))
        return None
    indent = match.group(1)
    body = [f"{indent}rows:" + (f"  {match.group(2)}" if match.group(2) else "")]
    for task in fields:
        items = list(task.items())
        body.append(f"{indent}  - {items[0][0]}: {items[0][1]}")
        body += [f"{indent}    {key}: {value}" for key, value in items[1:]]
    return TextEdit(line, 1, line + 1, 1, "".join(b + "\n" for b in body))


def _written(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return plain(value) or "null"
    return scalar(value, flow=True)


def _shown(spec: PlanCell) -> str:
    if not spec.original:
        return _("an empty cell")
    if spec.type in ("number", "whole"):
        try:
            return number(Decimal(spec.original))
        except ArithmeticError:
            return spec.original
    return repr(spec.original) if len(spec.original) <= 60 else repr(spec.original[:57] + "…")


__all__ = ["EMPTY", "PlanImport", "plan_from_form", "cell_ref"]
