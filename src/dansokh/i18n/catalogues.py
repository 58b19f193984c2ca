"""Maintaining the message catalogues (a tool for developers; nothing imports it at run time).

* ``extract``: a Babel extractor (locale/babel.cfg names it): the messages Babel's Python
  extractor finds (``_``, ``ngettext``, ``N_``), plus each paragraph of every rule's
  documentation (the docstring of a function declared with ``@plan_rule`` or
  ``@repo_rule`` or ``@results_rule``), cut as ``Rule.doc`` cuts it.
* ``python -m dansokh.i18n.catalogues extract|update|compile|check``: the catalogue workflow
  from a checkout (see CONTRIBUTING.md, "Message catalogues").  ``compile`` checks what matters here (every
  message translated, nothing fuzzy, the same ``{placeholders}``) instead of Babel's
  printf check, which mistakes ``70 % of`` for a ``% o`` conversion.
"""

from __future__ import annotations

import ast
import contextlib
import io
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from . import DOMAIN, doc_paragraphs

PACKAGE = Path(__file__).resolve().parent.parent  # the dansokh package: what is extracted
LOCALE = Path(__file__).resolve().parent / "locale"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
LANGUAGES = ("vi",)

_RULE_DECORATORS = {"plan_rule", "repo_rule", "results_rule"}


def _rule_code(function: ast.FunctionDef) -> str | None:
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Name)
            and decorator.func.id in _RULE_DECORATORS
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
        ):
            return str(decorator.args[0].value)
    return None


def rule_docs(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, rule code, paragraph) for each paragraph of each rule's docstring."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            code = _rule_code(node)
            text = ast.get_docstring(node, clean=True)
            if code and text:
                for paragraph in doc_paragraphs(text):
                    yield node.body[0].lineno, code, paragraph


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[tuple]:
    """The Babel extraction method named in locale/babel.cfg."""
    from babel.messages.extract import extract_python

    raw = fileobj.read()
    # Babel hands every extraction method its options as a Mapping[str, Any] (its own
    # _CallableExtractionMethod) but types extract_python's, one such method, as a TypedDict
    yield from extract_python(io.BytesIO(raw), keywords, comment_tags, options)  # type: ignore[arg-type]
    for line, code, paragraph in rule_docs(raw.decode(options.get("encoding", "utf-8"))):
        yield line, None, paragraph, [f"documentation of rule {code}"]


def extract_examples(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[tuple]:
    """The titles of the rules' examples (check/examples.yaml), which `dansokh rules` shows."""
    from ruamel.yaml import YAML

    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    lines = text.splitlines()
    loaded = YAML(typ="safe").load(text)
    for case in loaded.get("cases", []) + loaded.get("form_cases", []):
        name = case.get("name")
        if name:
            line = next((i for i, t in enumerate(lines, 1) if t.strip() == f"- name: {name}"), 0)
            yield line, None, name, [f"example of rule {case.get('rule')}"]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    status = CommandLineInterface().run(["pybabel", "-q", *args])
    if status:
        raise SystemExit(status)


def extract_template(output: Path = TEMPLATE) -> Path:
    """Extract every message of the source into a .pot file; each message's origin is written
    as ``dansokh/…/module.py:line``, relative to the package's folder, the same on every machine."""
    with contextlib.chdir(PACKAGE.parent):
        _pybabel(
            "extract",
            "-F",
            str(LOCALE / "babel.cfg"),
            "--no-wrap",
            "--sort-by-file",
            "--project=dansokh",
            "-o",
            str(output.resolve()),
            PACKAGE.name,
        )
    return output


def _placeholders(text: str) -> set[str]:
    try:
        return {f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def problems(catalog: Any) -> list[str]:
    """What keeps a catalogue from being complete: untranslated or fuzzy messages, and
    translations whose ``{placeholders}`` differ from the message's."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"fuzzy: {ids[0]!r}")
        if not strings or not all(strings):
            found.append(f"untranslated: {ids[0]!r}")
            continue
        expected = _placeholders(ids[0])
        for text in strings:
            if _placeholders(text) != expected:
                found.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    return found


def read(path: Path) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as stream:
        return read_po(stream)


def compile_catalogue(language: str, output: Path | None = None) -> list[str]:
    """Write the .mo of a language's .po; returns the problems (nothing is written if any)."""
    from babel.messages.mofile import write_mo

    catalog = read(po_path(language))
    found = problems(catalog)
    if not found:
        with (output or mo_path(language)).open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)
    return found


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:] or ["help"])[0]
    if command == "extract":
        print(extract_template())
    elif command == "update":
        extract_template()
        for language in LANGUAGES:
            _pybabel("update", "--no-wrap", "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(LOCALE), "-l", language)
    elif command in ("compile", "check"):
        failed = False
        for language in LANGUAGES:
            found = problems(read(po_path(language))) if command == "check" else compile_catalogue(language)
            for problem in found:
                print(f"{po_path(language)}: {problem}", file=sys.stderr)
            failed = failed or bool(found)
        return 1 if failed else 0
    else:
        print("usage: python -m dansokh.i18n.catalogues extract|update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
