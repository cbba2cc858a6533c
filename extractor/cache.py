"""A content-addressed cache of model answers, so no answer is paid for twice.

The key covers everything that can change the answer: the article's bytes, the
prompt template, the answer schema, the backend and model, and the generation
settings. The value is the validated answer (before grounding and repair, so
those can change without new requests). Only answers are cached, never
failures: a failed article is retried on the next run.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extractor.answer_key import answer_key, answer_schema_sha256
from extractor.errors import UserError
from extractor.schemas import ArticleEvents

__all__ = ["AnswerCache", "CacheStats", "answer_key", "answer_schema_sha256", "default_cache_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    model TEXT NOT NULL,
    created REAL NOT NULL
)
"""


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


class AnswerCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection per process; writes are tiny, so WAL lets several
            # processes (or Ray workers on one machine) share the file.
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(
                f"cannot open the answer cache at {self.path} ({exc}); fix the path or use --no-cache"
            ) from None

    def get(self, key: str) -> ArticleEvents | None:
        row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return ArticleEvents.model_validate_json(row[0])
        except ValidationError:
            return None  # written by an older schema: ask again rather than fail the article

    def put(self, key: str, answer: ArticleEvents, model: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO answers (key, answer, model, created) VALUES (?, ?, ?, ?)",
            (key, answer.model_dump_json(), model, time.time()),
        )

    def stats(self) -> CacheStats:
        count = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        models = dict(self._db.execute("SELECT model, COUNT(*) FROM answers GROUP BY model ORDER BY model"))
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheStats(str(self.path), count, size, models)

    def clear(self) -> int:
        removed = self._db.execute("DELETE FROM answers").rowcount
        self._db.execute("VACUUM")
        return removed

    def close(self) -> None:
        self._db.close()
