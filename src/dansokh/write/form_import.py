"""A filled results form into a result file: every problem at its cell, nothing written while there is one.

``read.form`` reads the cells; here they become a ``ResultFile`` for the unit, year and period
the form was written for, checked against what the user expects (``--unit``, ``--period``) and
against the repository, and each figure is checked as ``dansokh validate`` checks it (K001,
K002), with the cell in place of the line.  ``write.results`` then writes it atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..cascade.results import Book
from ..check.rules.results import impossible_figure, rate_parts_disagree
from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from ..model.catalogue import CATALOGUE
from ..model.periods import period_words
from ..model.result import Figure, ResultDocument, ResultFile, figure_problems
from ..read.form import COLUMNS, FIELDS, FORM_MISMATCH, SHEET, FilledForm
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
    meta_unit, meta_period, meta_year = form.meta["unit"], form.meta["period"], int(form.meta["year"])
    problems = imported.problems
    unit_cell, period_cell = form.at(FIELDS["unit"], 3), form.at(FIELDS["period"], 3)
    shown_unit, shown_period = str(form.header.get("unit") or ""), str(form.header.get("period") or "")
    if not shown_unit.endswith(f"({meta_unit})"):
        problems.append(FORM_MISMATCH.at(unit_cell, _("the unit cell reads {shown!r}, but the form was written for {unit}: write a new form for the other unit").format(shown=shown_unit, unit=meta_unit)))  # type: ignore[arg-type]
    if not shown_period.startswith(f"{meta_period}:"):
        problems.append(FORM_MISMATCH.at(period_cell, _("the period cell reads {shown!r}, but the form was written for {period}: write a new form for the other period").format(shown=shown_period, period=meta_period)))  # type: ignore[arg-type]
    if unit is not None and unit != meta_unit:
        problems.append(FORM_MISMATCH.at(unit_cell, _("this form is for {form_unit}, not {unit}").format(form_unit=meta_unit, unit=unit)))  # type: ignore[arg-type]
    if period is not None and period != meta_period:
        problems.append(FORM_MISMATCH.at(period_cell, _("this form is for {form_period}, not {period}").format(form_period=period_words(meta_period, meta_year), period=period_words(period, year or meta_year))))  # type: ignore[arg-type]
    if year is not None and year != meta_year:
        problems.append(FORM_MISMATCH.at(period_cell, _("this form is for {form_year}, not {year}").format(form_year=meta_year, year=year)))  # type: ignore[arg-type]
    if book.repo.unit(meta_unit) is None:
        problems.append(FORM_MISMATCH.at(unit_cell, _("no plan in the repository declares the unit {unit!r}").format(unit=meta_unit)))  # type: ignore[arg-type]
    figures: list[Figure] = []
    for row in form.rows:
        values = {name: form.values.get((row.row, COLUMNS[name])) for name in ("value", "numerator", "denominator", "note")}
        if all(values[name] is None for name in ("value", "numerator", "denominator")):
            continue  # not reported yet (a note alone has nothing to attach to)
        unit_code = None if row.unit == CATALOGUE[row.indicator].unit else row.unit
        figure = Figure(
            indicator=row.indicator,
            value=_normal(values["value"]) if values["value"] is not None else None,
            unit=unit_code,
            numerator=_normal(values["numerator"]) if values["numerator"] is not None else None,
            denominator=_normal(values["denominator"]) if values["denominator"] is not None else None,
            note=values["note"],
        )
        for problem in figure_problems(figure):
            rule = impossible_figure if problem.code == "K001" else rate_parts_disagree
            column = COLUMNS.get(problem.field, COLUMNS["name"]) if problem.field != "indicator" else COLUMNS["value"]
            problems.append(rule.at(form.at(row.row, column), problem.message))  # type: ignore[arg-type]
        figures.append(figure)
    problems.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    reported = form.header.get("reported")
    if imported.failed or reported is None:
        return imported
    number, issuer = form.header.get("number"), form.header.get("issuer")
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
    return imported


__all__ = ["Imported", "result_from_form", "SHEET"]
