"""The cascade at one edge: what a parent assigned to a child, against what the child
states and what it hands on to its own children.  Pure computation, no output."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..i18n import N_, _
from ..model.catalogue import CATALOGUE, METHODS, Direction, UnitMismatch, convert
from ..model.numbers import difference, exact, quantity
from ..model.plan import UnitDecl
from .repository import Assignment, LoadedPlan, Repository, Stated

TOTAL = "new_users_total"


def verdict(assigned: Decimal, own: Decimal, direction: Direction) -> Decimal:
    """How far ``own`` is on the good side of ``assigned``: negative means short."""
    if direction is Direction.CEILING:
        return assigned - own
    return own - assigned


def verdict_words(direction: Direction, margin: Decimal, unit: str) -> str:
    """One vocabulary for good and bad news, per direction, in every output a person reads:
    a floor is met (and exceeded by so much) or not met (short by so much); a ceiling is met
    (so much under it) or not met (so much over it); a reduction is met (so much deeper) or
    not met (so much too little).  A gap between rates in % is in percentage points."""
    gap = difference(abs(margin), unit)
    if margin == 0:
        return _("met")
    if direction is Direction.CEILING:
        if margin > 0:
            return _("met, {gap} under the ceiling").format(gap=gap)
        return _("not met, {gap} over the ceiling").format(gap=gap)
    if direction is Direction.REDUCTION:
        if margin > 0:
            return _("met, reduced {gap} further").format(gap=gap)
        return _("not met, reduced {gap} too little").format(gap=gap)
    if margin > 0:
        return _("met, exceeded by {gap}").format(gap=gap)
    return _("not met, short by {gap}").format(gap=gap)


def compare(assignment: Assignment, stated: Stated) -> Decimal | None:
    """The margin of a child's stated figure over its assignment, in the assignment's unit."""
    direction = CATALOGUE[assignment.indicator].direction
    if direction is Direction.INFO:
        return None
    own = convert(stated.value, stated.unit, assignment.unit)
    return verdict(assignment.value, own, direction)


@dataclass(frozen=True)
class Handed:
    """What a child hands to its own children for one indicator."""

    total: Decimal | None = None  # quotas: the sum of the rows
    low: Decimal | None = None  # rates: the rows' range
    high: Decimal | None = None
    mean: Decimal | None = None  # rates with a weight column: the weighted mean
    children: int = 0


@dataclass(frozen=True)
class EdgeLine:
    indicator: str
    name: str
    unit: str
    direction: Direction
    assigned: Decimal
    own: Decimal | None
    own_from: str
    handed: Handed
    margin: Decimal | None

    @property
    def verdict(self) -> str:
        """The verdict as JSON and CSV carry it, in English whatever the language:
        ``met``, ``not met``, ``no target`` or ``information`` (``margin`` says by how much)."""
        if self.direction is Direction.INFO:
            return "information"
        if self.margin is None:
            return "no target"
        return "not met" if self.margin < 0 else "met"

    def verdict_text(self) -> str:
        """The verdict as the table shows it, in the current language: met or not, and
        the gap in the words of the indicator's direction (see ``verdict_words``)."""
        if self.direction is Direction.INFO:
            return _("information")
        if self.margin is None:
            return _("no target")
        return verdict_words(self.direction, self.margin, self.unit)

    @property
    def short(self) -> bool:
        return self.margin is not None and self.margin < 0


@dataclass(frozen=True)
class Edge:
    """What ``parent`` assigned to ``unit``, against the unit's plan of the same year (``child``;
    ``None`` when it has none yet: then only what was assigned is shown)."""

    parent: LoadedPlan
    child: LoadedPlan | None
    lines: list[EdgeLine]
    unit: UnitDecl | None = None

    @property
    def short(self) -> bool:
        return any(line.short for line in self.lines)

    @property
    def child_title(self) -> str:
        """The child as officers name it: from its plan's issuer, else its name."""
        if self.child is not None:
            return self.child.plan.unit_title
        return self.unit.name if self.unit is not None else ""

    @property
    def child_unit(self) -> str:
        if self.child is not None:
            return self.child.plan.unit.id
        assert self.unit is not None  # an edge without the child's plan names its unit
        return self.unit.id


def _handed(repo: Repository, child: LoadedPlan, indicator: str, unit: str) -> Handed:
    for _index, table in child.plan.allocation_tables:
        rows = [row for _row_index, row in table.unit_rows]
        first = table.column_index(indicator)
        if first is not None:
            indexes = [first]
        elif indicator == TOTAL:
            indexes = [i for i in (table.column_index(m) for m in METHODS) if i is not None]
        else:
            continue
        if not indexes:
            continue
        try:
            columns = [(i, convert(Decimal(1), table.columns[i].unit_code, unit)) for i in indexes]
        except UnitMismatch:
            continue
        values = [
            [value * factor for i, factor in columns if i < len(row.values) and (value := row.values[i]) is not None]
            for row in rows
        ]
        if CATALOGUE[indicator].quota:
            return Handed(total=sum((sum(v, Decimal(0)) for v in values), Decimal(0)), children=len(rows))
        flat = [v[0] for v in values if v]
        if not flat:
            continue
        mean = None
        weight_key = table.columns[indexes[0]].weight
        w = table.column_index(weight_key) if weight_key else None
        if w is not None:
            pairs = [(v[0], row.values[w]) for v, row in zip(values, rows) if v and w < len(row.values)]
            weighed = [(v, wt) for v, wt in pairs if wt is not None]
            weight = sum((wt for _, wt in weighed), Decimal(0))
            if weight and len(weighed) == len(pairs):
                mean = sum((v * wt for v, wt in weighed), Decimal(0)) / weight
        return Handed(low=min(flat), high=max(flat), mean=mean, children=len(rows))
    return Handed()


OWN_FROM = {
    "target": N_("target"),
    "own table's total row": N_("own table's total row"),
    "sum of its methods": N_("sum of its methods"),
}


def own_from_text(own_from: str) -> str:
    """Where a child's own figure comes from, in the current language (JSON keeps the English)."""
    return _(OWN_FROM[own_from]) if own_from in OWN_FROM else own_from


ORIGINS = {"target": "target", "table": "own table's total row", "parts": "sum of its methods"}


def _own(repo: Repository, child: LoadedPlan, indicator: str, unit: str) -> tuple[Decimal | None, str]:
    """The child's own figure in the assignment's unit, and where it comes from (a key of OWN_FROM)."""
    stated = repo.stated(child, indicator)
    if stated is None:
        return None, ""
    return convert(stated.value, stated.unit, unit), ORIGINS[stated.origin]


@exact
def edge(repo: Repository, parent: LoadedPlan, child: LoadedPlan | None, unit: UnitDecl | None = None) -> Edge:
    """Every indicator ``parent`` assigned to ``child``'s unit (or to ``unit``, which has no plan
    of the year yet), compared with the child where there is one."""
    if child is not None:
        unit_id = child.plan.unit.id
    else:
        assert unit is not None  # the child's plan, or the unit that has none yet
        unit_id = unit.id
    assignments = repo.assignments.get((parent.plan.id, unit_id), [])
    lines: list[EdgeLine] = []
    assigned_indicators = {a.indicator for a in assignments}
    rows = list(assignments)
    if TOTAL not in assigned_indicators:
        methods = [a for a in assignments if a.indicator in METHODS]
        if len(methods) > 1:
            total = sum((a.value for a in methods), Decimal(0))
            rows.append(Assignment(TOTAL, total, "người", methods[0].child, parent, methods[0].path))
    order = {key: index for index, key in enumerate(CATALOGUE)}
    rows.sort(key=lambda a: (2 if a.indicator == TOTAL else 1 if a.indicator in METHODS else 0, order[a.indicator]))
    for assignment in rows:
        spec = CATALOGUE[assignment.indicator]
        own, own_from = _own(repo, child, assignment.indicator, assignment.unit) if child is not None else (None, "")
        margin = None
        if own is not None and spec.direction is not Direction.INFO:
            margin = verdict(assignment.value, own, spec.direction)
        lines.append(
            EdgeLine(
                assignment.indicator,
                spec.name,
                assignment.unit,
                spec.direction,
                assignment.value,
                own,
                own_from,
                _handed(repo, child, assignment.indicator, assignment.unit) if child is not None else Handed(),
                margin,
            )
        )
    return Edge(parent, child, lines, unit if unit is not None else repo.unit(unit_id))


@dataclass(frozen=True)
class Raise:
    """One change that brings a child's target up to its assignment."""

    indicator: str
    target_index: int | None  # None: the target is created
    value: Decimal  # in the target's unit
    unit: str
    old: Decimal | None


def _methods_after_raises(edge: Edge) -> Decimal:
    """The sum of the child's methods once ``--write`` has raised or created them."""
    total = Decimal(0)
    for line in edge.lines:
        if line.indicator in METHODS:
            own = line.own if line.own is not None else Decimal(0)
            total += max(own, line.assigned) if line.direction is Direction.FLOOR else own
    return total


@exact
def raises(edge: Edge, repo: Repository) -> tuple[list[Raise], list[str]]:
    """What ``--write`` changes in the child: short targets raised to the assignment, missing
    ones created; never lowers a target that meets it.  Figures the child states only in its
    own table's total row are not touched (they are the sum of its children's rows): those
    are returned as reasons, for the user to split the quota instead."""
    changes: list[Raise] = []
    refused: list[str] = []
    child = edge.child
    assert child is not None  # allocate --write raises targets only in a plan the child has
    methods_after = _methods_after_raises(edge)
    for line in edge.lines:
        if line.direction is Direction.INFO or (line.margin is not None and line.margin >= 0):
            continue
        if line.indicator == TOTAL and line.own_from == "sum of its methods" and methods_after >= line.assigned:
            continue  # the methods raised or created below bring the sum up to the assignment
        found = child.plan.target(line.indicator)
        if found is not None:
            index, target = found
            value = convert(line.assigned, line.unit, target.unit_code)
            changes.append(Raise(line.indicator, index, value, target.unit_code, target.value))
        elif line.own is None:
            changes.append(Raise(line.indicator, None, line.assigned, line.unit, None))
        else:
            refused.append(
                _(
                    "{name}: {own} comes from the {source}, below the {assigned} assigned;"
                    " split the quota among the children instead (dansokh allocate --split)"
                ).format(
                    name=line.name,
                    own=quantity(line.own, line.unit),
                    source=own_from_text(line.own_from),
                    assigned=quantity(line.assigned, line.unit),
                )
            )
    return changes, refused
