"""Splitting a plan's quota among its children so that the parts add up exactly.

The weights are a column of the plan's own allocation table (last year's quotas,
population) or a file; the arithmetic is in ``apportion``; this module ties it to a
plan's table and computes the file edits that write the split back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..i18n import _
from ..model.catalogue import CATALOGUE
from ..model.numbers import MAX_DECIMALS, MAX_WHOLE_DIGITS, exact, in_domain
from ..model.plan import AllocationTable
from ..read.files import read_bounded
from ..read.limits import DEFAULT_MAX_BYTES, shorten
from .apportion import Method, Share, apportion
from .repository import LoadedPlan, Repository


class SplitError(ValueError):
    """The split cannot be made as asked; the message says why."""


class WeightsError(SplitError):
    """The ``--weights`` file cannot be used (a usage error): the message names the file and line."""


@dataclass(frozen=True)
class SplitRow:
    row_index: int
    unit_id: str
    name: str
    weight: Decimal
    old: Decimal | None
    new: int


@dataclass(frozen=True)
class Split:
    plan: LoadedPlan
    indicator: str
    table_index: int
    column_index: int
    whole: int
    rows: list[SplitRow]
    method: Method

    @property
    def table(self) -> AllocationTable:
        return self.plan.plan.appendices[self.table_index]  # type: ignore[return-value]


def _table_with(loaded: LoadedPlan, indicator: str) -> tuple[int, AllocationTable, int]:
    for index, table in loaded.plan.allocation_tables:
        column = table.column_index(indicator)
        if column is not None:
            return index, table, column
    raise SplitError(_("plan {plan} has no allocation table with a column {indicator!r}").format(plan=loaded.plan.id, indicator=shorten(indicator)))


def _row_units(repo: Repository, loaded: LoadedPlan, table_index: int) -> dict[int, str]:
    """Rows that resolve to exactly one unit, and that unit."""
    rows = repo.row_candidates(loaded, table_index).items()
    return {row: units[0] for row, units in rows if len(units) == 1}


def _weights_text(path: Path) -> str:
    try:
        raw = read_bounded(path, DEFAULT_MAX_BYTES)
    except OSError as error:
        raise WeightsError(_("{path}: cannot read the file: {reason}").format(path=path, reason=error.strerror or error)) from None
    if len(raw) > DEFAULT_MAX_BYTES:
        raise WeightsError(_("{path}: larger than {limit} bytes; a weights file is one line per unit").format(path=path, limit=DEFAULT_MAX_BYTES))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise WeightsError(
            _("{path}:{line}: the file is not UTF-8 text (UTF-16, cp1258?); save it as UTF-8").format(path=path, line=line)
        ) from None


def _weight(path: Path, line: int, value: str) -> Decimal:
    try:
        weight = Decimal(value.replace(",", "."))
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite():
        raise WeightsError(_("{path}:{line}: {value!r} is not a number").format(path=path, line=line, value=shorten(value)))
    if not in_domain(weight):
        raise WeightsError(
            _("{path}:{line}: {value!r} is not a weight dansokh takes: at most {whole} digits before the decimal point and {decimals} after it").format(
                path=path, line=line, value=shorten(value), whole=MAX_WHOLE_DIGITS, decimals=MAX_DECIMALS
            )
        )
    if weight < 0:
        raise WeightsError(_("{path}:{line}: a weight cannot be negative ({value})").format(path=path, line=line, value=shorten(value)))
    return weight


def read_weights(path: Path, repo: Repository, loaded: LoadedPlan) -> dict[str, Decimal]:
    """A CSV file of ``unit,weight`` rows; units by id or by name as the plan writes them.
    Anything else (another encoding, a FIFO, NaN, a unit twice) is a ``WeightsError``."""
    children = repo.children(loaded.plan.unit.id, loaded.plan.year)
    weights: dict[str, Decimal] = {}
    lines: dict[str, int] = {}
    reader = csv.reader(io.StringIO(_weights_text(path), newline=""))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if not row or number == 1 and row[-1].strip().lower() in ("weight", "trọng số"):
                continue
            if len(row) != 2:
                raise WeightsError(_("{path}:{line}: expected two columns, unit and weight").format(path=path, line=number))
            name, value = row[0].strip(), row[1].strip()
            ids = [name] if any(u.id == name for u in children) else repo.resolve(name, children)
            if len(ids) != 1:
                raise WeightsError(_("{path}:{line}: {name!r} is not one unit of {unit}").format(path=path, line=number, name=shorten(name), unit=loaded.plan.unit.name))
            if ids[0] in lines:
                raise WeightsError(
                    _("{path}:{line}: {name!r} already has a weight (line {first})").format(path=path, line=number, name=shorten(name), first=lines[ids[0]])
                )
            weights[ids[0]] = _weight(path, number, value)
            lines[ids[0]] = number
    except csv.Error as error:
        raise WeightsError(_("{path}:{line}: not a CSV row: {reason}").format(path=path, line=number + 1, reason=error)) from None
    return weights


@exact  # the stated whole (a sum of parts) and the weights
def make_split(
    repo: Repository,
    loaded: LoadedPlan,
    indicator: str,
    *,
    by: str | None = None,
    weights: dict[str, Decimal] | None = None,
    whole: int | None = None,
    method: Method = Method.LARGEST_REMAINDER,
    minimums: dict[str, int] | None = None,
    fixed: dict[str, int] | None = None,
) -> Split:
    if not CATALOGUE[indicator].quota:
        raise SplitError(_("{indicator!r} is a rate, not a count: only quotas are split").format(indicator=shorten(indicator)))
    table_index, table, column = _table_with(loaded, indicator)
    row_units = _row_units(repo, loaded, table_index)
    unit_rows = table.unit_rows
    unresolved = [row.name for index, row in unit_rows if index not in row_units]
    if unresolved:
        raise SplitError(_("rows that match no single unit: {rows} (run `dansokh validate`)").format(rows=', '.join(unresolved)))
    if whole is None:
        stated = repo.stated(loaded, indicator)
        if stated is None:
            raise SplitError(_("plan {plan} states no {indicator!r}; give the whole with --whole").format(plan=loaded.plan.id, indicator=shorten(indicator)))
        whole = int(stated.value)
    if weights is None:
        weight_column = table.column_index(by or indicator)
        if weight_column is None:
            raise SplitError(_("the table has no column {column!r} to weigh by").format(column=shorten(by)))
        weights = {}
        for index, row in unit_rows:
            value = row.values[weight_column] if weight_column < len(row.values) else None
            if value is None:
                raise SplitError(_("{row} has no value in the weight column").format(row=row.name))
            weights[row_units[index]] = value
    missing = [row.name for index, row in unit_rows if row_units[index] not in weights]
    if missing:
        raise SplitError(_("no weight for {rows}").format(rows=', '.join(missing)))
    known = set(row_units.values())
    for label, given in (("--min", minimums or {}), ("--fixed", fixed or {})):
        strangers = sorted(set(given) - known)
        if strangers:
            raise SplitError(_("{option}: {units} is not a row of this table").format(option=label, units=', '.join(strangers)))
    shares = [
        Share(
            row_units[index],
            weights[row_units[index]],
            minimum=(minimums or {}).get(row_units[index], 0),
            fixed=(fixed or {}).get(row_units[index]),
        )
        for index, _ in unit_rows
    ]
    parts = apportion(whole, shares, method)
    rows = [
        SplitRow(index, row_units[index], row.name, weights[row_units[index]], row.values[column], part)
        for (index, row), part in zip(unit_rows, parts)
    ]
    return Split(loaded, indicator, table_index, column, whole, rows, method)
