"""Where result lines go, without ever losing what a user already has.

- One writer per output file: an exclusive lock (`<out>.lock`, holding the holder's pid)
  for the whole run, resume and compaction included; a second run is refused, naming it.
- A new run writes to a temporary file next to the output and renames it over the old
  file only when the run ends, so a run that fails never empties an existing file.
  (Interrupted, it keeps both: the old lines and the new ones, the newest winning.)
- `--resume` appends to the existing file, so an interruption at any moment loses
  nothing, then rewrites it once at the end (`compact`): one line per input, in input
  order, the newest line of each input winning.
- An existing output is only ever replaced or compacted when its lines are result lines.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from extractor.errors import UserError
from extractor.results_io import newest_wins


def source_key(path: str) -> str:
    """How resume recognises an article across runs by its path: resolved, so `seeds/a.txt`
    and `/abs/seeds/a.txt` are one article. A path typed relative to another working
    directory resolves elsewhere; then the article's sha256 recognises it (`ResumeIndex`)."""
    return path if path == "-" else os.path.realpath(path)


@dataclass(frozen=True)
class _Line:
    offset: int
    ok: bool  # ok and whole: a partial line (a chunk or pass failed) is read again, as a failed one is
    answer_key: str | None
    sha256: str | None


class ResumeIndex:
    """The newest line of each article in an existing result file.

    An article of this run is the line of its resolved path or, when there is none, a line
    of the same bytes (sha256) whose path is none of this run's inputs: the same file
    spelled relative to another working directory, or moved. Each such line stands for
    one article of this run only, so two inputs with equal bytes still get a line each."""

    def __init__(self, path: Path, sources: Sequence[str] = ()) -> None:
        self.path = path
        self._latest: dict[str, _Line] = newest_wins(self._scan()) if path.is_file() else {}
        self._ours = {source_key(source) for source in sources}
        self._claimed: set[str] = set()
        self._lock = threading.Lock()  # engines may ask from several threads

    def _scan(self) -> Iterator[tuple[str, _Line]]:
        with self.path.open("rb") as handle:
            offset = 0
            for raw in handle:
                record = _record(raw)
                if record is not None:
                    sha256 = record["source"].get("sha256")
                    line = _Line(
                        offset=offset,
                        ok=record.get("status") == "ok" and record.get("partial") is not True,
                        answer_key=record.get("answer_key"),
                        sha256=sha256 if isinstance(sha256, str) else None,
                    )
                    yield source_key(record["source"]["path"]), line
                # a torn last line from a crash is simply redone
                offset += len(raw)

    def _foreign(self, sha256: str | None) -> list[str]:
        """Unclaimed lines of these bytes under a path that is none of this run's inputs, newest first."""
        if sha256 is None:
            return []
        keys = [
            key
            for key, line in self._latest.items()
            if line.sha256 == sha256 and key not in self._ours and key not in self._claimed
        ]
        return sorted(keys, key=lambda key: -self._latest[key].offset)

    def is_done(self, source: str, sha256: str, answer_key: str) -> bool:
        """Ok (and not partial) before, for the same article bytes, prompt, schema, model, server and settings."""
        with self._lock:
            line = self._latest.get(source_key(source))
            if line is not None:
                return line.ok and line.answer_key == answer_key
            for key in self._foreign(sha256):
                found = self._latest[key]
                if found.ok and found.answer_key == answer_key:
                    self._claimed.add(key)
                    return True
            return False

    def lines_for(self, source: str, sha256: str | None) -> list[str]:
        """The keys of the lines that stand for this run's article (claimed, so once only)."""
        key = source_key(source)
        keys = [key] if key in self._latest else []
        foreign = self._foreign(sha256)
        self._claimed.update(foreign)
        return keys + foreign

    def offset_of(self, key: str) -> int | None:
        line = self._latest.get(key)
        return line.offset if line else None

    def earlier_offsets(self) -> list[int]:
        """The lines of articles that are not this run's (by path, nor claimed by their bytes)."""
        return [line.offset for key, line in self._latest.items() if key not in self._ours and key not in self._claimed]


def _record(raw: bytes) -> dict | None:
    """The line as a result record, or None when it is not one."""
    try:
        record = json.loads(raw)
        if isinstance(record, dict) and isinstance(record["source"]["path"], str) and "article_id" in record:
            return record
    except (ValueError, KeyError, TypeError):
        pass
    return None


def compact(path: Path, sources: list[str], sha256s: Mapping[str, str] | None = None) -> None:
    """Rewrite `path` as one line per article (newest line wins): this run's sources in
    their order, then any others the file held from earlier runs, which are kept. A line of
    the same bytes under another spelling of the path (`sha256s`: this run's article hashes
    by resolved path) is the same article, not another one."""
    hashes = sha256s or {}
    latest = ResumeIndex(path, sources)
    chosen: list[int] = []
    for key in dict.fromkeys(source_key(source) for source in sources):
        offsets = [latest.offset_of(line) for line in latest.lines_for(key, hashes.get(key))]
        found = [offset for offset in offsets if offset is not None]
        if found:
            chosen.append(max(found))  # the newest line of the article
    chosen += latest.earlier_offsets()
    temporary = _temporary_beside(path)
    try:
        with path.open("rb") as old, os.fdopen(temporary.fd, "wb") as new:
            for offset in chosen:
                old.seek(offset)
                new.write(old.readline())
        os.replace(temporary.path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary.path)
        raise


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


def refuse_overlaps(reads: Mapping[str, list[str]], writes: Mapping[str, str | None]) -> None:
    """No file is written that is also read, or written twice: each output must differ
    (by resolved path and by inode) from every input and from every other output."""
    seen: list[tuple[str, str, object]] = []
    for flag, paths in reads.items():
        for path in paths:
            if path != "-":
                seen.append((flag, path, _identity(path)))
    for flag, target in writes.items():
        if not target or target == "-":
            continue
        identity = _identity(target)
        for other_flag, other, other_identity in seen:
            if identity == other_identity:
                what = f"input {other}" if other_flag == "PATH" else f"{other_flag} {other}"
                raise UserError(f"{flag} {target} is also {what}; write to another file")
        seen.append((flag, target, identity))


def _identity(path: str) -> object:
    try:
        info = os.stat(path)
        return (info.st_dev, info.st_ino)
    except OSError:
        return os.path.realpath(path)


def refuse_non_results(path: Path, flag: str = "-o") -> None:
    """An existing, non-empty regular file is replaced or compacted only if every line is a
    result line (the last may be torn by a crash): never a README or an article."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        previous: tuple[int, bytes] | None = None
        for number, raw in enumerate(handle, start=1):
            if previous is not None:
                _check_line(path, flag, *previous)
            previous = (number, raw)
        if previous is not None and previous[1].endswith(b"\n"):
            _check_line(path, flag, *previous)


def _check_line(path: Path, flag: str, number: int, raw: bytes) -> None:
    if raw.strip() and _record(raw) is None:
        raise UserError(
            f"{flag} {path} already holds lines that are not result lines (line {number}); "
            "it would be overwritten: choose another file"
        )


def refuse_non_summary(path: Path, flag: str = "--summary") -> None:
    """An existing file is replaced by a run summary only if it is one (a JSON object with
    "articles"): `--summary notes.txt` never destroys notes."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            summary = json.loads(handle.read(1_000_000))
        if isinstance(summary, dict) and "articles" in summary:
            return
    except (OSError, ValueError):
        pass
    raise UserError(f"{flag} {path} already exists and is not a run summary; choose another file")


def is_regular_or_missing(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return True


class OutputLock:
    """An exclusive lock on one output file for one process, held in `<out>.lock`.

    fcntl locks are released by the kernel when the process dies, so a crashed run never
    leaves a stale lock; the file holds the holder's pid and host only to name it."""

    def __init__(self, target: Path, flag: str = "-o") -> None:
        self.path = target.with_name(target.name + ".lock")
        self._fd: int | None = None
        for _ in range(5):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_holder(fd)
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise UserError(f"{flag} {target}: cannot lock it ({exc.strerror})") from None
                raise UserError(
                    f"{flag} {target} is being written by another run ({holder}); "
                    "wait for it to finish or write to another file"
                ) from None
            # The holder may have removed the lock file between our open and our lock:
            # then we locked a file nobody else sees; start again on the current one.
            if _same_inode(fd, self.path):
                os.ftruncate(fd, 0)
                os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
                self._fd = fd
                return
            os.close(fd)
        raise UserError(f"{flag} {target}: cannot take its lock; try again")

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = None


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "holder unknown"


def _same_inode(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except OSError:
        return False


@dataclass(frozen=True)
class _Temporary:
    fd: int
    path: str


def _temporary_beside(target: Path) -> _Temporary:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    # mkstemp makes it 0600; renamed over the target it must keep the target's mode (or,
    # new, the mode any new file gets here), or a shared result file turns private.
    with contextlib.suppress(OSError):  # a file system without modes: nothing to keep
        os.fchmod(fd, _mode_for(target))
    return _Temporary(fd, name)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        # The umask can only be read by setting it; this runs before any worker thread.
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def resolve_target(target: Path) -> Path:
    """Where a write to `target` lands: through a symlink, its target, so replacing the
    file (a temporary renamed over it) replaces the linked file, not the link."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def create_beside(target: Path, flag: str) -> tuple[IO[str], str]:
    """A new temporary file next to `target` (so a rename replaces it atomically); creating
    it now checks that the folder takes files, before any article is paid for."""
    try:
        temporary = _temporary_beside(target)
    except OSError as exc:
        raise UserError(f"{flag} {target}: cannot write there ({exc.strerror}); choose another file") from None
    return os.fdopen(temporary.fd, "w", encoding="utf-8"), temporary.path


class ResultSink:
    """The output of one batch: nothing (None), stdout ("-"), a new file (written beside,
    renamed at the end), an existing file resumed (appended, then compacted), or a
    device/pipe written in place."""

    def __init__(self, output: str | None, *, resume: bool) -> None:
        self.output = output
        self.resume = resume
        self._lock: OutputLock | None = None
        self._temporary: str | None = None
        self.stream: IO[str]
        if output is None:  # the library's default: results are returned, not printed
            self.stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed in finish/abandon
            return
        if output == "-":
            self.stream = sys.stdout
            return
        target = resolve_target(writable_path(output))
        self.target = target
        if not is_regular_or_missing(target):  # /dev/null, a FIFO: nothing to lock or rename
            self.stream = _open(target, "a", output)
            return
        refuse_non_results(target)
        self._lock = OutputLock(target)
        try:
            if resume:
                drop_torn_tail(target)
                self.stream = _open(target, "a", output)
            else:
                self.stream, self._temporary = create_beside(target, "-o")
        except BaseException:
            self._lock.release()
            raise

    def finish(self, sources: list[str], *, complete: bool, sha256s: Mapping[str, str] | None = None) -> None:
        """Put the lines in place and let go of the file. Incomplete (interrupted or failed),
        a new run's lines are added to the old file rather than replacing it."""
        try:
            if self.stream is not sys.stdout:
                self._close_stream(complete=complete)
            if self._temporary is not None:
                self._place_new_lines(sources, complete=complete, sha256s=sha256s)
            elif self.resume and self._lock is not None:
                compact(self.target, sources, sha256s)
        finally:
            if self._lock is not None:
                self._lock.release()

    def abandon(self) -> None:
        """Let go of a sink no line was written to: the old file stays exactly as it was."""
        try:
            if self.stream is not sys.stdout:
                with contextlib.suppress(OSError):
                    self.stream.close()
            if self._temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._temporary)
                self._temporary = None
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _close_stream(self, *, complete: bool) -> None:
        try:
            self.stream.close()
        except OSError as exc:
            if complete:
                raise UserError(f"-o {self.output}: cannot write ({exc.strerror}); choose another file") from None
            # The run already stops for a reason of its own; that one is what the user sees.

    def _place_new_lines(self, sources: list[str], *, complete: bool, sha256s: Mapping[str, str] | None) -> None:
        assert self._temporary is not None
        temporary, self._temporary = self._temporary, None
        had_lines = self.target.is_file() and self.target.stat().st_size > 0
        if complete or not had_lines:
            os.replace(temporary, self.target)
            return
        # Interrupted over an existing file: keep the old lines and the new ones; the
        # newest line of each article wins, so --resume continues from here.
        drop_torn_tail(self.target)
        with open(temporary, "rb") as new, self.target.open("ab") as old:
            old.write(new.read())
        os.unlink(temporary)
        compact(self.target, sources, sha256s)


def _open(target: Path, mode: str, given: str) -> IO[str]:
    try:
        return target.open(mode, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"-o {given}: cannot write ({exc.strerror}); choose another file") from None


def write_text_beside(target: Path, text: str) -> None:
    """Write a whole file through a temporary beside it: the old file stays whole until the
    new one is complete (a full disk or a crash never leaves half a report)."""
    target = resolve_target(target)
    if not is_regular_or_missing(target):
        with _open(target, "w", str(target)) as handle:
            handle.write(text)
        return
    handle, temporary = create_beside(target, "-o")
    try:
        with handle:
            handle.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UserError(f"-o {target}: cannot write ({exc.strerror}); choose another file") from None
