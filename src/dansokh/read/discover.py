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


def plan_files(folder: Path) -> list[Path]:
    """The plan files under a folder, recursively, hidden files and folders skipped, in the
    order of their paths."""
    return [Path(name) for name in plan_file_names(str(folder))]


def plan_file_names(folder: str) -> list[str]:
    """``plan_files`` as strings: ``os.scandir`` and no ``Path`` per file, which counts at ten
    thousand files; ordered as paths are (by their parts)."""
    found: list[str] = []

    def walk(directory: str) -> None:
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            elif entry.name.endswith(PLAN_SUFFIXES) and entry.is_file():
                found.append(entry.path)

    walk(folder)
    return sorted(found, key=lambda name: name.split(os.sep))


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Plan files under the given paths (recursively, hidden folders skipped), and the
    directories that held none."""
    files: list[Path] = []
    empty: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = plan_files(path)
            if not found:
                empty.append(path)
            files.extend(found)
        else:
            files.append(path)
    return list(dict.fromkeys(files)), empty
