"""The default engine: asyncio in this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator

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
        Ctrl-C into cancelling the articles under way, then KeyboardInterrupt here)."""
        refuse_running_loop("iterating extractor.extract_batch(...)", "async for ... in extractor.aextract_batch(...)")
        with asyncio.Runner() as runner:
            stream = self.aresults(inputs, config, concurrency=concurrency, ordered=ordered, skip=skip)
            try:
                while True:
                    try:
                        yield runner.run(anext(stream))
                    except StopAsyncIteration:
                        return
            finally:
                runner.run(stream.aclose())

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
        async with open_extractor(config, max_in_flight=concurrency) as extractor:
            pending = _pending(inputs, config, skip)
            stream = iter_batch(pending, extractor.extract, concurrency=2 * concurrency, ordered=ordered)
            try:
                async for result in stream:
                    yield result
            finally:
                await stream.aclose()


def _pending(inputs: list[Input], config: RunConfig, skip: SkipCheck | None) -> Iterator[Item]:
    """Read inputs one at a time (memory stays flat), leaving out those already done."""
    for source in inputs:
        item = read_one(source.path, source.article_id, max_chars=config.max_article_chars)
        if skip is not None and item.sha256 is not None and skip(item.path, item.sha256):
            continue
        yield item


register("asyncio")(AsyncioEngine)
