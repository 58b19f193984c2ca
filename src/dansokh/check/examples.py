"""Each rule's examples: small repositories that pass and fail it, run for real.

The cases live in ``examples.yaml`` beside this module; the test suite runs every one and
``dansokh rules CODE`` shows its rule's case with the diagnostics it gives.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..diagnostics import shorten
from ..i18n import _
from ..read.loader import DEFAULT_MAX_BYTES
from .findings import Findings
from .run import validate
from .selection import Selection


@cache
def examples() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("examples.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def cases_of(code: str) -> list[dict[str, Any]]:
    return [case for case in examples()["cases"] if case.get("rule") == code]


def form_cases_of(code: str) -> list[dict[str, Any]]:
    """The cases of an F rule: a results form filled, changed and imported (``render.form_examples``)."""
    return [case for case in examples().get("form_cases", []) if case.get("rule") == code]


def file_text(spec: str | dict[str, Any], passing: bool = False) -> str:
    """The text of one file of a case; ``passing`` gives the base as it stands."""
    if isinstance(spec, str):
        return spec
    text = examples()["bases"][spec["base"]]
    if passing:
        return text
    if "text" in spec:
        return spec["text"]
    for old, new in spec.get("replace", []):
        if text.count(old) != 1:
            raise ValueError(_("{text!r} must occur once in base {base!r}").format(text=shorten(old), base=shorten(spec["base"])))
        text = text.replace(old, new)
    return text


def files_of(case: dict[str, Any], passing: bool = False) -> dict[str, bytes]:
    specs = case.get("passing", case["files"]) if passing else case["files"]
    files = {}
    for name, spec in specs.items():
        if isinstance(spec, dict) and "symlink" in spec:
            continue
        encoding = spec.get("encoding", "utf-8") if isinstance(spec, dict) and not passing else "utf-8"
        files[name] = file_text(spec, passing and "passing" not in case).encode(encoding)
    return files


@dataclass(frozen=True)
class Changed:
    """One line of a case's file as the base has it and as the case changes it."""

    file: str
    line: int
    before: str
    after: list[str]


def changes(case: dict[str, Any]) -> list[Changed]:
    """The lines each replacement touches, for showing a case as a small diff."""
    found = []
    for name, spec in case["files"].items():
        if not isinstance(spec, dict) or "replace" not in spec:
            continue
        base = examples()["bases"][spec["base"]]
        for old, new in spec["replace"]:
            start = base.index(old)
            line = base.count("\n", 0, start) + 1
            before = base.splitlines()[line - 1]
            after = before.replace(old, new)
            found.append(Changed(name, line, before, after.splitlines() or [""]))
    return found


def run(case: dict[str, Any], passing: bool = False) -> Findings:
    """Validate the case's files in a fresh folder; paths in the findings are relative to it."""
    with tempfile.TemporaryDirectory(prefix="dansokh-example-") as folder:
        root = Path(folder)
        for name, data in files_of(case, passing).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for name, spec in (case.get("passing", case["files"]) if passing else case["files"]).items():
            if isinstance(spec, dict) and "symlink" in spec:
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).symlink_to(spec["symlink"])
        with contextlib.chdir(root):
            paths = [Path(p) for p in case.get("paths", ["."])]
            size = case.get("max_file_size", DEFAULT_MAX_BYTES) if not passing else DEFAULT_MAX_BYTES
            selection = Selection.make(extend=case["select"]) if case.get("select") else None  # opt-in rules
            return validate(paths, size, selection=selection)
