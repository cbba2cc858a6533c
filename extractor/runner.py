"""Many articles at once: bounded concurrency, each result handed on as soon as it may be."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable

from extractor.article import Article, Unreadable
from extractor.schemas import ArticleResult

Item = Article | Unreadable

# How many articles may be read ahead of the oldest unfinished one. Bounds memory
# (and the reorder buffer) to a multiple of the concurrency, whatever the corpus size.
READ_AHEAD_FACTOR = 4


async def iter_batch(
    items: Iterable[Item],
    extract: Callable[[Item], Awaitable[ArticleResult]],
    *,
    concurrency: int = 4,
    ordered: bool = True,
) -> AsyncGenerator[ArticleResult, None]:
    """Extract every item and yield one result per item: in input order, or as they finish.

    Closing the iterator early cancels the articles still under way."""
    slots = asyncio.Semaphore(concurrency)

    async def bounded(item: Item) -> ArticleResult:
        async with slots:
            return await extract(item)

    window: deque[asyncio.Task[ArticleResult]] = deque()
    limit = concurrency * READ_AHEAD_FACTOR
    try:
        for item in items:
            window.append(asyncio.create_task(bounded(item)))
            if ordered:
                while window and (window[0].done() or len(window) >= limit):
                    yield await window.popleft()
            elif len(window) >= limit:
                for result in await _finished(window):
                    yield result
        while window:
            if ordered:
                yield await window.popleft()
            else:
                for result in await _finished(window):
                    yield result
    finally:
        for task in window:
            task.cancel()


async def _finished(window: deque[asyncio.Task[ArticleResult]]) -> list[ArticleResult]:
    done, _ = await asyncio.wait(window, return_when=asyncio.FIRST_COMPLETED)
    results = []
    for task in done:
        window.remove(task)
        results.append(task.result())
    return results
