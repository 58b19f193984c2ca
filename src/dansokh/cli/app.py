"""The Typer application and the language of the run; its commands' problems become messages and
exit statuses in ``errors`` (0 when there are no errors, 1 when there are, 2 for a usage error).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import dansokh

from .. import __version__, config, i18n
from ..i18n import N_, _
from ..read.limits import shorten
from ..vcs.git import checkout_state
from . import stages, usage
from .errors import Commands, fail, reported, say

if TYPE_CHECKING:
    from ..cascade.repository import LoadedPlan, Repository

usage.install()  # Click's own messages about malformed arguments, in the language of the run

app = typer.Typer(
    name="dansokh",
    help=N_("Population-and-development plans (Kế hoạch Dân số và Phát triển) as checked YAML."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Commands,  # the one path from a command's problem to its message and exit status
)


def version_line() -> str:
    """``dansokh VERSION (commit HASH)``, ``, dirty`` when the build's tracked files had changes
    not committed; the commit as the build recorded it (``dansokh._version``; a build from an
    sdist has it in its version only, ``+gHASH``), or, when dansokh runs from a git checkout of
    itself (an editable install), the one checked out now; without any, the version alone."""
    recorded = dansokh.__commit__
    commit = recorded[1:8] if isinstance(recorded, str) and recorded.startswith("g") else None
    dirty = bool(dansokh.__dirty__)
    built = re.search(r"\+g([0-9a-f]{7,})(\.d\d{8})?$", __version__)  # a build from an sdist: in the version only
    if commit is None and built:
        commit, dirty = built.group(1)[:7], bool(built.group(2))
    checkout = Path(__file__).resolve().parents[3]  # src/dansokh/cli/app.py -> the checkout
    if (checkout / ".git").exists() and (checkout / "src" / "dansokh" / "__init__.py").is_file():
        state = checkout_state(checkout)
        if state is not None:
            commit, dirty = state
    if commit is None:
        return f"dansokh {__version__}"
    if dirty:
        return _("dansokh {version} (commit {commit}, dirty: changes not committed)").format(version=__version__, commit=commit)
    return _("dansokh {version} (commit {commit})").format(version=__version__, commit=commit)


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


LANG_HELP = N_("Language of messages and help: vi or en (default: lang in dansokh.toml, else the locale).")

explicit_lang: str | None = None  # --lang, for commands that read another configuration file (--config)
language_chosen = False  # main() has chosen the language from the arguments and the configuration


def speak(lang: str | None, settings: config.Config) -> None:
    """Install the language asked for (``--lang``, else the configuration, else the environment)."""
    try:
        i18n.setup(lang, settings.lang)
    except ValueError as error:
        raise fail(str(error)) from None


@app.callback()
def root(
    context: typer.Context,
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version."))
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="vi|en", help=LANG_HELP)] = None,
) -> None:
    """dansokh keeps yearly plans in git and checks every plan and every parent→child edge."""
    global explicit_lang
    if not language_chosen:  # called without main() (a test's CliRunner): choose here
        explicit_lang = lang
        rest = [*getattr(context, "protected_args", ()), *context.args]
        speak(lang, config.Config() if asks_for_help(rest) else settings_from(None))


def asks_for_help(arguments: list[str]) -> bool:
    """Whether the arguments ask for the version or for help, which dansokh gives whatever the
    settings hold (a settings file that cannot be used is reported by every other command)."""
    before = arguments[: arguments.index("--")] if "--" in arguments else arguments
    return not before or any(argument in ("--help", "--version") for argument in before)


def settings_from(config_path: Path | None) -> config.Config:
    """The settings of the repository here, or of the file ``--config`` names; a usage error when they cannot be used."""
    with reported():
        return config.load(explicit=config_path)


def named_plan(repo: Repository, text: str, option: str, year: int | None = None, tell: bool = True) -> LoadedPlan:
    """The plan ``text`` names for ``option`` (a plan id, a unit id or name; ``year`` picks among a
    unit's plans), or the usage error that says why there is none; with ``tell``, says which plan
    it picked when the name alone did not say."""
    try:
        found = stages.lookup.find(repo, text, year=year)
    except stages.lookup.LookupError_ as error:
        broken_plan(repo, text, option, None, year)
        raise fail(_("{option}: {reason}").format(option=option, reason=error)) from None
    if found.plan is None:
        broken_plan(repo, text, option, found.unit.id, year)
        raise fail(found.note(option, text))
    if tell and found.telling:
        say(found.note(option, text))
    return found.plan


def broken_plan(repo: Repository, text: str, option: str, unit: str | None, year: int | None) -> None:
    """When the plan ``text`` names is a file of the repository that has errors (it could not be
    read as a plan), say so, where, and how to see them: exit 1, the plans have errors (not
    "no plan in this repository")."""
    for broken in repo.broken:
        if text in (broken.id, broken.unit) or (unit is not None and broken.unit == unit):
            if year is None or broken.year in (None, year):
                raise fail(
                    _("{option} {text!r}: the plan {file} has errors and could not be read; see them with"
                      " dansokh validate {file}").format(option=option, text=shorten(text), file=broken.file),
                    1,
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


VIETNAMESE_SAMPLE = "Đệ ửỹ"
"""Letters a stream must be able to write for dansokh's messages (precomposed, as dansokh writes them)."""


def text_streams() -> None:
    """Standard output and error that cannot fail on Vietnamese text.  A stream whose encoding
    cannot write it (a Windows console redirected to a file or a pipe writes cp1252, or cp1258,
    which has no precomposed letters) is switched to UTF-8; where ``PYTHONIOENCODING`` chose the
    encoding, it is kept and a letter it cannot write becomes ``?``.  Never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            codecs.encode(VIETNAMESE_SAMPLE, getattr(stream, "encoding", None) or "ascii")
            continue
        except (UnicodeEncodeError, LookupError):
            pass
        try:
            if os.environ.get("PYTHONIOENCODING"):
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # a stream that cannot change any more: left as it is
            pass


def annotations_evaluated(commands: typer.Typer) -> typer.Typer:
    """Each command's annotations evaluated once, in place.  The command line's modules write them
    as text (``from __future__ import annotations``), and Typer evaluates that text four times per
    command as it builds the command line (two signatures, two lookups of the type hints): about
    20 ms of every start, help included."""
    infos = [commands.registered_callback, *commands.registered_commands]
    for function in (info.callback for info in infos if info is not None):
        if function is not None and any(isinstance(annotation, str) for annotation in function.__annotations__.values()):
            function.__annotations__ = typing.get_type_hints(function, include_extras=True)
    return commands


def main(argv: list[str] | None = None) -> None:
    """The ``dansokh`` command: choose the language (``--lang``, the configuration file, the
    locale) before the arguments are parsed, so that help and usage errors speak it too,
    translate the help, run."""
    global explicit_lang, language_chosen
    text_streams()
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        settings = config.load()
    except config.ConfigError as error:
        if not asks_for_help(arguments):
            fail(str(error))
            raise SystemExit(2) from None
        settings = config.Config()
    lang = lang_argument(arguments)
    try:
        i18n.setup(lang, settings.lang)
    except ValueError as error:
        fail(str(error))
        raise SystemExit(2) from None
    command = usage.localise(i18n.translate_help(typer.main.get_command(annotations_evaluated(app))))
    explicit_lang, language_chosen = lang, True
    try:
        command(args=arguments, prog_name="dansokh")
    finally:
        explicit_lang, language_chosen = None, False
