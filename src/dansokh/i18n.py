"""Messages in English (the source language) or Vietnamese, from gettext catalogues.

The English text in the code is the message id; ``locale/vi/LC_MESSAGES/dansokh.mo``
holds the Vietnamese.  Messages are translated when they are produced (``_()`` is
called inside functions), so ``setup()`` at the start of a command decides the
language of everything the command says.  Rule codes, JSON keys and CSV values are
the same in both languages.
"""

from __future__ import annotations

import gettext
import io
import os
from importlib import resources

DOMAIN = "dansokh"
LANGUAGES = ("en", "vi")
DEFAULT = "en"
ENVIRONMENT = "DANSOKH_LANG"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations | None = None  # None until setup(), or the first message
_current = DEFAULT


def _catalogue_in_use() -> gettext.NullTranslations:
    """The installed catalogue; before any ``setup()``, the one the environment asks for
    (``DANSOKH_LANG``, then the locale), so that library callers follow the user's locale."""
    if _translations is None:
        setup()
    return _translations  # type: ignore[return-value]


def _(message: str) -> str:
    """The message in the current language."""
    return _catalogue_in_use().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return _catalogue_in_use().ngettext(singular, plural, count)


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


def setup(lang: str | None = None, config_lang: str | None = None) -> str:
    """Choose the language (see ``choose``), install its catalogue, and return it."""
    global _translations, _current
    language = choose(lang, config_lang)
    _translations = _catalogue(language)
    _current = language
    return language


def translate_help(command: object) -> object:
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
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)
    return command


def current() -> str:
    """The language in use: ``en`` or ``vi``."""
    _catalogue_in_use()
    return _current


__all__ = ["_", "ngettext", "N_", "setup", "current", "choose", "normalise", "doc_paragraphs", "translate_help", "LANGUAGES"]
