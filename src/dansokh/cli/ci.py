"""Commands for CI and editors: ``diff`` (what changed between two revisions) and ``schema``.

Like every command they only parse options, call the
core and map the outcome to an exit code (2 for a usage error).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..i18n import N_, _
from .app import app, fail


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(
    "diff",
    help=N_("List every target, quota and schedule row that changed between two revisions, old → new with its unit."),
)
def diff_command(
    rev: Annotated[str, typer.Argument(help=N_("The revision to compare from (origin/main, HEAD~1, a tag, a hash)."))],
    rev2: Annotated[
        Optional[str], typer.Argument(help=N_("The revision to compare to (default: the working tree)."))
    ] = None,
    plans: Annotated[
        list[Path], typer.Option("--plans", help=N_("Plan files or folders to compare (repeatable)."))
    ] = [Path("plans")],
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help=N_("Output format."))] = DiffFormat.text,
    max_file_size: Annotated[
        Optional[int], typer.Option(help=N_("Largest plan file read, in bytes (default 5 MiB)."), min=1)
    ] = None,
) -> None:
    """List every target, quota and schedule row that changed between two revisions, old → new with its unit."""
    # imported here, not above: `dansokh --help` should not pay for what this command needs
    from ..read.loader import DEFAULT_MAX_BYTES
    from ..report.diff import DIFF_REPORTERS
    from ..vcs.diff import WORKING_TREE, compare, load_side
    from ..vcs.git import GitError, files_at, resolve, working_files

    max_file_size = max_file_size or DEFAULT_MAX_BYTES
    try:
        old_commit = resolve(rev)
        old = load_side(f"{rev} ({old_commit[:7]})", files_at(old_commit, plans), max_file_size)
        if rev2 is None:
            new = load_side(WORKING_TREE, working_files(plans), max_file_size)
        else:
            new_commit = resolve(rev2)
            new = load_side(f"{rev2} ({new_commit[:7]})", files_at(new_commit, plans), max_file_size)
    except GitError as error:
        raise fail(_("dansokh diff: {reason}").format(reason=error)) from None
    DIFF_REPORTERS[output_format.value](sys.stdout).report(compare(old, new))


@app.command(
    "schema",
    help=N_("Print the JSON Schema of a plan file, for editors (yaml-language-server) and check-jsonschema."),
)
def schema_command(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", dir_okay=False, help=N_("Write the schema to this file."))
    ] = None,
    results: Annotated[bool, typer.Option("--results", help=N_("The schema of a result file (kind: result) instead."))] = False,
) -> None:
    """Print the JSON Schema of a plan file, for editors (yaml-language-server) and check-jsonschema."""
    # imported here, not above: `dansokh --help` should not pay for what this command needs
    from ..model.schema import plan_schema, result_schema

    text = json.dumps(result_schema() if results else plan_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
