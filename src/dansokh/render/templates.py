"""The Jinja environment: a plans repository's own templates first, the packaged ones second.

One sandboxed environment (a user's template cannot reach Python internals), StrictUndefined
(a misspelt name is an error, not an empty cell), autoescaping for HTML templates only.

A repository's template is somebody else's code, so it is rendered within bounds
(:func:`render_template`): in a forked child where the platform can fork, stopped after
``SECONDS`` and held to ``MEMORY`` more bytes of address space; never more than ``OUTPUT_LIMIT``
characters written; ``range`` of at most 100,000 items (Jinja's sandbox), no power with an
exponent above ``EXPONENT_LIMIT`` and no text or list repeated beyond ``OUTPUT_LIMIT``.
Whatever goes wrong (a syntax error, an exception, a recursion, a hang) comes back as one
:class:`TemplateFailure` naming the template's file and line, never as a traceback.
The packaged templates live in ``templates/`` at the repository root and are installed as the
``dansokh.templates`` package; they are read with ``importlib.resources``.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
import traceback
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from ..i18n import _
from ..model.numbers import vn
from ..report.safe import markdown_text
from .escaping import OwnTemplatesEnvironment

TEMPLATES = {"md": "appendix.md.j2", "html": "appendix.html.j2"}
_Env = TypeVar("_Env", bound=Environment)
SECONDS = 60  # a template's time; the packaged ones take milliseconds
OUTPUT_LIMIT = 20_000_000  # characters a template may write (the largest real appendix: about 60,000)
MEMORY = 1 << 30  # bytes of address space a template may add to the process
EXPONENT_LIMIT = 1000
REASON_LIMIT = 300  # characters of an exception's text quoted in the message


class TemplateFailure(Exception):
    """A template that could not be rendered: its file (as the user would type it), its line when
    known, and why."""

    def __init__(self, file: str | None, line: int | None, reason: str):
        self.file, self.line, self.reason = file, line, reason
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.file and self.line:
            return _("{file}:{line}: template error: {reason}").format(file=self.file, line=self.line, reason=self.reason)
        if self.file:
            return _("{file}: template error: {reason}").format(file=self.file, reason=self.reason)
        return _("template error: {reason}").format(reason=self.reason)


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, with ``**`` and ``*`` held to sizes a document can have."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(right, int) and not isinstance(right, bool):
            if abs(right) > EXPONENT_LIMIT and isinstance(left, int | float) and abs(left) > 1:
                raise OverflowError(_("a number too large for a template ({left} ** {right})").format(left=left, right=right))
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(times, int) and len(sequence) * times > OUTPUT_LIMIT:
                    raise OverflowError(_("a text too long for a template (more than {limit} characters)").format(limit=vn(OUTPUT_LIMIT)))
        return super().call_binop(context, operator, left, right)


class PackagedLoader(BaseLoader):
    """Templates shipped inside the package, read through importlib.resources (works from a wheel or a zip)."""

    def __init__(self, package: str = "dansokh.templates") -> None:
        self.package = package

    def _root(self):
        try:
            return resources.files(self.package)
        except ModuleNotFoundError as error:  # an install made before templates were packaged
            raise TemplateNotFound(
                _("{package} (reinstall dansokh: its templates are missing)").format(package=self.package)
            ) from error

    def get_source(self, environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        path = self._root()
        for part in template.split("/"):
            if part in ("", ".", ".."):
                raise TemplateNotFound(template)
            path = path.joinpath(part)
        if not path.is_file():
            raise TemplateNotFound(template)
        filename = str(path) if isinstance(path, Path) else None  # named in a template's errors
        return path.read_text(encoding="utf-8"), filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(p.name for p in self._root().iterdir() if p.name.endswith(".j2"))


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith((".html.j2", ".htm.j2", ".html"))


def md_cell(text: object) -> str:
    """Plan or result text in Markdown (the ``md`` filter): ``report.safe.markdown_text``, so that
    no text becomes HTML (``<img>``, ``<!--``), a link, emphasis, a new column (``|``) or a new
    line where the Markdown is shown (a pull request, a wiki)."""
    return markdown_text(str(text if text is not None else ""))


def user_template_dirs(folders: Iterable[Path]) -> list[Path]:
    """Existing ``templates/`` folders among ``folders``, each once, in order."""
    seen: list[Path] = []
    for folder in folders:
        candidate = (folder / "templates").resolve()
        if candidate.is_dir() and candidate not in seen:
            seen.append(candidate)
    return seen


def _configured(kind: type[_Env], loader: BaseLoader) -> _Env:
    """An environment of ``kind`` with the options and filters every appendix template expects."""
    env = kind(
        loader=loader,
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    env.filters["vn"] = vn
    return env


def environment(user_dirs: Iterable[Path] = ()) -> SandboxedEnvironment:
    loaders: list[BaseLoader] = [FileSystemLoader(str(d)) for d in user_dirs]
    loaders.append(PackagedLoader())
    return _configured(BoundedEnvironment, ChoiceLoader(loaders))


@cache
def packaged_environment() -> Environment:
    """The packaged templates only, with the same options and filters, without the sandbox and
    with ``escaping.output_escape``: for dansokh's own templates (the site's appendices), where
    the sandbox's check of every attribute costs more than the rest of a country's site."""
    return _configured(OwnTemplatesEnvironment, PackagedLoader())


def render_text(env: SandboxedEnvironment, fmt: str, view) -> str:
    return render_template(env, TEMPLATES[fmt], view=view, months=list(range(1, 13)))


def render_template(env: SandboxedEnvironment, name: str, **context) -> str:
    """The template ``name`` rendered with ``context``, within the bounds of this module; a
    :class:`TemplateFailure` for whatever goes wrong."""
    if not hasattr(os, "fork"):  # no child to stop: the bounds of the sandbox and the output only
        outcome = _render(env, name, context)
    else:
        outcome = _render_in_child(env, name, context)
    if "text" in outcome:
        return outcome["text"]
    raise TemplateFailure(outcome.get("file"), outcome.get("line"), outcome["reason"])


def _render(env: SandboxedEnvironment, name: str, context: dict) -> dict:
    """``{"text": …}`` or ``{"file", "line", "reason"}``; never raises."""
    template = None
    try:
        template = env.get_template(name)
        pieces, size = [], 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > OUTPUT_LIMIT:
                raise OverflowError(_("more than {limit} characters written; it was stopped").format(limit=vn(OUTPUT_LIMIT)))
            pieces.append(piece)
        text = "".join(pieces)
        text.encode("utf-8")  # a lone surrogate (``{{ '\\udcff' }}``) is the template's error, here
        return {"text": text}
    except TemplateSyntaxError as error:
        return {"file": _shown(error.filename or error.name or name), "line": error.lineno, "reason": error.message or str(error)}
    except RecursionError as error:
        return {**_where(env, name, template, error.__traceback__), "reason": _("the template calls itself too deeply")}
    except MemoryError:
        return {"file": _shown(_filename(env, name, template)), "line": None, "reason": _("the template needs too much memory")}
    except Exception as error:  # a template is somebody else's code: whatever it raises is its error
        reason = str(error) or type(error).__name__
        if len(reason) > REASON_LIMIT:
            reason = reason[:REASON_LIMIT] + "…"
        return {**_where(env, name, template, error.__traceback__), "reason": reason}


def _filename(env: SandboxedEnvironment, name: str, template) -> str:
    if template is not None and template.filename:
        return template.filename
    return name


def _where(env: SandboxedEnvironment, name: str, template, trace) -> dict:
    """The template file and line where an exception was raised: Jinja rewrites the traceback so
    that its frames name the template and its line; the innermost such frame."""
    file, line = _filename(env, name, template), None
    if trace is not None:
        for frame in traceback.extract_tb(trace):
            if frame.filename.endswith(".j2") or frame.filename == "<template>":
                file, line = frame.filename, frame.lineno
    return {"file": _shown(file), "line": line}


def _shown(file: str) -> str:
    """A template's file as the user would type it: relative to the working folder where possible."""
    if file in ("<template>", "") or not os.path.isabs(file):
        return file
    try:
        return os.path.relpath(file)
    except ValueError:
        return file


def _render_in_child(env: SandboxedEnvironment, name: str, context: dict) -> dict:
    """``_render`` in a forked child held to ``SECONDS`` and ``MEMORY``; the outcome comes back
    through a pipe as JSON.  A child still running after ``SECONDS`` is killed."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        try:
            os.close(reading)
            _limit_memory()
            data = json.dumps(_render(env, name, context)).encode("utf-8")
            with os.fdopen(writing, "wb") as stream:
                stream.write(data)
        finally:
            os._exit(0)
    os.close(writing)
    chunks: list[bytes] = []
    ends = time.monotonic() + SECONDS
    try:
        while True:
            left = ends - time.monotonic()
            if left <= 0 or not select.select([reading], [], [], left)[0]:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                return {"file": _shown(_filename(env, name, _loaded(env, name))), "line": None,
                        "reason": _("still running after {seconds} s; it was stopped").format(seconds=vn(SECONDS))}
            chunk = os.read(reading, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except BaseException:  # interrupted (Ctrl-C, an alarm): the child never outlives the wait
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    finally:
        os.close(reading)
    status = os.waitpid(child, 0)[1]
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:  # the child died before it could say (killed by the system, say)
        reason = _("the template stopped without a result (status {status})").format(status=status)
        return {"file": _shown(_filename(env, name, _loaded(env, name))), "line": None, "reason": reason}


def _loaded(env: SandboxedEnvironment, name: str):
    try:
        return env.get_template(name)
    except Exception:  # noqa: BLE001 - only for its file name
        return None


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = used + MEMORY
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft == resource.RLIM_INFINITY or wanted < soft:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError, ImportError):
        pass
