"""Progress on stderr: a live bar on a terminal, silence otherwise (logs stay clean)."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from extractor.summary import RunStats


class Progress:
    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        stream = stream or sys.stderr
        self._bar = tqdm(
            total=total,
            unit="article",
            file=stream,
            disable=quiet or not stream.isatty(),
            dynamic_ncols=True,
        )

    def advance(self, stats: RunStats) -> None:
        usage = stats.usage
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

    def close(self) -> None:
        self._bar.close()
