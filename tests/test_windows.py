"""Windows and macOS, where officers work: the browser that prints a PDF is found where each
system installs it, nothing imports a POSIX-only module unguarded, and a console that cannot write
Vietnamese (cp1252, cp1258) never makes a run fail.  The lookups are simulated here (the platform,
the environment, the files that exist); CI runs on Linux."""

from __future__ import annotations

import ast
import importlib
import io
import ntpath
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from dansokh.render import pdf

app_module = importlib.import_module("dansokh.cli.app")  # the module (dansokh.cli.app is also the Typer app's name)

PROGRAM_FILES = "C:\\Program Files"
PROGRAM_FILES_X86 = "C:\\Program Files (x86)"
LOCAL = "C:\\Users\\can-bo\\AppData\\Local"


@pytest.fixture
def system(monkeypatch):
    """Simulate a system: its name, its environment, the files that exist, nothing on PATH."""

    def simulate(platform: str, files: set[str], env: dict[str, str] | None = None, path: dict[str, str] | None = None):
        monkeypatch.setattr(pdf.sys, "platform", platform)
        for name in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA", pdf.BROWSER_VARIABLE):
            monkeypatch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(pdf.os.path, "isfile", lambda candidate: candidate in files)
        monkeypatch.setattr(pdf.shutil, "which", lambda name: (path or {}).get(name))
        monkeypatch.setattr(pdf.os.path, "expanduser", lambda text: text.replace("~", "/Users/can-bo"))

    return simulate


WINDOWS_ENV = {"PROGRAMFILES": PROGRAM_FILES, "PROGRAMFILES(X86)": PROGRAM_FILES_X86, "LOCALAPPDATA": LOCAL}


@pytest.mark.parametrize(
    ("files", "found"),
    [
        ({f"{PROGRAM_FILES}\\Google\\Chrome\\Application\\chrome.exe"}, f"{PROGRAM_FILES}\\Google\\Chrome\\Application\\chrome.exe"),
        ({f"{PROGRAM_FILES_X86}\\Google\\Chrome\\Application\\chrome.exe"}, f"{PROGRAM_FILES_X86}\\Google\\Chrome\\Application\\chrome.exe"),
        ({f"{LOCAL}\\Google\\Chrome\\Application\\chrome.exe"}, f"{LOCAL}\\Google\\Chrome\\Application\\chrome.exe"),
        ({f"{PROGRAM_FILES_X86}\\Microsoft\\Edge\\Application\\msedge.exe"}, f"{PROGRAM_FILES_X86}\\Microsoft\\Edge\\Application\\msedge.exe"),
        ({f"{PROGRAM_FILES}\\Microsoft\\Edge\\Application\\msedge.exe"}, f"{PROGRAM_FILES}\\Microsoft\\Edge\\Application\\msedge.exe"),
        (  # Chrome before Edge, whichever folder
            {f"{PROGRAM_FILES_X86}\\Microsoft\\Edge\\Application\\msedge.exe", f"{LOCAL}\\Google\\Chrome\\Application\\chrome.exe"},
            f"{LOCAL}\\Google\\Chrome\\Application\\chrome.exe",
        ),
        ({f"{LOCAL}\\Chromium\\Application\\chrome.exe"}, f"{LOCAL}\\Chromium\\Application\\chrome.exe"),
        (set(), None),
    ],
)
def test_windows_finds_chrome_or_edge_where_they_install(system, files, found):
    system("win32", files, WINDOWS_ENV)
    assert pdf.find_chromium() == found


def test_windows_finds_a_browser_on_path_too(system):
    system("win32", set(), WINDOWS_ENV, path={"msedge.exe": "D:\\Tools\\msedge.exe"})
    assert pdf.find_chromium() == "D:\\Tools\\msedge.exe"
    assert pdf.browser_candidates()[0] == ntpath.join(PROGRAM_FILES, "Google", "Chrome", "Application", "chrome.exe")


@pytest.mark.parametrize(
    ("files", "found"),
    [
        ({"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}, "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
        ({"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"}, "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
        ({"/Applications/Chromium.app/Contents/MacOS/Chromium"}, "/Applications/Chromium.app/Contents/MacOS/Chromium"),
        ({"/Users/can-bo/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}, "/Users/can-bo/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
        (set(), None),
    ],
)
def test_macos_finds_the_browsers_in_their_bundles(system, files, found):
    system("darwin", files)
    assert pdf.find_chromium() == found


def test_linux_finds_chromium_on_path(system):
    system("linux", set(), path={"google-chrome-stable": "/opt/google/chrome/google-chrome"})
    assert pdf.find_chromium() == "/opt/google/chrome/google-chrome"


def test_the_variable_names_the_browser_and_only_it(system):
    chrome = f"{PROGRAM_FILES}\\Google\\Chrome\\Application\\chrome.exe"
    system("win32", {chrome, "E:\\Portable\\chrome.exe"}, {**WINDOWS_ENV, pdf.BROWSER_VARIABLE: "E:\\Portable\\chrome.exe"})
    assert pdf.find_chromium() == "E:\\Portable\\chrome.exe"
    os.environ[pdf.BROWSER_VARIABLE] = "E:\\Gone\\chrome.exe"  # restored by the fixture's monkeypatch
    assert pdf.find_chromium() is None  # not another one behind the user's back
    with pytest.raises(pdf.NoChromium) as refused:
        pdf.render_pdf(b"<p>a</p>")
    assert str(refused.value) == (
        "DANSOKH_BROWSER names E:\\Gone\\chrome.exe, which is not a program here: name Chromium, Chrome or Edge"
        " (a path, or a program on PATH)"
    )


def test_without_a_browser_the_message_says_how_to_name_one(system):
    system("win32", set(), WINDOWS_ENV)
    with pytest.raises(pdf.NoChromium) as refused:
        pdf.render_pdf(b"<p>a</p>")
    assert "apt-get install chromium" in str(refused.value) and "DANSOKH_BROWSER" in str(refused.value)


def test_a_browser_stopped_on_windows_is_stopped_with_its_tree(monkeypatch):
    monkeypatch.delattr(pdf.os, "killpg", raising=False)
    ran: list[list[str]] = []
    monkeypatch.setattr(pdf.subprocess, "run", lambda command, **kwargs: ran.append(command))

    class Running:
        pid = 4242
        killed = False

        def poll(self):
            return None

        def kill(self):
            self.killed = True

    process = Running()
    pdf.stop_browser(process)  # type: ignore[arg-type]
    assert ran == [["taskkill", "/F", "/T", "/PID", "4242"]] and process.killed

    class Ended(Running):
        def poll(self):
            return 0

    ran.clear()
    pdf.stop_browser(Ended())  # type: ignore[arg-type]
    assert ran == []  # its number may be another process's by now


POSIX_ONLY = {"fcntl", "resource", "termios", "pwd", "grp", "posix", "tty", "pty", "crypt", "syslog"}


def _unguarded(tree: ast.AST) -> list[tuple[int, str]]:
    """Imports of POSIX-only modules not inside a ``try`` that catches ImportError."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            or isinstance(h.type, ast.Tuple) and any(isinstance(e, ast.Name) and e.id in ("ImportError", "ModuleNotFoundError") for e in h.type.elts)
            for h in node.handlers
        ):
            for inner in node.body:
                guarded.update(id(n) for n in ast.walk(inner))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            if name.split(".")[0] in POSIX_ONLY and id(node) not in guarded:
                found.append((node.lineno, name))
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "src" / "dansokh").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT / "src")))
def test_no_posix_only_module_is_imported_unguarded(path: Path):
    assert _unguarded(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_guard_is_seen():
    assert _unguarded(ast.parse("import fcntl\n")) == [(1, "fcntl")]
    assert _unguarded(ast.parse("try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n")) == []


def test_the_writes_work_without_fcntl(monkeypatch, tmp_path):
    from dansokh.write import atomic

    monkeypatch.setattr(atomic, "fcntl", None)  # Windows: no advisory lock, the digest checks remain
    target = tmp_path / "plan.yaml"
    target.write_text("id: a\n", encoding="utf-8")
    atomic.write_atomic(target, "id: b\n", expected_digest=atomic.digest(b"id: a\n"))
    assert target.read_text(encoding="utf-8") == "id: b\n"
    with pytest.raises(atomic.ConcurrentChange):  # changed meanwhile: still refused without the lock
        atomic.write_atomic(target, "id: c\n", expected_digest=atomic.digest(b"id: a\n"))
    assert target.read_text(encoding="utf-8") == "id: b\n"


def _cp1252_stdout() -> io.TextIOWrapper:
    """A redirected Windows console: its encoding is the ANSI code page."""
    return io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors="strict", newline="\n")


@pytest.mark.parametrize("encoding", ["cp1252", "cp1258", "ascii"])
def test_a_console_that_cannot_write_vietnamese_is_switched_to_utf8(monkeypatch, encoding):
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict", newline="\n")
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    monkeypatch.setattr(sys, "stdout", stream)
    app_module.text_streams()
    print("phường Ngọc Thụy: chưa đạt")
    stream.flush()
    assert stream.buffer.getvalue().decode("utf-8") == "phường Ngọc Thụy: chưa đạt\n"


def test_a_console_that_writes_vietnamese_is_left_as_it_is(monkeypatch):
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-16", newline="\n")
    monkeypatch.setattr(sys, "stdout", stream)
    app_module.text_streams()
    assert stream.encoding == "utf-16"


def test_the_whole_command_on_a_cp1252_console(monkeypatch, capsys):
    """``dansokh --lang vi rules C001 > out.txt`` on Windows: the file is UTF-8, never a traceback."""
    stdout, stderr = _cp1252_stdout(), _cp1252_stdout()
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as done:
        app_module.main(["--lang", "vi", "rules", "C001"])
    assert done.value.code in (0, None)
    sys.stdout.flush()
    text = stdout.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("C001 (lỗi): Chỉ tiêu của cấp dưới thấp hơn mức cấp trên giao.\n")


def test_an_encoding_chosen_with_pythonioencoding_is_kept_and_never_fails(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "dansokh", "--lang", "vi", "rules", "C001"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert done.stdout.startswith("C001 (l?i): Ch? tiêu c?a c?p d??i th?p h?n m?c c?p trên giao.\n".encode("cp1252"))
