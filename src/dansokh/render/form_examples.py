"""The F rules' examples, run for real: a results form written by ``dansokh form`` for a unit of a
small repository, filled as an officer fills it, changed the way the case says, and read back by
``dansokh import``.  The cases live in ``check/examples.yaml`` (``form_cases``); ``dansokh rules
F010`` shows its rule's case with the diagnostics it gives, and the tests run every one.

A case names the form (``form: {unit, year, period}``), the figures filled in (``fill``: the day
of the report and a value per indicator), and what is changed before importing: ``cells`` (a
cell by its place, ``new_users_iud.value`` or ``reported``, or by its reference, ``C4``),
``merge`` (two cells), ``insert_row`` (above an indicator's row), ``workbook: blank`` (another
workbook) or ``bytes`` (a file that is no workbook at all).  Its passing example is the form
filled without the changes.

A case of the plan form names the plan instead (``plan: c``) and changes cells by their sheet and
reference (``cells: {"Chỉ tiêu!F6": null}``); its passing example is the form as written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

import openpyxl

from ..check import examples
from ..check.examples import Changed
from ..check.findings import Findings
from ..check.run import load_checked
from ..read.form import COLUMNS, FIELDS, FIRST_ROW, SHEET, read_form
from ..write.form_import import result_from_form
from .form import form_spec, render_form

FORM = "form.xlsx"


def _rows(sheet: Any) -> dict[str, int]:
    return {sheet.cell(r, COLUMNS["key"]).value: r for r in range(FIRST_ROW, sheet.max_row + 1)}


def _reference(place: str, rows: dict[str, int]) -> str:
    """``new_users_iud.value`` -> ``E17``; ``reported`` -> ``C6``; a reference stays itself."""
    indicator, _, column = place.partition(".")
    if column:
        return f"{openpyxl.utils.get_column_letter(COLUMNS[column])}{rows[indicator]}"
    if place in FIELDS:
        return f"C{FIELDS[place]}"
    return place


def _filled(case: dict[str, Any], data: bytes) -> tuple[openpyxl.Workbook, dict[str, int]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET]
    rows = _rows(sheet)
    fill = case.get("fill", {})
    sheet[_reference("reported", rows)] = dt.date.fromisoformat(str(fill["reported"]))
    for indicator, value in (fill.get("figures") or {}).items():
        sheet[_reference(f"{indicator}.value", rows)] = value
    return workbook, rows


def _shown(value: Any) -> str:
    """A cell's value as the diff shows it: a control character as its code (``\\u0085``)."""
    text = "" if value is None else str(value)
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def changes(case: dict[str, Any], rows: dict[str, int], sheet: Any) -> list[Changed]:
    """What the case changes in the filled form, as lines of a small diff (the row as the line)."""
    found = []
    for place, value in (case.get("cells") or {}).items():
        ref = _reference(place, rows)
        cell = sheet[ref]
        found.append(Changed(FORM, cell.row, f"{SHEET}!{ref}: {_shown(cell.value)}", [f"{SHEET}!{ref}: {_shown(value)}"]))
    if case.get("merge"):
        first, last = (_reference(p, rows) for p in case["merge"])
        found.append(Changed(FORM, sheet[first].row, f"{SHEET}!{first}, {SHEET}!{last}", [f"{SHEET}!{first}:{last}"]))
    if case.get("insert_row"):
        row = rows[case["insert_row"]]
        found.append(Changed(FORM, row, f"{SHEET}!{row}: {case['insert_row']}", [f"{SHEET}!{row}: (a row inserted)", f"{SHEET}!{row + 1}: {case['insert_row']}"]))
    if case.get("workbook") == "blank":
        found.append(Changed(FORM, 1, FORM, [f"{FORM}: (a workbook of its own, not a form)"]))
    if "bytes" in case:
        found.append(Changed(FORM, 1, FORM, [repr(case["bytes"])]))
    return found


def _run_plan(case: dict[str, Any], passing: bool, root: Path) -> tuple[Findings, list[Changed]]:
    """A plan form's case: ``dansokh form --plan`` written, its cells changed, read back as
    ``dansokh import`` reads it (the plan itself is not written)."""
    from ..read.form import open_workbook
    from ..read.plan_form import read_plan_form
    from ..write.plan_form import plan_from_form
    from .plan_form import plan_form_spec, render_plan_form

    _, findings = load_checked([Path(".")])
    book = findings.book
    loaded = book.repo.by_id[case["plan"]]
    workbook = openpyxl.load_workbook(io.BytesIO(render_plan_form(plan_form_spec(book, loaded))))
    changed = []
    for place, value in (case.get("cells") or {}).items():
        title, _, ref = place.partition("!")
        cell = workbook[title][ref]
        changed.append(Changed(FORM, cell.row, f"{place}: {_shown(cell.value)}", [f"{place}: {_shown(value)}"]))
        if not passing:
            cell.value = value
    path = root / FORM
    workbook.save(path)
    form = read_plan_form(open_workbook(path, FORM, sheets=None, cached=True))
    problems = list(form.problems)
    if not problems:
        problems = list(plan_from_form(form, loaded.file, Path(loaded.file).read_text(encoding="utf-8")).problems)
    return Findings(diagnostics=problems), changed


def run(case: dict[str, Any], passing: bool = False) -> tuple[Findings, list[Changed]]:
    """Import the case's form, changed (or, ``passing``, as filled) in a fresh folder; the
    diagnostics of the import, and the case's changes."""
    with tempfile.TemporaryDirectory(prefix="dansokh-example-") as folder:
        root = Path(folder)
        for name, data in examples.files_of(case).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        with contextlib.chdir(root):
            if "plan" in case:
                return _run_plan(case, passing, root)
            _, findings = load_checked([Path(".")])
            book = findings.book
            form = case["form"]
            spec = form_spec(book, book.repo.unit(form["unit"]), form["year"], form["period"])
            workbook, rows = _filled(case, render_form(spec))
            sheet = workbook[SHEET]
            changed = changes(case, rows, sheet)
            path = root / FORM
            if not passing:
                for place, value in (case.get("cells") or {}).items():
                    sheet[_reference(place, rows)] = value
                if case.get("merge"):
                    first, last = (_reference(p, rows) for p in case["merge"])
                    sheet.merge_cells(f"{first}:{last}")
                if case.get("insert_row"):
                    sheet.insert_rows(rows[case["insert_row"]])
                if case.get("workbook") == "blank":
                    workbook = openpyxl.Workbook()
            workbook.save(path)
            if "bytes" in case and not passing:
                path.write_bytes(str(case["bytes"]).encode("utf-8"))
            imported = result_from_form(read_form(path, FORM), book)
    return Findings(diagnostics=list(imported.problems)), changed
