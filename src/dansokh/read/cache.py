"""The cache of read and checked plan files, on disk, per repository (``.dansokh_cache/``).

Entries are keyed by the digest of a file's bytes, never by its name, size or time: an edit that
keeps both is still a new file, a renamed file is still the same one.  Each database belongs to
one *namespace*, a digest of everything that decides what an entry holds (dansokh's version, its
code, its catalogues; computed by the caller), so an upgrade starts a new database instead of
trusting an old one.  Every entry carries a checksum of its body, and the database records the
identity of its own file: a database copied from elsewhere (committed to git, say) is foreign
and is thrown away.  A corrupt, truncated or garbage database is removed and rebuilt; a locked
one is skipped.  The cache never changes a result: at worst a run reads every file again.

SQLite does the locking, so that pre-commit and CI running at once on one machine share the file
safely.  Bodies are JSON text (never pickle: a cache planted in a repository must not be able to
run code).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

FOLDER = ".dansokh_cache"
ENVIRONMENT = "DANSOKH_CACHE_DIR"
_SCHEMA = 1
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is the cache of dansokh (https://bford.info/cachedir/); it can be deleted.\n"
)


def _check(body: str) -> bytes:
    return hashlib.blake2b(body.encode("utf-8"), digest_size=8).digest()


def folder_for(root: Path) -> Path:
    """Where the cache of the repository at ``root`` lives (``DANSOKH_CACHE_DIR`` overrides)."""
    override = os.environ.get(ENVIRONMENT)
    return Path(override) if override else root / FOLDER


class Cache:
    """One database of entries for one namespace; every method fails soft."""

    def __init__(self, path: Path):
        self.path = path
        self.connection: sqlite3.Connection | None = None

    @classmethod
    def open(cls, folder: Path, namespace: str) -> "Cache | None":
        """The cache in ``folder`` for ``namespace``, or ``None`` when none can be had."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "# created by dansokh\n*\n")):
                if not (folder / name).exists():
                    (folder / name).write_text(text, encoding="utf-8")
        except OSError:
            return None
        cache = cls(folder / f"plans-{namespace[:16]}.sqlite3")
        for _ in range(2):
            if cache._connect():
                cache._remove_others(folder)
                return cache
            cache._remove()
        return None

    # the database file ---------------------------------------------------------------------

    def _identity(self) -> str:
        stat = self.path.stat()
        return f"{stat.st_dev}:{stat.st_ino}"

    def _connect(self) -> bool:
        try:
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS headers (digest BLOB PRIMARY KEY, body TEXT NOT NULL, checksum BLOB NOT NULL)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS results (digest BLOB NOT NULL, lang TEXT NOT NULL, body TEXT NOT NULL,"
                " checksum BLOB NOT NULL, PRIMARY KEY (digest, lang))"
            )
            identity = self._identity()
            connection.execute("INSERT OR IGNORE INTO meta VALUES ('identity', ?)", (identity,))
            connection.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(_SCHEMA),))
            found = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            connection.execute("COMMIT")
        except (sqlite3.Error, OSError):
            return False
        if found.get("identity") != identity or found.get("schema") != str(_SCHEMA):
            connection.close()  # a database made for another file: copied, or planted
            return False
        self.connection = connection
        return True

    def _remove(self) -> None:
        self.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass

    def _remove_others(self, folder: Path) -> None:
        """Databases of other namespaces (older versions of dansokh) are of no more use."""
        for other in folder.glob("plans-*.sqlite3*"):
            if not other.name.startswith(self.path.name):
                try:
                    other.unlink()
                except OSError:
                    pass

    def _failed(self) -> None:
        """A query failed: the database is corrupt (or gone); start it again next time."""
        self._remove()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except sqlite3.Error:
                pass
            self.connection = None

    # entries -------------------------------------------------------------------------------

    def _get(self, query: str, digests: list[bytes], extra: tuple = ()) -> dict[bytes, str]:
        if self.connection is None or not digests:
            return {}
        found: dict[bytes, str] = {}
        try:
            for start in range(0, len(digests), 500):
                chunk = digests[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for digest, body, checksum in self.connection.execute(query.format(marks=marks), (*extra, *chunk)):
                    if isinstance(body, str) and checksum == _check(body):
                        found[digest] = body
        except sqlite3.Error:
            self._failed()
            return {}
        return found

    def known(self, digests: list[bytes], lang: str) -> set[bytes]:
        """Which of these files have results in the cache (their bodies are fetched later)."""
        if self.connection is None or not digests:
            return set()
        found: set[bytes] = set()
        try:
            for start in range(0, len(digests), 500):
                chunk = digests[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT digest FROM results WHERE lang = ? AND digest IN ({marks})"
                found.update(row[0] for row in self.connection.execute(query, (lang, *chunk)))
        except sqlite3.Error:
            self._failed()
            return set()
        return found

    def headers(self, digests: list[bytes]) -> dict[bytes, str]:
        return self._get("SELECT digest, body, checksum FROM headers WHERE digest IN ({marks})", digests)

    def results(self, digests: list[bytes], lang: str) -> dict[bytes, str]:
        return self._get(
            "SELECT digest, body, checksum FROM results WHERE lang = ? AND digest IN ({marks})", digests, (lang,)
        )

    def _put(self, query: str, rows: Iterable[tuple]) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(query, rows)
            self.connection.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another run for too long: skip this time
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        except sqlite3.Error:
            self._failed()

    def put_headers(self, entries: dict[bytes, str]) -> None:
        self._put(
            "INSERT OR REPLACE INTO headers VALUES (?, ?, ?)",
            ((digest, body, _check(body)) for digest, body in entries.items()),
        )

    def put_results(self, entries: dict[bytes, str], lang: str) -> None:
        self._put(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
            ((digest, lang, body, _check(body)) for digest, body in entries.items()),
        )

    def keep_only(self, digests: set[bytes]) -> None:
        """Forget the entries of files that are no longer in the repository."""
        if self.connection is None:
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute("CREATE TEMP TABLE IF NOT EXISTS keep (digest BLOB PRIMARY KEY)")
            self.connection.execute("DELETE FROM keep")
            self.connection.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((d,) for d in digests))
            self.connection.execute("DELETE FROM headers WHERE digest NOT IN (SELECT digest FROM keep)")
            self.connection.execute("DELETE FROM results WHERE digest NOT IN (SELECT digest FROM keep)")
            self.connection.execute("COMMIT")
        except sqlite3.OperationalError:
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        except sqlite3.Error:
            self._failed()
