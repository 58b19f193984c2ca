"""A filled crosswalk form into its crosswalk file: every problem at its cell, nothing written while
there is one.

``read.crosswalk_form`` reads the cells; here each old unit whose parts were filled is decided:
every part with a population gives ``by: population`` and the populations, every part of a
divided unit with a share (and not all with a population) gives ``by: share`` and the shares, which
must add up to exactly 100 % (W001, at the cell, as ``dansokh validate`` says it of the file).  An
old unit none of whose cells were filled is left as it is.  The file is changed by position-exact
edits (``write.edits``): the value of a key that is there is replaced, a key that is not is added
beside its siblings, and every other line (comments, order, the units not filled) stays as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..cascade.repository import LoadedCrosswalk
from ..check.rules.crosswalk import shares_not_one
from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from ..model.crosswalk import Entry, as_fraction
from ..model.numbers import number, plain
from ..read.crosswalk_form import CrosswalkForm, PartRow
from ..read.form import FORM_MISMATCH, CellSpan
from ..read.positions import Path as KeyPath, SourceMap
from .edits import TextEdit, apply, insert_lines, last_line_under, replace_value


@dataclass
class Decided:
    """What the form decides: the crosswalk's new text, and how many old units by what."""

    text: str | None
    problems: list[Diagnostic] = field(default_factory=list)
    by: dict[str, int] = field(default_factory=dict)  # "population" / "share" -> old units
    populations: int = 0  # parts given a population

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def find_crosswalk(form: CrosswalkForm, crosswalks: list[LoadedCrosswalk]) -> LoadedCrosswalk | None:
    """The crosswalk the form was written for: its id, else its file, as the hidden sheet says."""
    label = form.meta.get("crosswalk")
    return next((c for c in crosswalks if label in (c.crosswalk.id, c.file)), None)


def decide(form: CrosswalkForm, loaded: LoadedCrosswalk | None, text: str, source: SourceMap) -> Decided:
    """The crosswalk file's text (``text``, read now, and where its values stand, ``source``) with
    the form's populations and shares written into it."""
    decided = Decided(None, list(form.problems))
    if not form.meta or decided.failed:
        return decided
    problems = decided.problems
    where = CellSpan(form.file, "dansokh", 4, 2)
    if loaded is None:
        problems.append(FORM_MISMATCH.at(where, _("the form is for the crosswalk {crosswalk}, which is not in the repository: import it where that crosswalk is").format(crosswalk=form.meta.get("crosswalk"))))
        return decided
    walk = loaded.crosswalk
    sides = (f"{walk.from_.unit} {walk.from_.year}", f"{walk.to.unit} {walk.to.year}")
    if sides != (form.meta["from"], form.meta["to"]):
        problems.append(FORM_MISMATCH.at(where, _("the form is for {old} → {new}, but {file} now maps {now_old} → {now_new}: write a new form").format(
            old=form.meta["from"], new=form.meta["to"], file=loaded.file, now_old=sides[0], now_new=sides[1])))
        return decided
    groups: dict[str, list[PartRow]] = {}
    for row in form.rows:
        groups.setdefault(row.old, []).append(row)
    edits: list[TextEdit] = []
    for old, rows in groups.items():
        found = walk.entry(old)
        parts = [p.unit for p in found[1].parts] if found else []
        if found is None or parts != [r.unit for r in rows]:
            problems.append(FORM_MISMATCH.at(form.at(rows[0].row, "old"), _("{file} no longer holds {old} with the parts the form lists: write a new form").format(file=loaded.file, old=old)))
            continue
        index, entry = found
        edits += _entry_edits(form, _File(source, text.splitlines()), index, entry, rows, decided)
    if decided.failed:
        return decided
    decided.text = apply(text, edits)
    return decided


@dataclass(frozen=True)
class _File:
    source: SourceMap
    lines: list[str]


def _entry_edits(form: CrosswalkForm, loaded: _File, index: int, entry: Entry, rows: list[PartRow], decided: Decided) -> list[TextEdit]:
    populations = [form.populations.get(r.row) for r in rows]
    shares = [form.shares.get(r.row) for r in rows]
    name = entry.name or entry.old
    edits: list[TextEdit] = []
    if not entry.divided:
        if populations[0] is not None and populations[0] != entry.parts[0].population:
            edits += _set(loaded, index, 0, "population", str(populations[0]))
            decided.populations += 1
        return edits
    if all(p is not None for p in populations):
        by = "population"
        values: list[str | None] = [None if p == part.population else str(p) for p, part in zip(populations, entry.parts)]
    elif any(p is not None for p in populations):
        missing = next(r for r, p in zip(rows, populations) if p is None)
        decided.problems.append(shares_not_one.at(form.at(missing.row, "population"), _(
            "{name}: a population is typed for some of its parts, not this one: type the population of every part"
            " (or of none, and the shares in column G)").format(name=name)))
        return []
    elif all(s is not None for s in shares):
        # a share the crosswalk writes exactly ("1/3") comes back as the float Excel held: it is that share
        exact = [_as_written(part.share, typed) for part, typed in zip(entry.parts, shares)]
        total = sum((value for value, _text in exact), Fraction(0))
        if total != 1:
            percent = Decimal(total.numerator) * 100 / Decimal(total.denominator)
            decided.problems.append(shares_not_one.at(form.at(rows[0].row, "share"), _(
                "{name}: the shares of its parts add up to {total}%, not 100%: correct them so that they add up to exactly 100%").format(
                    name=name, total=number(percent.quantize(Decimal("0.01")).normalize()))))
            return []
        by = "share"
        values = [text for _value, text in exact]
    elif any(s is not None for s in shares):
        missing = next(r for r, s in zip(rows, shares) if s is None)
        decided.problems.append(shares_not_one.at(form.at(missing.row, "share"), _(
            "{name}: a share is typed for some of its parts, not this one: type the share of every part, adding up to 100%").format(name=name)))
        return []
    else:
        return []  # not decided yet: left as it is
    if entry.by != by:
        edits += _set_by(loaded, index, by)
    for part, value in enumerate(values):
        if value is not None:
            edits += _set(loaded, index, part, by, value)
    decided.by[by] = decided.by.get(by, 0) + 1
    decided.populations += len(values) if by == "population" else 0
    return edits


_EXCEL_PRECISION = Fraction(1, 10**15)


def _as_written(written: str | None, typed: Decimal | None) -> tuple[Fraction, str | None]:
    """A share typed in the form, exactly: the crosswalk's own where the cell holds what the form
    showed of it ("1/3" as Excel holds it, to 15 digits), else the decimal typed; and its new text
    in the file (``None``: unchanged)."""
    assert typed is not None
    if written is not None and abs(as_fraction(written) - Fraction(typed)) < _EXCEL_PRECISION:  # Excel keeps 15 digits
        return as_fraction(written), None  # unchanged
    return Fraction(typed), plain(typed)


def _set_by(loaded: _File, index: int, by: str) -> list[TextEdit]:
    source = loaded.source
    path: KeyPath = ("units", index, "by")
    if path in source.values:
        return [replace_value(source, path, by)]
    key = source.keys[("units", index, "parts")]
    return [insert_lines(key.line, [" " * (key.col - 1) + f"by: {by}"])]


def _set(loaded: _File, index: int, part: int, key: str, value: str) -> list[TextEdit]:
    """``key: value`` in a part: its value replaced where it is written, else added to the part (in
    a one-line ``{…}`` part before its closing brace, in a block part as a line of its own)."""
    source, lines = loaded.source, loaded.lines
    base: KeyPath = ("units", index, "parts", part)
    if base + (key,) in source.values:
        return [replace_value(source, base + (key,), value)]
    start = source.values[base]
    line = lines[start.line - 1]
    if line[start.col - 1 :].startswith("{"):
        ends = [span for path, span in source.ends.items() if path[: len(base)] == base]
        end = max(ends, key=lambda s: (s.line, s.col))
        closing = lines[end.line - 1].index("}", end.col - 1) + 1
        return [TextEdit(end.line, closing, end.line, closing, f", {key}: {value}")]
    return [insert_lines(last_line_under(source, base) + 1, [" " * (start.col - 1) + f"{key}: {value}"])]

