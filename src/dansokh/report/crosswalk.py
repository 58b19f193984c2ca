"""Last year's figures in this year's units (``dansokh crosswalk --carry``) as a table, JSON or CSV;
and what ``dansokh crosswalk --from --to`` proposed."""

from __future__ import annotations

import csv
from typing import IO, Any

from rich.markup import escape
from rich.table import Table

from ..i18n import _, ngettext
from ..model.catalogue import CATALOGUE
from ..model.numbers import number, plain
from ..reform.crosswalk import Carried, CarriedValue
from ..reform.propose import Proposal, ProposedEntry
from .safe import Console, csv_row, fit_table, json_dump, terminal_width

DIVIDED_MARK = "*"  # a figure that came (in part) through a divided unit
PARTIAL_MARK = "+"  # a new unit that also took territory from units the crosswalk does not cover


def value_text(value: CarriedValue) -> str:
    if value.value is None:
        return "—"
    marks = (DIVIDED_MARK if value.divided else "") + (PARTIAL_MARK if value.partial else "")
    return number(value.value) + marks


def write_table(carried: list[Carried], labels: dict[str, str], stream: IO[str], color: bool | None = None) -> None:
    console = Console(file=stream, highlight=False, force_terminal=color, no_color=color is False, width=terminal_width(stream))
    if not carried:
        return
    first = carried[0]
    bridge = first.bridge
    console.print(
        escape(
            _("The figures of {year} in the units of {to_year}, through {crosswalk}:").format(
                year=bridge.from_year, to_year=bridge.to_year, crosswalk=bridge.loaded.file
            )
        )
    )
    table = Table(_("Unit"), *[escape(labels.get(c.indicator, CATALOGUE[c.indicator].name)) for c in carried], box=None, pad_edge=False)
    for column in table.columns[1:]:
        column.justify = "right"
    rows = {value.unit: [value.name] for value in first.values if any(c.by_unit()[value.unit].contributions for c in carried)}
    for one in carried:
        for value in one.values:
            if value.unit in rows:
                rows[value.unit].append(value_text(value))
    for cells in rows.values():
        table.add_row(*[escape(cell) for cell in cells])
    totals = [_("Total")]
    for one in carried:
        quota = CATALOGUE[one.indicator].quota
        totals.append(number(one.new_total) if quota else "")
    table.add_row(*[escape(cell) for cell in totals], style="bold")
    console.print(fit_table(console, table))
    for one in carried:
        if CATALOGUE[one.indicator].quota and one.old_total is not None:
            console.print(
                escape(
                    _("{indicator}: {old} in {year}, {new} carried; the parts add up exactly.").format(
                        indicator=labels.get(one.indicator, one.indicator), old=number(one.old_total), year=bridge.from_year,
                        new=number(one.new_total),
                    )
                    if one.old_total == one.new_total
                    else _("{indicator}: {old} in {year}, {new} carried.").format(
                        indicator=labels.get(one.indicator, one.indicator), old=number(one.old_total), year=bridge.from_year,
                        new=number(one.new_total),
                    )
                )
            )
    console.print(escape(_("Where each unit's figures come from:")))
    for value in first.values:
        if value.unit in rows:
            console.print(f"  {escape(value.name)}: {escape(value.sources_text())}")
    if any(v.divided for c in carried for v in c.values):
        console.print(escape(_("{mark} carried (in part) through a divided unit, by the shares the crosswalk gives").format(mark=DIVIDED_MARK)))
    if any(v.partial for c in carried for v in c.values):
        console.print(
            escape(
                _("{mark} the unit also took territory from units this crosswalk does not cover: its figure is only part of its territory's").format(
                    mark=PARTIAL_MARK
                )
            )
        )
    for one in carried:
        for value in one.values:
            if value.reason:
                console.print(
                    escape(
                        _("{unit}: {indicator} not carried: {reason}").format(
                            unit=value.name, indicator=labels.get(one.indicator, one.indicator), reason=value.reason
                        )
                    ),
                    style="yellow",
                )
        for old in one.missing:
            console.print(
                escape(
                    _("{unit} has no {indicator} in {year}: nothing of it is carried").format(
                        unit=bridge.name_of(old), indicator=labels.get(one.indicator, one.indicator), year=bridge.from_year
                    )
                ),
                style="yellow",
            )


def _value_record(value: CarriedValue) -> dict[str, Any]:
    return {
        "unit": value.unit,
        "name": value.name,
        "value": plain(value.value),
        "divided": value.divided,
        "partial": value.partial,
        "reason": value.reason,
        "sources": [
            {"old": c.old, "name": c.name, "value": plain(c.value), "share": f"{c.share.numerator}/{c.share.denominator}", "divided": c.divided}
            for c in value.contributions
        ],
    }


def write_json(carried: list[Carried], labels: dict[str, str], stream: IO[str]) -> None:
    if not carried:
        json_dump({}, stream, indent=None)
        return
    bridge = carried[0].bridge
    document = {
        "crosswalk": bridge.loaded.file,
        "from": {"year": bridge.from_year, "unit": bridge.crosswalk.from_.unit},
        "to": {"year": bridge.to_year, "unit": bridge.crosswalk.to.unit},
        "indicators": {
            one.indicator: {
                "unit": one.unit,
                "old_total": plain(one.old_total),
                "new_total": plain(one.new_total) if CATALOGUE[one.indicator].quota else None,
                "missing": one.missing,
                "values": [_value_record(v) for v in one.values if v.contributions or v.reason],
            }
            for one in carried
        },
    }
    json_dump(document, stream)


def write_csv(carried: list[Carried], labels: dict[str, str], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["unit", "name", "indicator", "value", "measure", "divided", "partial", "sources"])
    for one in carried:
        for value in one.values:
            if not value.contributions:
                continue
            writer.writerow(csv_row(
                [value.unit, value.name, one.indicator, plain(value.value), one.unit, value.divided, value.partial, value.sources_text()]
            ))


def _entries(console: Console, entries: list[ProposedEntry]) -> None:
    """The units that went whole, and the divided ones to decide."""
    whole = [e for e in entries if not e.divided]
    divided = [e for e in entries if e.divided]
    if whole:
        names = "; ".join(f"{e.official.name} → {e.parts[0].official.name}" for e in whole)
        console.print(
            "  " + escape(ngettext("{count} went whole: {names}", "{count} went whole: {names}", len(whole)).format(count=len(whole), names=names))
        )
    if divided:
        names = "; ".join(f"{e.official.name} → {', '.join(p.official.name for p in e.parts)}" for e in divided)
        console.print(
            "  "
            + escape(
                ngettext(
                    "{count} divided, its shares to decide (by: population, share or figure): {names}",
                    "{count} divided, their shares to decide (by: population, share or figure): {names}",
                    len(divided),
                ).format(count=len(divided), names=names)
            )
        )


def write_additions(path: str, proposal: Proposal, added: list[ProposedEntry], stream: IO[str]) -> None:
    """What was added to a crosswalk that existed: how many units, which, and that the others
    were kept as they were."""
    console = Console(file=stream, highlight=False, width=200, soft_wrap=True)
    if not added:
        console.print(
            escape(
                _("{path}: every unit {unit} assigned to in {year} is in it already: nothing added.").format(
                    path=path, unit=proposal.plan.plan.unit_title, year=proposal.from_year
                )
            )
        )
        return
    kept = len(proposal.entries) - len(added)
    console.print(
        escape(
            ngettext(
                "{path}: added {count} unit {unit} assigned to in {year} that it did not have, proposed from the official list; the {kept} it had are kept as they were.",
                "{path}: added {count} units {unit} assigned to in {year} that it did not have, proposed from the official list; the {kept} it had are kept as they were.",
                len(added),
            ).format(path=path, count=len(added), unit=proposal.plan.plan.unit_title, year=proposal.from_year, kept=kept)
        )
    )
    _entries(console, added)


def write_proposals(written: list[tuple[str, Proposal]], stream: IO[str]) -> None:
    """What each proposed file holds: the units that went whole, the divided ones to decide."""
    console = Console(file=stream, highlight=False, width=terminal_width(stream), soft_wrap=True)
    for path, proposal in written:
        console.print(
            escape(
                _("{path}: the units {unit} assigned to in {year}, in {count} of the units of {to} in {to_year}.").format(
                    path=path,
                    unit=proposal.plan.plan.unit_title,
                    year=proposal.from_year,
                    count=len(proposal.new_units),
                    to=proposal.to_title,
                    to_year=proposal.to_year,
                )
            )
        )
        _entries(console, proposal.entries)
        for unit in proposal.unplaced:
            console.print(
                "  " + escape(_("{unit} is not in the official list: map it by hand (W004 reports it until then)").format(unit=unit)),
                style="yellow",
            )
