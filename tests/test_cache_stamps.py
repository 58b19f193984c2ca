"""The cache's stamps (a file's digest kept under its size, times, inode and device, as git's
index keeps them): a command about one plan reads the bytes of the plans it needs, never every
plan's; a stamp never hides a change, even one that keeps the size and the modification time
(a racily clean file is read); a stamp the cache did not write is a miss."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import ROOT, git
from dansokh.check.run import JOB
from dansokh.load import loader
from dansokh.read import cache as cache_module
from dansokh.read.cache import ENVIRONMENT, FOLDER, Cache, stamp_of

NATION = "viet-nam"
OTHER_COMMUNE = "plans/2025/p02/p02-d01/p02-d01-c01.yaml"  # of the other province: outside the nation's context


@pytest.fixture
def country(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic country of two provinces with first-quarter results, in git, the working folder."""
    root = tmp_path / "repo"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(root / "plans"), "--provinces", "2", "--results"],
        check=True,
        capture_output=True,
    )
    git(root, "init", "-q", ".")
    monkeypatch.chdir(root)
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose bytes a load with the cache reads (absolute paths); the same load run
    again without the cache (conftest's ``cache_changes_nothing``) reads every file, not counted."""
    read: list[str] = []
    original = loader.Loader.read

    def counting(self: loader.Loader, numbers: Sequence[int], keep: bool = True) -> None:
        if self.cache is not None:
            read.extend(
                self.files[n].path
                for n in numbers
                if self.files[n].raw is None and self.files[n].error is None and (keep or self.files[n].digest is None)
            )
        original(self, numbers, keep)

    monkeypatch.setattr(loader.Loader, "read", counting)
    return read


def focused(plan_id: str = NATION) -> loader.Loaded:
    return loader.load([Path("plans")], JOB, focus=[plan_id], every_file=True)


def every_file(root: Path) -> set[str]:
    return {str(path) for path in (root / "plans").rglob("*.yaml")}


def needed(loaded: loader.Loaded) -> set[str]:
    return {os.path.abspath(name) for name in loaded.read}


def test_a_focused_command_reads_only_the_plans_it_needs_once_warm(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)  # the files were written a moment ago
    first = focused()
    assert set(reads) == every_file(country)  # cold: every file read once, for the index
    reads.clear()
    second = focused()
    assert set(reads) == needed(second) == needed(first)
    assert len(reads) == len(set(reads)) < len(every_file(country)) // 4
    assert str(country / OTHER_COMMUNE) not in reads
    assert [plan.plan.id for plan in second.plans if plan.plan.id == NATION] == [NATION]


def test_a_change_keeping_size_and_modification_time_is_seen(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    path = country / OTHER_COMMUNE
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert "year: 2025" in text
    path.write_text(text.replace("year: 2025", "year: 2024", 1), encoding="utf-8")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same modification time
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()
    focused()
    assert str(path) in reads  # its change time moved: its stamp is not the cache's


def forge(root: Path, path: Path, digest: bytes, seen: int) -> None:
    """A stamp as the cache would keep it had it seen ``path``'s stamp with other bytes."""
    opened, _notice = Cache.open(root, JOB.namespace())
    assert opened is not None
    opened.put_stamps({str(path): (stamp_of(os.stat(path)), seen, digest)})
    opened.close()


def test_a_racily_clean_file_is_read_whatever_its_stamp(country, reads):
    """Bytes changed within the tick of the file system's clock in which the cache took the
    stamp keep every part of it: the stamp, taken less than RACY_SECONDS after the change, is
    not trusted and the file is read."""
    focused()
    path = country / OTHER_COMMUNE
    old = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(old, old))
    sibling = country / OTHER_COMMUNE.replace("-c01", "-c02")  # other bytes, whose header the cache has
    forge(country, path, loader.file_digest(sibling.read_bytes()), seen=os.stat(path).st_ctime_ns)  # right after its last change
    reads.clear()
    loaded = focused()
    assert str(path) in reads
    assert str(path) not in needed(loaded)


def test_outside_the_racy_window_the_stamp_decides(country, reads):
    """The other side of the rule above, as git's index: a stamp taken well after the file's last
    change stands for its bytes (here a forged one, which only the cache itself can write)."""
    focused()
    path = country / OTHER_COMMUNE
    sibling = country / OTHER_COMMUNE.replace("-c01", "-c02")
    forge(country, path, loader.file_digest(sibling.read_bytes()), seen=time.time_ns() + 3600 * 10**9)
    reads.clear()
    loaded = focused()
    assert str(path) not in reads
    assert loaded.every_file.count(str(path)) == 1


def test_a_stamp_the_cache_did_not_write_is_a_miss(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    path = country / OTHER_COMMUNE
    (database,) = sorted((country / FOLDER).glob("plans-*.sqlite3"))
    with sqlite3.connect(database) as connection:
        sibling = loader.file_digest((country / OTHER_COMMUNE.replace("-c01", "-c02")).read_bytes())
        moved = connection.execute("UPDATE stamps SET digest = ? WHERE path = ?", (sibling, str(path))).rowcount
    assert moved == 1
    reads.clear()
    focused()
    assert str(path) in reads  # its row's checksum no longer holds
