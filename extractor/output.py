"""Where result lines go: stdout, a new file, or (with --resume) an existing file.

Resuming appends new lines to the existing file, so an interruption at any
moment loses nothing, then rewrites it once at the end: one line per input, in
input order, the newest line of each input winning.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from extractor.errors import UserError


@dataclass(frozen=True)
class _Line:
    offset: int
    ok: bool
    answer_key: str | None


class ResumeIndex:
    """The newest line of each source path in an existing result file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._latest: dict[str, _Line] = {}
        if path.is_file():
            self._scan()

    def _scan(self) -> None:
        with self.path.open("rb") as handle:
            offset = 0
            for raw in handle:
                try:
                    record = json.loads(raw)
                    source = record["source"]["path"]
                except (ValueError, KeyError, TypeError):
                    offset += len(raw)
                    continue  # a torn last line from a crash is simply redone
                self._latest[source] = _Line(
                    offset=offset, ok=record.get("status") == "ok", answer_key=record.get("answer_key")
                )
                offset += len(raw)

    def is_done(self, source: str, answer_key: str) -> bool:
        """Ok before, for the same article bytes, prompt, schema, model, server and settings."""
        line = self._latest.get(source)
        return line is not None and line.ok and line.answer_key == answer_key

    def offset_of(self, source: str) -> int | None:
        line = self._latest.get(source)
        return line.offset if line else None

    def sources(self) -> list[str]:
        return list(self._latest)


def compact(path: Path, sources: list[str]) -> None:
    """Rewrite `path` as one line per source (newest line wins): this run's sources in
    their order, then any others the file held from earlier runs, which are kept."""
    latest = ResumeIndex(path)
    ours = set(sources)
    earlier = [source for source in latest.sources() if source not in ours]
    temporary = path.with_name(path.name + ".tmp")
    with path.open("rb") as old, temporary.open("wb") as new:
        for source in [*sources, *earlier]:
            offset = latest.offset_of(source)
            if offset is None:
                continue
            old.seek(offset)
            new.write(old.readline())
    os.replace(temporary, path)


def drop_torn_tail(path: Path) -> None:
    """Cut a line left half-written by a crash, so the next line does not fuse with it."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        data = handle.read()
        if data.endswith(b"\n"):
            return
        handle.truncate(data.rfind(b"\n") + 1)


def writable_path(path: str, flag: str = "-o") -> Path:
    """Check an output path before any work is paid for; a bad one is the user's to fix."""
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{flag} {path} is a folder; give a file name")
    if not target.parent.is_dir():
        raise UserError(f"{flag} {path}: folder {target.parent} does not exist; create it first")
    return target


@contextmanager
def open_output(path: str | None, *, append: bool = False) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    target = writable_path(path)
    if append:
        drop_torn_tail(target)
    try:
        handle = target.open("a" if append else "w", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"-o {path}: cannot write ({exc.strerror}); choose another file") from None
    with handle:
        yield handle
