"""The Jinja environment: a plans repository's own templates first, the packaged ones second.

One sandboxed environment (a user's template cannot reach Python internals), StrictUndefined
(a misspelt name is an error, not an empty cell), autoescaping for HTML templates only.
The packaged templates live in ``templates/`` at the repository root and are installed as the
``dansokh.templates`` package; they are read with ``importlib.resources``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
)
from jinja2.sandbox import SandboxedEnvironment

from ..i18n import _
from ..model.numbers import vn
from ..report.safe import markdown_text

TEMPLATES = {"md": "appendix.md.j2", "html": "appendix.html.j2"}


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
        return path.read_text(encoding="utf-8"), None, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(p.name for p in self._root().iterdir() if p.name.endswith(".j2"))


def _autoescape(name: str | None) -> bool:
    return bool(name) and (name.endswith(".html.j2") or name.endswith(".htm.j2") or name.endswith(".html"))


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


def environment(user_dirs: Iterable[Path] = ()) -> SandboxedEnvironment:
    loaders: list[BaseLoader] = [FileSystemLoader(str(d)) for d in user_dirs]
    loaders.append(PackagedLoader())
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    env.filters["vn"] = vn
    return env


def render_text(env: SandboxedEnvironment, fmt: str, view) -> str:
    return env.get_template(TEMPLATES[fmt]).render(view=view, months=list(range(1, 13)))
