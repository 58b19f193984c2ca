"""``dansokh rules`` and ``dansokh indicators``: what dansokh checks and the indicators it knows."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..i18n import N_, _, current
from .app import app, fail


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
    from rich.console import Console
    from rich.table import Table

    from ..check import examples
    from ..check.rules import ALL_RULES
    from ..read.form import FORM_RULES
    from ..report.rules import RuleExample, severity_text, write_rule

    console = Console(highlight=False)
    every = ALL_RULES + FORM_RULES  # the F codes come from `dansokh import`, not from validate
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
        if cases:
            # the failing example: the first case in which the rule reports something
            case = next((c for c in cases if any(e.split()[0] == rule.code for e in c["expect"])), cases[0])
            example = RuleExample(case, examples.changes(case), examples.run(case), examples.run(case, passing=True))
        write_rule(rule, example, sys.stdout)


@app.command("indicators", help=N_("List the indicator catalogue: key, Vietnamese name, unit and direction."))
def indicators_command() -> None:
    """List the indicator catalogue: key, Vietnamese name, unit and direction."""
    # imported here, not above: `dansokh --help` should not pay for what this command needs
    from rich.console import Console
    from rich.table import Table

    from ..model.catalogue import CATALOGUE
    from ..report.allocation import direction_text

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


