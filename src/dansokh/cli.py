"""The command line: parses options, calls the core, maps outcomes to exit codes.

Exit status: 0 when there are no errors, 1 when there are, 2 for a usage error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .indicators import CATALOGUE
from .loader import DEFAULT_MAX_BYTES
from .reporters import REPORTERS
from .rules import ALL_RULES, BY_CODE
from .validate import validate

app = typer.Typer(
    name="dansokh",
    help="Population-and-development plans (Kế hoạch Dân số và Phát triển) as checked YAML.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dansokh {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """dansokh keeps yearly plans in git and checks every plan and every parent→child edge."""


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(exists=True, help="Plan files or folders (searched recursively).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    max_file_size: Annotated[
        int, typer.Option(help="Largest plan file read, in bytes.", min=1)
    ] = DEFAULT_MAX_BYTES,
) -> None:
    """Check plans: the schema, each plan's arithmetic, and the cascade between plans."""
    result = validate(paths, max_file_size)
    REPORTERS[output_format.value](sys.stdout).report(result)
    raise typer.Exit(1 if result.failed else 0)


@app.command("rules")
def rules_command(
    code: Annotated[Optional[str], typer.Argument(help="Show one rule's documentation.")] = None,
) -> None:
    """List the rule codes dansokh reports."""
    console = Console(highlight=False)
    if code is not None:
        rule = BY_CODE.get(code.upper())
        if rule is None:
            console.print(f"unknown rule code {code!r}; `dansokh rules` lists them", style="red")
            raise typer.Exit(2)
        console.print(f"[bold]{rule.code}[/] {rule.name} ({rule.severity.value})\n{rule.summary}")
        if rule.doc:
            console.print(f"\n{rule.doc}")
        return
    table = Table("code", "name", "severity", "what it finds", box=None, pad_edge=False)
    for rule in ALL_RULES:
        table.add_row(rule.code, rule.name, rule.severity.value, rule.summary)
    console.print(table)


@app.command("indicators")
def indicators_command() -> None:
    """List the indicator catalogue: key, Vietnamese name, unit and direction."""
    table = Table("key", "name", "unit", "direction", "quota", box=None, pad_edge=False)
    for indicator in CATALOGUE.values():
        table.add_row(
            indicator.key, indicator.name, indicator.unit, indicator.direction.value, "yes" if indicator.quota else ""
        )
    Console(highlight=False).print(table)


def main() -> None:
    app()
