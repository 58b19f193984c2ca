"""Across plans: each child meets what its parent assigned to it; quotas are covered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial

from ...cascade.edge import compare
from ...cascade.repository import Assignment, LoadedPlan, Repository
from ...i18n import N_, _
from ...model.catalogue import CATALOGUE, Direction, UnitMismatch
from ...model.numbers import all_given
from .base import Diagnostic, Path, Related, Rule, Severity, difference, quantity, repo_rule


@repo_rule("C001", "below-assignment", N_("A child's target falls short of what its parent assigned to it."))
def below_assignment(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """A child plan meets or exceeds, in each indicator's direction, what its parent's
    allocation table assigned to that child: floors (screening, check-ups, new users) at
    least, ceilings (sex ratio at birth) at most, reductions at least as deep.  The
    comparison is with the child's own row, not the parent's headline: Hà Nội assigns Gia
    Lâm 82% prenatal screening under a city target of 85%."""
    for parent, child in repo.edges():
        for assignment in repo.assignments[(parent.plan.id, child.plan.unit.id)]:
            stated = repo.stated(child, assignment.indicator)
            if stated is None:
                continue
            try:
                margin = compare(assignment, stated)
            except UnitMismatch as error:
                yield rule.at(child.span(stated.path), str(error))
                continue
            if margin is not None and margin < 0:
                spec = CATALOGUE[assignment.indicator]
                if spec.direction is Direction.CEILING:
                    template = _(
                        "{name}: {child} sets {own}, above the ceiling of {assigned} that {parent}"
                        " assigned to it (not met, {gap} over the ceiling)"
                    )
                elif spec.direction is Direction.REDUCTION:
                    template = _(
                        "{name}: {child} sets a reduction of {own}, less than the {assigned} that {parent}"
                        " assigned to it (not met, reduced {gap} too little)"
                    )
                else:
                    template = _(
                        "{name}: {child} sets {own}, below the {assigned} that {parent}"
                        " assigned to it (not met, short by {gap})"
                    )
                yield rule.at(
                    child.span(stated.path),
                    template.format(
                        name=spec.name,
                        own=quantity(stated.value, stated.unit),
                        assigned=quantity(assignment.value, assignment.unit),
                        parent=parent.plan.unit_title,
                        child=child.plan.unit_title,
                        gap=difference(-margin, assignment.unit),
                    ),
                    Related(
                        parent.span(assignment.path),
                        _("assigned by {parent} (plan {plan})").format(
                            parent=parent.plan.unit_title, plan=parent.plan.id
                        ),
                    ),
                )


@repo_rule(
    "C002", "assignment-without-target", N_("An annual plan states no target for an indicator assigned to it."), Severity.WARNING
)
def assignment_without_target(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """What a parent assigned to a unit should appear in that unit's annual plan, as a
    headline target or in the total row of its own allocation table, so that the cascade
    can be checked."""
    for parent, child in repo.edges():
        if child.plan.scope != "annual":
            continue
        for assignment in repo.assignments[(parent.plan.id, child.plan.unit.id)]:
            if CATALOGUE[assignment.indicator].direction is Direction.INFO:
                continue
            if repo.stated(child, assignment.indicator) is None:
                yield rule.at(
                    child.key_span(("targets",)) if child.plan.targets else child.key_span(("id",)),
                    _(
                        "{parent} assigned {name} {assigned} to {child}, but this plan states no such target;"
                        " add it under targets (dansokh allocate --write adds every missing one)"
                    ).format(
                        parent=parent.plan.unit_title,
                        child=child.plan.unit_title,
                        name=CATALOGUE[assignment.indicator].name,
                        assigned=quantity(assignment.value, assignment.unit),
                    ),
                    Related(
                        parent.span(assignment.path),
                        _("assigned by {parent} (plan {plan})").format(
                            parent=parent.plan.unit_title, plan=parent.plan.id
                        ),
                    ),
                )


def _related(loaded: LoadedPlan, path: Path, message: str) -> Related:
    return Related(loaded.span(path), message)


@repo_rule("C003", "children-below-quota", N_("The quotas a plan hands to its children sum to less than its own."))
def children_below_quota(rule: Rule, repo: Repository) -> Iterator[Diagnostic]:
    """What a plan hands out covers its own quota targets: the children's quotas sum to at
    least the plan's own target and at least what its parent assigned to it (Long Biên's
    wards carry 1.100 IUD users against the 1.050 Hà Nội assigned to Long Biên)."""
    received: dict[tuple[str, int, str], list[tuple[str, Assignment]]] = defaultdict(list)
    for (parent_id, child_unit), assignments in repo.assignments.items():
        year = repo.by_id[parent_id].plan.year
        for assignment in assignments:
            received[(child_unit, year, assignment.indicator)].append((parent_id, assignment))
    for loaded in repo.plans:
        plan = loaded.plan
        for table_index, table in plan.allocation_tables:
            for c, column in enumerate(table.columns):
                if not CATALOGUE[column.indicator].quota:
                    continue
                cells = all_given([row.values[c] for _, row in table.unit_rows if c < len(row.values)])
                if not cells:
                    continue
                handed = sum(cells, Decimal(0))
                total = table.total_row
                where = (
                    ("appendices", table_index, "rows", total[0], "values", c)
                    if total
                    else ("appendices", table_index, "columns", c)
                )
                # amount, template, parent, and how to place the related position: positions are
                # looked up only for a shortfall (looking them up reads the file again)
                owed: list[tuple[Decimal, str, str, Callable[[], Related]]] = []
                found = plan.target(column.indicator)
                if found is not None:
                    owed.append(
                        (
                            found[1].value,
                            _(
                                "{label}: the quotas handed to the units below sum to {handed}, below the plan's"
                                " own target of {amount} (short by {margin})"
                            ),
                            "",
                            partial(_related, loaded, ("targets", found[0], "value"), _("the plan's target")),
                        )
                    )
                for parent_id, assignment in received.get((plan.unit.id, plan.year, column.indicator), []):
                    owed.append(
                        (
                            assignment.value,
                            _(
                                "{label}: the quotas handed to the units below sum to {handed}, below the {amount}"
                                " that {parent} assigned (short by {margin})"
                            ),
                            assignment.plan.plan.unit_title,
                            partial(
                                _related,
                                assignment.plan,
                                assignment.path,
                                _("assigned by {parent} (plan {plan})").format(
                                    parent=assignment.plan.plan.unit_title, plan=parent_id
                                ),
                            ),
                        )
                    )
                for amount, template, parent_id, related in owed:
                    if handed < amount:
                        yield rule.at(
                            loaded.span(where),
                            template.format(
                                label=column.label,
                                handed=quantity(handed, column.unit_code),
                                amount=quantity(amount, column.unit_code),
                                margin=quantity(amount - handed, column.unit_code),
                                parent=parent_id,
                            ),
                            related(),
                        )


RULES = (below_assignment, assignment_without_target, children_below_quota)
