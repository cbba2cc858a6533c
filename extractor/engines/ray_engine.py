"""The Ray engine: the same per-article pipeline, run by Ray Data actors across a cluster.

Shape of a run:

    driver: skip check (resume) -> read_binary_files(absolute paths) -> map_batches(_ArticleWorker)
    actors: build the pipeline once, extract each batch concurrently, return one JSON line per row
    driver: iter_rows() -> ArticleResult -> emit (output file, resume index, summary, progress)

Results always come back to the driver rather than going through `write_json`, so
`-o file.jsonl`, `--resume` and the summary behave exactly as with the asyncio
engine. Ray is imported inside `run()` so this module (and the CLI) import
without the 'ray' extra. See docs/ray.md for running on a cluster.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import os
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from extractor.article import Article, Unreadable
from extractor.config import RunConfig, open_extractor
from extractor.engines import SkipCheck, register
from extractor.errors import UserError
from extractor.pipeline import Extractor
from extractor.reader import STDIN, Input, article_from_bytes
from extractor.results_io import result_line
from extractor.schemas import ArticleResult

MISSING_RAY = "the ray engine needs the 'ray' extra: pip install -e '.[ray]'"

# Articles one actor keeps in flight. Model calls are I/O-bound, so one process can
# overlap several; past this, more actors (spread over nodes) serve better than
# more coroutines in one process. Override with EXTRACTOR_RAY_ACTOR_CONCURRENCY.
DEFAULT_ACTOR_CONCURRENCY = 8
ACTOR_CONCURRENCY_ENV = "EXTRACTOR_RAY_ACTOR_CONCURRENCY"
# Rows per batch, as a multiple of the actor's concurrency: a batch ends only when
# its slowest article does, so a few slots' worth keeps the semaphore busy meanwhile.
BATCH_FACTOR = 4


@dataclass(frozen=True)
class ActorPlan:
    """How `--concurrency` (articles in flight in all) maps to Ray actors."""

    actors: int  # the pool's upper size; Ray starts one and grows as CPUs allow
    per_actor: int  # articles in flight inside one actor (its semaphore)
    batch_size: int

    @classmethod
    def for_concurrency(cls, concurrency: int, per_actor_limit: int | None = None) -> ActorPlan:
        limit = per_actor_limit or _env_count(ACTOR_CONCURRENCY_ENV, DEFAULT_ACTOR_CONCURRENCY)
        actors = math.ceil(concurrency / limit)
        # Spread evenly so the total stays within `concurrency` plus rounding (< one per actor).
        per_actor = math.ceil(concurrency / actors)
        return cls(actors=actors, per_actor=per_actor, batch_size=per_actor * BATCH_FACTOR)


class RayEngine:
    def results(
        self,
        inputs: list[Input],
        config: RunConfig,
        *,
        concurrency: int,
        ordered: bool,
        skip: SkipCheck | None = None,
    ) -> Iterator[ArticleResult]:
        ray = _import_ray()
        if any(source.path == STDIN for source in inputs):
            raise UserError("--engine ray reads files, not standard input; save the article to a file first")
        # Resume is decided here, on the driver, because `skip` updates the driver's counters.
        pending = [source for source in inputs if not _already_done(source.path, skip)]
        if not pending:
            return  # nothing left: do not pay for starting Ray
        plan = ActorPlan.for_concurrency(concurrency)
        started_here = _connect(ray, plan)
        try:
            with _quiet_data_context(ray, ordered=ordered):
                yield from _results(ray, pending, _actor_config(config, plan.actors), plan)
        finally:
            if started_here:
                ray.shutdown()


def _results(ray: ModuleType, pending: list[Input], config: RunConfig, plan: ActorPlan) -> Iterator[ArticleResult]:
    # Ray reads the files on the workers, so it gets absolute paths (a worker's
    # working directory is not ours); each row's path maps back to the input as the
    # user gave it, which is what result lines, resume and `compact` key on. A deque
    # per path keeps a file given twice (as `a.txt` and `./a.txt`) exact.
    given: defaultdict[str, deque[Input]] = defaultdict(deque)
    absolute = [os.path.abspath(source.path) for source in pending]
    for source, path in zip(pending, absolute, strict=True):
        given[path].append(source)
    dataset = ray.data.read_binary_files(absolute, include_paths=True).map_batches(
        _ArticleWorker,
        fn_constructor_kwargs={"config": config, "concurrency": plan.per_actor},
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=plan.actors),
        batch_size=plan.batch_size,
        batch_format="numpy",
        num_cpus=1,  # an actor is one asyncio process, like the asyncio engine: one core's worth
    )
    for row in dataset.iter_rows():
        result = ArticleResult.model_validate_json(row["line"])
        source = given[row["path"]].popleft()
        result.source.path, result.article_id = source.path, source.article_id
        yield result


class _ArticleWorker:
    """One Ray Data actor: the pipeline is built once and kept for every batch it gets.

    Ray Data calls `__call__` one batch at a time on a sync actor, so the actor owns
    an event loop and runs each batch's articles on it, `concurrency` at a time.
    """

    def __init__(self, config: RunConfig, concurrency: int) -> None:
        self._loop = asyncio.new_event_loop()
        self._stack = AsyncExitStack()
        self._extractor: Extractor = self._loop.run_until_complete(
            self._stack.enter_async_context(open_extractor(config))
        )
        self._concurrency = concurrency
        self._max_chars = config.max_article_chars

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[str]]:
        paths = [str(path) for path in batch["path"]]
        lines = self._loop.run_until_complete(self._extract_all(batch["bytes"], paths))
        # One line per input row, in the batch's order: Ray keeps rows and blocks aligned.
        return {"path": paths, "line": lines}

    async def _extract_all(self, raws: Sequence[bytes], paths: list[str]) -> list[str]:
        slots = asyncio.Semaphore(self._concurrency)

        async def one(raw: bytes, path: str) -> str:
            async with slots:
                item = _item(bytes(raw), path, self._max_chars)
                return result_line(await self._extractor.extract(item))

        return list(await asyncio.gather(*(one(raw, path) for raw, path in zip(raws, paths, strict=True))))

    def __del__(self) -> None:
        # Ray Data deletes the UDF when the actor exits gracefully: close the HTTP
        # client and the cache. (A killed actor loses nothing: cache writes are committed.)
        loop = getattr(self, "_loop", None)
        if loop is None or loop.is_closed():
            return
        try:
            loop.run_until_complete(self._stack.aclose())
        finally:
            loop.close()


def _item(raw: bytes, path: str, max_chars: int | None) -> Article | Unreadable:
    """What `reader.read_one` makes of a file, from bytes Ray already read.
    (The article id is the driver's: it is set again when the row comes back.)"""
    return article_from_bytes(raw, path=path, article_id=Path(path).stem, max_chars=max_chars)


def _already_done(source: str, skip: SkipCheck | None) -> bool:
    if skip is None:
        return False
    # Hashing streams the file, so the driver's memory stays flat; the file is read
    # again by a worker only if it still needs extracting.
    with open(source, "rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return skip(source, sha256)


def _actor_config(config: RunConfig, actors: int) -> RunConfig:
    # --rpm/--tpm are limits for the whole run, but each actor enforces its own:
    # split them so that all actors together stay within what the user asked.
    return replace(
        config,
        rpm=config.rpm / actors if config.rpm else config.rpm,
        tpm=config.tpm / actors if config.tpm else config.tpm,
    )


def _import_ray() -> ModuleType:
    try:
        import ray
        import ray.data  # noqa: F401 - the [data] extra (pyarrow, pandas) is what is usually missing
    except ImportError:
        raise UserError(MISSING_RAY) from None
    return ray


def _connect(ray: ModuleType, plan: ActorPlan) -> bool:
    """Join RAY_ADDRESS's cluster, or start a small local one; True when we started (so own) it."""
    if ray.is_initialized():
        return False  # the caller's Ray (a notebook, a test): use it and leave it running
    address = os.environ.get("RAY_ADDRESS")
    local: dict[str, Any] = {}
    if not address:
        # "local" always starts a private instance: left to itself, Ray would join any
        # cluster started earlier on this machine. RAY_ADDRESS=auto asks for that one.
        address = "local"
        # Logical CPUs are scheduling tokens: one per actor plus one for the file reads,
        # whatever the machine has, so the actor pool can reach its size and start-up
        # stays small (Ray pre-starts a worker process per CPU).
        local["num_cpus"] = plan.actors + 1
    ray.init(
        address=address,
        include_dashboard=False,
        log_to_driver=False,  # workers' logs stay in Ray's session folder; stderr is the CLI's
        logging_level=logging.WARNING,
        **local,
    )
    return True


@contextmanager
def _quiet_data_context(ray: ModuleType, *, ordered: bool) -> Iterator[None]:
    """Ray Data settings for one run, restored afterwards (the process may be a caller's)."""
    context = ray.data.DataContext.get_current()
    options = context.execution_options
    saved = (options.preserve_order, context.enable_progress_bars, context.print_on_execution_start)
    data_logger = logging.getLogger("ray.data")
    saved_level = data_logger.level
    # Input order is kept by Ray Data itself: it releases blocks in order and applies
    # its own backpressure (object store, spilled to disk), so the driver holds no
    # reorder buffer however long the first article takes.
    options.preserve_order = ordered
    # The CLI owns stderr (its progress bar, its summary); Ray Data's own bars and
    # INFO lines would interleave with them. Its full log is still in the session folder.
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    data_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        options.preserve_order, context.enable_progress_bars, context.print_on_execution_start = saved
        data_logger.setLevel(saved_level)


def _env_count(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise UserError(f"{name}={value!r} must be a whole number of at least 1")
    return number


register("ray")(RayEngine)
