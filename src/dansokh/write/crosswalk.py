"""A proposed crosswalk written as a file the officer finishes by hand.

One entry per old unit, in the order last year's plan lists them, each with its official name
and code in the file and its kind in a comment; a divided unit gets ``by: undecided`` and a part
for each new unit, first the one holding the old unit's geocoded point (the part the list marks as
its default: where a geocoder put the old unit, not its seat).  Text is
written plain where YAML reads it as the same text, in JSON quotes otherwise.
"""

from __future__ import annotations

import json
import re
import textwrap

from ..i18n import _
from ..model import official
from ..model.crosswalk import is_crosswalk
from ..read.loader import PlanFile
from ..reform.propose import Proposal, ProposedEntry
from .edits import apply, insert_lines, last_line_under

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9][^:#,\[\]{}]*(?<!\s)$")


def _scalar(text: str) -> str:
    return text if _PLAIN.match(text) and text.lower() not in ("null", "true", "false", "yes", "no", "~") else json.dumps(text, ensure_ascii=False)


def proposal_text(proposal: Proposal) -> str:
    plan = proposal.plan.plan
    header = _(
        "Crosswalk proposed by `dansokh crosswalk --from {year} --to {to}` from {source}: the units {unit}"
        " assigned to in {year}, in the units of {to_unit} in {to}.  Every divided unit says `by: undecided`:"
        " decide how its figures are shared, by: population (each part's population), by: share (each part's"
        " share, adding up to 1) or by: figure (each part's figures); `dansokh validate` reports each one"
        " still undecided (W002)."
    ).format(
        year=proposal.from_year, to=proposal.to_year, source=official.source_label(), unit=plan.unit_title,
        to_unit=proposal.to_title,
    )
    lines = [f"# {line}" for line in textwrap.wrap(header, 100)]
    lines += [
        "kind: crosswalk",
        f"id: {proposal.id}",
        f"from: {{year: {proposal.from_year}, unit: {proposal.from_unit}}}",
        f"to: {{year: {proposal.to_year}, unit: {proposal.to_unit}}}",
        f'date: "{official.REFORM.isoformat()}"',
        f"source: {_scalar(official.source_label())}",
        "units:",
    ]
    for entry in proposal.entries:
        lines += entry_lines(entry)
    return "\n".join(lines) + "\n"


def entry_lines(entry: ProposedEntry, indent: str = "  ") -> list[str]:
    """One old unit's entry, its dash at ``indent``: its official name and code, ``by: undecided``
    where it was divided, and a part for each new unit."""
    old = entry.official
    if entry.divided:
        note = _("{title} ({code}): divided among {count} new units").format(title=old.title, code=old.code, count=len(entry.parts))
    else:
        note = _("{title} ({code}): went whole").format(title=old.title, code=old.code)
    lines = [
        f"{indent}- old: {entry.old}  # {note}",
        f"{indent}  name: {_scalar(old.name)}",
        f'{indent}  code: "{old.code}"',
    ]
    if entry.divided:
        lines.append(f"{indent}  by: undecided  # population | share | figure")
    lines.append(f"{indent}  parts:")
    for part in entry.parts:
        new = part.official
        comment = f"  # {new.title}" + (_(", holds its geocoded point") if entry.divided and part.geocoded else "")
        lines.append(f'{indent}    - {{unit: {part.unit}, name: {_scalar(new.name)}, code: "{new.code}"}}{comment}')
    return lines


class CannotExtend(ValueError):
    """An existing crosswalk file that proposals cannot be added to; the message says why."""


def extended_text(read: PlanFile, text: str, proposal: Proposal) -> tuple[str, list[ProposedEntry]]:
    """An existing crosswalk with the proposal's entries for the old units it does not have yet,
    appended to its ``units:`` in the style of its entries; every line already there is kept as it
    is (its comments, order and shares).  Raises ``CannotExtend``."""
    data = read.data
    file = read.file
    if read.diagnostics or not is_crosswalk(data):
        raise CannotExtend(
            _("{file} is not a crosswalk dansokh can read; correct it (dansokh validate {file}), or give --force to replace it with a new proposal").format(file=file)
        )
    sides = [data.get(side) for side in ("from", "to")]
    wanted = [{"year": proposal.from_year, "unit": proposal.from_unit}, {"year": proposal.to_year, "unit": proposal.to_unit}]
    if any(not isinstance(side, dict) or {k: side.get(k) for k in ("year", "unit")} != want for side, want in zip(sides, wanted)):
        raise CannotExtend(
            _("{file} is not the crosswalk of {unit}'s units of {year} into {to_unit}'s of {to}: move it, or give --force to replace it").format(
                file=file, unit=proposal.plan.plan.unit_title, year=proposal.from_year, to_unit=proposal.to_title, to=proposal.to_year
            )
        )
    units = data.get("units")
    if not isinstance(units, list) or not units or not all(isinstance(e, dict) for e in units):
        raise CannotExtend(
            _("{file}: its units: is not a list of entries to add to; write them as the proposal does, or give --force to replace it").format(file=file)
        )
    present = {entry.get("old") for entry in units}
    added = [entry for entry in proposal.entries if entry.old not in present]
    if not added:
        return text, []
    source = read.source
    last = ("units", len(units) - 1)
    start = source.values[last]
    line = text.splitlines()[start.line - 1]
    dash = line[: start.col - 1].rstrip()
    if not dash.endswith("-"):  # a flow list, [ … ]
        raise CannotExtend(
            _("{file}: its units: is not a list of entries to add to; write them as the proposal does, or give --force to replace it").format(file=file)
        )
    indent = dash[:-1]
    after = last_line_under(source, last) + 1
    new_lines = [line for entry in added for line in entry_lines(entry, indent)]
    return apply(text, [insert_lines(after, new_lines)]), added
