"""A filled results form into a result file: every problem at its cell, nothing written while there is one.

``read.form`` reads the cells; here they become a ``ResultFile`` for the unit, year and period
the form was written for, checked against what the user expects (``--unit``, ``--period``) and
against the repository, and each figure is checked as ``dansokh validate`` checks it (K001,
K002, K010's F010, K011, K012), with the cell in place of the line.  ``write.results`` then writes it atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydantic import ValidationError

from ..check.rules.results import impossible_figure, rate_parts_disagree, reduction_disagrees, reduction_problems, report_date_impossible
from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from ..model.catalogue import CATALOGUE, UNITS, canonical, is_convertible
from ..model.numbers import MAX_DECIMALS, MAX_WHOLE_DIGITS, bounded, in_domain, number
from ..model.parse import problem_text
from ..model.periods import PERIODS, period_label, period_words, report_date_problem
from ..model.result import Fault, Figure, ResultDocument, ResultFile, figure_problems
from ..read.form import COLUMNS, FIELDS, FORM_MISMATCH, NOT_A_NUMBER, SHEET, TOTAL_DIFFERS, FilledForm, FormRow, changed
from ..read.limits import shorten
from ..results.book import Book
from .results import normal as _normal


@dataclass
class Imported:
    result: ResultFile | None
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def result_from_form(
    form: FilledForm, book: Book, unit: str | None = None, period: str | None = None, year: int | None = None
) -> Imported:
    imported = Imported(None, list(form.problems))
    if not form.meta:
        return imported
    problems = imported.problems
    unknown = _unknown_in_meta(form)
    if unknown is not None:  # the form's description is broken: what the sheet says cannot be placed
        imported.problems = [unknown]
        return imported
    if form.edited is not None:  # the description no longer matches its check: the unit, year or a row was edited
        imported.problems = [changed(form, *form.edited)]
        return imported
    meta_unit, meta_period, meta_year = form.meta["unit"], form.meta["period"], int(form.meta["year"])
    unit_cell, period_cell = form.at(FIELDS["unit"], 3), form.at(FIELDS["period"], 3)
    shown_unit, shown_period = str(form.header.get("unit") or ""), str(form.header.get("period") or "")
    if not shown_unit.endswith(f"({meta_unit})"):
        problems.append(FORM_MISMATCH.at(unit_cell, _("the unit cell reads {shown!r}, but the form was written for {unit}: write a new form for the other unit").format(shown=shorten(shown_unit), unit=meta_unit)))
    if shown_period != f"{meta_period}: {period_label(meta_period, meta_year)}":  # the year too, as the form wrote it
        problems.append(FORM_MISMATCH.at(period_cell, _("the period cell reads {shown!r}, but the form was written for {period}: write a new form for the other period").format(shown=shorten(shown_period), period=meta_period)))
    if unit is not None and unit != meta_unit:
        problems.append(FORM_MISMATCH.at(unit_cell, _("this form is for {form_unit}, not {unit}").format(form_unit=meta_unit, unit=unit)))
    if period is not None and period != meta_period:
        problems.append(FORM_MISMATCH.at(period_cell, _("this form is for {form_period}, not {period}").format(form_period=period_words(meta_period, meta_year), period=period_words(period, year or meta_year))))
    if year is not None and year != meta_year:
        problems.append(FORM_MISMATCH.at(period_cell, _("this form is for {form_year}, not {year}").format(form_year=meta_year, year=year)))
    if book.repo.unit(meta_unit) is None:
        problems.append(FORM_MISMATCH.at(unit_cell, _("no plan in the repository declares the unit {unit!r}").format(unit=shorten(meta_unit))))
    figures: list[Figure] = []
    figure_rows: list[int] = []  # the form's row of each figure
    for row in form.rows:
        values = {name: form.values.get((row.row, COLUMNS[name])) for name in ("value", "numerator", "denominator", "note")}
        out_of_domain = _out_of_domain(form, row, values) + _percent_elsewhere(form, row)
        if out_of_domain:
            problems += out_of_domain
            continue
        if all(values[name] is None for name in ("value", "numerator", "denominator")):
            continue  # not reported yet (a note alone has nothing to attach to)
        unit_code = None if row.unit == CATALOGUE[row.indicator].unit else row.unit
        try:
            figure = Figure(
                indicator=row.indicator,
                value=_normal(values["value"]) if values["value"] is not None else None,
                unit=unit_code,
                numerator=_normal(values["numerator"]) if values["numerator"] is not None else None,
                denominator=_normal(values["denominator"]) if values["denominator"] is not None else None,
                note=values["note"],
            )
        except ValidationError as error:  # the hidden sheet names a unit that does not fit the indicator
            problems.append(changed(form, row.line, _("row {row}: {reason}").format(row=row.row, reason=problem_text(error.errors()[0]))))
            continue
        for problem in figure_problems(figure):
            rule = impossible_figure if problem.fault is Fault.IMPOSSIBLE else rate_parts_disagree
            column = COLUMNS.get(problem.field, COLUMNS["name"]) if problem.field != "indicator" else COLUMNS["value"]
            problems.append(rule.at(form.at(row.row, column), problem.message))
        figures.append(figure)
        figure_rows.append(row.row)
    problems += _totals(form, {(p.span.line, p.span.col) for p in problems})
    if book.repo.unit(meta_unit) is not None:  # K012 at the reduction's cell, as validate words it
        plan = form.meta.get("plan") or None
        for index, _rate, message, _where in reduction_problems(book, meta_unit, meta_year, meta_period, plan, figures):
            problems.append(reduction_disagrees.at(form.at(figure_rows[index], COLUMNS["value"]), message))
    reported = form.header.get("reported")
    try:
        day = date.fromisoformat(reported) if reported is not None and meta_period in PERIODS else None
    except ValueError:  # read.form checked the date: a safety net
        day = None
    if day is not None:
        late = report_date_problem(meta_period, meta_year, day)
        if late is not None:  # K011 at the date's cell
            problems.append(report_date_impossible.at(form.at(FIELDS["reported"], 3), late))
    problems.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    if imported.failed or reported is None:
        return imported
    number, issuer = form.header.get("number"), form.header.get("issuer")
    try:
        document = ResultDocument(kind="Báo cáo", number=number, date=reported, issuer=issuer) if number or issuer else None
        imported.result = ResultFile(
            kind="result",
            unit=meta_unit,
            year=meta_year,
            period=meta_period,
            reported=reported,
            document=document,
            plan=form.meta.get("plan") or None,
            note=form.header.get("note"),
            figures=figures,
        )
    except ValidationError as error:  # read.form checked every field; this is a safety net, never a traceback
        problems.append(changed(form, 1, shorten(problem_text(error.errors()[0]), 200)))
    return imported


def _unknown_in_meta(form: FilledForm):  # -> Diagnostic | None
    """What the catalogue in force does not know among the hidden sheet's period, indicators and units."""
    if form.meta["period"] not in PERIODS:
        return changed(form, 5, _("the period {period!r} is not one of {known}").format(period=shorten(form.meta["period"]), known=", ".join(PERIODS)))
    for row in form.rows:
        line = row.line
        if canonical(row.indicator) is None:
            return changed(form, line, _("{key!r} is not an indicator of the catalogue").format(key=shorten(row.indicator)))
        if row.unit not in UNITS:
            return changed(form, line, _("{unit!r} is not a unit of measure of the catalogue").format(unit=shorten(row.unit)))
        if not is_convertible(row.unit, CATALOGUE[canonical(row.indicator)].unit):  # type: ignore[index]
            return changed(form, line, _("{key!r} is not measured in {unit!r}").format(key=shorten(row.indicator), unit=shorten(row.unit)))
    form.rows = [FormRow(canonical(row.indicator), row.row, row.kind, row.unit, row.line) for row in form.rows]  # type: ignore[arg-type]
    return None


def _percent_elsewhere(form: FilledForm, row: FormRow):  # -> list[Diagnostic]
    """F007 at each cell typed as a percentage (``85%``, read as 85) where the row is not in %: a
    ‰ or a count read from a percentage would be off by 100 or 1,000."""
    found = []
    for name in ("value", "numerator", "denominator"):
        where = (row.row, COLUMNS[name])
        value = form.values.get(where)
        if where not in form.percents or value is None or (name == "value" and row.unit == "%"):
            continue
        typed = number(value) + "%"
        if name == "value":
            message = _("{value} is typed as a percentage, but this row is in {unit}: format the cell as a number and type the figure in {unit}, without %").format(value=typed, unit=row.unit)
        else:
            message = _("{value} is typed as a percentage, but a numerator or a denominator is a count: format the cell as a number and type the count").format(value=typed)
        found.append(NOT_A_NUMBER.at(form.at(*where), message))
    return found


def _totals(form: FilledForm, reported: set[tuple[int, int]]):  # -> list[Diagnostic]
    """F010 at a total's cell (new users of contraception) that is not the sum of its rows on the
    form: smaller than the rows filled in, or different from them once every one is filled in
    (not where one of its rows is already reported: the figure to correct is that one)."""
    found = []
    rows = {row.indicator: row for row in form.rows}
    for row in form.rows:
        parts = [rows[key] for key in CATALOGUE[row.indicator].parts if key in rows]
        total = form.values.get((row.row, COLUMNS["value"]))
        if not parts or total is None:
            continue
        if any((cell.row, COLUMNS["value"]) in reported for cell in (row, *parts)):
            continue
        values = [form.values.get((part.row, COLUMNS["value"])) for part in parts]
        filled = [value for value in values if value is not None]
        whole = sum(filled, Decimal(0))
        if whole > total or (len(filled) == len(parts) and whole != total):
            first, last = parts[0].row, parts[-1].row
            found.append(TOTAL_DIFFERS.at(
                form.at(row.row, COLUMNS["value"]),
                _("the total {total} is not the sum of its rows {first}–{last} ({whole}): correct the total or the rows").format(
                    total=number(_normal(total)), first=first, last=last, whole=number(_normal(whole))
                ),
            ))
    return found


def _out_of_domain(form: FilledForm, row: FormRow, values: dict[str, object]):  # -> list[Diagnostic]
    """F007 at each cell of the row whose number no plan or result may hold (model.numbers)."""
    return [
        NOT_A_NUMBER.at(
            form.at(row.row, COLUMNS[name]),
            _("{value} is not a figure dansokh takes: at most {whole} digits before the decimal point and {decimals} after it").format(
                value=bounded(value), whole=MAX_WHOLE_DIGITS, decimals=MAX_DECIMALS
            ),
        )
        for name in ("value", "numerator", "denominator")
        if isinstance(value := values[name], Decimal) and not in_domain(value)
    ]


__all__ = ["Imported", "result_from_form", "SHEET"]
