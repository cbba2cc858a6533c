"""The default engine: asyncio in this process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncGenerator, AsyncIterator, Iterator

from extractor.config import RunConfig, open_extractor
from extractor.engines import SkipCheck, register
from extractor.errors import refuse_running_loop
from extractor.reader import Input, read_one
from extractor.runner import Item, iter_batch
from extractor.schemas import ArticleResult


class AsyncioEngine:
    def results(
        self,
        inputs: list[Input],
        config: RunConfig,
        *,
        concurrency: int,
        ordered: bool,
        skip: SkipCheck | None = None,
    ) -> Iterator[ArticleResult]:
        """The results one by one, on an event loop of their own (asyncio.Runner turns
        Ctrl-C into cancelling the articles under way, then KeyboardInterrupt here).

        The loop runs until at least one result is ready, then every result ready by then
        is handed over: not one `Runner.run` per result, as each swaps the SIGINT handler
        twice. The task it runs returns nothing: Python's signal module builds the repr of
        that task (with its result) while swapping, which for a whole ArticleResult cost
        more than writing its line."""
        refuse_running_loop("iterating extractor.extract_batch(...)", "async for ... in extractor.aextract_batch(...)")
        with asyncio.Runner() as runner:
            ready = _Ready(self.aresults(inputs, config, concurrency=concurrency, ordered=ordered, skip=skip))
            try:
                while True:
                    runner.run(ready.wait())
                    if not (batch := ready.take()):
                        return
                    yield from batch
            finally:
                runner.run(ready.aclose())

    async def aresults(
        self,
        inputs: list[Input],
        config: RunConfig,
        *,
        concurrency: int,
        ordered: bool,
        skip: SkipCheck | None = None,
    ) -> AsyncGenerator[ArticleResult, None]:
        # `concurrency` requests at the endpoint; twice as many articles in the
        # pipeline, so finished answers are processed while new requests wait.
        async with open_extractor(config, max_in_flight=concurrency) as extractor, _old_objects_frozen():
            pending = _pending(inputs, config, skip)
            stream = iter_batch(pending, extractor.extract, concurrency=2 * concurrency, ordered=ordered)
            try:
                async for result in stream:
                    yield result
            finally:
                await stream.aclose()


@contextlib.asynccontextmanager
async def _old_objects_frozen() -> AsyncIterator[None]:
    """The objects alive when the run starts (modules, schemas, tables) left out of garbage
    collection until it ends: a full collection walked all of them (~250,000) every few hundred
    articles, about 0.8 ms of CPU per article with realistic answers. Nothing is lost: they
    are handed back to the collector at the end. Left alone when someone else froze objects."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _pending(inputs: list[Input], config: RunConfig, skip: SkipCheck | None) -> Iterator[Item]:
    """Read inputs one at a time (memory stays flat), leaving out those already done."""
    for source in inputs:
        item = read_one(source.path, source.article_id, max_chars=config.max_article_chars)
        if skip is not None and item.sha256 is not None and skip(item.path, item.sha256):
            continue
        yield item


class _Ready:
    """Results of an async stream, collected by a task of their own as they come."""

    def __init__(self, stream: AsyncGenerator[ArticleResult, None]) -> None:
        self._stream = stream
        self._results: list[ArticleResult] = []
        self._arrived = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    async def wait(self) -> None:
        """Until a result is ready or the stream has ended; raises what the stream raised."""
        if self._pump is None:
            self._pump = asyncio.create_task(self._collect())
        while not self._results and not self._pump.done():
            # The pump's end (an exception too) wakes this wait: see _collect's finally.
            await self._arrived.wait()
            self._arrived.clear()
        if not self._results and self._pump.done():
            self._pump.result()

    def take(self) -> list[ArticleResult]:
        """The results ready (an empty list after `wait`: the stream has ended)."""
        results, self._results = self._results, []
        return results

    async def _collect(self) -> None:
        try:
            async for result in self._stream:
                self._results.append(result)
                self._arrived.set()
        finally:
            self._arrived.set()

    async def aclose(self) -> None:
        if self._pump is not None and not self._pump.done():
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        await self._stream.aclose()


register("asyncio")(AsyncioEngine)
