"""The house by stages: a module imports only from its own stage or the stages below it.

The order is the way a plan goes through dansokh (CONTRIBUTING.md, "The house"): the
foundation (messages, the diagnostic record, settings), then reading, the model, the
cascade, checking, git, reporters, writing back, rendering, and the command line on top.
Each stage's package says in its docstring which stages it may import; this test keeps
both the imports and those sentences true.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dansokh"

# bottom to top; "dansokh" is the package's face (its version), below everything
STAGES = ["dansokh", "i18n", "diagnostics", "config", "read", "model", "cascade", "load", "check", "vcs", "report", "write", "render", "cli"]
TOP = {"__main__": "cli", "_version": "dansokh"}


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


def _imports_in(source: str, package: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
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


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_up_the_stages(path: Path):
    own = STAGES.index(_stage(_module_name(path)))
    upward = [
        f"line {line}: {target}"
        for line, target in _imports(path)
        if target.split(".")[1:2] not in (["__version__"], ["__commit__"], ["__dirty__"]) and STAGES.index(_stage(target)) > own
    ]
    assert upward == [], f"{path.relative_to(ROOT)} imports from a stage above its own"


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
