"""Turning planned changes into a plan file's new text, by surgical edits."""

from __future__ import annotations

from ..cascade.edge import Raise
from ..model.catalogue import CATALOGUE
from ..model.numbers import plain
from ..read.loader import load_text
from .edits import TextEdit, apply, insert_lines, item_lines, replace_value


def raise_targets(file: str, text: str, changes: list[Raise]) -> str:
    """The child's file with its targets raised or created; every other line unchanged."""
    loaded = load_text(file, text.encode("utf-8"))
    data, source = loaded.data, loaded.source
    edits: list[TextEdit] = []
    created = [c for c in changes if c.target_index is None]
    for change in changes:
        if change.target_index is not None:
            edits.append(replace_value(source, ("targets", change.target_index, "value"), plain(change.value)))
    if created:
        count = len(data.get("targets") or [])
        fields = [
            {"indicator": c.indicator, "value": plain(c.value)}
            | ({"unit": f'"{c.unit}"'} if c.unit != CATALOGUE[c.indicator].unit else {})
            for c in created
        ]
        if count:
            position, lines = item_lines(text, source, ("targets",), count, fields[0])
            for extra in fields[1:]:
                lines += item_lines(text, source, ("targets",), count, extra)[1]
            edits.append(insert_lines(position, lines))
        else:
            body = ["targets:"] + ["  - {" + ", ".join(f"{k}: {v}" for k, v in f.items()) + "}" for f in fields]
            if "targets" in data:  # an empty `targets: []` line is replaced whole
                line = source.keys[("targets",)].line
                edits.append(TextEdit(line, 1, line + 1, 1, "".join(b + "\n" for b in body)))
            else:
                before = source.keys[("appendices",)].line if "appendices" in data else len(text.splitlines()) + 1
                edits.append(insert_lines(before, body))
    return apply(text, edits)
