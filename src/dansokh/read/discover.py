"""Finding the plan files under the paths a user gives, and naming them as the user would."""

from __future__ import annotations

import os
from pathlib import Path

PLAN_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """Paths as the user would type them: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Plan files under the given paths (recursively, hidden folders skipped), and the
    directories that held none."""
    files: list[Path] = []
    empty: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in PLAN_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                empty.append(path)
            files.extend(found)
        else:
            files.append(path)
    return list(dict.fromkeys(files)), empty
