"""A small SQLite store for GitHub responses: conditional requests, freshness, and restart survival.

Entries are keyed by method + URL + Accept + a hash of the token's identity (never the token), and
hold the validators (ETag, Last-Modified), the body and the next-page link, so a 304 replays both the
body and the pagination. JSON bodies only, never pickle. WAL and a busy timeout let several server
processes share one file; a corrupt file is set aside and rebuilt, never fatal.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: recovery from a damaged file is not serialised between processes
    fcntl = None

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_link TEXT,
    body BLOB NOT NULL,
    stored_at REAL NOT NULL
)
"""


def token_identity(token: str | None) -> str:
    """A stable, non-reversible name for the credentials, so two tokens never share entries."""
    if not token:
        return "anonymous"
    return "t:" + hashlib.sha256(b"chaoss-mcp token identity\0" + token.encode()).hexdigest()[:20]


def cache_key(method: str, url: str, accept: str, identity: str, body: bytes = b"") -> str:
    digest = hashlib.sha256()
    for part in (method.upper(), url, accept, identity):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    url: str
    etag: str | None
    last_modified: str | None
    next_link: str | None
    body: bytes
    stored_at: float

    def age(self, now: float) -> float:
        return now - self.stored_at


class HttpCache:
    """Thread-safe; every operation is one short transaction."""

    def __init__(self, path: Path, *, now: Callable[[], float] = time.time, busy_timeout: float = 0.5) -> None:
        self.path = path
        self._now = now
        # How long a statement waits for another process's write. Short: statements run on the event loop,
        # and a write that cannot wait is skipped (a cache, never an answer).
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._disabled = False  # a rebuild failed: the process goes on without the cache
        self.hits = 0
        self.revalidated = 0
        self.stores = 0
        self.rebuilt = False
        self._conn = self._open()

    # -- opening, and recovering from a damaged file -------------------------------------------
    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            return self._connect()
        except sqlite3.OperationalError as exc:
            # Busy past the timeout, or not openable: not damage, so never set aside. The caller runs
            # without a cache (state.open_cache treats OSError that way).
            raise OSError(f"the HTTP cache {self.path} cannot be opened: {exc}") from exc
        except sqlite3.DatabaseError:
            return self._recover()

    def _recover(self) -> sqlite3.Connection:
        """Set the damaged file aside and start a new one, once, however many processes found it damaged.

        Under a lock shared by every process using the file, the file is tried again first: another
        process may have rebuilt it already, and moving that healthy file aside would split the cache.
        """
        with self._recovery_lock():
            try:
                return self._connect()
            except sqlite3.OperationalError:
                raise  # busy, locked or unopenable: not damage, so the file stays where it is
            except sqlite3.DatabaseError as exc:
                self._set_aside(exc)
            return self._connect()

    @contextmanager
    def _recovery_lock(self) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        fd = os.open(str(self.path) + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # and with it the lock

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            # Created owner-only before SQLite touches it: bodies may be from private repositories.
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout, check_same_thread=False, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            row = conn.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise sqlite3.DatabaseError(f"quick_check failed: {row}")
            conn.execute(_SCHEMA)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        for suffix in ("", "-wal", "-shm"):
            side = Path(str(self.path) + suffix)
            if side.exists():
                os.chmod(side, 0o600)
        return conn

    def _set_aside(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
        log.warning("HTTP cache %s is unreadable (%s); moving it to %s and starting afresh", self.path, exc, aside)
        for suffix in ("", "-wal", "-shm"):
            with suppress(FileNotFoundError):
                os.replace(Path(str(self.path) + suffix), Path(str(aside) + suffix))
        self.rebuilt = True

    def _run(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        """One statement. The cache saves requests, never costs an answer: when it cannot be used this
        time (busy past the timeout, disk full), the statement is skipped as a miss; a damaged file is
        set aside and rebuilt."""
        with self._lock:
            if self._disabled:
                return []
            try:
                return self._conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                log.warning("HTTP cache %s skipped (%s)", self.path, exc)
                return []
            except sqlite3.DatabaseError:
                self._conn.close()
                try:
                    self._conn = self._recover()
                    return self._conn.execute(sql, args).fetchall()
                except (sqlite3.Error, OSError) as exc:
                    # Not again on every statement: each try could set another file aside.
                    self._disabled = True
                    log.warning("HTTP cache %s could not be rebuilt (%s); going on without it", self.path, exc)
                    return []

    # -- the store -----------------------------------------------------------------------------
    def get(self, key: str) -> Entry | None:
        rows = self._run(
            "SELECT url, etag, last_modified, next_link, body, stored_at FROM responses WHERE key = ?", (key,)
        )
        if not rows:
            return None
        url, etag, last_modified, next_link, body, stored_at = rows[0]
        return Entry(
            url=str(url),
            etag=etag if isinstance(etag, str) else None,
            last_modified=last_modified if isinstance(last_modified, str) else None,
            next_link=next_link if isinstance(next_link, str) else None,
            body=bytes(body) if isinstance(body, bytes | bytearray | memoryview) else str(body).encode(),
            stored_at=float(stored_at),  # type: ignore[arg-type]
        )

    def put(
        self,
        key: str,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        next_link: str | None,
        body: bytes,
    ) -> None:
        self._run(
            "INSERT OR REPLACE INTO responses (key, url, etag, last_modified, next_link, body, stored_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, url, etag, last_modified, next_link, body, self._now()),
        )
        self.stores += 1

    def delete(self, key: str) -> None:
        """Forget one entry (one that could not be read back)."""
        self._run("DELETE FROM responses WHERE key = ?", (key,))

    def touch(self, key: str) -> None:
        """A 304 confirmed the entry: it is fresh again."""
        self._run("UPDATE responses SET stored_at = ? WHERE key = ?", (self._now(), key))

    def stats(self) -> dict[str, object]:
        rows = self._run("SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM responses", ())
        count, size = rows[0] if rows else (0, 0)
        file_size = self.path.stat().st_size if self.path.exists() else 0
        return {
            "path": str(self.path),
            "entries": int(count),  # type: ignore[call-overload]
            "body_bytes": int(size),  # type: ignore[call-overload]
            "file_bytes": file_size,
            "hits": self.hits,
            "revalidated_304": self.revalidated,
            "stores": self.stores,
            "rebuilt_after_corruption": self.rebuilt,
        }

    def close(self) -> None:
        with self._lock:
            self._conn.close()
