"""The path of a file for machines: relative to the repository's root, whatever the working folder.

People read ``file:line:col`` relative to the folder they work in (the text format, the messages).
Machines read a report from elsewhere: GitHub attaches an annotation, code scanning a SARIF
result, GitLab a test case or a code-quality issue, to a path from the top of the repository.  A
CI step with ``working-directory: plans`` must report ``plans/2025/city.yaml``, never
``2025/city.yaml``.  So every machine format (``json``, ``github``, ``sarif``, ``junit`` and those
added after them) names files through :func:`machine_path` (one name) or :func:`for_machines` (a
whole check's findings): relative to the top of the git work tree the file lies in (the nearest
folder above it holding ``.git``), with ``/`` between folders on every system; a file outside any
git work tree keeps the name the check gave it (relative to the working folder), with ``/`` too.
"""

from __future__ import annotations

import dataclasses
import functools
import os

from ..check.findings import Findings
from ..diagnostics import Diagnostic


@functools.lru_cache(maxsize=1024)
def _top(folder: str) -> str | None:
    """The top of the git work tree holding ``folder`` (absolute), or ``None``."""
    for candidate in (folder, *_parents(folder)):
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
    return None


def _parents(folder: str) -> list[str]:
    found: list[str] = []
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            return found
        found.append(parent)
        folder = parent


def machine_path(name: str) -> str:
    """``name`` (a file as the check names it: relative to the working folder, or absolute) as
    machine formats name it: relative to the top of its git work tree, ``/``-separated."""
    absolute = os.path.abspath(name)
    top = _top(os.path.dirname(absolute))
    if top is not None:
        name = os.path.relpath(absolute, top)
    return name.replace(os.sep, "/") if os.sep != "/" else name


def for_machines(findings: Findings) -> Findings:
    """The findings with every file named by :func:`machine_path` (each diagnostic's place, its
    related places, the files checked): what a machine format reports."""
    _top.cache_clear()  # the working folder or the tree may have changed since the last report

    def moved(d: Diagnostic) -> Diagnostic:
        related = tuple(dataclasses.replace(r, span=r.span._replace(file=machine_path(r.span.file))) for r in d.related)
        return dataclasses.replace(d, span=d.span._replace(file=machine_path(d.span.file)), related=related)

    return dataclasses.replace(findings, diagnostics=[moved(d) for d in findings.diagnostics], files=[machine_path(f) for f in findings.files])


def on_disk(name: str) -> str:
    """A name :func:`machine_path` gave, as a path to read the file by from the working folder:
    from the top of the git work tree the working folder lies in, where the file is there."""
    if os.path.isabs(name):
        return name
    top = _top(os.path.abspath(os.curdir))
    if top is not None and os.path.lexists(os.path.join(top, name)):
        return os.path.join(top, name)
    return name
