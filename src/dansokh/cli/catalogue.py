"""``dansokh rules`` and ``dansokh indicators``: what dansokh checks and the indicators it knows."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..i18n import N_, _, current
from .app import app, fail, say, settings_from


@app.command("rules", help=N_("List the rule codes dansokh reports; with codes, each one's documentation and examples."))
def rules_command(
    codes: Annotated[
        Optional[list[str]],
        typer.Argument(help=N_("Codes or prefixes (C001, C): show their documentation and examples.")),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help=N_("Documentation and examples of every rule."))] = False,
) -> None:
    """List the rule codes dansokh reports; with codes, each one's documentation and examples."""
    # imported here, not above: `dansokh --help` should not pay for what this command needs
    from rich.table import Table

    from ..check import examples
    from ..check.rules import EVERY_RULE
    from ..report.rules import RuleExample, severity_text, write_rule
    from ..report.safe import Console

    console = Console(highlight=False)
    every = EVERY_RULE  # validate's rules, then the F codes of `dansokh import`
    if not codes and not full:
        english = current() == "en"  # a rule's name is an English identifier: Vietnamese shows the summary only
        columns = [_("code"), _("name"), _("severity"), _("what it finds")] if english else [
            _("code"), _("severity"), _("what it finds")
        ]
        table = Table(*columns, box=None, pad_edge=False)
        for rule in every:
            cells = [rule.code, rule.name] if english else [rule.code]
            table.add_row(*cells, severity_text(rule.severity), rule.summary)
        console.print(table)
        return
    wanted = [c.upper() for c in codes or []]
    chosen = [r for r in every if full or any(r.code.startswith(c) for c in wanted)]
    unknown = [c for c in wanted if not any(r.code.startswith(c) for r in every)]
    if unknown:
        raise fail(_("unknown rule code {codes}; `dansokh rules` lists them").format(codes=", ".join(unknown)))
    for index, rule in enumerate(chosen):
        if index:
            sys.stdout.write("\n" + "─" * 60 + "\n\n")
        cases = examples.cases_of(rule.code)
        example = None
        forms = examples.form_cases_of(rule.code)
        if forms:  # an F rule: a results form filled, changed and imported
            from ..render import form_examples

            failing, changes = form_examples.run(forms[0])
            example = RuleExample(forms[0], changes, failing, form_examples.run(forms[0], passing=True)[0])
        elif cases:
            # the failing example: the first case in which the rule reports something
            case = next((c for c in cases if any(e.split()[0] == rule.code for e in c["expect"])), cases[0])
            example = RuleExample(case, examples.changes(case), examples.run(case), examples.run(case, passing=True))
        write_rule(rule, example, sys.stdout)


class IndicatorFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def repository_catalogue(plans: Path | None = None) -> int:
    """Put the catalogue of the repository around ``plans`` (else the working folder) in force;
    its file's problems go to standard error.  The exit status: 1 when it has errors."""
    from ..diagnostics import Severity
    from ..model.catalogue_file import use_catalogue
    from ..read.discover import display_path
    from ..read.limits import DEFAULT_MAX_BYTES
    from ..read.root import find_root

    root = find_root([plans] if plans is not None else [])
    limit = settings_from(None).max_file_size or DEFAULT_MAX_BYTES  # a plan file's limit
    problems = use_catalogue(root.catalogue, display_path(root.catalogue) if root.catalogue else None, limit)
    for problem in problems:
        say(f"{problem.span}: {problem.code} {problem.message}")
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0


@app.command("indicators", help=N_("List the indicator catalogue: key, Vietnamese name, unit, direction and kind."))
def indicators_command(
    output_format: Annotated[IndicatorFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = IndicatorFormat.text,
) -> None:
    """List the indicator catalogue: key, Vietnamese name, unit, direction and kind."""
    from ..report.format_names import format_name
    # imported here, not above: `dansokh --help` should not pay for what this command needs
    from ..model.catalogue import active
    from ..report.catalogue import write_csv, write_json, write_table

    status = repository_catalogue()
    {"text": write_table, "json": write_json, "csv": write_csv}[format_name(output_format.value)](active(), sys.stdout)
    raise typer.Exit(status)
