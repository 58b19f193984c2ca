from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dansokh import i18n
from dansokh.check import run as check_run
from dansokh.check.findings import Findings
from dansokh.check.run import validate
from dansokh.cli import app
from dansokh.diagnostics import Diagnostic
from dansokh.load import Loaded, loader
from dansokh.model import catalogue
from dansokh.read.loader import DEFAULT_MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"

SMALL_PLAN = """\
id: a
year: 2025
scope: annual
document: {issuer: UBND A, symbol: KH-UBND, title: Kế hoạch A, signer: {}}
unit: {id: a, name: A, level: cấp tỉnh}
"""
"""The smallest file read as a plan: a unit, a document, no targets."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")
    parser.addoption(
        "--no-cache-twin",
        action="store_true",
        help="do not check each run of the suite against the same run without the cache",
    )


@pytest.fixture(autouse=True)
def cache_changes_nothing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every load any test runs (through the CLI, allocate, the rule examples …) that uses the
    cache is run a second time without it, and the two must give the same: the same diagnostics,
    plans, results and crosswalks, the same files reported and read, the same rules' findings."""
    if request.config.getoption("--no-cache-twin"):
        return
    original_init, original_load = loader.Loader.__init__, loader.Loader.load

    def init(self, paths, job, max_bytes=DEFAULT_MAX_BYTES, overrides=None, use_cache=True, jobs=None, outline=True, within=None,
             cache_for=None, survey=None):
        self._twin_arguments = (paths, job, max_bytes, overrides, jobs, outline, within)
        original_init(self, paths, job, max_bytes, overrides, use_cache, jobs, outline, within, cache_for, survey)

    def load(self, report, changed=None, focus=()):
        used_cache = self.cache is not None
        found = original_load(self, report, changed, focus)
        if used_cache:
            paths, job, max_bytes, overrides, jobs, outline, within = self._twin_arguments
            twin = loader.Loader.__new__(loader.Loader)
            original_init(twin, paths, job, max_bytes, overrides, False, jobs, outline, within)  # no survey: every file listed and read
            # the same files (one another program made meanwhile is not the cache's doing), numbered the same
            twin.files = [file for file in twin.files if file.path in self.number]
            twin.number = {file.path: n for n, file in enumerate(twin.files)}
            plain = original_load(twin, report, changed, focus)
            assert _seen(found) == _seen(plain)
            assert _seen(check_run.check(found)) == _seen(check_run.check(plain))
        return found

    monkeypatch.setattr(loader.Loader, "__init__", init)
    monkeypatch.setattr(loader.Loader, "load", load)


def _seen(what: Loaded | Findings) -> tuple[object, ...]:
    """What a load or a check gives, in comparable terms."""
    diagnostics = [d.to_dict() for d in sorted(what.diagnostics, key=Diagnostic.sort_key)]
    if isinstance(what, Findings):
        return diagnostics, what.files, what.summary.edges, what.summary.outside
    return (
        diagnostics, what.report, sorted(what.read), [(p.file, p.plan) for p in what.plans],
        [(r.file, r.result) for r in what.results], [(c.file, c.crosswalk) for c in what.repository.crosswalks],
        what.repository.broken,
    )


@pytest.fixture(autouse=True)
def messages_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests compare English messages whatever the developer's locale (a vi_VN locale would
    otherwise make dansokh speak Vietnamese); tests/test_i18n.py switches language itself."""
    monkeypatch.setenv("DANSOKH_LANG", "en")
    i18n.setup("en")


TODAY = "2025-12-20"
"""The day the suite runs on (``DANSOKH_TODAY``): every report of the 2025 plans is due by then, so
``form``, ``progress`` and ``render report`` take 2025 whatever the day the tests run; a test of
another day (January, a reform's 2026) sets its own."""


@pytest.fixture(autouse=True)
def shipped_catalogue() -> Iterator[None]:
    """Every test starts with the shipped catalogue in force, and the catalogue a run of the test
    put in force (its repository's) ends with the test."""
    with catalogue.in_force(catalogue.SHIPPED):
        yield


@pytest.fixture(autouse=True)
def a_fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANSOKH_TODAY", TODAY)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden: bool):
    """Compare text with a golden file under tests/golden/, or rewrite it with --update-golden."""

    def check(name: str, actual: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if update_golden or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not update_golden:
                pytest.fail(f"golden file {name} did not exist; it has been written, check it in")
        assert actual == path.read_text(encoding="utf-8")

    return check


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a temporary folder so that diagnostics show short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def real_plans(in_tmp: Path) -> Path:
    """A fresh copy of the repository's plans, to mutate."""
    shutil.copytree(PLANS, in_tmp / "plans")
    return in_tmp / "plans"


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def check_tuples(result: Findings) -> list[tuple[str, str, int]]:
    return [d.check_tuple() for d in result.diagnostics]


def run(paths: list[str | os.PathLike[str]], **kwargs) -> Findings:
    return validate([Path(p) for p in paths], **kwargs)


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in a file; the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """The 1-based line of the first line containing ``needle`` (after the line containing ``after``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i + 1 for i, line in enumerate(lines[start:], start) if needle in line)


@contextlib.contextmanager
def deadline(seconds: float):
    """Fail instead of hanging: SIGALRM interrupts whatever runs longer than ``seconds``
    (where the platform has it; elsewhere the block simply runs)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_runner = CliRunner()


def cli(*args: str, env: dict[str, str] | None = None, seconds: float = 60):
    """Run dansokh with ``args`` (and ``env`` added to the environment) in-process; fail instead
    of hanging after ``seconds``, and on any exception but the exit the CLI itself raises."""
    with deadline(seconds):
        result = _runner.invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` as the tests' own author (no signing, whatever the machine's settings)."""
    done = subprocess.run(
        ["git", "-c", "user.name=dansokh tests", "-c", "user.email=tests@dansokh.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def new_year(plans: Path) -> Path:
    """January of 2026 beside the real 2025 plans: the city's 2026 plan (its 2025 figures) has landed,
    Long Biên has a draft; the draft's path."""
    folder = plans / "2026"
    folder.mkdir()
    city = (plans / "2025" / "city.yaml").read_text(encoding="utf-8")
    city = city.replace("id: city\n", "id: city-2026\n").replace("year: 2025\n", "year: 2026\n")
    (folder / "city-2026.yaml").write_text(city.replace('date: "2025"', 'date: "2026"'), encoding="utf-8")
    shutil.copy(ROOT / "tests" / "data" / "long-bien-2026-draft.yaml", folder / "long-bien-2026.yaml")
    return folder / "long-bien-2026.yaml"


CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (.ci/run installs it)")


@functools.cache
def times_metrics_serif() -> str | None:
    """The font of the stylesheet's serif stack (``render.pdf.SERIF``) installed here with every
    Vietnamese letter: Times New Roman, or Liberation Serif 2, which has its metrics; None where
    neither is.  Where a PDF's lines and pages fall depends on the font it is set in: only with
    one of these do they fall as on an officer's machine."""
    from dansokh.render.pdf import SERIF

    if shutil.which("fc-list") is None:
        return None
    for family in SERIF:
        if subprocess.run(["fc-list", f":family={family}"], capture_output=True, check=False).stdout.strip():
            found = subprocess.run(["fc-list", f":family={family}:lang=vi"], capture_output=True, check=False)
            return family if found.stdout.strip() else None
    return None


needs_times_metrics = pytest.mark.skipif(
    times_metrics_serif() is None,
    reason="where pages fall is pinned for Times New Roman's metrics: neither Times New Roman nor Liberation Serif 2"
    " (its metrics, with Vietnamese letters) is installed here (.ci/run installs fonts-liberation2)",
)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the real 2025 plans and the illustrative results (Vietnamese, the default),
    built once for every test that only reads it."""
    out = tmp_path_factory.mktemp("site") / "public"
    result = cli("site", str(PLANS), "--results", str(ROOT / "examples" / "results-2025"), "-o", str(out), "--no-documents")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def two_provinces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two generated provinces (benchmarks/generate.py: about 330 units of 2025, four levels:
    nation, provinces, districts, communes; every plan has a schedule, those above the communes an
    allocation table too), generated once for the tests that only read them."""
    folder = tmp_path_factory.mktemp("country")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(folder / "plans"), "--provinces", "2"],
        check=True,
        capture_output=True,
    )
    return folder / "plans"
