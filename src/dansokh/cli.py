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

from . import __version__, config, examples, i18n
from .i18n import N_, _
from .indicators import CATALOGUE
from .loader import DEFAULT_MAX_BYTES
from .reporters import pick
from .reporters.rules import RuleExample, severity_text, write_rule
from .changed import only_changed
from .gitfiles import GitError
from .selection import Selection, SelectionError
from .writes import write_atomic
from .rules import ALL_RULES, BY_CODE
from .allocate import edge, raises
from .apportion import ApportionError, Method
from .changes import raise_targets
from .lookup import LookupError_, find
from .reporters.allocation import direction_text, report_split, write_csv, write_json, write_table
from .split import SplitError, make_split, read_weights, write_split
from .validate import load_repository, validate
from .writing import apply_change

app = typer.Typer(
    name="dansokh",
    help=N_("Population-and-development plans (Kế hoạch Dân số và Phát triển) as checked YAML."),
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


LANG_HELP = N_("Language of messages and help: vi or en (default: lang in dansokh.toml, else the locale).")

_explicit_lang: str | None = None  # --lang, for commands that read another configuration file (--config)
_language_chosen = False  # main() has chosen the language from the arguments and the configuration


def _speak(lang: str | None, settings: config.Config) -> None:
    """Install the language asked for (``--lang``, else the configuration, else the environment)."""
    try:
        i18n.setup(lang, settings.lang)
    except ValueError as error:
        raise _fail(str(error)) from None


@app.callback()
def root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version."))
    ] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="vi|en", help=LANG_HELP)] = None,
) -> None:
    """dansokh keeps yearly plans in git and checks every plan and every parent→child edge."""
    global _explicit_lang
    if not _language_chosen:  # called without main() (a test's CliRunner): choose here
        _explicit_lang = lang
        _speak(lang, _settings(None))


def _codes(values: list[str]) -> list[str]:
    """``--select C,T --select U001`` -> ["C", "T", "U001"]."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _severities(values: list[str]) -> dict[str, str]:
    levels = {}
    for value in values:
        code, _, level = value.partition("=")
        if not code.strip() or not level.strip():
            raise _fail(_("--severity {value!r}: expected CODE=error|warning|info").format(value=value))
        levels[code.strip()] = level.strip().lower()
    return levels


def _settings(config_path: Optional[Path]) -> config.Config:
    try:
        return config.load(explicit=config_path)
    except config.ConfigError as error:
        raise _fail(str(error)) from None


@app.command("validate", help=N_("Check plans: the schema, each plan's arithmetic, and the cascade between plans."))
def validate_command(
    paths: Annotated[list[Path], typer.Argument(exists=True, help=N_("Plan files or folders (searched recursively)."))],
    output_format: Annotated[
        Optional[OutputFormat],
        typer.Option("--format", "-f", help=N_("Output format; auto is github under GitHub Actions, else text.")),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", dir_okay=False, help=N_("Write the report to this file."))
    ] = None,
    select: Annotated[list[str], typer.Option("--select", help=N_("Report only these codes or prefixes (C,T001)."))] = [],
    ignore: Annotated[list[str], typer.Option("--ignore", help=N_("Do not report these codes or prefixes."))] = [],
    severity: Annotated[
        list[str], typer.Option("--severity", help=N_("CODE=error|warning|info: change a rule's severity."))
    ] = [],
    changed_since: Annotated[
        Optional[str],
        typer.Option("--changed-since", help=N_("Report only what touches files changed since this git revision.")),
    ] = None,
    config_path: Annotated[
        Optional[Path], typer.Option("--config", exists=True, dir_okay=False, help=N_("Settings file (dansokh.toml)."))
    ] = None,
    max_file_size: Annotated[
        Optional[int], typer.Option(help=N_("Largest plan file read, in bytes (default 5 MiB)."), min=1)
    ] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="vi|en", help=LANG_HELP)] = None,
) -> None:
    """Check plans: the schema, each plan's arithmetic, and the cascade between plans."""
    settings = _settings(config_path)
    if lang is not None or config_path is not None:
        _speak(lang if lang is not None else _explicit_lang, settings)
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
            raise _fail(_("--changed-since: {reason}").format(reason=error)) from None
    reporter = pick((output_format.value if output_format else None) or settings.format or "auto")
    if output is None:
        reporter(sys.stdout).report(result)
    else:
        buffer = io.StringIO()
        reporter(buffer, color=False).report(result)
        write_atomic(output, buffer.getvalue())
    raise typer.Exit(1 if result.failed else 0)


@app.command("rules", help=N_("List the rule codes dansokh reports; with codes, each one's documentation and examples."))
def rules_command(
    codes: Annotated[
        Optional[list[str]],
        typer.Argument(help=N_("Codes or prefixes (C001, C): show their documentation and examples.")),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help=N_("Documentation and examples of every rule."))] = False,
) -> None:
    """List the rule codes dansokh reports; with codes, each one's documentation and examples."""
    console = Console(highlight=False)
    if not codes and not full:
        table = Table(_("code"), _("name"), _("severity"), _("what it finds"), box=None, pad_edge=False)
        for rule in ALL_RULES:
            table.add_row(rule.code, rule.name, severity_text(rule.severity), rule.summary)
        console.print(table)
        return
    wanted = [c.upper() for c in codes or []]
    chosen = [r for r in ALL_RULES if full or any(r.code.startswith(c) for c in wanted)]
    unknown = [c for c in wanted if not any(r.code.startswith(c) for r in ALL_RULES)]
    if unknown:
        raise _fail(_("unknown rule code {codes}; `dansokh rules` lists them").format(codes=", ".join(unknown)))
    for index, rule in enumerate(chosen):
        if index:
            sys.stdout.write("\n" + "─" * 60 + "\n\n")
        cases = examples.cases_of(rule.code)
        example = None
        if cases:
            case = cases[0]
            example = RuleExample(case, examples.changes(case), examples.run(case), examples.run(case, passing=True))
        write_rule(rule, example, sys.stdout)


@app.command("indicators", help=N_("List the indicator catalogue: key, Vietnamese name, unit and direction."))
def indicators_command() -> None:
    """List the indicator catalogue: key, Vietnamese name, unit and direction."""
    table = Table(_("key"), _("name"), _("unit"), _("direction"), _("quota"), box=None, pad_edge=False)
    for indicator in CATALOGUE.values():
        table.add_row(
            indicator.key,
            indicator.name,
            indicator.unit,
            direction_text(indicator.direction),
            _("yes") if indicator.quota else "",
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
            raise _fail(
                _("{option} {item!r}: expected UNIT=NUMBER with a unit of {parent}").format(
                    option=option, item=item, parent=parent.plan.unit.name
                )
            )
        result[ids[0]] = int(value)
    return result


@app.command(
    "allocate",
    help=N_("See what a parent assigned to a child, start the child's plan from it, or split a quota."),
)
def allocate_command(
    source: Annotated[str, typer.Option("--from", help=N_("The parent: a plan id, unit id or unit name."))],
    to: Annotated[Optional[str], typer.Option("--to", help=N_("The child: a plan id, unit id or unit name."))] = None,
    split: Annotated[
        Optional[str], typer.Option("--split", help=N_("Split this quota of --from among its children."))
    ] = None,
    by: Annotated[Optional[str], typer.Option("--by", help=N_("Weigh the split by this column of the table."))] = None,
    weights: Annotated[
        Optional[Path], typer.Option("--weights", exists=True, dir_okay=False, help=N_("CSV of unit,weight."))
    ] = None,
    whole: Annotated[
        Optional[int], typer.Option("--whole", min=0, help=N_("The quota to split (default: the plan's own)."))
    ] = None,
    method: Annotated[Method, typer.Option("--method", help=N_("How to round the split."))] = Method.LARGEST_REMAINDER,
    minimum: Annotated[list[str], typer.Option("--min", help=N_("UNIT=N: at least N for this child."))] = [],
    fixed: Annotated[list[str], typer.Option("--fixed", help=N_("UNIT=N: exactly N for this child."))] = [],
    output_format: Annotated[EdgeFormat, typer.Option("--format", "-f", help=N_("Output format."))] = EdgeFormat.table,
    write: Annotated[bool, typer.Option("--write", help=N_("Write the change into the plan file."))] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("With --write: show the diff, write nothing."))] = False,
    plans: Annotated[Path, typer.Option("--plans", exists=True, file_okay=False, help=N_("The plans folder."))] = Path(
        "plans"
    ),
) -> None:
    """See what a parent assigned to a child, start the child's plan from it, or split a quota."""
    repo, checked = load_repository([plans])
    try:
        parent = find(repo, source)
    except LookupError_ as error:
        raise _fail(_("--from: {reason}").format(reason=error)) from None
    if parent.plan is None:
        raise _fail(
            _("--from: {name} ({unit}) has no plan in {plans}").format(
                name=parent.unit.name, unit=parent.unit.id, plans=plans
            )
        )
    if split is not None:
        if split not in CATALOGUE:
            raise _fail(_("--split: unknown indicator {key!r} (see `dansokh indicators`)").format(key=split))
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
        raise _fail(_("give --to CHILD to compare an edge, or --split INDICATOR to split a quota"))
    try:
        child = find(repo, to, among=repo.children(parent.unit.id), year=parent.plan.plan.year)
    except LookupError_ as error:
        raise _fail(_("--to: {reason}").format(reason=error)) from None
    if child.plan is None:
        raise _fail(
            _("--to: {name} ({unit}) has no plan in {plans}").format(name=child.unit.name, unit=child.unit.id, plans=plans)
        )
    if not repo.assignments.get((parent.plan.plan.id, child.unit.id)):
        raise _fail(
            _("{plan} assigns nothing to {name} ({unit})").format(
                plan=parent.plan.plan.id, name=child.unit.name, unit=child.unit.id
            )
        )
    view = edge(repo, parent.plan, child.plan)
    {"table": write_table, "json": write_json, "csv": write_csv}[output_format.value](view, sys.stdout)
    if write:
        changes, refused = raises(view, repo)
        for reason in refused:
            Console(stderr=True, highlight=False).print(
                _("not written: {reason}").format(reason=reason), style="yellow", markup=False
            )
        if not changes:
            print(_("Nothing to write: every target meets what was assigned."))
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

app.command(
    "diff",
    help=N_("List every target, quota and schedule row that changed between two revisions, old → new with its unit."),
)(diff_command)
app.command(
    "schema",
    help=N_("Print the JSON Schema of a plan file, for editors (yaml-language-server) and check-jsonschema."),
)(schema_command)


from .render.command import render_command  # noqa: E402

app.command("render", help=N_("Render appendices of plans in the official format (Nghị định 30/2020/NĐ-CP)."))(
    render_command
)


def lang_argument(argv: list[str]) -> str | None:
    """The value of ``--lang X`` or ``--lang=X`` among the arguments (the last one wins),
    read before Typer parses them so that help and usage errors speak the language too."""
    found = None
    index = 0
    while index < len(argv):
        argument = argv[index]
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            found = argv[index + 1]
            index += 1
        elif argument.startswith("--lang="):
            found = argument.partition("=")[2]
        index += 1
    return found


def main(argv: list[str] | None = None) -> None:
    """The ``dansokh`` command: choose the language (``--lang``, the configuration file, the
    locale) before the arguments are parsed, so that help and usage errors speak it too,
    translate the help, run."""
    global _explicit_lang, _language_chosen
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        settings = config.load()
    except config.ConfigError as error:
        _fail(str(error))
        raise SystemExit(2) from None
    lang = lang_argument(arguments)
    try:
        i18n.setup(lang, settings.lang)
    except ValueError as error:
        _fail(str(error))
        raise SystemExit(2) from None
    command = i18n.translate_help(typer.main.get_command(app))
    _explicit_lang, _language_chosen = lang, True
    try:
        command(args=arguments, prog_name="dansokh")  # type: ignore[operator]
    finally:
        _explicit_lang, _language_chosen = None, False
