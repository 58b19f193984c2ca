"""The command line: parses options, calls the core, maps outcomes to exit codes.

Exit status: 0 when there are no errors, 1 when there are, 2 for a usage error.
"""

from __future__ import annotations

import io
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__, config, examples
from .indicators import CATALOGUE
from .loader import DEFAULT_MAX_BYTES
from .reporters import pick
from .reporters.rules import RuleExample, write_rule
from .changed import only_changed
from .gitfiles import GitError
from .selection import Selection, SelectionError
from .writes import write_atomic
from .rules import ALL_RULES, BY_CODE
from .allocate import edge, raises
from .apportion import ApportionError, Method
from .changes import raise_targets
from .lookup import LookupError_, find
from .reporters.allocation import report_split, write_csv, write_json, write_table
from .split import SplitError, make_split, read_weights, write_split
from .validate import load_repository, validate
from .writing import apply_change

app = typer.Typer(
    name="dansokh",
    help="Population-and-development plans (Kế hoạch Dân số và Phát triển) as checked YAML.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


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


def _codes(values: list[str]) -> list[str]:
    """``--select C,T --select U001`` -> ["C", "T", "U001"]."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _severities(values: list[str]) -> dict[str, str]:
    levels = {}
    for value in values:
        code, _, level = value.partition("=")
        if not code.strip() or not level.strip():
            raise _fail(f"--severity {value!r}: expected CODE=error|warning|info")
        levels[code.strip()] = level.strip().lower()
    return levels


def _settings(config_path: Optional[Path]) -> config.Config:
    try:
        return config.load(explicit=config_path)
    except config.ConfigError as error:
        raise _fail(str(error)) from None


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(exists=True, help="Plan files or folders (searched recursively).")],
    output_format: Annotated[
        Optional[OutputFormat],
        typer.Option("--format", "-f", help="Output format; auto is github under GitHub Actions, else text."),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", dir_okay=False, help="Write the report to this file.")
    ] = None,
    select: Annotated[list[str], typer.Option("--select", help="Report only these codes or prefixes (C,T001).")] = [],
    ignore: Annotated[list[str], typer.Option("--ignore", help="Do not report these codes or prefixes.")] = [],
    severity: Annotated[
        list[str], typer.Option("--severity", help="CODE=error|warning|info: change a rule's severity.")
    ] = [],
    changed_since: Annotated[
        Optional[str],
        typer.Option("--changed-since", help="Report only what touches files changed since this git revision."),
    ] = None,
    config_path: Annotated[
        Optional[Path], typer.Option("--config", exists=True, dir_okay=False, help="Settings file (dansokh.toml).")
    ] = None,
    max_file_size: Annotated[
        Optional[int], typer.Option(help="Largest plan file read, in bytes (default 5 MiB).", min=1)
    ] = None,
) -> None:
    """Check plans: the schema, each plan's arithmetic, and the cascade between plans."""
    settings = _settings(config_path)
    try:
        selection = Selection.make(
            _codes(select) or settings.select,
            _codes(ignore) or settings.ignore,
            settings.severity | _severities(severity),
        )
    except SelectionError as error:
        raise _fail(str(error)) from None
    result = validate(paths, max_file_size or settings.max_file_size or DEFAULT_MAX_BYTES, selection=selection)
    if changed_since is not None:
        try:
            result = only_changed(result, changed_since, result.repository)
        except GitError as error:
            raise _fail(f"--changed-since: {error}") from None
    reporter = pick((output_format.value if output_format else None) or settings.format or "auto")
    if output is None:
        reporter(sys.stdout).report(result)
    else:
        buffer = io.StringIO()
        reporter(buffer, color=False).report(result)
        write_atomic(output, buffer.getvalue())
    raise typer.Exit(1 if result.failed else 0)


@app.command("rules")
def rules_command(
    codes: Annotated[
        Optional[list[str]], typer.Argument(help="Codes or prefixes (C001, C): show their documentation and examples.")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Documentation and examples of every rule.")] = False,
) -> None:
    """List the rule codes dansokh reports; with codes, each one's documentation and examples."""
    console = Console(highlight=False)
    if not codes and not full:
        table = Table("code", "name", "severity", "what it finds", box=None, pad_edge=False)
        for rule in ALL_RULES:
            table.add_row(rule.code, rule.name, rule.severity.value, rule.summary)
        console.print(table)
        return
    wanted = [c.upper() for c in codes or []]
    chosen = [r for r in ALL_RULES if full or any(r.code.startswith(c) for c in wanted)]
    unknown = [c for c in wanted if not any(r.code.startswith(c) for r in ALL_RULES)]
    if unknown:
        raise _fail(f"unknown rule code {', '.join(unknown)}; `dansokh rules` lists them")
    for index, rule in enumerate(chosen):
        if index:
            sys.stdout.write("\n" + "─" * 60 + "\n\n")
        cases = examples.cases_of(rule.code)
        example = None
        if cases:
            case = cases[0]
            example = RuleExample(case, examples.changes(case), examples.run(case), examples.run(case, passing=True))
        write_rule(rule, example, sys.stdout)


@app.command("indicators")
def indicators_command() -> None:
    """List the indicator catalogue: key, Vietnamese name, unit and direction."""
    table = Table("key", "name", "unit", "direction", "quota", box=None, pad_edge=False)
    for indicator in CATALOGUE.values():
        table.add_row(
            indicator.key, indicator.name, indicator.unit, indicator.direction.value, "yes" if indicator.quota else ""
        )
    Console(highlight=False).print(table)


class EdgeFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True, highlight=False).print(message, style="red", markup=False)
    return typer.Exit(code)


def _pairs(option: str, items: list[str], repo, parent) -> dict[str, int]:
    """``--min ngoc-thuy=80`` (a unit id or a name as the plan writes it) -> {unit id: 80}."""
    children = repo.children(parent.plan.unit.id)
    result: dict[str, int] = {}
    for item in items:
        name, _, value = item.rpartition("=")
        ids = [name] if any(u.id == name for u in children) else repo.resolve(name, children)
        if not name or len(ids) != 1 or not value.strip().isdigit():
            raise _fail(f"{option} {item!r}: expected UNIT=NUMBER with a unit of {parent.plan.unit.name}")
        result[ids[0]] = int(value)
    return result


@app.command("allocate")
def allocate_command(
    source: Annotated[str, typer.Option("--from", help="The parent: a plan id, unit id or unit name.")],
    to: Annotated[Optional[str], typer.Option("--to", help="The child: a plan id, unit id or unit name.")] = None,
    split: Annotated[
        Optional[str], typer.Option("--split", help="Split this quota of --from among its children.")
    ] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Weigh the split by this column of the table.")] = None,
    weights: Annotated[
        Optional[Path], typer.Option("--weights", exists=True, dir_okay=False, help="CSV of unit,weight.")
    ] = None,
    whole: Annotated[Optional[int], typer.Option("--whole", min=0, help="The quota to split (default: the plan's own).")] = None,
    method: Annotated[Method, typer.Option("--method", help="How to round the split.")] = Method.LARGEST_REMAINDER,
    minimum: Annotated[list[str], typer.Option("--min", help="UNIT=N: at least N for this child.")] = [],
    fixed: Annotated[list[str], typer.Option("--fixed", help="UNIT=N: exactly N for this child.")] = [],
    output_format: Annotated[EdgeFormat, typer.Option("--format", "-f", help="Output format.")] = EdgeFormat.table,
    write: Annotated[bool, typer.Option("--write", help="Write the change into the plan file.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --write: show the diff, write nothing.")] = False,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help="The plans folder.")] = Path(
        "plans"
    ),
) -> None:
    """See what a parent assigned to a child, start the child's plan from it, or split a quota."""
    repo, checked = load_repository([plans])
    try:
        parent = find(repo, source)
    except LookupError_ as error:
        raise _fail(f"--from: {error}") from None
    if parent.plan is None:
        raise _fail(f"--from: {parent.unit.name} ({parent.unit.id}) has no plan in {plans}")
    if split is not None:
        if split not in CATALOGUE:
            raise _fail(f"--split: unknown indicator {split!r} (see `dansokh indicators`)")
        try:
            table_weights = read_weights(weights, repo, parent.plan) if weights else None
            result = make_split(
                repo,
                parent.plan,
                split,
                by=by,
                weights=table_weights,
                whole=whole,
                method=method,
                minimums=_pairs("--min", minimum, repo, parent.plan),
                fixed=_pairs("--fixed", fixed, repo, parent.plan),
            )
        except (SplitError, ApportionError) as error:
            raise _fail(str(error), 1) from None
        report_split(result, sys.stdout, output_format.value)
        if write:
            outcome = apply_change(
                [plans],
                parent.plan,
                lambda file, text: write_split(file, text, result),
                checked,
                dry_run,
                sys.stdout,
                resolves=frozenset({"T001", "T002", "C003"}),
            )
            raise typer.Exit(outcome)
        return
    if to is None:
        raise _fail("give --to CHILD to compare an edge, or --split INDICATOR to split a quota")
    try:
        child = find(repo, to, among=repo.children(parent.unit.id), year=parent.plan.plan.year)
    except LookupError_ as error:
        raise _fail(f"--to: {error}") from None
    if child.plan is None:
        raise _fail(f"--to: {child.unit.name} ({child.unit.id}) has no plan in {plans}")
    if not repo.assignments.get((parent.plan.plan.id, child.unit.id)):
        raise _fail(f"{parent.plan.plan.id} assigns nothing to {child.unit.name} ({child.unit.id})")
    view = edge(repo, parent.plan, child.plan)
    {"table": write_table, "json": write_json, "csv": write_csv}[output_format.value](view, sys.stdout)
    if write:
        changes, refused = raises(view, repo)
        for reason in refused:
            Console(stderr=True, highlight=False).print(f"not written: {reason}", style="yellow", markup=False)
        if not changes:
            print("Nothing to write: every target meets what was assigned.")
            raise typer.Exit(1 if refused else 0)
        outcome = apply_change(
            [plans],
            child.plan,
            lambda file, text: raise_targets(file, text, changes),
            checked,
            dry_run,
            sys.stdout,
            resolves=frozenset({"C001"}),
        )
        raise typer.Exit(outcome or (1 if refused else 0))
    raise typer.Exit(1 if view.short else 0)


from .commands_ci import diff_command, schema_command  # noqa: E402

app.command("diff")(diff_command)
app.command("schema")(schema_command)


from .render.command import render_command  # noqa: E402

app.command("render")(render_command)


def main() -> None:
    app()
