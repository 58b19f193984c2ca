"""The on-disk cache is trusted with nothing (issue 19): a cache committed or copied from another
clone is never adopted, a link is never followed out of the repository, a folder that is not
dansokh's is never written to, every entry read back is checked as untrusted data, and a cache
that cannot be written costs time, never the verdict.  Each case compares the run with the cache
with the same run without it (``--no-cache``), and looks at what is outside.

The ward plan (Ngọc Thụy's) is illustrative, made for the tests (tests/test_context.py).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import PLANS, cli, git
from dansokh.check import files as checked_files
from dansokh.load.loader import file_digest
from dansokh.read import cache as cache_module
from dansokh.read.cache import ENVIRONMENT, FOLDER, Cache
from test_context import WARD, WARD_PLAN

PASSING_WARD = WARD_PLAN.replace("value: 3.50", "value: 3.00")  # within Long Biên's ceiling of 3.04 %


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository of the real plans and a ward above its ceiling (C001), the working folder."""
    root = tmp_path / "repo"
    shutil.copytree(PLANS, root / "plans")
    (root / WARD).write_text(WARD_PLAN, encoding="utf-8")
    git(root, "init", "-q", ".")
    monkeypatch.chdir(root)
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    return root


def plain() -> tuple[int, str]:
    result = cli("validate", "plans", "--no-cache")
    return result.exit_code, result.stdout


def cached(env: dict[str, str] | None = None):
    return cli("validate", "plans", env=env)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every name under ``folder`` (links not followed) with its bytes, or where a link points."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "folder"
    return found


def databases(root: Path) -> list[Path]:
    return sorted((root / FOLDER).glob("plans-*.sqlite3"))


def ward_digest(root: Path, text: str = WARD_PLAN) -> bytes:
    return file_digest(text.encode("utf-8"))


def old_checksum(body: str) -> bytes:
    """The checksum entries carried before issue 19: public, so anyone could compute it."""
    return hashlib.blake2b(body.encode("utf-8"), digest_size=8).digest()


# a cache from another clone ------------------------------------------------------------------


@pytest.mark.parametrize("how", ["as written", "without its identity", "identity forged for this clone"])
def test_a_cache_committed_from_another_clone_is_never_adopted(repo, tmp_path, how):
    """A clone's cache whose entries say the ward is within its ceiling, committed to git and
    cloned: the clone's run reads the plans itself and fails as without the cache."""
    assert cached().exit_code == 1
    (database,) = databases(repo)
    with sqlite3.connect(database) as connection:  # the ward's entries now say 3.00: it passes
        for table in ("results", "headers"):
            rows = connection.execute(f"SELECT rowid, body FROM {table}").fetchall()
            for rowid, body in rows:
                forged = body.replace('"value":"3.50"', '"value":"3.00"')
                connection.execute(f"UPDATE {table} SET body = ?, checksum = ? WHERE rowid = ?", (forged, old_checksum(forged), rowid))
        if how != "as written":
            connection.execute("DELETE FROM meta")
    git(repo, "add", "-f", "plans", FOLDER)
    git(repo, "commit", "-q", "-m", "plans, and a cache")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    os.chdir(clone)
    (copy,) = databases(clone)
    committed = copy.read_bytes()
    if how == "identity forged for this clone":  # what the database recorded of itself, predicted here
        with sqlite3.connect(copy) as connection:
            stat = copy.stat()
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('identity', ?)", (f"{stat.st_dev}:{stat.st_ino}",))
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', '1')")
        committed = copy.read_bytes()
    expected = plain()
    assert expected[0] == 1
    result = cached()
    assert (result.exit_code, result.stdout) == expected
    assert (result.exit_code, result.stdout) == (cached().exit_code, cached().stdout)  # and warm afterwards
    assert not copy.exists() or copy.read_bytes() == committed  # never used: not even written to
    assert any(path.read_bytes() != committed for path in databases(clone))  # a database of this clone's own


def test_a_cache_copied_with_the_repository_is_rebuilt(repo, tmp_path):
    """A copy of the whole folder (its cache with it) checks its own plans, not the original's."""
    assert cached().exit_code == 1
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, symlinks=True)
    (copy / WARD).write_text(PASSING_WARD, encoding="utf-8")
    os.chdir(copy)
    expected = plain()
    assert expected[0] == 0
    assert (cached().exit_code, cached().stdout) == expected


# links and folders that are not dansokh's -------------------------------------------------


def outside_folder(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    (outside / "plans-x.sqlite3").write_bytes(b"somebody's database")
    (outside / "plans-0123456789abcdef.sqlite3").write_bytes(b"somebody's other database")
    (outside / "notes.txt").write_text("mine\n", encoding="utf-8")
    return outside


def test_a_cache_folder_that_is_a_link_is_never_followed(repo, tmp_path):
    outside = outside_folder(tmp_path)
    before = snapshot(outside)
    (repo / FOLDER).symlink_to(outside, target_is_directory=True)
    expected = plain()
    result = cached()
    assert (result.exit_code, result.stdout) == expected
    assert snapshot(outside) == before
    assert result.stderr == (
        f"the cache folder {repo / FOLDER} is a link, which dansokh does not follow: running without the"
        " cache (remove the link, or name another folder in DANSOKH_CACHE_DIR)\n"
    )
    assert (repo / FOLDER).is_symlink()  # the link is left as it is


@pytest.mark.parametrize("content", ["somebody's file\n", ""])
@pytest.mark.parametrize("name", ["CACHEDIR.TAG", ".gitignore", "database", "journal", "wal", "shm"])
def test_a_link_inside_the_cache_folder_is_never_followed(repo, tmp_path, name, content):
    """A file of the cache folder that is a link to a file outside (with text, or empty: what a
    journal would be written into): replaced, never written through."""
    assert cached().exit_code == 1
    target = tmp_path / "outside.txt"
    target.write_text(content, encoding="utf-8")
    (database,) = databases(repo)
    path = {
        "CACHEDIR.TAG": repo / FOLDER / "CACHEDIR.TAG",
        ".gitignore": repo / FOLDER / ".gitignore",
        "database": database,
        "journal": Path(f"{database}-journal"),
        "wal": Path(f"{database}-wal"),
        "shm": Path(f"{database}-shm"),
    }[name]
    path.unlink(missing_ok=True)
    path.symlink_to(target)
    expected = plain()
    result = cached()
    assert (result.exit_code, result.stdout) == expected
    assert (cached().exit_code, cached().stdout) == expected
    assert target.read_text(encoding="utf-8") == content


def test_a_cache_folder_that_is_a_file_is_left_alone(repo):
    (repo / FOLDER).write_text("not a folder\n", encoding="utf-8")
    expected = plain()
    result = cached()
    assert (result.exit_code, result.stdout) == expected
    assert (repo / FOLDER).read_text(encoding="utf-8") == "not a folder\n"
    assert result.stderr == (
        f"the cache folder {repo / FOLDER} is not a folder: running without the cache (remove it, or name"
        " another folder in DANSOKH_CACHE_DIR)\n"
    )


def test_a_cache_dir_that_is_not_dansokhs_is_never_written_to(repo, tmp_path):
    outside = outside_folder(tmp_path)
    before = snapshot(outside)
    expected = plain()
    result = cached({ENVIRONMENT: str(outside)})
    assert (result.exit_code, result.stdout) == expected
    assert snapshot(outside) == before
    assert result.stderr == (
        f"the folder {outside} holds files that are not dansokh's cache (it has no CACHEDIR.TAG of"
        " dansokh's): running without the cache, and leaving them as they are (name an empty or new"
        " folder in DANSOKH_CACHE_DIR)\n"
    )
    assert not (repo / FOLDER).exists()


def test_a_new_or_empty_cache_dir_is_dansokhs(repo, tmp_path):
    folder = tmp_path / "caches" / "dansokh"
    expected = plain()
    for _round in range(2):
        result = cached({ENVIRONMENT: str(folder)})
        assert (result.exit_code, result.stdout, result.stderr) == (*expected, "")
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert len(list(folder.glob("plans-*.sqlite3"))) == 1
    assert not (repo / FOLDER).exists()


def test_databases_of_other_versions_are_removed_and_nothing_else(repo):
    assert cached().exit_code == 1
    folder = repo / FOLDER
    (folder / "plans-0123456789abcdef.sqlite3").write_bytes(b"an older dansokh's")
    (folder / "plans-0123456789abcdef.sqlite3-journal").write_bytes(b"")
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    (folder / "plans-mine.sqlite3").write_text("mine\n", encoding="utf-8")
    assert cached().exit_code == 1
    assert not (folder / "plans-0123456789abcdef.sqlite3").exists()
    assert not (folder / "plans-0123456789abcdef.sqlite3-journal").exists()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (folder / "plans-mine.sqlite3").read_text(encoding="utf-8") == "mine\n"


# entries are untrusted data ----------------------------------------------------------------


def put(root: Path, digest: bytes, result: str | None = None, header: str | None = None) -> None:
    """An entry written through the cache itself (carrying a good checksum): what a crafted
    database holds."""
    from dansokh.check.files import namespace

    cache, notice = Cache.open(root, namespace())
    assert cache is not None and notice is None
    if result is not None:
        cache.put_results({digest: result}, "en")
    if header is not None:
        cache.put_headers({digest: header})
    cache.close()


DEEP = "[" * 100_000 + "]" * 100_000


def crafted(kind: str) -> tuple[str | None, str | None]:
    """A result entry and a header entry of the ward of the given kind."""
    body = checked_files.check_file(WARD, WARD_PLAN.encode("utf-8"), 5 << 20)
    header = '["ngoc-thuy",2025,"ngoc-thuy","long-bien",[],false,null]'
    if kind == "deep nesting":
        return body.replace('"suppressions":[]', f'"suppressions":{DEEP}'), DEEP
    if kind == "deep data":
        nested = "{" + '"a":{' * 900 + "}" * 900 + "}"
        return body.replace('"document":{', f'"deep":{nested},"document":{{'), None
    if kind == "huge exponent":
        return body.replace('"value":"3.50"', '"value":"9E+999999999"'), None
    if kind == "not a number":
        return body.replace('"value":"3.50"', '"value":"NaN"'), None
    if kind == "wrong types":
        return body.replace('"diagnostics":[]', '"diagnostics":[["C001","error","x","11",42,[]]]'), header.replace("2025", '"2025"')
    if kind == "wrong shapes":
        return body.replace('"diagnostics":[]', '"diagnostics":[["C001","error","x",11,42,7]]'), '["ngoc-thuy",2025,"ngoc-thuy","long-bien",[[1]],false,[[1]]]'
    if kind == "a line of its own":
        message = "ok\\n::error file=plans/2025/city.yaml,line=1::forged"
        return body.replace('"diagnostics":[]', f'"diagnostics":[["Y001","error","{message}",1,1,[]]]'), None
    if kind == "control characters":
        message = "\\u001b[2Kforged\\r"
        return body.replace('"diagnostics":[]', f'"diagnostics":[["Y001","error","{message}",1,1,[[1,1,"x","\\u0007.yaml"]]]]'), None
    if kind == "unknown code":
        return body.replace('"diagnostics":[]', '"diagnostics":[["ZZZZ","error","forged",1,1,[]]]'), None
    if kind == "not json":
        return body[:-7], "[1,"
    raise AssertionError(kind)


KINDS = [
    "deep nesting",
    "deep data",
    "huge exponent",
    "not a number",
    "wrong types",
    "wrong shapes",
    "a line of its own",
    "control characters",
    "unknown code",
    "not json",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("output", ["text", "github"])
def test_a_crafted_entry_is_a_miss_never_a_traceback_nor_a_verdict(repo, kind, output):
    assert cached().exit_code == 1
    result, header = crafted(kind)
    put(repo, ward_digest(repo), result, header)
    expected = cli("validate", "plans", "--no-cache", "--format", output)
    found = cli("validate", "plans", "--format", output)
    assert (found.exit_code, found.stdout) == (expected.exit_code, expected.stdout) == (1, expected.stdout)
    assert "forged" not in found.stdout
    assert not any(line.startswith("::error file=plans/2025/city.yaml") for line in found.stdout.splitlines())


def test_an_entry_moved_to_another_files_key_is_not_trusted(repo):
    """The entries of a passing ward, moved in the database to the failing ward's key."""
    (repo / WARD).write_text(PASSING_WARD, encoding="utf-8")
    assert cached().exit_code == 0
    (repo / WARD).write_text(WARD_PLAN, encoding="utf-8")
    (database,) = databases(repo)
    with sqlite3.connect(database) as connection:
        for table in ("results", "headers"):
            connection.execute(f"UPDATE {table} SET digest = ? WHERE digest = ?", (ward_digest(repo), ward_digest(repo, PASSING_WARD)))
    expected = plain()
    assert expected[0] == 1
    result = cached()
    assert (result.exit_code, result.stdout) == expected


# a cache that cannot be written ----------------------------------------------------------


def test_a_full_disk_costs_the_cache_never_the_run_and_is_repaired_afterwards(repo, monkeypatch):
    expected = plain()

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        result = cached()
    assert (result.exit_code, result.stdout) == expected
    assert result.stderr == f"cannot write the cache in {repo / FOLDER}: {os.strerror(errno.ENOSPC)}; running without the cache\n"
    for name in ("CACHEDIR.TAG", ".gitignore"):
        assert not (repo / FOLDER / name).exists() or (repo / FOLDER / name).stat().st_size > 0
    result = cached()
    assert (result.exit_code, result.stdout, result.stderr) == (*expected, "")
    assert (repo / FOLDER / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (repo / FOLDER / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert len(databases(repo)) == 1


@pytest.mark.parametrize("content", ["", "Signature: 8a47", "# created by dansokh\n"])
def test_marks_left_empty_or_cut_short_by_a_full_disk_are_repaired(repo, content):
    """What an earlier dansokh left after a full disk: the folder's marks empty or cut short."""
    folder = repo / FOLDER
    folder.mkdir()
    (folder / "CACHEDIR.TAG").write_text(content if content.startswith("Sig") or not content else "", encoding="utf-8")
    (folder / ".gitignore").write_text(content if not content.startswith("Sig") else "", encoding="utf-8")
    expected = plain()
    result = cached()
    assert (result.exit_code, result.stdout, result.stderr) == (*expected, "")
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_database_that_cannot_be_written_costs_only_time(repo):
    """SQLite reports a full disk as it writes the entries: the run goes on without them."""
    assert cached().exit_code == 1
    (database,) = databases(repo)
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM results")
        connection.execute("DELETE FROM headers")
    with sqlite3.connect(database) as connection:
        connection.execute("VACUUM")
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    expected = plain()
    original = sqlite3.connect

    def small(*args, **kwargs):  # as if the disk were full: no page more than it has now
        connection = original(*args, **kwargs)
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", small)
        result = cached()
    assert (result.exit_code, result.stdout) == expected
    assert (cached().exit_code, cached().stdout) == expected


def test_what_a_file_itself_holds_is_not_a_bad_entry(repo):
    """A plan whose id and indicator hold a line break and a bidi mark (reported, and quoted with
    escapes): its own result and header are good entries, checked alone (through the headers) and
    whole, cold and warm."""
    text = WARD_PLAN.replace("indicator: third_child_rate", 'indicator: "third\\nchild\\u202erate"')
    (repo / WARD).write_text(text.replace("id: ngoc-thuy\n", 'id: "ngoc\\nthuy"\n', 1), encoding="utf-8")
    for paths in ([WARD], ["plans"]):
        expected = cli("validate", *paths, "--no-cache")
        assert expected.exit_code == 1 and "S004" in expected.stdout
        for _round in range(2):
            found = cli("validate", *paths)
            assert (found.exit_code, found.stdout) == (expected.exit_code, expected.stdout)


def test_a_database_locked_by_another_run_is_skipped_not_removed(repo, monkeypatch):
    """Another run holds the database for longer than dansokh waits: this run goes on without the
    cache, and leaves the other's database (and its entries) as they are."""
    assert cached().exit_code == 1
    (database,) = databases(repo)
    inode = database.stat().st_ino
    monkeypatch.setattr(cache_module, "BUSY_SECONDS", 0.05)
    expected = plain()
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = cached()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (result.exit_code, result.stdout, result.stderr) == (*expected, "")
    assert databases(repo) == [database] and database.stat().st_ino == inode
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM results").fetchone()[0] > 0


@pytest.mark.parametrize("named", ["cache-link", "sub/cache"])
def test_a_cache_dir_reached_through_a_link_inside_the_repository_is_refused(repo, tmp_path, named):
    """DANSOKH_CACHE_DIR naming a folder of the repository through a link in it (a link that a
    commit can bring): the link is not followed, even to an empty folder."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / named.split("/")[0]).symlink_to(outside, target_is_directory=True)
    expected = plain()
    result = cached({ENVIRONMENT: str(repo / named)})
    assert (result.exit_code, result.stdout) == expected
    assert snapshot(outside) == {}
    assert result.stderr == (
        f"the cache folder {repo / named} is a link, which dansokh does not follow: running without the"
        " cache (remove the link, or name another folder in DANSOKH_CACHE_DIR)\n"
    )
