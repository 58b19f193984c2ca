"""The one place where a problem becomes what a person reads and the exit status: 0 no errors,
1 errors (in the plans, or a file that could not be written), 2 a usage error (an option, a name
or a file given that cannot be used).

A command raises ``fail(message, status)`` where it finds the problem itself, and lets the
stages' exceptions through ``reported()`` (the option that named the input, the file written or
read); whatever a command lets escape is mapped here too (``Commands``), so no command catches
and prints in its own way.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup

from ..i18n import _
from ..report.safe import Console

ERRORS = 1
USAGE = 2

STATUS = {
    # a user's input that cannot be used: a usage error
    "dansokh.config.ConfigError": USAGE,
    "dansokh.check.selection.SelectionError": USAGE,
    "dansokh.write.output.OutputRefused": USAGE,
    "dansokh.vcs.git.GitError": USAGE,
    "dansokh.report.base.ReportError": USAGE,
    "dansokh.cascade.lookup.LookupError_": USAGE,
    "dansokh.reform.propose.ProposalError": USAGE,
    "dansokh.results.progress.PaceError": USAGE,
    "dansokh.cascade.split.WeightsError": USAGE,
    "dansokh.write.crosswalk.CannotExtend": USAGE,
    "dansokh.render.pdf.NoChromium": USAGE,
    "dansokh.cli.render.RenderError": USAGE,
    # what the plans cannot give, or a file not written on purpose: an error
    "dansokh.cascade.apportion.ApportionError": ERRORS,
    "dansokh.cascade.split.SplitError": ERRORS,
    "dansokh.reform.crosswalk.CarryError": ERRORS,
    "dansokh.write.atomic.WriteRefused": ERRORS,
    "dansokh.write.new.NotCreated": ERRORS,
    "dansokh.write.results.ResultExists": ERRORS,
    "dansokh.render.templates.TemplateFailure": ERRORS,
}
"""The stages' exceptions a command lets through, by their full name (naming them imports no
stage: ``dansokh --help`` stays quick), and the exit status each means; a subclass is looked up
before its base (``WeightsError`` before ``SplitError``)."""


def fail(message: str, code: int = USAGE) -> typer.Exit:
    """The message on standard error, and the exit to raise: 2 (a usage error) unless told otherwise."""
    Console(stderr=True, highlight=False, soft_wrap=True, items=True).print(message, style="red", markup=False)
    return typer.Exit(code)


def say(message: str, style: str = "dim") -> None:
    """A remark on standard error (standard output may be a report or a file's text): which plan
    a name picked, say."""
    Console(stderr=True, highlight=False, soft_wrap=True, items=True).print(message, style=style, markup=False)


def status_of(error: BaseException) -> int | None:
    """The exit status ``STATUS`` gives the exception, or None for one it does not know."""
    for kind in type(error).__mro__:
        status = STATUS.get(f"{kind.__module__}.{kind.__qualname__}")
        if status is not None:
            return status
    return None


@contextmanager
def reported(
    template: str | None = None, *, option: str | None = None, status: int | None = None, writing: object = None, reading: object = None
) -> Iterator[None]:
    """Within it, a stage's exception (``STATUS``) ends the command: its message (in ``template``'s
    ``{reason}`` where given: ``--output: {reason}``, or ``{option}: {reason}`` with ``option``) and its exit status, or ``status`` where the
    command knows better; an OSError is ``cannot write`` the file ``writing`` names (exit 1), or
    ``cannot read`` the one ``reading`` names."""
    try:
        yield
    except typer.Exit:
        raise
    except Exception as error:
        mapped = exit_for(error, template, status, writing, reading, option)
        if mapped is error:
            raise
        raise mapped from None


def exit_for(
    error: Exception, template: str | None = None, status: int | None = None, writing: object = None, reading: object = None,
    option: str | None = None,
) -> Exception:
    """The exit ``reported`` raises for ``error`` (said on standard error), or ``error`` itself when
    it is no problem a person can act on: a traceback, as a bug should be."""
    known = status_of(error)
    if known is not None:
        reason = str(error)
        message = template.format(reason=reason, option=option) if template is not None else reason
        return fail(message, status if status is not None else known)
    if isinstance(error, (OSError, UnicodeDecodeError)) and (writing is not None or reading is not None):
        why = getattr(error, "strerror", None) or error
        if writing is not None:
            where = getattr(error, "filename", None) if writing is FILENAME else writing
            return fail(_("cannot write {path}: {reason}").format(path=where, reason=why), status if status is not None else ERRORS)
        return fail(_("cannot read {path}: {reason}").format(path=reading, reason=why), status if status is not None else ERRORS)
    return error


FILENAME = object()
"""``reported(writing=FILENAME)``: the file the OSError names (one of several written)."""


@contextmanager
def printing() -> Iterator[None]:
    """Rendering to a format: no Chromium for a PDF is a usage error (2); a print that failed or a
    template with a mistake, an error (1)."""
    try:
        yield
    except typer.Exit:
        raise
    except Exception as error:
        if status_of(error) is not None:  # NoChromium, TemplateFailure: as ``STATUS`` says
            raise exit_for(error) from None
        if isinstance(error, (RuntimeError, subprocess.TimeoutExpired)):
            raise fail(_("printing to PDF failed: {reason}").format(reason=error), ERRORS) from None
        raise


class Commands(TyperGroup):
    """dansokh's command group: whatever a command lets escape that ``STATUS`` knows is said and
    mapped to its exit status here, the one path for every command."""

    def invoke(self, ctx: Any) -> Any:  # Click's Context: Typer vendors Click under a private name
        with reported():
            return super().invoke(ctx)

