"""Nothing a user has is lost or clobbered: outputs never replace a plan read in the run, a FIFO,
a device or a link is written through or followed (never replaced), a read-only plan is refused,
owner and mode are kept, and an edit made while dansokh writes is not lost."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import ROOT, cli, deadline, new_year
from dansokh.write import atomic
from dansokh.write.atomic import ConcurrentChange, WriteRefused, digest, write_atomic

LONG_BIEN = "plans/2025/long-bien.yaml"
CITY = "plans/2025/city.yaml"
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs, devices and owners are POSIX")
ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (mknod, chown)")


@pytest.fixture
def january(real_plans: Path) -> Path:
    """The city's 2026 plan and Long Biên's 2026 draft, which `allocate --write` raises (as in test_allocate)."""
    return new_year(real_plans)


def write_draft():
    return cli("allocate", "--from", "city-2026", "--to", "long-bien", "--write")


# --- an output is never a plan read in the run -----------------------------------------------


def test_render_refuses_to_write_over_a_plan(real_plans):
    before = Path(LONG_BIEN).read_bytes()
    result = cli("render", "appendix1", "--plan", "long-bien", "-o", LONG_BIEN)
    assert result.exit_code == 2 and "not .yaml; name such a file or give --format" in result.stderr
    result = cli("render", "appendix1", "--plan", "long-bien", "-f", "md", "-o", LONG_BIEN)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{LONG_BIEN} is a plan file this run reads; choose another output (nothing was written)"
    assert Path(LONG_BIEN).read_bytes() == before


def test_validate_refuses_to_write_its_report_over_a_plan_even_through_a_link(real_plans):
    before = Path(CITY).read_bytes()
    result = cli("validate", "--output", CITY, "plans/")
    assert result.exit_code == 2 and "is a plan file this run reads" in result.stderr
    os.symlink(CITY, "report.txt")
    result = cli("validate", "--output", "report.txt", "plans/")
    assert result.exit_code == 2 and f"report.txt is the plan file {CITY}, which this run reads" in result.stderr
    assert Path(CITY).read_bytes() == before and os.path.islink("report.txt")


# --- what is not a regular file is written through, never replaced ---------------------------


@POSIX
def test_an_output_fifo_is_written_through_and_stays_a_fifo(real_plans):
    os.mkfifo("pipe")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(Path("pipe").read_bytes()))
    reader.start()
    with deadline(30):
        result = cli("validate", "--output", "pipe", "plans/")
        reader.join()
    assert result.exit_code == 0
    assert received[0].decode("utf-8").endswith("0 errors, 0 warnings, 1 note.\n")
    assert stat.S_ISFIFO(os.stat("pipe").st_mode)


@POSIX
def test_a_fifo_nobody_reads_is_an_error_not_a_hang(real_plans):
    os.mkfifo("pipe")
    result = cli("render", "appendix1", "--plan", "long-bien", "-o", "pipe", "-f", "md")
    assert result.exit_code == 2 and "cannot write pipe: no program is reading from it" in result.stderr
    assert stat.S_ISFIFO(os.stat("pipe").st_mode)


@ROOT_ONLY
def test_an_output_device_is_written_through_and_stays_a_device(real_plans):
    os.mknod("null", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    os.mknod("full", stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a /dev/full of our own
    assert cli("render", "appendix1", "--plan", "long-bien", "-o", "null", "-f", "md").exit_code == 0
    result = cli("validate", "--output", "full", "plans/")
    assert result.exit_code == 2 and "cannot write full: No space left on device" in result.stderr
    assert stat.S_ISCHR(os.stat("null").st_mode) and stat.S_ISCHR(os.stat("full").st_mode)


@POSIX
def test_an_output_link_stays_a_link_and_its_target_is_written(real_plans):
    Path("reports").mkdir()
    Path("reports/latest.txt").write_text("old report\n", encoding="utf-8")
    os.symlink("reports/latest.txt", "report.txt")
    assert cli("validate", "--output", "report.txt", "plans/").exit_code == 0
    assert os.path.islink("report.txt")
    assert Path("reports/latest.txt").read_text(encoding="utf-8").startswith("plans/2025/bac-cuong.yaml:")


def test_a_trailing_slash_always_names_a_folder(real_plans):
    result = cli("render", "all", "--plan", "long-bien-srb", "-o", "out/")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["out/long-bien-srb-appendix1.md"]
    assert Path("out").is_dir() and Path("out/long-bien-srb-appendix1.md").read_text(encoding="utf-8").startswith("**")


# --- plan files keep their mode and owner; read-only ones are refused ------------------------


@POSIX
def test_a_read_only_plan_is_not_written(january):
    os.chmod(january, 0o444)
    before = january.read_bytes()
    result = write_draft()
    assert result.exit_code == 1
    assert "not written: plans/2026/long-bien-2026.yaml is read-only (mode 444)" in result.stdout
    assert january.read_bytes() == before and stat.S_IMODE(os.stat(january).st_mode) == 0o444


@ROOT_ONLY
def test_a_written_plan_keeps_its_owner_and_mode(january):
    os.chown(january, 1234, 2345)
    os.chmod(january, 0o640)
    before = january.read_bytes()
    result = write_draft()
    assert result.exit_code == 0, result.output
    info = os.stat(january)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 2345, 0o640)
    assert january.read_bytes() != before


def test_a_folder_or_filesystem_that_refuses_the_write_is_one_message(january, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    before = january.read_bytes()
    result = write_draft()
    assert result.exit_code == 1
    assert f"not written: cannot write plans/2026/long-bien-2026.yaml: {os.strerror(errno.EROFS)}" in result.stdout
    assert january.read_bytes() == before


# --- an edit made while dansokh writes is not lost -------------------------------------------


@pytest.mark.skipif(atomic.fcntl is None, reason="advisory locks")
def test_a_plan_locked_by_another_writer_is_not_written(january):
    before = january.read_bytes()
    with open(january, "rb") as held:
        atomic.fcntl.flock(held.fileno(), atomic.fcntl.LOCK_EX)
        result = write_draft()
    assert result.exit_code == 1 and "is being written by another program (it holds a lock)" in result.stdout
    assert january.read_bytes() == before


def test_an_edit_landing_during_the_write_is_kept(tmp_path, monkeypatch):
    """A colleague saves between dansokh's first check and its rename: the check made again just
    before the rename refuses, and the colleague's text stays."""
    path = tmp_path / "a.yaml"
    path.write_text("id: a\n", encoding="utf-8")
    read = digest(path.read_bytes())
    real_fsync = os.fsync

    def colleague_saves(fd):
        real_fsync(fd)
        with open(path, "a", encoding="utf-8") as stream:
            stream.write("# the colleague's line\n")

    monkeypatch.setattr(os, "fsync", colleague_saves)
    with pytest.raises(ConcurrentChange):
        write_atomic(path, "id: b\n", read)
    assert path.read_text(encoding="utf-8") == "id: a\n# the colleague's line\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_a_folder_is_never_replaced(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "out", "x")
    with pytest.raises(WriteRefused):
        os.mkfifo(tmp_path / "p") if hasattr(os, "mkfifo") else None
        write_atomic(tmp_path / "p", "x", digest(b""))


# --- the writers of the officer's year: new plans, forms, imports, reports, the schema ----------


@POSIX
def test_new_never_writes_over_or_through_what_is_at_its_path(real_plans):
    """A plan, a FIFO, a dangling link: refused before anything is checked or written, exit 1."""
    os.mkfifo("pipe.yaml")
    os.symlink("gone.yaml", "link.yaml")
    before = Path(CITY).read_bytes()
    for target in (CITY, "pipe.yaml", "link.yaml"):
        result = cli("new", "--next", "long-bien", "-o", target)
        assert result.exit_code == 1, target
        # (before it, the note that quận Long Biên is no unit of 2026: the reform)
        assert result.stderr.strip().splitlines()[-1] == f"{target} exists already; nothing was written (choose another file with -o)"
        assert result.stdout == ""  # no report about a file that is not written
    assert Path(CITY).read_bytes() == before
    assert stat.S_ISFIFO(os.stat("pipe.yaml").st_mode) and os.path.islink("link.yaml") and not Path("gone.yaml").exists()


def test_new_with_a_trailing_slash_puts_the_plan_in_that_folder(real_plans):
    result = cli("new", "--next", "long-bien", "-o", "drafts/")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "wrote drafts/long-bien-2026.yaml (plan long-bien-2026, 2026)"
    assert Path("drafts/long-bien-2026.yaml").read_text(encoding="utf-8").startswith("# Kế hoạch năm 2026")


def test_new_refuses_when_its_new_file_changes_while_it_is_written(real_plans, monkeypatch):
    """Where hard links are not supported, the path is claimed empty once the text is on disk;
    another program writes into it at that moment: WriteRefused, exit 1, and its bytes stay."""
    real_open = os.open
    target = Path("plans/2026/long-bien-2026.yaml")

    def no_links(source, destination, *args, **kwargs):
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    def another_program_writes(path, flags, *args):
        descriptor = real_open(path, flags, *args)
        if flags & os.O_EXCL and Path(path) == target:
            with open(target, "w", encoding="utf-8") as stream:
                stream.write("# someone else's\n")
        return descriptor

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "open", another_program_writes)
    result = cli("new", "--next", "long-bien")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"{target} changed on disk since it was read; nothing was written"  # after the note on the reform
    assert target.read_text(encoding="utf-8") == "# someone else's\n"
    assert [p.name for p in target.parent.iterdir()] == ["long-bien-2026.yaml"]  # no temporary file left


def test_new_in_a_folder_that_refuses_the_write_is_one_message(real_plans, monkeypatch):
    real_open = os.open

    def read_only(path, flags, *args):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    result = cli("new", "--next", "long-bien")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"cannot write plans/2026/long-bien-2026.yaml: {os.strerror(errno.EROFS)}"  # after the note on the reform
    assert not Path("plans/2026/long-bien-2026.yaml").exists()


def test_render_report_follows_the_rules_of_render(real_plans):
    shutil.copytree(ROOT / "examples" / "results-2025" / "Q1", "plans/results/Q1")
    before = Path(CITY).read_bytes()
    report = ["render", "report", "--plan", "long-bien", "--period", "Q1"]
    result = cli(*report, "-f", "md", "-o", CITY)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"--output: {CITY} is a plan file this run reads; choose another output (nothing was written)"
    result = cli(*report, "-o", "report.odt")
    assert result.exit_code == 2 and "not .odt" in result.stderr and not Path("report.odt").exists()
    result = cli(*report, "-f", "xlsx", "-o", "report.docx")
    assert result.exit_code == 2 and "names a .docx file, but --format is xlsx" in result.stderr
    result = cli(*report, "-f", "xlsx", "-o", "reports/")
    assert result.exit_code == 0 and result.stdout.strip() == "reports/long-bien-2025-Q1-report.xlsx"
    assert Path(CITY).read_bytes() == before


def test_import_never_replaces_a_plan_and_schema_never_writes_over_one(real_plans):
    assert cli("form", "Ngọc Thụy", "--period", "Q1", "-o", "form.xlsx").exit_code == 0
    import openpyxl

    book = openpyxl.load_workbook("form.xlsx")
    book.worksheets[0]["C6"] = "08/04/2025"
    book.save("form.xlsx")
    before = Path(CITY).read_bytes()
    result = cli("import", "form.xlsx", "-o", CITY, "--force")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"--output: {CITY} is a plan file this run reads; choose another output (nothing was written)"
    result = cli("schema", "-o", CITY)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"--output: {CITY} is a file of the plans repository; choose another output (nothing was written)"
    assert Path(CITY).read_bytes() == before
    result = cli("form", "Ngọc Thụy", "--period", "Q1", "-o", "/proc/nope/form.xlsx")
    assert result.exit_code == 2 and "cannot write /proc/nope/form.xlsx" in result.stderr


def test_a_change_whose_place_cannot_be_found_is_not_written(real_plans, monkeypatch):
    """Positions that cannot be read (a file that no longer reads as it did when checked; the fuzz
    test found one the fast reader took and libyaml refused) leave the plan as it was, exit 1."""
    from dansokh.read import loader

    monkeypatch.setattr(loader, "_record", lambda file, source, text: None)
    before = Path(LONG_BIEN).read_bytes()
    result = cli("allocate", "--from", "long-bien", "--split", "new_users_iud", "--whole", "1200", "--write")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        f"not written: the place of the change in {LONG_BIEN} cannot be found (it no longer reads as it did when it"
        " was checked); run `dansokh validate` and try again"
    )
    assert Path(LONG_BIEN).read_bytes() == before
