"""Within one allocation table: totals, methods and rates add up."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ...cascade.repository import LoadedPlan
from ...diagnostics import shorten
from ...i18n import N_, _
from ...model.catalogue import CATALOGUE, Direction, is_count
from ...model.numbers import all_given, span
from ...model.plan import AllocationTable
from .base import Diagnostic, Related, Rule, fmt, plan_rule, quantity


def _tables(loaded: LoadedPlan) -> Iterator[tuple[tuple, AllocationTable]]:
    for index, table in loaded.plan.allocation_tables:
        yield ("appendices", index), table


def _column(table: AllocationTable, column: int) -> list[tuple[int, Decimal | None]]:
    return [(i, row.values[column] if column < len(row.values) else None) for i, row in table.unit_rows]


def _is_rate(indicator: str) -> bool:
    spec = CATALOGUE[indicator]
    return not spec.quota and spec.direction is not Direction.INFO


@plan_rule("T001", "total-not-sum", N_("A quota column's total row differs from the sum of its rows."))
def total_not_sum(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """For a count that adds up (persons, sessions), the issuing unit's total row must
    equal the sum of the rows above or below it: Hà Nội's 416.950 new contraceptive users
    are the sum of its 30 districts.  Blank cells are left out of the check."""
    for path, table in _tables(loaded):
        total = table.total_row
        if total is None:
            continue
        for c, column in enumerate(table.columns):
            if not CATALOGUE[column.indicator].quota or c >= len(total[1].values):
                continue
            expected = total[1].values[c]
            cells = all_given([value for _, value in _column(table, c)])
            if expected is None or cells is None:
                continue
            actual = sum(cells, Decimal(0))
            if actual != expected:
                yield rule.at(
                    loaded.span(path + ("rows", total[0], "values", c)),
                    _(
                        "column {column!r}: the total row says {total}, but its rows sum to {actual}"
                        " (off by {off}); correct the total or the row that is wrong"
                    ).format(total=fmt(expected), column=shorten(column.label), actual=fmt(actual), off=fmt(abs(expected - actual))),
                )


@plan_rule("T002", "parts-not-sum", N_("A total differs from the sum of its parts (methods)."))
def parts_not_sum(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A row's total of new contraceptive users must equal the sum of its methods
    (35.600 + 300 + 1.100 + 99.250 + 280.700 = 416.950), in every table row and among
    the plan's headline targets.  Parts the row does not carry are not counted."""
    for path, table in _tables(loaded):
        columns_of: dict[tuple[str, ...], list[int]] = {}  # once per kind of total, not per column
        for c, column in enumerate(table.columns):
            parts = CATALOGUE[column.indicator].parts
            if not parts:
                continue
            if parts not in columns_of:
                columns_of[parts] = [i for i, other in enumerate(table.columns) if other.indicator in parts]
            indexes = columns_of[parts]
            if not indexes:
                continue
            for r, row in enumerate(table.rows):
                own = row.values[c] if c < len(row.values) else None
                if own is None:
                    continue
                values = all_given([row.values[i] for i in indexes if i < len(row.values)])
                if values is None or len(values) < len(indexes):
                    continue
                actual = sum(values, Decimal(0))
                if actual != own:
                    yield rule.at(
                        loaded.span(path + ("rows", r, "values", c)),
                        _("{row}: the total {total} is not the sum of its methods, {actual} (off by {off})").format(
                            row=row.name, total=fmt(own), actual=fmt(actual), off=fmt(abs(own - actual))
                        ),
                    )
    targets = {t.indicator: (i, t) for i, t in enumerate(loaded.plan.targets)}
    for key, (index, target) in targets.items():
        methods = [targets[p][1].value for p in CATALOGUE[key].parts if p in targets]
        if methods and sum(methods, Decimal(0)) != target.value:
            yield rule.at(
                loaded.span(("targets", index, "value")),
                _("{name}: the target {target} is not the sum of its methods' targets, {actual}").format(
                    name=CATALOGUE[key].name, target=fmt(target.value), actual=fmt(sum(methods, Decimal(0)))
                ),
            )


@plan_rule("T003", "rate-total-out-of-range", N_("A rate's total row lies outside the range of its rows."))
def rate_total_out_of_range(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A rate's total row is a weighted mean of its rows, not a sum: whatever the weights,
    it lies between the smallest and the largest row (Long Biên's 2.21% lies within its
    wards' 0.82–3.78%)."""
    for path, table in _tables(loaded):
        total = table.total_row
        if total is None:
            continue
        for c, column in enumerate(table.columns):
            if not _is_rate(column.indicator) or column.weight or c >= len(total[1].values):
                continue
            value = total[1].values[c]
            cells = all_given([v for _, v in _column(table, c)])
            if value is None or not cells:
                continue
            low, high = min(cells), max(cells)
            if not low <= value <= high:
                unit = column.unit_code
                if low == high:
                    message = _(
                        "rate {column!r}: the total row says {total}, but every row says {value};"
                        " a total of rates is their weighted mean, so it must be {value} too"
                    ).format(column=shorten(column.label), total=quantity(value, unit), value=quantity(low, unit))
                else:
                    message = _(
                        "rate {column!r}: the total row says {total}, outside its rows' range {range};"
                        " a total of rates is their weighted mean, so it lies within that range"
                    ).format(column=shorten(column.label), total=quantity(value, unit), range=span(low, high, unit))
                yield rule.at(loaded.span(path + ("rows", total[0], "values", c)), message)


@plan_rule("T004", "rate-total-not-weighted-mean", N_("A weighted rate's total differs from the weighted mean."))
def rate_total_not_weighted_mean(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Where a rate column names a weight column (births, the elderly, couples), its total
    row must equal the weighted mean of its rows, to the precision the total is written in."""
    for path, table in _tables(loaded):
        total = table.total_row
        if total is None:
            continue
        for c, column in enumerate(table.columns):
            if not column.weight:
                continue
            w = table.column_index(column.weight)
            value = total[1].values[c] if c < len(total[1].values) else None
            if w is None:
                yield rule.at(
                    loaded.span(path + ("columns", c, "weight")),
                    _("weight column {weight!r} is not in this table").format(weight=shorten(column.weight)),
                )
                continue
            pairs = [(row.values[c], row.values[w]) for _, row in table.unit_rows if max(c, w) < len(row.values)]
            weighed = [(v, wt) for v, wt in pairs if v is not None and wt is not None]
            if value is None or len(weighed) < len(pairs):
                continue
            weight = sum((wt for _, wt in weighed), Decimal(0))
            if weight == 0:
                continue
            mean = sum((v * wt for v, wt in weighed), Decimal(0)) / weight
            exponent = value.as_tuple().exponent
            if not isinstance(exponent, int):  # NaN or infinity: refused where the plan is read (S003)
                continue
            quantum = Decimal(1).scaleb(exponent)
            if abs(mean - value) > quantum / 2:
                yield rule.at(
                    loaded.span(path + ("rows", total[0], "values", c)),
                    _("rate {column!r}: the total row says {total}, but the weighted mean of its rows is {mean}").format(
                        total=quantity(value, column.unit_code),
                        column=shorten(column.label),
                        mean=quantity(mean.quantize(quantum), column.unit_code),
                    ),
                )


@plan_rule("T005", "row-width", N_("A table row has more or fewer values than the table has columns."))
def row_width(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Each row carries one value per column, in the columns' order; write null for a
    blank cell."""
    for path, table in _tables(loaded):
        for r, row in enumerate(table.rows):
            if len(row.values) != len(table.columns):
                yield rule.at(
                    loaded.span(path + ("rows", r, "values")),
                    _("{row}: {values} values for {columns} columns; write null for a blank cell").format(
                        row=row.name, values=len(row.values), columns=len(table.columns)
                    ),
                )


@plan_rule("T006", "headline-differs-from-table", N_("A headline target differs from its own table's total row."))
def headline_differs_from_table(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """The figure a plan states in its text (Chỉ tiêu) and the total row of its own
    allocation table are the same target written twice; they must agree."""
    plan = loaded.plan
    for index, target in enumerate(plan.targets):
        for path, table in _tables(loaded):
            c = table.column_index(target.indicator)
            total = table.total_row
            if c is None or total is None or c >= len(total[1].values) or total[1].values[c] is None:
                continue
            if table.columns[c].unit_code != target.unit_code:
                continue
            if total[1].values[c] != target.value:
                cell = path + ("rows", total[0], "values", c)
                yield rule.at(
                    loaded.span(("targets", index, "value")),
                    _("{name}: the target {target} differs from the total row of the plan's table, {total}").format(
                        name=CATALOGUE[target.indicator].name,
                        target=quantity(target.value, target.unit_code),
                        total=quantity(total[1].values[c], target.unit_code),
                    ),
                    Related(loaded.span(cell), _("the table's total row")),
                )


@plan_rule("T007", "rate-out-of-bounds", N_("A percentage outside 0–100."))
def rate_out_of_bounds(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """A share of people cannot be negative or above 100%."""
    for index, target in enumerate(loaded.plan.targets):
        if target.unit_code == "%" and not 0 <= target.value <= 100:
            yield rule.at(
                loaded.span(("targets", index, "value")),
                _("{name}: {value} is not a percentage (0–100%)").format(
                    name=CATALOGUE[target.indicator].name, value=quantity(target.value, "%")
                ),
            )
    for path, table in _tables(loaded):
        for c, column in enumerate(table.columns):
            if column.unit_code != "%":
                continue
            for r, row in enumerate(table.rows):
                value = row.values[c] if c < len(row.values) else None
                if value is not None and not 0 <= value <= 100:
                    yield rule.at(
                        loaded.span(path + ("rows", r, "values", c)),
                        _("{row}: {value} is not a percentage (0–100%)").format(
                            row=row.name, value=quantity(value, "%")
                        ),
                    )


def _impossible(value: Decimal, unit: str, weight: bool) -> str | None:
    """Why ``value`` cannot be, in ``unit`` (as a weight when ``weight``); None when it can."""
    if is_count(unit):
        if value < 0:
            return _("a count cannot be negative")
        if value != value.to_integral_value():
            return _("a count is a whole number")
    if value < 0 and (weight or unit == "trẻ trai/100 trẻ gái"):
        return _("a weight cannot be negative") if weight else _("a ratio of births cannot be negative")
    return None


@plan_rule("T008", "impossible-count", N_("A count that is negative or not whole, or a negative weight or ratio."))
def impossible_count(rule: Rule, loaded: LoadedPlan) -> Iterator[Diagnostic]:
    """Counts of people, sessions and broadcasts are whole numbers and never negative: -5
    IUD users or 12.5 sessions cannot be assigned.  The count and base of a rate are people
    too.  A column that weighs a rate's total, and the sex ratio at birth, are never negative.
    Rates are rates: a percentage outside 0–100 is T007."""
    for index, target in enumerate(loaded.plan.targets):
        value = target.value
        if value < 0 or value != value.to_integral_value():  # whole and not negative: possible in any unit
            reason = _impossible(value, target.unit_code, False)
            if reason:
                yield rule.at(
                    loaded.span(("targets", index, "value")),
                    _("{value}: {reason}").format(value=quantity(value, target.unit_code), reason=reason),
                )
        if target.count is None and target.base is None:
            continue
        for key, number in (("count", target.count), ("base", target.base)):
            if number is not None and number < 0:
                yield rule.at(
                    loaded.span(("targets", index, key)),
                    _("{key} {value}: a number of people cannot be negative").format(key=key, value=fmt(number)),
                )
    for path, table in _tables(loaded):
        weights = {column.weight for column in table.columns if column.weight}
        for c, column in enumerate(table.columns):
            unit, weight = column.unit_code, column.indicator in weights
            counting = is_count(unit)
            if not (counting or weight or unit == "trẻ trai/100 trẻ gái"):
                continue
            for r, row in enumerate(table.rows):
                cell = row.values[c] if c < len(row.values) else None
                if cell is None or cell >= 0 and (not counting or cell == cell.to_integral_value()):
                    continue
                reason = _impossible(cell, unit, weight)
                if reason:
                    yield rule.at(
                        loaded.span(path + ("rows", r, "values", c)),
                        _("{row}: {value} in column {column!r}: {reason}").format(
                            row=row.name, value=quantity(cell, unit), column=shorten(column.label), reason=reason
                        ),
                    )


RULES = (
    total_not_sum,
    parts_not_sum,
    rate_total_out_of_range,
    rate_total_not_weighted_mean,
    row_width,
    headline_differs_from_table,
    rate_out_of_bounds,
    impossible_count,
)
