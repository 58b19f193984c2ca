"""Printing a rendered HTML page to PDF with headless Chromium: ``render -f pdf`` and the tests.

Printing from a browser's own dialog adds its header, its footer and the file's path unless the
officer unticks them each time; headless Chromium prints the page as the stylesheet lays it
out (A4, the decree's margins, page numbers from the second page), with nothing added."""

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


class NoChromium(RuntimeError):
    """PDF was asked for where no Chromium is installed."""


def render_pdf(html: bytes, timeout: float = 120) -> bytes:
    """The PDF of a rendered HTML appendix."""
    browser = find_chromium()
    if browser is None:
        raise NoChromium(
            _(
                "-f pdf prints the HTML with Chromium, which is not installed here"
                " (Debian/Ubuntu: apt-get install chromium); or render -f html and print it from a browser"
                " without its header and footer"
            )
        )
    with tempfile.TemporaryDirectory(prefix="dansokh-pdf-") as folder:
        page, pdf = Path(folder) / "appendix.html", Path(folder) / "appendix.pdf"
        page.write_bytes(html)
        html_to_pdf(page, pdf, browser, timeout)
        return pdf.read_bytes()


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
