"""Messages in English (the source language) or Vietnamese, from gettext catalogues.

The English text in the code is the message id; ``locale/vi/LC_MESSAGES/dansokh.mo``
holds the Vietnamese.  Messages are translated when they are produced (``_()`` is
called inside functions), so ``setup()`` at the start of a command decides the
language of everything the command says.  The language chosen is a value (``Speaking``: the
language and its catalogue) held in a context variable: chosen once per run and seen by
every stage of that run only (a thread, a worker process or a ``contextvars`` context chooses
its own; ``speaking()`` speaks one within a block).  Rule codes, JSON keys and CSV values are
the same in both languages.  ``catalogues`` is the translators' tool (extract, update,
compile); nothing imports it at run time.

The foundation of the house: imports nothing of dansokh.
"""

from __future__ import annotations

import gettext
import importlib.abc
import importlib.machinery
import importlib.util
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import TypeVar

DOMAIN = "dansokh"
LANGUAGES = ("en", "vi")
DEFAULT = "en"
ENVIRONMENT = "DANSOKH_LANG"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_layout_translated = False  # translate_help() has put Typer's frame in a language: follow setup()


@dataclass(frozen=True)
class Speaking:
    """The language of a run and its message catalogue."""

    language: str
    translations: gettext.NullTranslations


# the language of this run (context); None until setup(), or the first message
_SPEAKING: ContextVar[Speaking | None] = ContextVar("dansokh_language", default=None)


def _catalogue_in_use() -> gettext.NullTranslations:
    """The catalogue of the language of this run; before any ``setup()``, the one the
    environment asks for (``DANSOKH_LANG``, then the locale), so that library callers follow the
    user's locale."""
    chosen = _SPEAKING.get()
    if chosen is None:
        setup()
        chosen = _SPEAKING.get()
        assert chosen is not None  # setup() chose one
    return chosen.translations


def _(message: str) -> str:
    """The message in the current language."""
    return _catalogue_in_use().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return _catalogue_in_use().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """The message in the current language, where the same English word means different
    things (``info`` as a severity and as a direction): ``context`` tells them apart."""
    return _catalogue_in_use().pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (it is translated where it is shown)."""
    return message


def doc_paragraphs(text: str) -> list[str]:
    """A cleaned docstring as paragraphs of single lines: the unit in which rule
    documentation is translated (the Babel extractor uses the same cut)."""
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def normalise(value: str | None) -> str | None:
    """``vi``, ``vi_VN.UTF-8``, ``vi-VN`` -> ``vi``; ``en``, ``en_GB``, ``C``, ``POSIX`` -> ``en``;
    anything else (or nothing) -> ``None``."""
    if not value or not value.strip():
        return None
    text = value.strip().lower().replace("-", "_")
    base = text.split(".")[0].split("@")[0].split("_")[0]
    if base in ("vi", "vie", "vietnamese"):
        return "vi"
    if base in ("en", "eng", "english", "c", "posix"):
        return "en"
    return None


def _from_locale() -> str | None:
    """The language of the first locale variable set, as POSIX orders them."""
    for variable in _LOCALE_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return "vi" if value.strip().lower().startswith("vi") else "en"
    return None


def choose(lang: str | None = None, config_lang: str | None = None) -> str:
    """The language to speak: the explicit choice (``--lang``), then the config file,
    then ``DANSOKH_LANG``, then the locale (``vi_VN`` gives Vietnamese), else English.

    An explicit or configured value that names no known language is an error; an
    unknown ``DANSOKH_LANG`` or locale is passed over."""
    for value, where in ((lang, "--lang"), (config_lang, "lang")):
        if value is not None and value.strip():
            chosen = normalise(value)
            if chosen is None:
                raise ValueError(
                    _("{where}: unknown language {value!r}; use vi or en").format(where=where, value=value)
                )
            return chosen
    return normalise(os.environ.get(ENVIRONMENT)) or _from_locale() or DEFAULT


def _catalogue(language: str) -> gettext.NullTranslations:
    if language == DEFAULT:
        return gettext.NullTranslations()
    path = resources.files(__package__).joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        data = path.read_bytes()
    except (FileNotFoundError, OSError):  # an install without catalogues speaks English
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(data))


def speaking_in(language: str) -> Speaking:
    """``language`` (``en`` or ``vi``) with its catalogue."""
    return Speaking(language, _catalogue(language))


def setup(lang: str | None = None, config_lang: str | None = None) -> str:
    """Choose the language (see ``choose``) for the rest of this run (the current context),
    and return it."""
    language = choose(lang, config_lang)
    _SPEAKING.set(speaking_in(language))
    if _layout_translated:
        _translate_help_layout()
    return language


@contextmanager
def speaking(lang: str) -> Iterator[str]:
    """Speak ``lang`` within the block, and the language before it afterwards (even where the
    block chose another)."""
    chosen = speaking_in(choose(lang))
    token = _SPEAKING.set(chosen)
    try:
        yield chosen.language
    finally:
        _SPEAKING.reset(token)
        if _layout_translated:
            _translate_help_layout()


_Command = TypeVar("_Command")  # a Click command, given back translated


def translate_help(command: _Command) -> _Command:
    """Translate, in place, the help of a Click command, its options and its subcommands
    (Typer builds them at start-up from English strings marked with ``N_()``); call it after
    ``setup()`` and before the command runs, so that ``--lang vi --help`` speaks Vietnamese."""
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute, None)
        if isinstance(text, str) and text:
            setattr(command, attribute, _(text))
    for parameter in getattr(command, "params", ()):
        if isinstance(getattr(parameter, "help", None), str) and parameter.help:
            parameter.help = _(parameter.help)
    if hasattr(command, "get_help_option") and not hasattr(command, "_dansokh_help_option"):
        _translate_help_option(command)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)
    _translate_help_layout()
    return command


HELP_OPTION = N_("Show this message and exit.")


def _translate_help_option(command: object) -> None:
    """Click makes the ``--help`` option when it first needs it: translate it then."""
    make = command.get_help_option  # type: ignore[attr-defined]

    def get_help_option(ctx: object) -> object:
        option = make(ctx)
        if option is not None and getattr(option, "help", None) == HELP_OPTION:
            option.help = _(HELP_OPTION)
            option.metavar = ""  # a flag takes no value (Typer would show <bool>)  # type: ignore[attr-defined]
        return option

    command.get_help_option = get_help_option  # type: ignore[attr-defined]
    command._dansokh_help_option = True  # type: ignore[attr-defined]


# The words Typer's help pages frame the help with (module constants of typer.rich_utils),
# and Click's "Usage: ".
_LAYOUT = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
USAGE = N_("Usage: ")


def _translate_help_layout() -> None:
    """Typer's panel titles and Click's usage prefix in the current language (English
    texts are restored by ``setup("en")`` followed by another call).  Typer keeps them in
    module variables; a Typer without them keeps its English.  Typer's help renderer
    (``typer.rich_utils``) takes longer to import than a whole ``dansokh validate`` of one
    file takes to run, so its titles are set when something first imports it."""
    global _layout_translated
    try:
        from typer._click import formatting
    except ImportError:  # pragma: no cover - another Typer
        return
    _layout_translated = True
    when_imported("typer.rich_utils", _translate_panels)
    formatter = getattr(formatting, "HelpFormatter", None)
    if formatter is None or not hasattr(formatter, "write_usage"):  # pragma: no cover - another Typer
        return
    original = getattr(formatter, "_dansokh_write_usage", formatter.write_usage)

    def write_usage(self: object, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, _(USAGE) if prefix is None else prefix)

    formatter._dansokh_write_usage = original
    formatter.write_usage = write_usage


def _translate_panels(rich_utils: object) -> None:
    for name, text in _LAYOUT.items():
        if isinstance(getattr(rich_utils, name, None), str):
            setattr(rich_utils, name, _(text))


_waiting: dict[str, list[Callable[[ModuleType], None]]] = {}


def when_imported(name: str, callback: Callable[[ModuleType], None]) -> None:
    """Call ``callback(module)`` now if the module ``name`` is imported, else right after it is:
    Typer's help and error printer (``typer.rich_utils``) take longer to import than a whole
    ``dansokh validate`` of one file takes to run, and most runs never need them."""
    if name in sys.modules:
        callback(sys.modules[name])
        return
    _waiting.setdefault(name, []).append(callback)
    if not any(isinstance(finder, _AfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs the callbacks of ``when_imported`` right after their module is imported."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name not in _waiting:
            return None
        callbacks = _waiting.pop(name)
        if not _waiting:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:  # pragma: no cover - no such module here
            return spec
        loader = spec.loader

        class Then(importlib.abc.Loader):
            def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
                return loader.create_module(spec)

            def exec_module(self, module: ModuleType) -> None:
                loader.exec_module(module)
                for callback in callbacks:
                    callback(module)

        spec.loader = Then()
        return spec


def current() -> str:
    """The language of this run: ``en`` or ``vi``."""
    _catalogue_in_use()
    return _SPEAKING.get().language  # type: ignore[union-attr]


__all__ = [
    "_", "ngettext", "pgettext", "N_", "setup", "speaking", "Speaking", "current", "choose", "normalise", "doc_paragraphs",
    "translate_help", "LANGUAGES",
]
