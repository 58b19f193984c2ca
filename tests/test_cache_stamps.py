"""The cache's stamps (a file's digest kept under its size, times, inode and device, as git's
index keeps them): a command about one plan reads the bytes of the plans it needs, never every
plan's; a stamp never hides a change, even one that keeps the size and the modification time
(a racily clean file is read); a stamp the cache did not write is a miss."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def focused(plan_id: str = NATION, outline: bool = True) -> loader.Loaded:
    return loader.load([Path("plans")], JOB, focus=[plan_id], every_file=True, outline=outline)


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
    os.utime(path, ns=(time.time_ns() - 3600 * 10**9,) * 2)  # read again: its stamp kept in a row beside the snapshot
    focused()
    (database,) = sorted((country / FOLDER).glob("plans-*.sqlite3"))
    with sqlite3.connect(database) as connection:
        sibling = loader.file_digest((country / OTHER_COMMUNE.replace("-c01", "-c02")).read_bytes())
        moved = connection.execute("UPDATE stamps SET digest = ? WHERE path = ?", (sibling, str(path))).rowcount
    assert moved == 1
    reads.clear()
    focused()
    assert str(path) in reads  # its row's checksum no longer holds


# the snapshot: every file's stamp, digest and header under one checksum -------------------------


def database_of(root: Path) -> Path:
    (database,) = sorted((root / FOLDER).glob("plans-*.sqlite3"))
    return database


def stamp_rows(root: Path) -> list[str]:
    with sqlite3.connect(database_of(root)) as connection:
        return [path for (path,) in connection.execute("SELECT path FROM stamps")]


def snapshot_of(root: Path) -> tuple[str, bytes] | None:
    with sqlite3.connect(database_of(root)) as connection:
        return connection.execute("SELECT body, checksum FROM snapshot").fetchone()


def write_snapshot(root: Path, body: str, checksum: bytes) -> None:
    with sqlite3.connect(database_of(root)) as connection:
        connection.execute("UPDATE snapshot SET body = ?, checksum = ?", (body, checksum))


def signed(root: Path, body: str) -> bytes:
    """The checksum the cache itself would give ``body``: what a database made by hand with the
    cache's own key (or a dansokh writing a bad snapshot) would carry."""
    opened, _notice = Cache.open(root, JOB.namespace())
    assert opened is not None
    checksum = opened._snapshot_check(body)
    opened.close()
    return checksum


def test_a_warm_command_is_served_by_the_snapshot_and_a_file_read_since_by_a_row(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    assert snapshot_of(country) is not None and stamp_rows(country) == []  # every file in one snapshot
    path = country / OTHER_COMMUNE
    path.write_bytes(path.read_bytes() + b"# edited\n")
    reads.clear()
    focused()
    assert str(path) in reads
    assert stamp_rows(country) == [str(path)]  # one file read again: a row beside the snapshot, not a new snapshot
    reads.clear()
    loaded = focused()
    assert set(reads) == needed(loaded)  # the row serves it


def test_many_files_read_again_write_a_new_snapshot(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    monkeypatch.setattr(cache_module, "SNAPSHOT_SLACK", 2)
    focused()
    before = snapshot_of(country)
    touched = sorted(every_file(country))[:3]
    for name in touched:
        os.utime(name, ns=(time.time_ns() - 3600 * 10**9,) * 2)  # their change times move: their stamps too
    reads.clear()
    focused()
    assert set(touched) <= set(reads)
    assert stamp_rows(country) == [] and snapshot_of(country) != before
    reads.clear()
    loaded = focused()
    assert set(reads) == needed(loaded)


def test_a_plan_edited_after_a_warm_run_is_read_again(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    focused()
    nation = country / "plans" / "2025" / f"{NATION}.yaml"
    text = nation.read_text(encoding="utf-8")
    assert "title: Kế hoạch công tác" in text
    nation.write_text(text.replace("title: Kế hoạch công tác", "title: Kế hoạch công việc", 1), encoding="utf-8")
    reads.clear()
    loaded = focused(outline=False)  # the whole plan, its document with it
    assert str(nation) in reads
    (plan,) = [loaded_plan.plan for loaded_plan in loaded.plans if loaded_plan.plan.id == NATION]
    assert plan.document.title.startswith("Kế hoạch công việc")


def test_a_command_about_one_plan_reads_that_units_plans_whole_and_its_neighbours_outlines(country, monkeypatch):
    """``render`` and ``new`` work on the plan named; of its parent and children they read what
    the cascade reads (the outline the cache keeps), never their schedules and goals."""
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    parsed: list[str] = []
    original = loader.load_text

    def parse(name: str, *rest: Any) -> Any:
        parsed.append(name)
        return original(name, *rest)

    monkeypatch.setattr(loader, "load_text", parse)
    loaded = focused(outline=False)
    kept = {loaded_plan.plan.id: loaded_plan.plan for loaded_plan in loaded.plans}
    nation, provinces = kept.pop(NATION), sorted(kept)
    assert provinces == ["p01", "p02"]
    assert nation.goals and [len(a.sections) for a in nation.appendices if a.kind == "schedule"] != [0]
    for province in provinces:
        assert kept[province].goals == []
        assert [len(a.sections) for a in kept[province].appendices if a.kind == "schedule"] in ([], [0])
    assert set(parsed) == {os.path.join("plans", "2025", f"{NATION}.yaml")}  # the one file parsed whole again


def test_a_change_keeping_size_and_modification_time_is_seen_through_the_snapshot(country, reads, monkeypatch):
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    assert snapshot_of(country) is not None and stamp_rows(country) == []
    path = country / OTHER_COMMUNE
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("year: 2025", "year: 2024", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    focused()
    assert str(path) in reads


def forge_snapshot(root: Path, path: Path, like: Path, seen: int) -> None:
    """A snapshot as the cache would write it had it seen ``path``'s stamp with ``like``'s bytes
    (its digest and header), at ``seen``; every other file's entries kept as they are."""
    opened, _notice = Cache.open(root, JOB.namespace())
    assert opened is not None
    files = sorted(every_file(root))
    entries = {name: (*entry, opened._headers[entry[2]]) for name, entry in opened.snapshot(files).items()}
    likeness = entries[str(like)]
    entries[str(path)] = (stamp_of(os.stat(path)), seen, likeness[2], likeness[3])
    opened.put_snapshot(entries)
    opened.close()


@pytest.mark.parametrize("racily_clean", [True, False])
def test_the_racily_clean_rule_holds_for_each_entry_of_the_snapshot(country, reads, racily_clean):
    """A snapshot's entry taken within RACY_SECONDS of its file's change is not trusted (the
    file is read); one taken well after it stands for the file's bytes (here a forged one, which
    only the cache itself can write), as the rows' entries do."""
    focused()
    path = country / OTHER_COMMUNE
    old = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(old, old))
    sibling = country / OTHER_COMMUNE.replace("-c01", "-c02")
    os.utime(sibling, ns=(old, old))
    focused()  # the sibling's entry, read again: now a row
    forge_snapshot(country, path, sibling, os.stat(path).st_ctime_ns if racily_clean else time.time_ns() + 3600 * 10**9)
    assert stamp_rows(country) == []
    reads.clear()
    loaded = focused()
    assert (str(path) in reads) is racily_clean
    assert str(path) not in needed(loaded)


@pytest.mark.parametrize(
    "tamper", ["two digests swapped", "a header changed", "its checksum", "of the wrong shape, signed", "another repository's"]
)
def test_a_damaged_or_forged_snapshot_is_a_miss(country, reads, monkeypatch, tmp_path, tamper):
    """Nothing of a snapshot whose checksum does not hold is trusted (every file is read, the
    results are those without the cache: conftest's twin load), nor of one of another shape; the
    run writes it anew."""
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    found = snapshot_of(country)
    assert found is not None
    body, checksum = found
    columns = json.loads(body)
    at = columns["paths"].index(str(Path(OTHER_COMMUNE)))
    if tamper == "two digests swapped":
        digests = [columns["digests"][n : n + 32] for n in range(0, len(columns["digests"]), 32)]
        digests[at], digests[at + 1] = digests[at + 1], digests[at]
        columns["digests"] = "".join(digests)
        body = json.dumps(columns, separators=(",", ":"))
    elif tamper == "a header changed":
        columns["headers"][at][2] = NATION
        body = json.dumps(columns, separators=(",", ":"))
    elif tamper == "its checksum":
        checksum = bytes(len(checksum))
    elif tamper == "of the wrong shape, signed":
        columns["digests"] = columns["digests"][:-32]
        body = json.dumps(columns, separators=(",", ":"))
        checksum = signed(country, body)
    else:
        other = tmp_path / "other"
        shutil.copytree(country, other, ignore=shutil.ignore_patterns(FOLDER))
        monkeypatch.chdir(other)
        focused()
        body, checksum = snapshot_of(other)  # type: ignore[misc]
        monkeypatch.chdir(country)
    write_snapshot(country, body, checksum)
    reads.clear()
    focused()
    assert set(reads) == every_file(country)
    reads.clear()
    loaded = focused()
    assert set(reads) == needed(loaded)


def test_headers_of_a_signed_snapshot_are_still_checked(country, reads, monkeypatch):
    """A snapshot with a good checksum whose headers are not headers (a crafted database with the
    cache's own key): each is a miss, read from its file, never a traceback."""
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    focused()
    body, _checksum = snapshot_of(country)  # type: ignore[misc]
    columns = json.loads(body)
    columns["headers"] = [["x", "2025", None, None, [], False, None], *(["[]"] * (len(columns["headers"]) - 1))]
    body = json.dumps(columns, separators=(",", ":"))
    write_snapshot(country, body, signed(country, body))
    loaded = focused()
    assert [plan.plan.id for plan in loaded.plans if plan.plan.id == NATION] == [NATION]
