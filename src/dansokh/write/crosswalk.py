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

from ..cascade.propose import Proposal
from ..i18n import _
from ..model import official

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
        old = entry.official
        if entry.divided:
            note = _("{title} ({code}): divided among {count} new units").format(
                title=old.title, code=old.code, count=len(entry.parts)
            )
        else:
            note = _("{title} ({code}): went whole").format(title=old.title, code=old.code)
        lines += [
            f"  - old: {entry.old}  # {note}",
            f"    name: {_scalar(old.name)}",
            f'    code: "{old.code}"',
        ]
        if entry.divided:
            lines.append("    by: undecided  # population | share | figure")
        lines.append("    parts:")
        for part in entry.parts:
            new = part.official
            comment = f"  # {new.title}" + (_(", holds its geocoded point") if entry.divided and part.geocoded else "")
            lines.append(f'      - {{unit: {part.unit}, name: {_scalar(new.name)}, code: "{new.code}"}}{comment}')
    return "\n".join(lines) + "\n"

