"""Printing a rendered HTML page to PDF with headless Chromium (used by the tests and for previews)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..i18n import _

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def html_to_pdf(html: Path, pdf: Path, chromium: str | None = None, timeout: float = 120) -> None:
    """Print ``html`` to ``pdf`` as Chromium's print preview would, without its own header and footer."""
    browser = chromium or find_chromium()
    if browser is None:
        raise FileNotFoundError(_("chromium is not installed"))
    with tempfile.TemporaryDirectory(prefix="dansokh-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if completed.returncode != 0 or not pdf.exists():
        raise RuntimeError(
            _("chromium failed ({status}): {output}").format(status=completed.returncode, output=completed.stderr[-2000:])
        )
