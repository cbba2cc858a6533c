"""A content-addressed cache of model answers, so no answer is paid for twice.

The key covers everything that can change the answer: the article's bytes, the
prompt template, the answer schema, the backend and model, and the generation
settings. The value is the validated answer (before grounding and repair, so
those can change without new requests).

A paid-for failure is remembered too: when the model's final answer failed
validation after every re-ask (or was cut off), the outcome is stored, so that
re-running the same job does not pay again for the same failure
(`--retry-failed` asks again). Transport and request failures bought no
answer and are never stored: the next run retries them.

A damaged file (not a database, a malformed page, a newer schema version) is
detected when it is opened: the run says so once and goes on without a cache,
never failing articles over it; `--cache-reset` or `extractor cache clear`
start a new file.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from extractor.answer_key import answer_key, answer_schema_sha256
from extractor.errors import UserError
from extractor.schemas import ArticleEvents, ErrorInfo

__all__ = [
    "PAID_FOR_FAILURES",
    "AnswerCache",
    "CacheStats",
    "CachedFailure",
    "answer_key",
    "answer_schema_sha256",
    "default_cache_path",
]

log = logging.getLogger(__name__)

# Bumped when the tables change; a file from a newer version is left alone.
SCHEMA_VERSION = 2
_TABLES = (
    """CREATE TABLE IF NOT EXISTS answers (
        key TEXT PRIMARY KEY, answer TEXT NOT NULL, model TEXT NOT NULL, created REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS failures (
        key TEXT PRIMARY KEY, error TEXT NOT NULL, notes TEXT NOT NULL, model TEXT NOT NULL,
        created REAL NOT NULL)""",
)

# Failures that cost a model answer (the error kinds of a result line).
PAID_FOR_FAILURES = frozenset({"validation", "model"})


def default_cache_path() -> Path:
    root = os.environ.get("EXTRACTOR_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "event-extractor"
    )
    return Path(root) / "answers.sqlite"


@dataclass(frozen=True)
class CacheStats:
    path: str
    answers: int
    bytes: int
    models: dict[str, int]
    failures: int = 0
    damaged: str | None = None


@dataclass(frozen=True)
class CachedFailure:
    error: ErrorInfo
    notes: list[str] = field(default_factory=list)


# Paths already reported damaged: the batch's early check and the run both open the file.
_reported: set[str] = set()


class _Damaged(Exception):
    pass


class AnswerCache:
    def __init__(self, path: str | Path, *, reset: bool = False) -> None:
        self.path = Path(path)
        self.damaged: str | None = None
        self._db: sqlite3.Connection | None = None
        if self.path.is_dir():
            raise UserError(f"the answer cache {self.path} is a folder; pass a file path or use --no-cache")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"cannot open the answer cache at {self.path} ({exc}); fix the path or use --no-cache"
            ) from None
        if reset:
            self._remove_files()
        try:
            self._db = self._open()
        except _Damaged as exc:
            self._give_up(str(exc))

    # -- opening --------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            # One connection per process; writes are tiny, so WAL lets several
            # processes (or Ray workers on one machine) share the file.
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise UserError(
                f"cannot open the answer cache at {self.path} ({exc}); fix the path or use --no-cache"
            ) from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            checked = db.execute("PRAGMA quick_check").fetchall()
            if checked != [("ok",)]:
                raise _Damaged("; ".join(str(row[0]) for row in checked[:3]))
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _Damaged(f"written by a newer version of this tool (cache schema {version})")
            for table in _TABLES:
                db.execute(table)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.OperationalError as exc:
            db.close()
            raise UserError(
                f"cannot open the answer cache at {self.path} ({exc}); fix the path or use --no-cache"
            ) from None
        except sqlite3.DatabaseError as exc:  # not a database, a malformed page
            db.close()
            raise _Damaged(str(exc)) from None
        except _Damaged:
            db.close()
            raise
        return db

    def _unusable(self, exc: Exception) -> UserError:
        return UserError(f"cannot open the answer cache at {self.path} ({exc}); fix the path or use --no-cache")

    def _give_up(self, problem: str) -> None:
        """Run without the cache from now on, and say so once."""
        if self.damaged is None and str(self.path) not in _reported:
            _reported.add(str(self.path))
            log.warning(
                "the answer cache %s is damaged (%s); running without it. "
                "--cache-reset (or `extractor cache clear`) starts a new one",
                self.path,
                problem,
            )
        self.damaged = problem
        if self._db is not None:
            self._db.close()
            self._db = None

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(f"{self.path}{suffix}").unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise UserError(f"cannot remove the answer cache {self.path}{suffix} ({exc})") from None

    # -- answers and paid-for failures ---------------------------------------

    def get(self, key: str) -> ArticleEvents | None:
        row = self._fetch("SELECT answer FROM answers WHERE key = ?", key)
        if row is None:
            return None
        try:
            return ArticleEvents.model_validate_json(row[0])
        except ValidationError:
            return None  # written by an older schema: ask again rather than fail the article

    def get_failure(self, key: str) -> CachedFailure | None:
        row = self._fetch("SELECT error, notes FROM failures WHERE key = ?", key)
        if row is None:
            return None
        try:
            notes = json.loads(row[1])
            return CachedFailure(ErrorInfo.model_validate_json(row[0]), [str(n) for n in notes])
        except (ValidationError, ValueError, TypeError):
            return None

    def put(self, key: str, answer: ArticleEvents, model: str) -> None:
        self._write(
            ("DELETE FROM failures WHERE key = ?", (key,)),
            (
                "INSERT OR REPLACE INTO answers (key, answer, model, created) VALUES (?, ?, ?, ?)",
                (key, answer.model_dump_json(), model, time.time()),
            ),
        )

    def put_failure(self, key: str, error: ErrorInfo, notes: list[str], model: str) -> None:
        """Remember a failure the model was paid for; others are ignored (never cached)."""
        if error.kind not in PAID_FOR_FAILURES:
            return
        self._write(
            (
                "INSERT OR REPLACE INTO failures (key, error, notes, model, created) VALUES (?, ?, ?, ?, ?)",
                (key, error.model_dump_json(), json.dumps(notes, ensure_ascii=False), model, time.time()),
            ),
        )

    def forget(self, keys: list[str]) -> None:
        """Drop answers stored under `keys` (an article whose processing crashed after them)."""
        for key in keys:
            self._write(("DELETE FROM answers WHERE key = ?", (key,)), ("DELETE FROM failures WHERE key = ?", (key,)))

    def _fetch(self, sql: str, key: str) -> tuple[str, ...] | None:
        if self._db is None:
            return None
        try:
            row: tuple[str, ...] | None = self._db.execute(sql, (key,)).fetchone()
        except sqlite3.DatabaseError as exc:  # damaged under us: never an article's failure
            self._give_up(str(exc))
            return None
        return row

    def _write(self, *statements: tuple[str, tuple[object, ...]]) -> None:
        if self._db is None:
            return
        try:
            for sql, params in statements:
                self._db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            log.warning("could not write to the answer cache %s (%s)", self.path, exc)
        except sqlite3.DatabaseError as exc:
            self._give_up(str(exc))

    # -- maintenance ---------------------------------------------------------

    def stats(self) -> CacheStats:
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        if self._db is None:
            return CacheStats(str(self.path), 0, size, {}, damaged=self.damaged)
        try:
            count = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            failures = self._db.execute("SELECT COUNT(*) FROM failures").fetchone()[0]
            models = dict(self._db.execute("SELECT model, COUNT(*) FROM answers GROUP BY model ORDER BY model"))
        except sqlite3.DatabaseError as exc:
            self._give_up(str(exc))
            return CacheStats(str(self.path), 0, size, {}, damaged=self.damaged)
        return CacheStats(str(self.path), count, size, models, failures)

    def clear(self) -> int:
        """Empty the cache; a damaged file is replaced by a new one. Returns the answers removed."""
        if self._db is not None:
            try:
                removed: int = self._db.execute("DELETE FROM answers").rowcount
                self._db.execute("DELETE FROM failures")
                self._db.execute("VACUUM")
                return removed
            except sqlite3.DatabaseError as exc:
                self._give_up(str(exc))
        self._remove_files()
        self.damaged = None
        self._db = self._open()
        return 0

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
