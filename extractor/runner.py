"""Running many articles: bounded concurrency, results written in input order as they finish."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from extractor.reader import Article, Unreadable
from schemas import ArticleResult, Usage

Item = Article | Unreadable

# How many articles may be read ahead of the oldest unfinished one. Bounds memory
# (and the reorder buffer) to a multiple of the concurrency, whatever the corpus size.
READ_AHEAD_FACTOR = 4


@dataclass
class BatchStats:
    articles: int = 0
    ok: int = 0
    failed: int = 0
    events_by_type: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    usage: Usage = field(default_factory=Usage)

    def add(self, result: ArticleResult) -> None:
        self.articles += 1
        if result.status == "ok":
            self.ok += 1
        else:
            self.failed += 1
        self.events_by_type.update(e.type for e in result.events)
        self.rejected += len(result.rejected)
        self.usage = self.usage.add(result.usage)

    @property
    def events(self) -> int:
        return sum(self.events_by_type.values())


async def run_batch(
    items: Iterable[Item],
    extract: Callable[[Item], Awaitable[ArticleResult]],
    emit: Callable[[ArticleResult], None],
    *,
    concurrency: int = 4,
) -> BatchStats:
    """Extract every item, calling `emit` once per item, in input order."""
    stats = BatchStats()
    slots = asyncio.Semaphore(concurrency)

    async def bounded(item: Item) -> ArticleResult:
        async with slots:
            return await extract(item)

    def finish(result: ArticleResult) -> None:
        stats.add(result)
        emit(result)

    window: deque[asyncio.Task[ArticleResult]] = deque()
    try:
        for item in items:
            window.append(asyncio.create_task(bounded(item)))
            while window and (window[0].done() or len(window) >= concurrency * READ_AHEAD_FACTOR):
                finish(await window.popleft())
        while window:
            finish(await window.popleft())
    finally:
        for task in window:
            task.cancel()
    return stats
