"""The default engine: asyncio in this process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from extractor.config import RunConfig, open_extractor
from extractor.engines import SkipCheck, register
from extractor.reader import read_one
from extractor.runner import Item, run_batch
from extractor.schemas import ArticleResult


class AsyncioEngine:
    def run(
        self,
        sources: list[str],
        config: RunConfig,
        emit: Callable[[ArticleResult], None],
        *,
        concurrency: int,
        ordered: bool,
        skip: SkipCheck | None = None,
    ) -> None:
        async def extract_all() -> None:
            # `concurrency` requests at the endpoint; twice as many articles in the
            # pipeline, so finished answers are processed while new requests wait.
            async with open_extractor(config, max_in_flight=concurrency) as extractor:
                pending = _pending(sources, skip)
                await run_batch(pending, extractor.extract, emit, concurrency=2 * concurrency, ordered=ordered)

        asyncio.run(extract_all())


def _pending(sources: list[str], skip: SkipCheck | None) -> Iterator[Item]:
    """Read inputs one at a time (memory stays flat), leaving out those already done."""
    for source in sources:
        item = read_one(source)
        if skip is not None and item.sha256 is not None and skip(item.path, item.sha256):
            continue
        yield item


register("asyncio")(AsyncioEngine)
