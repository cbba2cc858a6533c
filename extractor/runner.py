"""Many articles at once: bounded concurrency, each result handed on as soon as it may be."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

from extractor.reader import Article, Unreadable
from extractor.schemas import ArticleResult

Item = Article | Unreadable

# How many articles may be read ahead of the oldest unfinished one. Bounds memory
# (and the reorder buffer) to a multiple of the concurrency, whatever the corpus size.
READ_AHEAD_FACTOR = 4


async def run_batch(
    items: Iterable[Item],
    extract: Callable[[Item], Awaitable[ArticleResult]],
    emit: Callable[[ArticleResult], None],
    *,
    concurrency: int = 4,
    ordered: bool = True,
) -> None:
    """Extract every item and call `emit` once per item: in input order, or as they finish."""
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
                    emit(await window.popleft())
            elif len(window) >= limit:
                await _emit_finished(window, emit)
        while window:
            if ordered:
                emit(await window.popleft())
            else:
                await _emit_finished(window, emit)
    finally:
        for task in window:
            task.cancel()


async def _emit_finished(window: deque[asyncio.Task[ArticleResult]], emit: Callable[[ArticleResult], None]) -> None:
    done, _ = await asyncio.wait(window, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        window.remove(task)
        emit(task.result())
