"""Printing a rendered HTML page to PDF with headless Chromium: ``render -f pdf`` and the tests.

Printing from a browser's own dialog adds its header, its footer and the file's path unless the
officer unticks them each time; headless Chromium prints the page as the stylesheet lays it
out (A4, the decree's margins, page numbers from the second page), with nothing added.

The page may come from a repository's own template, so it is printed as untrusted: alone in a
temporary folder, with a Content-Security-Policy (:data:`POLICY`) put at the top of its head
that blocks scripts, frames, objects and every load but inline styles and ``data:`` images
(a template's ``<iframe src="file:///etc/passwd">`` prints an empty frame), with a fresh
profile, without ``--allow-file-access-from-files``, and stopped with everything it started
after ``SECONDS``.  Chromium's sandbox stays on, except for root, where Chromium refuses to
start with it (``--no-sandbox`` then; the policy still holds).  Chromium's own switch for
scripts (``--blink-settings=scriptEnabled=false``) is not used: with it Chromium 156 prints
nothing at all; the policy's ``default-src 'none'`` blocks every script instead.

The browser is Chromium, Chrome or Edge (they print alike), found where each system installs it
(:func:`browser_candidates`: Linux's PATH, macOS's application bundles, Windows's Program Files and
LocalAppData), or the one ``DANSOKH_BROWSER`` names."""

from __future__ import annotations

import contextlib
import ntpath
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..i18n import _

BROWSER_VARIABLE = "DANSOKH_BROWSER"
"""Names the browser that prints (a path, or a program on PATH): Chromium, Chrome or Edge."""
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")
"""Linux and the other Unix systems: programs on PATH (Debian's chromium first)."""
MACOS_APPLICATIONS = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "Chromium.app/Contents/MacOS/Chromium",
)
"""macOS: the browsers' programs inside their bundles, in /Applications or ~/Applications."""
WINDOWS_FOLDERS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
WINDOWS_PROGRAMS = (
    ("Google", "Chrome", "Application", "chrome.exe"),
    ("Microsoft", "Edge", "Application", "msedge.exe"),
    ("Chromium", "Application", "chrome.exe"),
)
"""Windows: where Chrome, Edge (every Windows 10 and 11 has it) and Chromium install, under
Program Files, Program Files (x86) and the user's LocalAppData (a per-user install)."""
SECONDS = 120  # a print's time; an appendix takes about two seconds
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'.encode("ascii")
# a doctype first (after a byte-order mark or white space) keeps the page in standards mode; the
# policy goes right after it, before anything else of the page
DOCTYPE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n\f]*<!doctype[^<>]*>", re.IGNORECASE)
# the fonts of the stylesheet's stack for the text (templates/appendix.css.j2), in its order
SERIF = ("Times New Roman", "Liberation Serif")


def browser_candidates() -> list[str]:
    """Where a browser that prints may be, on this system, in the order they are tried."""
    if sys.platform == "win32":
        folders = [os.environ[name] for name in WINDOWS_FOLDERS if os.environ.get(name)]
        found = [ntpath.join(folder, *program) for program in WINDOWS_PROGRAMS for folder in folders]
        return found + ["chrome.exe", "msedge.exe", "chromium.exe"]
    if sys.platform == "darwin":
        bundles = ["/Applications", posixpath.join(os.path.expanduser("~"), "Applications")]
        return [posixpath.join(folder, program) for program in MACOS_APPLICATIONS for folder in bundles] + list(CANDIDATES)
    return list(CANDIDATES)


def _program(candidate: str) -> str | None:
    """``candidate`` if it is a program here: a path to a file, or a name found on PATH."""
    if os.path.isabs(candidate) or ntpath.isabs(candidate):
        return candidate if os.path.isfile(candidate) else None
    return shutil.which(candidate)


def find_chromium() -> str | None:
    """The browser that prints: the one ``DANSOKH_BROWSER`` names (only that one, when it is
    set), else the first of :func:`browser_candidates` that is installed."""
    named = os.environ.get(BROWSER_VARIABLE)
    if named:
        return _program(named)
    for candidate in browser_candidates():
        found = _program(candidate)
        if found:
            return found
    return None


class NoChromium(RuntimeError):
    """PDF was asked for where no Chromium is installed."""


def with_policy(html: bytes) -> bytes:
    """The page with :data:`POLICY` as the first element of its head: nothing of the page comes
    before it, so nothing loads before it is in force (a second policy of the page can only
    narrow it)."""
    found = DOCTYPE.match(html)
    at = found.end() if found else 0
    return html[:at] + META + html[at:]


def render_pdf(html: bytes, timeout: float | None = None) -> bytes:
    """The PDF of a rendered HTML page, printed as untrusted (the module's docstring)."""
    browser = find_chromium()
    if browser is None:
        named = os.environ.get(BROWSER_VARIABLE)
        if named:
            raise NoChromium(
                _("{variable} names {browser}, which is not a program here: name Chromium, Chrome or Edge (a path, or a program on PATH)").format(
                    variable=BROWSER_VARIABLE, browser=named
                )
            )
        raise NoChromium(
            _(
                "-f pdf prints the HTML with Chromium, Chrome or Edge, none of which was found here"
                " (Debian/Ubuntu: apt-get install chromium; elsewhere, name the browser in {variable});"
                " or render -f html and print it from a browser without its header and footer"
            ).format(variable=BROWSER_VARIABLE)
        )
    with tempfile.TemporaryDirectory(prefix="dansokh-pdf-") as folder:
        pages, prints = Path(folder) / "page", Path(folder) / "print"
        pages.mkdir()
        prints.mkdir()
        page, pdf = pages / "appendix.html", prints / "appendix.pdf"
        page.write_bytes(with_policy(html))
        html_to_pdf(page, pdf, browser, timeout)
        printed = pdf.read_bytes()
    note = font_note()
    return with_subject(printed, note) if note else printed


def with_subject(pdf: bytes, subject: str) -> bytes:
    """The PDF with ``subject`` as its document information's Subject (what a PDF reader shows
    under the document's properties), by an incremental update: its Info dictionary written again
    with the Subject added, a cross-reference section for it and a trailer pointing back at the
    old one.  A PDF whose trailer or Info dictionary is not as Chromium writes them is returned as
    it is."""
    trailer = pdf.rfind(b"trailer")
    found = re.match(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*\Z", pdf[trailer:], re.DOTALL) if trailer >= 0 else None
    if found is None:
        return pdf
    fields, previous = found.group(1), int(found.group(2))
    size, root, info = (re.search(pattern, fields) for pattern in (rb"/Size\s+(\d+)", rb"/Root\s+(\d+\s+\d+)\s+R", rb"/Info\s+(\d+)\s+(\d+)\s+R"))
    if size is None or root is None or info is None:
        return pdf
    number, generation = int(info.group(1)), int(info.group(2))
    start = re.compile(rb"(?<![0-9])%d\s+%d\s+obj\s*<<" % (number, generation)).search(pdf)
    end = _dictionary_end(pdf, start.end()) if start is not None else None
    if start is None or end is None:
        return pdf
    body = re.sub(rb"/Subject\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", b"", pdf[start.end() : end])
    text = b"<FEFF" + subject.encode("utf-16-be").hex().upper().encode("ascii") + b">"
    update = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offset = len(update)
    update += b"%d %d obj\n<<%s\n/Subject %s>>\nendobj\n" % (number, generation, body, text)
    xref = len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n" % (number, offset, generation)
    update += b"trailer\n<</Size %s\n/Root %s R\n/Info %d %d R\n/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        size.group(1), root.group(1), number, generation, previous, xref)
    return bytes(update)


def _dictionary_end(pdf: bytes, at: int) -> int | None:
    """Where the dictionary whose ``<<`` ends just before ``at`` closes (the offset of its ``>>``),
    reading strings, escapes and nested dictionaries as PDF does; None if it does not close."""
    depth, i = 1, at
    while i < len(pdf):
        if pdf[i : i + 1] == b"(":
            nesting, i = 1, i + 1
            while i < len(pdf) and nesting:
                char = pdf[i : i + 1]
                i += 2 if char == b"\\" else 1
                nesting += {b"(": 1, b")": -1}.get(char, 0)
            continue
        if pdf[i : i + 2] == b"<<":
            depth, i = depth + 1, i + 2
            continue
        if pdf[i : i + 2] == b">>":
            depth -= 1
            if depth == 0:
                return i
            i += 2
            continue
        i += 1
    return None


def html_to_pdf(html: Path, pdf: Path, chromium: str | None = None, timeout: float | None = None) -> None:
    """Print ``html`` to ``pdf`` as Chromium's print preview would, without its own header and footer."""
    browser = chromium or find_chromium()
    if browser is None:
        raise FileNotFoundError(_("chromium is not installed"))
    seconds = SECONDS if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="dansokh-chromium-") as profile:
        command = [browser, "--headless", *sandbox_switches(), *SWITCHES, f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        status, output = _run(command, seconds, Path(profile))
    if status is None:
        raise RuntimeError(_("Chromium was still printing after {seconds} s; it was stopped").format(seconds=seconds))
    if status != 0 or not pdf.exists():
        raise RuntimeError(_("chromium failed ({status}): {output}").format(status=status, output=output[-2000:]))


SWITCHES = (
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
)


def sandbox_switches() -> list[str]:
    """``--no-sandbox`` for root only, where Chromium will not start with its sandbox."""
    return ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def _run(command: list[str], seconds: float, folder: Path) -> tuple[int | None, str]:
    """The exit status and the tail of the error output of ``command``; ``None`` for a run
    stopped after ``seconds``, with every process it started (its own session, killed whole:
    Chromium's renderers would otherwise outlive it)."""
    log = folder / "chromium.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                   start_new_session=True)
        try:
            status: int | None = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            stop_browser(process)
            process.wait()
    return status, log.read_bytes()[-4000:].decode("utf-8", errors="replace")


def stop_browser(process: subprocess.Popen) -> None:
    """Stop the browser and everything it started: its session, killed whole, where there are
    sessions; on Windows its process tree (``taskkill /T``), only while it still runs (a number
    of a process that ended may be another's by now)."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)  # what it left behind, or all of it
        except (ProcessLookupError, PermissionError):
            pass
        return
    if process.poll() is None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, timeout=30, check=False)
        with contextlib.suppress(OSError):
            process.kill()


def _families(pattern: str) -> bool:
    """Whether fontconfig knows a font matching ``pattern`` (``fc-list``)."""
    try:
        found = subprocess.run(["fc-list", pattern, "family"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def font_note() -> str | None:
    """What an officer should know of the font a PDF is set in here, or ``None`` where Times New
    Roman with its Vietnamese letters is installed (or where ``fc-list`` cannot say)."""
    if shutil.which("fc-list") is None:
        return None
    for family in SERIF:
        if not _families(f":family={family}"):
            continue
        if not _families(f":family={family}:lang=vi"):
            return _(
                "the PDF is set in {family}, which has no Vietnamese letters: their marks come from another"
                " font (Debian/Ubuntu: apt-get install fonts-liberation2)"
            ).format(family=family)
        if family == SERIF[0]:
            return None
        return _(
            "the PDF is set in {family}: Times New Roman is not installed here ({family} has its metrics:"
            " lines and pages fall as with Times New Roman)"
        ).format(family=family)
    return _(
        "the PDF is set in another serif font: neither Times New Roman nor Liberation Serif is installed here,"
        " so lines and pages may fall differently (Debian/Ubuntu: apt-get install fonts-liberation2)"
    )
