"""Progress on stderr: a live bar on a terminal; in a log (not a terminal), one plain line
every PROGRESS_SECONDS, so a long run under nohup, cron or CI shows it is alive, even while
one slow article (a local model: minutes each) finishes nothing for a long time."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm

from extractor.summary import RunStats

PROGRESS_SECONDS = 30.0


class Progress:
    def __init__(
        self,
        total: int,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        interval: float = PROGRESS_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        stats: RunStats | None = None,
        heartbeat: bool = True,
    ) -> None:
        stream = stream or sys.stderr
        self._total = total
        self._stream = stream
        self._terminal = _is_terminal(stream)
        self._log_lines = not quiet and not self._terminal
        self._interval = interval
        self._clock = clock
        self._started = self._last_line = clock()
        self._done = 0
        self._stats = stats or RunStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        if self._log_lines and heartbeat:
            self._heartbeat = threading.Thread(target=self._beat, name="extractor-progress", daemon=True)
            self._heartbeat.start()
        self._bar = tqdm(
            total=total, unit="article", file=stream, disable=quiet or not self._terminal, dynamic_ncols=True
        )

    def advance(self, stats: RunStats) -> None:
        usage = stats.usage
        self._done += 1
        self._bar.set_postfix(
            ok=stats.ok,
            failed=stats.failed,
            cached=stats.cached,
            events=stats.events,
            requests=usage.requests,
            retries=usage.transport_retries + usage.reasks,
            tokens=usage.prompt_tokens + usage.completion_tokens,
            refresh=False,
        )
        self._bar.update(1)
        self._stats = stats
        if self._log_lines:
            self._line_if_due()

    def _beat(self) -> None:
        # Between finished articles too: a line each interval however long one article takes.
        while not self._stop.wait(self._interval):
            self._line_if_due()

    def _line_if_due(self) -> None:
        with self._lock:
            now = self._clock()
            if now - self._last_line < self._interval:
                return
            self._last_line = now
            elapsed = f"; {now - self._started:.0f} s"
            try:
                self._stream.write(progress_line(self._done, self._total, self._stats) + elapsed + "\n")
                self._stream.flush()
            except (OSError, ValueError):  # stderr gone: progress is not worth failing a run for
                self._stop.set()

    def close(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
        self._bar.close()


def progress_line(done: int, total: int, stats: RunStats) -> str:
    usage = stats.usage
    skipped = f", {stats.skipped} already done" if stats.skipped else ""
    return (
        f"progress: {done}/{total} articles ({stats.ok} ok, {stats.failed} failed, {stats.cached} cached{skipped}); "
        f"{stats.events} events; {usage.requests} requests"
    )


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
