"""The cache of read and checked plan files, on disk, per repository (``.dansokh_cache/``).

Entries are keyed by the digest of a file's bytes, never by its name, size or time: an edit that
keeps both is still a new file, a renamed file is still the same one.  Which digest a file has is
kept too, under its path and its *stamp* (size, modification and change times to the nanosecond,
inode and device, as git's index keeps them), so that a command about one plan need not read every
file's bytes to find its neighbours: a file whose stamp is unchanged has the digest it had.  A
stamp taken within ``RACY_SECONDS`` of the file's last change is *racily clean* (git's word): a
second edit in the same tick of the file system's clock could keep every part of it, so that
file's bytes are read again, never its stamp trusted.  The stamps of a whole repository, with
each file's digest and header, are kept as one *snapshot* (one JSON text, one checksum, read at
once: a command about one plan checks one checksum, not twenty thousand); the few files read
since it was written have rows of their own, and it is written anew when they are many.  A stamp
is checked against its file one by one, from the snapshot as from a row, racily clean files
included.  Each database belongs to
one *namespace*, a digest of everything that decides what an entry holds (dansokh's version, its
code, its catalogues; computed by the caller), so an upgrade starts a new database instead of
trusting an old one.

The cache is trusted with nothing it could not have written itself:

- **Bound to this repository and this dansokh.**  A database is created here, under a temporary
  name, and records its *identity*: the namespace, the repository's real path and its device and
  inode, those of the cache folder, of the database file and of the folder's ``CACHEDIR.TAG``
  (with the time the system gave it, to the nanosecond: no one can set it).  A database whose
  identity is not exactly this one (committed to git and cloned, copied, restored from an
  archive, or made by hand) is never opened for its entries: it is removed and a new one made.
  One exception, asked for by the environment alone: with ``DANSOKH_CACHE_TRUST=ci`` and
  ``DANSOKH_CACHE_DIR`` outside the repository (the folder a CI cache step restores), a database
  of this namespace is taken as this place's own (its identity written anew); what it holds is
  checked as untrusted as ever.  The CI's cache storage is then trusted as much as the CI's
  workflow, which whoever writes that storage can change anyway.
- **Never through a link, never in a folder that is not its own.**  ``.dansokh_cache`` must be a
  real folder of the repository, not a link; the folder (or the one ``DANSOKH_CACHE_DIR`` names)
  is used only when it is empty or new, or already holds dansokh's ``CACHEDIR.TAG``; else the run
  goes on without the cache and says why once.  In its folder dansokh writes only its
  ``CACHEDIR.TAG`` and ``.gitignore`` (atomically: a temporary file renamed over them, so that a
  full disk never leaves them empty; ones found empty or cut short are repaired) and its
  databases, and removes only files named as its databases are (``plans-<16 hex digits>…``).  A
  file of its own names that is a link is removed, never written through; SQLite keeps no
  journal beside the database (there is none to plant).
- **Every entry checked.**  Each entry carries a keyed checksum (the key is a random secret of the
  database) over the file digest it is filed under, its kind and its body: an entry damaged, or
  moved to another file's key, is a miss.  The snapshot's checksum is over the repository's path
  and its whole body: any change to it makes all of it a miss (every file is then read).  What an
  entry holds is then checked again as untrusted data by its reader (``check.files.decode``,
  ``check.files.cached_header``): a bad entry is a miss, never a traceback.
- **Never a failure.**  A cache that cannot be written (a full disk, a read-only folder) or that
  is locked is a run without it; at worst a run reads every file again.

SQLite does the locking, so that pre-commit and CI running at once on one machine share the file
safely.  Bodies are JSON text (never pickle: a cache planted in a repository must not be able to
run code).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..i18n import _

FOLDER = ".dansokh_cache"
ENVIRONMENT = "DANSOKH_CACHE_DIR"
TRUST = "DANSOKH_CACHE_TRUST"  # "ci": a database restored by a CI cache step is taken as this place's
_SCHEMA = 4  # 3: the stamps of files (their digests by path and stat); 4: their snapshot
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is the cache of dansokh (https://bford.info/cachedir/); it can be deleted.\n"
)
_IGNORE = "# created by dansokh\n*\n"
_MARKS = (("CACHEDIR.TAG", _TAG), (".gitignore", _IGNORE))
_DATABASE = re.compile(r"plans-[0-9a-f]{16}(?:-[0-9a-f]{16})?\.sqlite3(?:-journal|-wal|-shm)?\Z")
_COMPANIONS = ("-journal", "-wal", "-shm")
_MARK_LIMIT = 4096  # the marks are a few lines; more is not dansokh's
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
BUSY_SECONDS = 10.0  # how long a run waits for another that holds the database
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED: another run holds it; not a reason to remove it
# a file changed less than this before its stamp was taken may change again with the same stamp (a
# file system's clock ticks coarsely: 2 s on FAT, a few ms on Linux): its bytes are read instead
RACY_SECONDS = 3
# files whose stamps the snapshot does not hold (new, changed, racily clean) kept in rows of their
# own up to this many; beyond it the snapshot is written anew (a few megabytes for the country)
SNAPSHOT_SLACK = 64


class _Busy(Exception):
    """The database is held by another run for longer than a run waits."""


def folder_for(root: Path) -> Path:
    """Where the cache of the repository at ``root`` lives (``DANSOKH_CACHE_DIR`` overrides)."""
    override = os.environ.get(ENVIRONMENT)
    return Path(os.path.abspath(override)) if override else root / FOLDER


def _where(stat_result: os.stat_result) -> str:
    return f"{stat_result.st_dev}:{stat_result.st_ino}"


def _read_small(path: Path) -> str | None:
    """The text of a regular file (not a link) of at most ``_MARK_LIMIT`` bytes; ``None`` else."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        data = os.read(descriptor, _MARK_LIMIT + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    if len(data) > _MARK_LIMIT:
        return None
    return data.decode("utf-8", "replace")


def _write_mark(path: Path, text: str) -> None:
    """``text`` as the whole of ``path``, atomically: a temporary file in the same folder, renamed
    over it (a link at ``path`` is replaced, never written through)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o644)
    try:
        try:
            data = text.encode("utf-8")
            while data:
                data = data[os.write(descriptor, data) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _unlink(path: Path | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def stamp_of(found: os.stat_result) -> str:
    """A file's stamp: what changes when its bytes do (size, times to the nanosecond, inode,
    device), except within one tick of the file system's clock (``racy``)."""
    return f"{found.st_size}:{found.st_mtime_ns}:{found.st_ctime_ns}:{found.st_ino}:{found.st_dev}"


def racy(found: os.stat_result, seen: int) -> bool:
    """Whether a stamp taken at ``seen`` (``time.time_ns()``, before the bytes were read) may
    hide a later change: the file changed within ``RACY_SECONDS`` of it, or after it."""
    return max(found.st_mtime_ns, found.st_ctime_ns) >= seen - RACY_SECONDS * 1_000_000_000


class Stamps:
    """The digests of files whose stamps are as the cache saw them (``digests``: path -> digest),
    and the stamps of files read now, saved for the next run: in rows of their own (``save``), or,
    when many files were not served by the snapshot, in a new snapshot of every file
    (``save_snapshot``)."""

    def __init__(self, cache: Cache, paths: Iterable[str]):
        self.cache = cache
        self.seen = time.time_ns()  # before any of the bytes saved with it are read
        self.digests: dict[str, bytes] = {}
        self.trusted: dict[str, tuple[str, int, bytes]] = {}  # the stamps that stood, for the next snapshot
        self.outside = 0  # files the snapshot did not serve (new, changed, racily clean, in rows)
        wanted = [path for path in paths if cache.holds(path)]
        snapshot, rows = cache.snapshot(wanted), cache.stamps(wanted)  # a row is newer than the snapshot
        for path in wanted:
            entry = rows.get(path) or snapshot.get(path)
            if entry is not None and _stands(path, entry):
                self.digests[path] = entry[2]
                self.trusted[path] = entry
                self.outside += path in rows
            else:
                self.outside += 1

    @property
    def snapshot_stale(self) -> bool:
        """Whether the snapshot is worth writing anew: too many files' stamps are elsewhere."""
        return self.outside > SNAPSHOT_SLACK

    def _stamped(self, digests: dict[str, bytes]) -> dict[str, tuple[str, int, bytes]]:
        """The stamps of files read after ``self.seen``, with their digests (a file changed since
        has a new stamp, or one taken too soon to be trusted)."""
        rows = {}
        for path, digest in digests.items():
            if not self.cache.holds(path):
                continue
            try:
                found = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(found.st_mode):
                rows[path] = (stamp_of(found), self.seen, digest)
        return rows

    def save(self, digests: dict[str, bytes]) -> None:
        """The stamps of these files, whose bytes were read after ``self.seen`` and have these
        digests, as rows beside the snapshot."""
        self.cache.put_stamps(self._stamped(digests))

    def save_snapshot(self, digests: dict[str, bytes], headers: dict[str, tuple[bytes, Any]]) -> None:
        """A new snapshot: the stamps that stood and those of the files read now (``digests``, as
        ``save``), each with its header (``headers``: every file of the repository -> its digest and
        ``Header.to_list``; a file whose digest is not its stamp's is left out: read next time)."""
        entries = {**self.trusted, **self._stamped(digests)}
        self.cache.put_snapshot(
            {
                path: (stamp, seen, digest, headers[path][1])
                for path, (stamp, seen, digest) in entries.items()
                if path in headers and headers[path][0] == digest
            }
        )


def _stands(path: str, entry: tuple[str, int, bytes]) -> bool:
    """Whether a kept stamp is the file's now, taken long enough after its last change."""
    stamp, seen, _digest = entry
    try:
        found = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and stamp_of(found) == stamp and not racy(found, seen)


_SNAPSHOT_KEYS = ("paths", "stamps", "seen", "digests", "headers")


def _snapshot_columns(body: str) -> tuple[list[str], list[str], list[int], list[bytes], list[Any]] | None:
    """The columns of a snapshot's body (relative paths, stamps, when they were taken, digests,
    headers), of the shape ``put_snapshot`` writes (the digests as one hexadecimal text); ``None``
    for a body of any other shape (a miss).  The headers are checked by their reader
    (``check.files.cached_header``)."""
    try:
        columns = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if type(columns) is not dict:
        return None
    paths, stamps, seen, hexadecimal, headers = (columns.get(key) for key in _SNAPSHOT_KEYS)
    if not (type(paths) is type(stamps) is type(seen) is type(headers) is list and type(hexadecimal) is str):
        return None
    if not len(paths) == len(stamps) == len(seen) == len(headers) == len(hexadecimal) // 32:
        return None
    if not set(map(type, paths)) | set(map(type, stamps)) <= {str} or not set(map(type, seen)) <= {int}:
        return None
    try:
        packed = bytes.fromhex(hexadecimal)
    except ValueError:
        return None
    if len(packed) != 16 * len(paths):
        return None
    digests = [packed[at : at + 16] for at in range(0, len(packed), 16)]
    return paths, stamps, seen, digests, headers


class Refused(Exception):
    """Why there is no cache this run: said once to the user."""


def _own_folder(folder: Path, named: bool, root: Path) -> None:
    """Make ``folder`` the cache's folder, or say why it cannot be (``Refused``): ``.dansokh_cache``
    must be a real folder (``named``: the folder of ``DANSOKH_CACHE_DIR``, which may be reached
    through a link its user made, unless the link is inside the repository); an existing folder
    must be empty or hold dansokh's mark."""
    linked = Refused(
        _("the cache folder {folder} is a link, which dansokh does not follow: running without the cache (remove the link, or name another folder in {variable})").format(
            folder=folder, variable=ENVIRONMENT
        )
    )
    follow = named
    try:
        if named and folder.is_relative_to(root):  # inside the repository: no link on its way, as for .dansokh_cache
            if os.path.realpath(folder) != os.path.join(os.path.realpath(root), os.path.relpath(folder, root)):
                raise linked
            follow = False
        found = os.stat(folder) if follow else os.lstat(folder)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise Refused(_("cannot use the cache folder {folder}: {reason}; running without the cache").format(
            folder=folder, reason=error.strerror or error
        )) from None
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise linked
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise Refused(
            _("the cache folder {folder} is not a folder: running without the cache (remove it, or name another folder in {variable})").format(
                folder=folder, variable=ENVIRONMENT
            )
        )
    try:
        if found is None:
            if named:
                os.makedirs(folder, exist_ok=True)
            else:
                os.mkdir(folder)
        elif os.listdir(folder):
            tag = _read_small(folder / "CACHEDIR.TAG")
            if tag is None or not _TAG.startswith(tag):  # empty or cut short by a full disk: still ours
                raise Refused(
                    _("the folder {folder} holds files that are not dansokh's cache (it has no CACHEDIR.TAG of dansokh's): running without the cache, and leaving them as they are (name an empty or new folder in {variable})").format(
                        folder=folder, variable=ENVIRONMENT
                    )
                )
        for name, text in _MARKS:
            if _read_small(folder / name) != text:
                _write_mark(folder / name, text)
    except OSError as error:
        raise Refused(_("cannot write the cache in {folder}: {reason}; running without the cache").format(
            folder=folder, reason=error.strerror or error
        )) from None


def _trusts_ci(folder: Path, root: Path) -> bool:
    """Whether a database restored into ``folder`` by a CI cache step may be taken as this
    place's own: only when the environment says ``DANSOKH_CACHE_TRUST=ci`` (a file of the
    repository cannot) and ``DANSOKH_CACHE_DIR`` names a folder outside the repository (a cache
    committed to the repository is never one); ``Refused`` for another value."""
    value = os.environ.get(TRUST)
    if not value:
        return False
    if value != "ci":
        raise Refused(
            _("{variable}={value!r}: the one value is ci (a cache restored by the CI's cache step); running without the cache").format(
                variable=TRUST, value=value[:40]
            )
        )
    if not os.environ.get(ENVIRONMENT):
        raise Refused(
            _("{variable}=ci needs {folder}, the folder the CI's cache step restores, outside the repository; running without the cache").format(
                variable=TRUST, folder=ENVIRONMENT
            )
        )
    real_folder, real_root = Path(os.path.realpath(folder)), Path(os.path.realpath(root))
    if folder.is_relative_to(root) or real_folder.is_relative_to(real_root):
        raise Refused(
            _("{variable}=ci: the cache folder {folder} is inside the repository, where a cache could have been committed; name a folder outside it in {environment}; running without the cache").format(
                variable=TRUST, folder=folder, environment=ENVIRONMENT
            )
        )
    return True


class Cache:
    """One database of entries for one namespace; every method fails soft."""

    def __init__(self, path: Path, identity: str, adopt: bool = False):
        self.path = path
        self.identity = identity
        self.adopt = adopt  # a database made elsewhere is taken as this place's (DANSOKH_CACHE_TRUST=ci)
        self.connection: sqlite3.Connection | None = None
        self.key = b""
        self._keyed: tuple[bytes, Any] | None = None  # the key, and BLAKE2 with it (``_check``)
        self.root = ""  # the repository's real path: only its files are stamped
        self._headers: dict[bytes, Any] = {}  # header entries read with the stamps, by digest: a text, or a snapshot's list

    @classmethod
    def open(cls, root: Path, namespace: str) -> tuple[Cache | None, str | None]:
        """The cache of the repository at ``root`` for ``namespace``, or ``None`` when none can be
        had; and what to tell the user when the cache is refused (``None``: nothing to say)."""
        folder = folder_for(root)
        try:
            adopt = _trusts_ci(folder, Path(os.path.abspath(root)))
            _own_folder(folder, bool(os.environ.get(ENVIRONMENT)), Path(os.path.abspath(root)))
            real_root = os.path.realpath(root)
            root_at = _where(os.stat(real_root))
            folder_at = _where(os.stat(folder))
            mark = os.lstat(folder / "CACHEDIR.TAG")
        except Refused as refused:
            return None, str(refused)
        except OSError:
            return None, None
        # the file's name: the repository's path and inode; restored by a CI cache step (adopt),
        # the path alone (a runner's checkout is a new folder at the same path every time)
        named_by = real_root if adopt else f"{real_root}\0{root_at}"
        tag = hashlib.blake2b(named_by.encode(), digest_size=8).hexdigest()
        identity = json.dumps(
            [_SCHEMA, namespace, real_root, root_at, folder_at, f"{mark.st_dev}:{mark.st_ino}:{mark.st_ctime_ns}"]
        )
        cache = cls(folder / f"plans-{namespace[:16]}-{tag}.sqlite3", identity, adopt)
        cache.root = os.path.join(real_root, "")
        try:
            for _attempt in range(2):
                if cache._connect() or cache._create():
                    cache._remove_others(folder, tag)
                    return cache, None
        except _Busy:  # another run holds it: this one goes on without it, and leaves it be
            cache.close()
            return None, None
        cache._remove()
        return None, None

    # the database file ---------------------------------------------------------------------

    def _full_identity(self, at: str) -> str:
        """The identity of the database file at ``at`` (device and inode), as a digest: the
        database names no folder of this machine."""
        return hashlib.blake2b(f"{self.identity}\0{at}".encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()

    def _connect(self) -> bool:
        """Open the database at ``self.path`` if it is one this dansokh made here for this
        repository; anything else there is removed."""
        for suffix in _COMPANIONS:  # dansokh keeps no journal: one found here is not its own
            _unlink(f"{self.path}{suffix}")
        try:
            found = os.lstat(self.path)
        except FileNotFoundError:
            return False
        except OSError:
            return False
        if not stat.S_ISREG(found.st_mode) or not self._plain_header():
            self._remove()
            return False
        connection = None
        try:
            connection = self._open_sqlite(self.path)
            connection.execute("BEGIN")
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            connection.execute("COMMIT")
            opened = _where(os.stat(self.path))
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) in _BUSY:
                if connection is not None:
                    connection.close()
                raise _Busy() from None
            self._remove()
            return False
        except (sqlite3.Error, OSError, ValueError):
            self._remove()
            return False
        key = meta.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{64}", key):
            connection.close()
            self._remove()
            return False
        if opened != _where(found) or meta.get("identity") != self._full_identity(opened):
            # a database made elsewhere: copied, committed, planted, or restored by a CI cache step
            if not (self.adopt and opened == _where(found) and self._adopt(connection, opened)):
                connection.close()
                self._remove()
                return False
        self.key = bytes.fromhex(key)
        self.connection = connection
        return True

    def _adopt(self, connection: sqlite3.Connection, opened: str) -> bool:
        """Take a database restored from the CI's cache as this place's own (``DANSOKH_CACHE_TRUST=ci``):
        its identity is written anew; its entries stay untrusted data, each checked as ever."""
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE meta SET value = ? WHERE key = 'identity'", (self._full_identity(opened),))
            connection.execute("COMMIT")
        except sqlite3.Error:
            return False
        return True

    def _plain_header(self) -> bool:
        """Whether the file is an SQLite database in rollback mode (never WAL: SQLite would open
        files beside it) or still empty."""
        try:
            descriptor = os.open(self.path, os.O_RDONLY | _NO_FOLLOW)
        except OSError:
            return False
        try:
            header = os.read(descriptor, 100)
        except OSError:
            return False
        finally:
            os.close(descriptor)
        return len(header) == 100 and header.startswith(b"SQLite format 3\0") and header[18:20] == b"\x01\x01"

    @staticmethod
    def _open_sqlite(path: Path | str) -> sqlite3.Connection:
        connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.execute("PRAGMA cell_size_check = ON")
            connection.execute("PRAGMA mmap_size = 0")
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("PRAGMA synchronous = OFF")
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def _create(self) -> bool:
        """A new database, made under a temporary name and renamed into place with its identity."""
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        connection = None
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o644))
            made = _where(os.stat(temporary))
            connection = self._open_sqlite(temporary)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute("CREATE TABLE headers (digest BLOB PRIMARY KEY, body TEXT NOT NULL, checksum BLOB NOT NULL)")
            connection.execute(
                "CREATE TABLE results (digest BLOB NOT NULL, lang TEXT NOT NULL, body TEXT NOT NULL,"
                " checksum BLOB NOT NULL, PRIMARY KEY (digest, lang))"
            )
            connection.execute(
                "CREATE TABLE stamps (path TEXT PRIMARY KEY, stamp TEXT NOT NULL, seen INTEGER NOT NULL,"
                " digest BLOB NOT NULL, checksum BLOB NOT NULL)"
            )
            connection.execute("CREATE TABLE snapshot (name TEXT PRIMARY KEY, body TEXT NOT NULL, checksum BLOB NOT NULL)")
            connection.execute("INSERT INTO meta VALUES ('identity', ?)", (self._full_identity(made),))
            connection.execute("INSERT INTO meta VALUES ('key', ?)", (secrets.token_hex(32),))
            connection.execute("COMMIT")
            connection.close()
            connection = None
            os.replace(temporary, self.path)
        except (sqlite3.Error, OSError):
            if connection is not None:
                connection.close()
            _unlink(temporary)
            return False
        return self._connect()

    def _remove(self) -> None:
        self.close()
        for suffix in ("", *_COMPANIONS):
            _unlink(f"{self.path}{suffix}")

    def _remove_others(self, folder: Path, tag: str) -> None:
        """Databases of other namespaces of this repository (older versions of dansokh) are of no
        more use; those of other repositories sharing the folder are theirs."""
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            if not _DATABASE.match(name) or name.startswith(self.path.name):
                continue
            stem = name.split(".sqlite3")[0]
            if stem.count("-") == 2 and not stem.endswith(f"-{tag}"):
                continue  # another repository's
            try:
                if not stat.S_ISDIR(os.lstat(folder / name).st_mode):
                    os.unlink(folder / name)
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

    def _check(self, digest: bytes, kind: str, body: str) -> bytes:
        """The keyed checksum of an entry: over the file digest it is filed under, its kind
        (headers, or results in one language) and its body."""
        if self._keyed is None or self._keyed[0] != self.key:  # the key's block hashed once, copied for each entry
            self._keyed = (self.key, hashlib.blake2b(key=self.key, digest_size=16))  # keyed BLAKE2: a MAC
        signed = self._keyed[1].copy()
        signed.update(digest)
        signed.update(b"\0" + kind.encode("utf-8") + b"\0" + body.encode("utf-8", "surrogatepass"))
        return signed.digest()

    def _get(self, query: str, digests: list[bytes], kind: str, extra: tuple = ()) -> dict[bytes, str]:
        if self.connection is None or not digests:
            return {}
        found: dict[bytes, str] = {}
        wanted = set(digests)
        try:
            for start in range(0, len(digests), 500):
                chunk = digests[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for digest, body, checksum in self.connection.execute(query.format(marks=marks), (*extra, *chunk)):
                    if (
                        type(digest) is bytes
                        and digest in wanted
                        and type(body) is str
                        and type(checksum) is bytes
                        and hmac.compare_digest(checksum, self._check(digest, kind, body))
                    ):
                        found[digest] = body
        except (sqlite3.Error, UnicodeError):
            self._failed()
            return {}
        return found

    def known(self, digests: list[bytes], lang: str) -> set[bytes]:
        """Which of these files have results in the cache (their bodies are fetched, and checked,
        later)."""
        if self.connection is None or not digests:
            return set()
        found: set[bytes] = set()
        try:
            for start in range(0, len(digests), 500):
                chunk = digests[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT digest FROM results WHERE lang = ? AND digest IN ({marks})"
                found.update(row[0] for row in self.connection.execute(query, (lang, *chunk)) if type(row[0]) is bytes)
        except sqlite3.Error:
            self._failed()
            return set()
        return found

    def headers(self, digests: list[bytes]) -> dict[bytes, Any]:
        """The header entries of these files: their JSON texts, or the lists the snapshot carries
        (untrusted either way: ``check.files.cached_header`` reads both)."""
        found = {digest: self._headers[digest] for digest in digests if digest in self._headers}
        rest = [digest for digest in digests if digest not in found]
        found.update(self._get("SELECT digest, body, checksum FROM headers WHERE digest IN ({marks})", rest, "headers"))
        return found

    def results(self, digests: list[bytes], lang: str) -> dict[bytes, str]:
        return self._get(
            "SELECT digest, body, checksum FROM results WHERE lang = ? AND digest IN ({marks})", digests, f"results {lang}", (lang,)
        )

    def _put(self, query: str, rows: Iterable[tuple], then: str | None = None) -> None:
        """``query`` for each of ``rows`` (and ``then``, once) in one transaction; skipped when the
        database is held by another run or full, forgotten when it is damaged."""
        if self.connection is None:
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(query, rows)
            if then is not None:
                self.connection.execute(then)
            self.connection.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another run for too long, or a full disk: skip this time
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        except (sqlite3.Error, UnicodeError):
            self._failed()

    def holds(self, path: str) -> bool:
        """Whether a file's stamp may be kept here: a file of this repository (not of a staged
        tree laid out elsewhere, which the cache of its work tree serves)."""
        return bool(self.root) and path.startswith(self.root)

    def _stamp_body(self, path: str, stamp: str, seen: int) -> str:
        return f"{path}\0{stamp}\0{seen}"

    def stamps(self, paths: list[str]) -> dict[str, tuple[str, int, bytes]]:
        """The stamps kept in rows for these files (those read since the snapshot was written):
        path -> (stamp, when it was taken, digest), each row's checksum checked (a row damaged or
        moved to another path is a miss)."""
        if self.connection is None or not paths:
            return {}
        found: dict[str, tuple[str, int, bytes]] = {}
        wanted = set(paths)
        query = (
            "SELECT s.path, s.stamp, s.seen, s.digest, s.checksum, h.body, h.checksum"
            " FROM stamps AS s LEFT JOIN headers AS h ON h.digest = s.digest"
        )
        try:  # one pass over the table: it holds this repository's files only (``keep_only``)
            for path, stamp, seen, digest, checksum, body, signed in self.connection.execute(query):
                if (
                    type(path) is str
                    and path in wanted
                    and type(stamp) is str
                    and type(seen) is int
                    and type(digest) is bytes
                    and type(checksum) is bytes
                    and hmac.compare_digest(checksum, self._check(digest, "stamp", self._stamp_body(path, stamp, seen)))
                ):
                    found[path] = (stamp, seen, digest)
                    if type(body) is str and type(signed) is bytes and hmac.compare_digest(signed, self._check(digest, "headers", body)):
                        self._headers[digest] = body  # for ``headers``, asked next: no second query
        except (sqlite3.Error, UnicodeError):
            self._failed()
            return {}
        return found

    def _snapshot_check(self, body: str) -> bytes:
        """The keyed checksum of the snapshot: over the repository it is of and the whole body."""
        return self._check(self.root.encode("utf-8", "surrogatepass"), "snapshot", body)

    def snapshot(self, paths: list[str]) -> dict[str, tuple[str, int, bytes]]:
        """The stamps the snapshot keeps (of these files, and maybe others): path -> (stamp, when
        it was taken, digest), with one checksum over the whole snapshot (damaged, forged, or of
        another repository: a miss, nothing); its headers are kept for ``headers``, asked next."""
        if self.connection is None or not paths:
            return {}
        try:
            row = self.connection.execute("SELECT body, checksum FROM snapshot WHERE name = 'stamps'").fetchone()
            if row is None or type(row[0]) is not str or type(row[1]) is not bytes:
                return {}
            if not hmac.compare_digest(row[1], self._snapshot_check(row[0])):
                return {}
        except (sqlite3.Error, UnicodeError):
            self._failed()
            return {}
        columns = _snapshot_columns(row[0])
        if columns is None:
            return {}
        relatives, stamps, seen, digests, headers = columns
        self._headers.update(zip(digests, headers))  # still to be checked by their reader, as any header entry
        return dict(zip(map(self.root.__add__, relatives), zip(stamps, seen, digests)))

    def put_snapshot(self, entries: dict[str, tuple[str, int, bytes, Any]]) -> None:
        """Every file's stamp, digest and header (``Header.to_list``) as one snapshot, in place of
        the one before and of the rows of stamps, which it holds."""
        cut, held = len(self.root), [(path, entry) for path, entry in entries.items() if self.holds(path) and len(entry[2]) == 16]
        columns = {
            "paths": [path[cut:] for path, _entry in held],
            "stamps": [entry[0] for _path, entry in held],
            "seen": [entry[1] for _path, entry in held],
            "digests": b"".join(entry[2] for _path, entry in held).hex(),
            "headers": [entry[3] for _path, entry in held],
        }
        body = json.dumps(columns, separators=(",", ":"))
        self._put("INSERT OR REPLACE INTO snapshot VALUES ('stamps', ?, ?)", [(body, self._snapshot_check(body))], "DELETE FROM stamps")

    def put_stamps(self, entries: dict[str, tuple[str, int, bytes]]) -> None:
        if not entries:
            return
        self._put(
            "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?)",
            (
                (path, stamp, seen, digest, self._check(digest, "stamp", self._stamp_body(path, stamp, seen)))
                for path, (stamp, seen, digest) in entries.items()
            ),
        )

    def put_headers(self, entries: dict[bytes, str]) -> None:
        self._put(
            "INSERT OR REPLACE INTO headers VALUES (?, ?, ?)",
            ((digest, body, self._check(digest, "headers", body)) for digest, body in entries.items()),
        )

    def put_results(self, entries: dict[bytes, str], lang: str) -> None:
        kind = f"results {lang}"
        self._put(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
            ((digest, lang, body, self._check(digest, kind, body)) for digest, body in entries.items()),
        )

    def keep_only(self, digests: set[bytes], paths: Iterable[str] | None = None) -> None:
        """Forget the entries of files that are no longer in the repository (and, given the
        repository's ``paths``, the stamps of every other file)."""
        if self.connection is None:
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute("CREATE TEMP TABLE IF NOT EXISTS keep (digest BLOB PRIMARY KEY)")
            self.connection.execute("DELETE FROM keep")
            self.connection.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((d,) for d in digests))
            self.connection.execute("DELETE FROM headers WHERE digest NOT IN (SELECT digest FROM keep)")
            self.connection.execute("DELETE FROM results WHERE digest NOT IN (SELECT digest FROM keep)")
            if paths is not None:
                self.connection.execute("CREATE TEMP TABLE IF NOT EXISTS kept (path TEXT PRIMARY KEY)")
                self.connection.execute("DELETE FROM kept")
                self.connection.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((path,) for path in paths))
                self.connection.execute("DELETE FROM stamps WHERE path NOT IN (SELECT path FROM kept)")
            self.connection.execute("COMMIT")
        except sqlite3.OperationalError:
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        except sqlite3.Error:
            self._failed()
