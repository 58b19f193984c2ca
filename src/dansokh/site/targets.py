"""A unit's targets beside what its parent assigned: the rows of a unit page's targets table.

The comparison is the cascade's own (``cascade.edge.edge``, the one ``dansokh allocate`` and
C001 use): nothing here recomputes a rule.  A unit without a plan of its own shows what it was
assigned, with nothing to compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..cascade.edge import EdgeLine, edge, own_from_text
from ..cascade.lookup import main_plan
from ..cascade.repository import LoadedPlan, Repository
from ..diagnostics import Diagnostic
from ..model.catalogue import CATALOGUE
from ..model.numbers import quantity
from ..model.plan import Target
from .tree import UnitNode


@dataclass
class TargetRow:
    indicator: str
    name: str
    own: str = ""  # as a person reads it: "1.900 người"
    own_note: str = ""  # where the figure comes from when it is not a headline target
    note: str = ""  # the target's note in the plan
    assigned: str = ""
    met: str = ""  # "true", "false" or "" (nothing to compare)
    verdict: str = ""
    places: set[tuple[str, int]] = field(default_factory=set)  # (file, line) of the figures compared
    diagnostics: list[tuple[int, Diagnostic]] = field(default_factory=list)  # (number in the page's list, diagnostic)

    @property
    def codes(self) -> str:
        return " ".join(dict.fromkeys(d.code for _n, d in self.diagnostics))


def parent_plan(repo: Repository, node: UnitNode) -> LoadedPlan | None:
    """The plan of the unit's parent that assigns to it: its parent's annual plan of the year."""
    if node.unit.parent is None:
        return None
    return main_plan(repo, node.unit.parent, node.year)


def rows(repo: Repository, node: UnitNode, positions: bool) -> tuple[list[TargetRow], LoadedPlan | None]:
    """The rows of the table, and the parent plan they are compared with (``None``: no parent
    plan in the repository).  With ``positions``, each row knows the lines of its figures (to
    put a diagnostic at its row; asked only where the unit's files have diagnostics)."""
    main = node.main
    parent = parent_plan(repo, node)
    found: dict[str, TargetRow] = {}
    if main is not None:
        for index, target in enumerate(main.plan.targets):
            found.setdefault(target.indicator, _own_row(main, index, target, positions))
    if parent is not None and repo.assignments.get((parent.plan.id, node.unit.id)):
        for line in edge(repo, parent, main, node.unit).lines:
            row = found.get(line.indicator)
            if row is None:
                row = found[line.indicator] = TargetRow(line.indicator, CATALOGUE[line.indicator].name)
            _compare(row, line)
            if positions:
                _places(repo, row, parent, main, node)
    return list(found.values()), parent


def _own_row(main: LoadedPlan, index: int, target: Target, positions: bool) -> TargetRow:
    row = TargetRow(target.indicator, CATALOGUE[target.indicator].name if target.indicator in CATALOGUE else target.indicator)
    row.own = quantity(target.value, target.unit_code)
    row.note = target.note or ""
    if positions:
        for path in (("targets", index), ("targets", index, "value"), ("targets", index, "indicator")):
            span = main.span(path)
            row.places.add((span.file, span.line))
    return row


def _compare(row: TargetRow, line: EdgeLine) -> None:
    row.assigned = quantity(line.assigned, line.unit)
    if not row.own and line.own is not None:
        row.own = quantity(line.own, line.unit)
        row.own_note = own_from_text(line.own_from) if line.own_from != "target" else ""
    if line.margin is not None:
        row.met = "false" if line.margin < 0 else "true"
    row.verdict = line.verdict_text() if line.own is not None or line.margin is not None else ""


def _places(repo: Repository, row: TargetRow, parent: LoadedPlan, main: LoadedPlan | None, node: UnitNode) -> None:
    for assignment in repo.assignments.get((parent.plan.id, node.unit.id), []):
        if assignment.indicator == row.indicator:
            span = parent.span(assignment.path)
            row.places.add((span.file, span.line))
    if main is not None:
        stated = repo.stated(main, row.indicator)
        if stated is not None:
            span = main.span(stated.path)
            row.places.add((span.file, span.line))


def mark(rows_: list[TargetRow], diagnostics: list[Diagnostic]) -> dict[int, str]:
    """Put each diagnostic at the row of the figure it stands at (or one of its related places
    stands at); returns the indicator of each diagnostic by its index in ``diagnostics``."""
    at: dict[tuple[str, int], TargetRow] = {}
    for row in rows_:
        for place in row.places:
            at.setdefault(place, row)
    indicators: dict[int, str] = {}
    for number, diagnostic in enumerate(diagnostics):
        places = [(diagnostic.span.file, diagnostic.span.line)] + [(r.span.file, r.span.line) for r in diagnostic.related]
        for place in places:
            marked = at.get(place)
            if marked is not None:
                marked.diagnostics.append((number, diagnostic))
                indicators[number] = marked.indicator
                break
    return indicators
