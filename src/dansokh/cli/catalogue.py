"""``dansokh rules`` and ``dansokh indicators``: what dansokh checks and the indicators it knows."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..diagnostics import Severity
from ..i18n import N_, _, current
from ..read.discover import display_path
from ..read.limits import DEFAULT_MAX_BYTES
from ..read.root import find_root
from ..report.format_names import format_name
from ..report.safe import Console
from . import stages
from .app import app, settings_from
from .errors import fail, say


@app.command("rules", help=N_("List the rule codes dansokh reports; with codes, each one's documentation and examples."))
def rules_command(
    codes: Annotated[
        list[str] | None,
        typer.Argument(help=N_("Codes or prefixes (C001, C): show their documentation and examples.")),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help=N_("Documentation and examples of every rule."))] = False,
) -> None:
    """List the rule codes dansokh reports; with codes, each one's documentation and examples."""
    examples, report_rules = stages.examples, stages.report_rules
    console = Console(highlight=False)
    every = stages.rule_registry.EVERY_RULE  # validate's rules, then the F codes of `dansokh import`
    if not codes and not full:
        english = current() == "en"  # a rule's name is an English identifier: Vietnamese shows the summary only
        columns = [_("code"), _("name"), _("severity"), _("what it finds")] if english else [
            _("code"), _("severity"), _("what it finds")
        ]
        table = Table(*columns, box=None, pad_edge=False)
        for rule in every:
            cells = [rule.code, rule.name] if english else [rule.code]
            table.add_row(*cells, report_rules.severity_text(rule.severity), rule.summary)
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
            form_examples = stages.form_examples
            failing, changes = form_examples.run(forms[0])
            example = report_rules.RuleExample(forms[0], changes, failing, form_examples.run(forms[0], passing=True)[0])
        elif cases:
            # the failing example: the first case in which the rule reports something
            case = next((c for c in cases if any(e.split()[0] == rule.code for e in c["expect"])), cases[0])
            example = report_rules.RuleExample(case, examples.changes(case), examples.run(case), examples.run(case, passing=True))
        report_rules.write_rule(rule, example, sys.stdout)


class IndicatorFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    table = "table"  # text's other name (report.format_names)


def repository_catalogue(plans: Path | None = None) -> int:
    """Put the catalogue of the repository around ``plans`` (else the working folder) in force;
    its file's problems go to standard error.  The exit status: 1 when it has errors."""
    root = find_root([plans] if plans is not None else [])
    limit = settings_from(None).max_file_size or DEFAULT_MAX_BYTES  # a plan file's limit
    problems = stages.catalogue_file.use_catalogue(root.catalogue, display_path(root.catalogue) if root.catalogue else None, limit)
    for problem in problems:
        say(f"{problem.span}: {problem.code} {problem.message}")
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0


@app.command("indicators", help=N_("List the indicator catalogue: key, Vietnamese name, unit, direction and kind."))
def indicators_command(
    output_format: Annotated[IndicatorFormat, typer.Option("--format", "-f", help=N_("Output format (table: the same as text)."))] = IndicatorFormat.text,
) -> None:
    """List the indicator catalogue: key, Vietnamese name, unit, direction and kind."""
    status = repository_catalogue()
    writers = stages.report_catalogue
    write = {"text": writers.write_table, "json": writers.write_json, "csv": writers.write_csv}[format_name(output_format.value)]
    write(stages.model_catalogue.active(), sys.stdout)
    raise typer.Exit(status)
