"""The house by stages: a module imports only from its own stage or the stages below it.

The order is the way a plan goes through dansokh (CONTRIBUTING.md, "The house"): the
foundation (messages, the diagnostic record, settings), then reading, the model, the
cascade and what is computed from it (the official units, the reform, results against
targets, plans compared), loading, checking, git, reporters, writing back, rendering, and the
command line on top.
Each stage's package says in its docstring which stages it may import; this test keeps
both the imports and those sentences true.  The stages at the top, report, write and render, are
siblings (each its own kind of output): one reaches into another only through the few modules
named in SIDEWAYS.  An import is any ``import``, ``from … import`` (type-checking ones included)
or ``importlib.import_module``/``__import__`` of a name written out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dansokh"

# bottom to top; "dansokh" is the package's face (its version), below everything
STAGES = [
    "dansokh", "i18n", "diagnostics", "config", "read", "model",
    "cascade", "official", "reform", "results", "compare",  # computed from the plans, nothing loaded
    "load", "check", "vcs", "report", "write", "render", "site", "cli",
]
TOP = {"__main__": "cli", "_version": "dansokh"}
SIBLINGS = ("report", "write", "render")
# the one sibling's modules another may import, and why
SIDEWAYS = {
    "write": {
        "dansokh.report.safe",  # apply writes its diff through what every output does to data
        "dansokh.report.text",  # apply shows the findings that stop a write as validate does
    },
    "render": {
        "dansokh.report.safe",  # the Markdown templates escape data as every output does
        "dansokh.write.form_import",  # `dansokh rules F001`…`F010`: a results form's example is imported back
        "dansokh.write.plan_form",  # `dansokh rules F011`: a plan form's example is imported back
    },
}


def _stage(module: str) -> str:
    """``dansokh.check.rules.base`` -> ``check``; ``dansokh`` -> ``dansokh``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "dansokh"
    return TOP.get(parts[1], parts[1])


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import of dansokh in a source file, type-checking ones included."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _dynamic(node: ast.Call, package: str) -> str | None:
    """The module ``importlib.import_module("…")`` or ``__import__("…")`` names, where it is written out."""
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    target = first.value
    if target.startswith("."):
        dots = len(target) - len(target.lstrip("."))
        base = package.split(".")[: len(package.split(".")) - dots + 1]
        target = ".".join(base + [target.lstrip(".")] if target.lstrip(".") else base)
    return target


def _imports_in(source: str, package: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            target = _dynamic(node, package)
            if target is not None and target.split(".")[0] == "dansokh":
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "dansokh"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "dansokh":
                continue
            if node.module is None or target == "dansokh":  # from .. import config: the names are modules
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_stage():
    strays = sorted({_stage(_module_name(p)) for p in SOURCES} - set(STAGES))
    assert strays == [], f"add these to a stage (tests/test_layers.py and CONTRIBUTING.md): {strays}"


def _upward(module: str, imports: list[tuple[int, str]]) -> list[str]:
    own = STAGES.index(_stage(module))
    return [
        f"line {line}: {target}"
        for line, target in imports
        if target.split(".")[1:2] not in (["__version__"], ["__commit__"], ["__dirty__"]) and STAGES.index(_stage(target)) > own
    ]


def _sideways(module: str, imports: list[tuple[int, str]]) -> list[str]:
    own = _stage(module)
    if own not in SIBLINGS:
        return []
    allowed = SIDEWAYS.get(own, set())
    return [
        f"line {line}: {target}"
        for line, target in imports
        if _stage(target) in SIBLINGS and _stage(target) != own and not any(target == a or target.startswith(a + ".") for a in allowed)
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_up_the_stages(path: Path):
    upward = _upward(_module_name(path), _imports(path))
    assert upward == [], f"{path.relative_to(ROOT)} imports from a stage above its own"


@pytest.mark.parametrize("path", [p for p in SOURCES if _stage(_module_name(p)) in SIBLINGS], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_sideways_but_the_named_ones(path: Path):
    sideways = _sideways(_module_name(path), _imports(path))
    assert sideways == [], f"{path.relative_to(ROOT)} imports from a sibling stage: name it in SIDEWAYS, with why, or go through a stage below"


def test_every_named_sideways_import_is_made():
    """SIDEWAYS names only what is imported: a module no longer needed comes off the list."""
    made = {(_stage(_module_name(p)), target) for p in SOURCES for _, target in _imports(p)}
    for stage, modules in SIDEWAYS.items():
        for module in modules:
            assert (stage, module) in made, (stage, module)


@pytest.mark.parametrize("stage", [s for s in STAGES if (PACKAGE / s / "__init__.py").exists() or (PACKAGE / f"{s}.py").exists()])
def test_each_stage_says_what_it_may_import(stage: str):
    path = PACKAGE / stage / "__init__.py" if (PACKAGE / stage).is_dir() else PACKAGE / f"{stage}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    below = STAGES[1 : STAGES.index(stage)]
    if not below:
        assert "imports nothing of dansokh" in doc
        return
    match = re.search(r"May import( every stage)?: ([\w, ]+)\.", doc)
    assert match, f"{path.relative_to(ROOT)}: the docstring says 'May import: …' for the stages below it"
    assert [s.strip() for s in match.group(2).split(",")] == below


def test_the_test_sees_upward_imports():
    """The check itself: relative imports are resolved against the module's package."""
    source = "from ..check.run import validate\nfrom .. import config\nfrom .positions import Span\n"
    assert [t for _, t in _imports_in(source, "dansokh.read")] == [
        "dansokh.check.run",
        "dansokh.config",
        "dansokh.read.positions",
    ]
    assert _stage("dansokh.check.rules.base") == "check" and _stage("dansokh.__main__") == "cli"


def test_the_test_fails_on_planted_bad_imports():
    """Imports planted in a reader and a reporter: the checks above report each one."""
    reader = (
        "import importlib\n"
        "from importlib import import_module\n"
        "run = importlib.import_module('dansokh.check.run')\n"
        "app = import_module('..cli.app', __package__)\n"
        "ui = __import__('dansokh.render.view')\n"
        "name = 'dansokh.cli'\n"
        "later = importlib.import_module(name)\n"  # not written out: not seen
    )
    found = _imports_in(reader, "dansokh.read")
    assert [t for _, t in found] == ["dansokh.check.run", "dansokh.cli.app", "dansokh.render.view"]
    assert _upward("dansokh.read.loader", found) == ["line 3: dansokh.check.run", "line 4: dansokh.cli.app", "line 5: dansokh.render.view"]
    reporter = "from ..write.apply import apply\nfrom ..render import view\nfrom .safe import csv_cell\n"
    assert _upward("dansokh.report.text", _imports_in(reporter, "dansokh.report")) == [
        "line 1: dansokh.write.apply", "line 2: dansokh.render"
    ]
    writer = "from ..report.sarif import SarifReporter\nfrom ..report.safe import terminal_text\nfrom ..render.form import sealed\n"
    assert _sideways("dansokh.write.apply", _imports_in(writer, "dansokh.write")) == [
        "line 1: dansokh.report.sarif", "line 3: dansokh.render.form"
    ]
    assert _upward("dansokh.write.apply", _imports_in(writer, "dansokh.write")) == ["line 3: dansokh.render.form"]


def test_no_test_imports_a_private_name_of_dansokh():
    """Tests go through what dansokh offers: a name starting with ``_`` is free to change."""
    private = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "dansokh":
                private += [f"{path.name}:{node.lineno}: {a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert private == []
