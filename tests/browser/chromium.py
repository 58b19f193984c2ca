"""Debian's Chromium as the browser tests and the README's screenshot start it, and the site they
open, built by the real `dansokh site` command.

Playwright drives the system browser (/usr/bin/chromium, installed by .ci/run): its own browser
download cannot run here, and the tests mean the browser officers have. Each launch gets a fresh
temporary profile from Playwright; the flags keep Chromium off the network (a closed network
refuses its background connections) and run it without its sandbox only as root, where it refuses
to start otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
RESULTS = ROOT / "examples" / "results-2025"
FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from Debian, never a downloaded one."""
    flags = FLAGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=flags)


def dansokh(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, as a person runs it, with no language chosen (the site's default is
    Vietnamese)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DANSOKH_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "dansokh", *arguments],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )


def build_site(repository: Path, out: Path, *paths: str) -> Path:
    """`dansokh site PATHS -o OUT` in a repository (its plans and results); OUT is returned."""
    done = dansokh("site", *paths, "-o", str(out), cwd=repository)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def copy_repository(target: Path) -> Path:
    """The real plans and the 2025 results, copied where a test may change them."""
    shutil.copytree(ROOT / "plans", target / "plans")
    shutil.copytree(RESULTS, target / "examples" / "results-2025")
    return target
