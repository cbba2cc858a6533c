"""A batch run, as a library: inputs in, one `ArticleResult` per input out, with the output
file, resume, compaction, the run statistics and the summary handled here (not in the CLI).

    run = Batch(["articles/"], output="results.jsonl", resume=True, options=Options(...))
    for result in run:          # or: async for result in run.aiter()
        ...
    run.summary                 # what it did and cost

Every check a user can fail happens when the `Batch` is made, before anything is
opened for writing: inputs found, paths distinct (an output is never an input, the
summary or the cache), an existing output holds result lines, prices read, the cache
opened, the output locked against a second run, the summary's folder writable.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from extractor.answer_key import answer_key, line_key
from extractor.backends import Endpoint, get_backend
from extractor.cache import AnswerCache
from extractor.config import RunConfig, line_settings
from extractor.engines import SkipCheck, get_engine
from extractor.errors import UserError
from extractor.options import Options
from extractor.output import (
    ResultSink,
    ResumeIndex,
    create_beside,
    refuse_non_summary,
    refuse_overlaps,
    resolve_target,
    source_key,
    writable_path,
)
from extractor.preflight import check_endpoint
from extractor.progress import Progress
from extractor.prompting import load_prompt
from extractor.reader import Input, plan_inputs
from extractor.results_io import write_result
from extractor.schemas import ArticleResult
from extractor.summary import Prices, RunStats, load_prices

PathLike = str | os.PathLike[str]


class Batch:
    """One run over many articles. Iterate it (once) to run it; results come in input order
    (or as they finish with `ordered=False`), each already written to the output."""

    def __init__(
        self,
        inputs: PathLike | Sequence[PathLike],
        *,
        output: PathLike | None = None,
        resume: bool = False,
        summary: PathLike | None = None,
        prices: PathLike | None = None,
        options: Options | None = None,
        progress: bool = False,
    ) -> None:
        self.options = options or Options()
        self.options.check()
        paths = [os.fspath(inputs)] if isinstance(inputs, str | os.PathLike) else [os.fspath(p) for p in inputs]
        self.output = os.fspath(output) if output is not None else None
        self.resume = resume
        self.summary_path = os.fspath(summary) if summary is not None else None
        # Written beside and renamed over: through a symlink, onto its target.
        self._summary_target = resolve_target(Path(self.summary_path)) if self.summary_path else None
        self.stats = RunStats()
        self.summary: dict[str, Any] | None = None
        self._show_progress = progress
        self._started = False
        self._closed = False
        self._sha256s: dict[str, str] = {}  # this run's article bytes by resolved path, for compaction
        # 1. What can be checked without writing anything.
        if resume and self.output in (None, "-"):
            raise UserError("--resume needs -o FILE: the result file to continue")
        self.inputs: list[Input] = plan_inputs(paths)
        self.prompt = load_prompt(self.options.prompt_version)
        for flag, path in (("-o", self.output), ("--summary", self.summary_path)):
            if path and path != "-":
                writable_path(path, flag)
        refuse_overlaps(
            {"PATH": [i.path for i in self.inputs], "--prices": [os.fspath(prices)] if prices else []},
            {"--cache": self.options.cache_path, "-o": self.output, "--summary": self.summary_path},
        )
        self.prices: Prices = load_prices(os.fspath(prices) if prices else None)
        self.engine = get_engine(self.options.engine)
        self.backend = get_backend(self.options.backend_name)
        self.backend.check(self.options.backend_options)
        if self.options.cache_path:
            # A bad cache path fails now, not per article; a damaged file is reported (or reset) now.
            AnswerCache(self.options.cache_path, reset=self.options.cache_reset).close()
        # 2. Then the files this run writes: locked, or created beside their targets.
        self._files = ExitStack()
        try:
            self._summary_file = None
            if self.summary_path:
                assert self._summary_target is not None
                refuse_non_summary(self._summary_target)
                handle, temporary = create_beside(self._summary_target, "--summary")
                self._summary_file = (handle, temporary)
                self._files.callback(_discard, handle, temporary)
            self._sink = ResultSink(self.output, resume=resume)
        except BaseException:
            self._files.close()
            raise

    # -- running -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ArticleResult]:
        self._start()
        complete = False
        try:
            with self.backend.endpoint(self.options.backend_options) as endpoint:
                config, skip, progress = self._prepare(endpoint)
                try:
                    concurrency = self.options.concurrency_for(endpoint)
                    results = self.engine.results(
                        self.inputs, config, concurrency=concurrency, ordered=self.options.ordered, skip=skip
                    )
                    for result in results:
                        self._record(result, progress)
                        yield result
                finally:
                    progress.close()
            complete = True
        finally:
            self._finish(complete)

    async def aiter(self) -> AsyncIterator[ArticleResult]:
        """The same run on the caller's event loop (asyncio engine), or a thread (others)."""
        self._start()
        complete = False
        try:
            with self.backend.endpoint(self.options.backend_options) as endpoint:
                config, skip, progress = await asyncio.to_thread(self._prepare, endpoint)
                try:
                    async for result in self._aresults(endpoint, config, skip):
                        self._record(result, progress)
                        yield result
                finally:
                    progress.close()
            complete = True
        finally:
            self._finish(complete)

    async def _aresults(
        self, endpoint: Endpoint, config: RunConfig, skip: SkipCheck | None
    ) -> AsyncIterator[ArticleResult]:
        concurrency = self.options.concurrency_for(endpoint)
        kwargs: dict[str, Any] = {"concurrency": concurrency, "ordered": self.options.ordered, "skip": skip}
        native = getattr(self.engine, "aresults", None)
        if native is not None:
            stream = native(self.inputs, config, **kwargs)
            try:
                async for result in stream:
                    yield result
            finally:
                await stream.aclose()
            return
        iterator = iter(self.engine.results(self.inputs, config, **kwargs))
        done = object()
        while (result := await asyncio.to_thread(next, iterator, done)) is not done:
            yield result

    def run(self) -> dict[str, Any]:
        """Run to the end without looking at each result; returns the summary."""
        for _ in self:
            pass
        assert self.summary is not None
        return self.summary

    def close(self) -> None:
        """Let go of the output's lock and temporary files of a batch never iterated
        (a batch that ran releases them itself, however it ended)."""
        if not self._started:
            self._started = self._closed = True
            try:
                self._sink.abandon()
            finally:
                self._files.close()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if hasattr(self, "_sink"):  # fully made
            self.close()

    # -- the steps ---------------------------------------------------------------------

    def _start(self) -> None:
        if self._started:
            raise UserError("a Batch runs once; make a new one to run again")
        self._started = True

    def _prepare(self, endpoint: Endpoint) -> tuple[RunConfig, SkipCheck | None, Progress]:
        if self.options.check_endpoint:
            check_endpoint(endpoint)
        config = self.options.run_config(endpoint, self.prompt.version)
        progress = Progress(len(self.inputs), quiet=not self._show_progress, stats=self.stats)
        skip = self._resume_check(config, progress) if self.resume else None
        return config, skip, progress

    def _resume_check(self, config: RunConfig, progress: Progress) -> SkipCheck:
        assert self.output is not None
        index = ResumeIndex(Path(self.output), [i.path for i in self.inputs])
        line = line_settings(config)

        def already_done(source: str, sha256: str) -> bool:
            self._sha256s[source_key(source)] = sha256
            key = answer_key(sha256, self.prompt.sha256, config.endpoint, config.settings)
            done = index.is_done(source, sha256, line_key(key, line))
            if done:
                self.stats.skipped += 1
                progress.advance(self.stats)
            return done

        return already_done

    def _record(self, result: ArticleResult, progress: Progress) -> None:
        try:
            write_result(self._sink.stream, result)
        except OSError as exc:
            where = f"-o {self.output}" if self.output not in (None, "-") else "standard output"
            if isinstance(exc, BrokenPipeError):
                raise
            raise UserError(f"{where}: cannot write ({exc.strerror}); choose another file") from None
        if result.source.sha256 is not None:
            self._sha256s[source_key(result.source.path)] = result.source.sha256
        self.stats.add(result)
        progress.advance(self.stats)

    def _finish(self, complete: bool) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._sink.finish([i.path for i in self.inputs], complete=complete, sha256s=self._sha256s)
            self.summary = self.stats.summary(self.prices)
            if self._summary_file is not None:
                handle, temporary = self._summary_file
                handle.write(json.dumps(self.summary, indent=2) + "\n")
                handle.close()
                assert self._summary_target is not None
                os.replace(temporary, self._summary_target)
                self._summary_file = None
        finally:
            self._files.close()


def _discard(handle: Any, temporary: str) -> None:
    if not handle.closed:
        handle.close()
    if os.path.exists(temporary):
        os.unlink(temporary)
