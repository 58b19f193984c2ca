"""Settings of a plans repository: ``dansokh.toml`` at its root, or ``[tool.dansokh]`` in its
pyproject.toml.  The command line wins over both.

    # dansokh.toml
    select = ["C", "T"]          # codes or prefixes; default: every rule but the opt-in ones (O)
    extend_select = ["O"]        # opt-in rules added to the default set (the official units)
    ignore = ["D002"]
    severity = { C002 = "error" }
    lang = "vi"                  # vi | en; default: the locale
    default_plan = "long-bien"   # the plan `dansokh render` uses without --plan
    max_file_size = 5242880
    plans = ["plans"]            # the folders holding the repository's plans (default: plans/ if
                                 # there is one, else the whole repository); paths relative to this file
    catalogue = "catalogue.yaml" # indicators and units of measure that extend or override dansokh's
    docs_url = "https://HOST/PATH/dansokh/blob/COMMIT/README.md"   # the README the rules' links
                                 # in SARIF and rdjson point into (#rule-codes); or DANSOKH_DOCS_URL
    [pace]                       # `dansokh progress`: share of a target expected by each quarter's end
    new_users_iud = [10, 45, 80, 100]   # or "linear", "level"

May import: i18n, diagnostics.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import shorten
from .i18n import _

CONFIG_FILE = "dansokh.toml"
KEYS = ("select", "extend_select", "ignore", "severity", "lang", "default_plan", "max_file_size", "format", "pace", "plans", "catalogue", "docs_url")
FORMATS = ("auto", "text", "json", "github", "sarif", "junit", "codeclimate", "rdjson", "markdown")
DOCS_URL_ENVIRONMENT = "DANSOKH_DOCS_URL"
_DOCS_URL = re.compile(r"https?://[!-~]{1,2000}\Z")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    lang: str | None = None
    default_plan: str | None = None
    max_file_size: int | None = None
    format: str | None = None
    pace: dict[str, Any] = field(default_factory=dict)
    plans: list[str] = field(default_factory=list)
    catalogue: str | None = None
    extend_select: list[str] = field(default_factory=list)
    docs_url: str | None = None


def find(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest configuration from ``start`` upwards, stopping at the repository's root
    (the folder holding ``.git``): a dansokh.toml, or a pyproject.toml with ``[tool.dansokh]``."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own, _read(own)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _tool_table(pyproject, _read(pyproject))
            if table is not None:
                return pyproject, table
        if (candidate / ".git").exists():
            break
    return None


def _tool_table(path: Path, document: dict[str, Any]) -> dict[str, Any] | None:
    """The ``[tool.dansokh]`` table of a pyproject.toml (``None`` when it has none); a
    ``ConfigError`` naming the key when ``tool`` or ``tool.dansokh`` is not a table."""
    tool = document.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(_("{path}: tool must be a table ([tool]), not {value}").format(path=path, value=_kind(tool)))
    table = tool.get("dansokh")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(
            _("{path}: tool.dansokh must be a table of settings ([tool.dansokh]), not {value}").format(path=path, value=_kind(table))
        )
    return table


def _kind(value: Any) -> str:
    """What a TOML value is, as a message names it."""
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, (int, float)):
        return _("a number")
    if isinstance(value, str):
        return _("a text")
    if isinstance(value, list):
        return _("a list")
    return _("a date or time")


MAX_CONFIG_BYTES = 1024 * 1024


def _read(path: Path) -> dict[str, Any]:
    """A settings file: a regular file (a FIFO or a device is refused, never waited on),
    at most 1 MiB, UTF-8 TOML.  (``dansokh.read.files`` guards plan files the same way; the
    settings sit below reading in the house, so the few lines are here.)"""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ConfigError(_("{path}: not a regular file").format(path=path))
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise ConfigError(_("{path}: not a regular file").format(path=path))
            raw = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigError(_("{path}: {reason}").format(path=path, reason=error.strerror)) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(_("{path}: larger than {limit} bytes; a settings file is a few lines").format(path=path, limit=MAX_CONFIG_BYTES))
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: not UTF-8 text; save it as UTF-8").format(path=path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_("{path}: {reason}").format(path=path, reason=error)) from None
    except RecursionError:
        raise ConfigError(_("{path}: nested too deep").format(path=path)) from None


def load(start: Path | None = None, explicit: Path | None = None) -> Config:
    """The configuration for a run in ``start`` (default: the working folder), or from
    ``explicit`` (``--config``); an empty Config when there is none."""
    if explicit is not None:
        table: dict[str, Any] | None = _read(explicit)
        if explicit.name == "pyproject.toml":
            table = _tool_table(explicit, table or {})
        return parse(explicit, table or {})
    found = find(start or Path.cwd())
    return parse(*found) if found else Config()


def inside(path: Path, key: str, named: str) -> Path:
    """Where the setting ``key`` of the file ``path`` points (relative to the file's folder, the
    repository's root), links resolved; a ``ConfigError`` naming the file and the key when that
    is outside the repository: dansokh reads the plans of the repository, never the whole disk."""
    root = Path(os.path.realpath(path.parent.absolute()))
    try:
        target = Path(os.path.realpath(root / named.strip()))
    except (OSError, ValueError) as error:
        raise ConfigError(_("{path}: {key}: {reason}").format(path=path, key=key, reason=error)) from None
    if not target.is_relative_to(root):
        raise ConfigError(
            _("{path}: {key} = {value!r} is outside the repository ({root}); name a path inside it, relative to this file").format(
                path=path, key=key, value=shorten(named), root=root
            )
        )
    return target


def parse(path: Path, table: dict[str, Any]) -> Config:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(
            _("{path}: unknown setting {names} (known: {known})").format(
                path=path, names=", ".join(unknown), known=", ".join(KEYS)
            )
        )

    def codes(key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(_("{path}: {key} must be a list of rule codes or prefixes").format(path=path, key=key))
        return value

    severity = table.get("severity", {})
    if not isinstance(severity, dict) or not all(v in ("error", "warning", "info") for v in severity.values()):
        raise ConfigError(_('{path}: severity must map codes to "error", "warning" or "info"').format(path=path))
    lang = table.get("lang")
    if lang is not None and lang not in ("vi", "en"):
        raise ConfigError(_('{path}: lang must be "vi" or "en"').format(path=path))
    size = table.get("max_file_size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ConfigError(_("{path}: max_file_size must be a positive number of bytes").format(path=path))
    output = table.get("format")
    if output is not None and output not in FORMATS:
        raise ConfigError(_("{path}: format must be one of {formats}").format(path=path, formats=", ".join(FORMATS)))
    default_plan = table.get("default_plan")
    if default_plan is not None and (not isinstance(default_plan, str) or not default_plan.strip()):
        raise ConfigError(_("{path}: default_plan must be a plan id, unit id or name").format(path=path))
    pace = table.get("pace", {})
    if not isinstance(pace, dict):
        raise ConfigError(_("{path}: pace must be a table of indicator = pace").format(path=path))
    folders = table.get("plans", [])
    if isinstance(folders, str):
        folders = [folders]
    if not isinstance(folders, list) or not all(isinstance(f, str) and f.strip() for f in folders):
        raise ConfigError(_("{path}: plans must be a list of folders").format(path=path))
    catalogue = table.get("catalogue")
    if catalogue is not None and (not isinstance(catalogue, str) or not catalogue.strip()):
        raise ConfigError(_("{path}: catalogue must name a file (catalogue.yaml)").format(path=path))
    docs_url = table.get("docs_url")
    if docs_url is not None and not docs_url_ok(docs_url):
        raise ConfigError(docs_url_problem(f"{path}: docs_url"))
    for key, named in [*(("plans", f) for f in folders), *([("catalogue", catalogue)] if catalogue else [])]:
        inside(path, key, named)
    return Config(
        path, codes("select"), codes("ignore"), dict(severity), lang,
        default_plan.strip() if default_plan else None, size, output, dict(pace), folders,
        catalogue.strip() if catalogue else None, codes("extend_select"), docs_url,
    )


def docs_url_ok(value: Any) -> bool:
    """An http(s) address of printable ASCII without a fragment (dansokh adds ``#rule-codes``)."""
    return isinstance(value, str) and bool(_DOCS_URL.match(value)) and "#" not in value


def docs_url_problem(where: str) -> str:
    """``where`` (a file's setting, or the environment variable) holds no usable address."""
    return _("{where} must be the http(s) address of dansokh's README, without #… (https://HOST/PATH/dansokh/blob/COMMIT/README.md)").format(
        where=where
    )


def docs_url(settings: Config) -> str | None:
    """Where the rules' documentation is: the ``docs_url`` setting, else ``DANSOKH_DOCS_URL``;
    a ``ConfigError`` for an environment value that is not an address."""
    if settings.docs_url:
        return settings.docs_url
    value = os.environ.get(DOCS_URL_ENVIRONMENT)
    if not value:
        return None
    if not docs_url_ok(value):
        raise ConfigError(docs_url_problem(DOCS_URL_ENVIRONMENT))
    return value
