"""One article, start to finish: read -> prompt -> model -> validate -> ground -> normalize."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from pydantic import BaseModel

from extractor.answer_key import LineSettings, answer_key, line_key
from extractor.article import Article, Unreadable
from extractor.backends import Answerer
from extractor.cache import AnswerCache
from extractor.chunking import LANGUAGE_SAMPLE, ChunkSettings, Read, gap_note, read_in_chunks, split
from extractor.dedup import dedupe
from extractor.grounding import Grounder
from extractor.mentions.language import detect_language
from extractor.model_client import Outcome
from extractor.passes import missed_prompt, pass_key
from extractor.postprocess import check_in
from extractor.prompting import Prompt
from extractor.redaction import redact
from extractor.rules.crosscheck import PREFILTERS, cross_check
from extractor.schemas import ArticleResult, ErrorInfo, ModelInfo, Source, Usage


@dataclass
class _Ledger:
    """What one article has paid for and stored so far, kept apart from its result so that a
    crash after the model answered still reports the requests, and drops what it cached."""

    usage: Usage = field(default_factory=Usage)
    cached_keys: list[str] = field(default_factory=list)


_ledger: contextvars.ContextVar[_Ledger | None] = contextvars.ContextVar("ledger", default=None)


@dataclass
class Extractor:
    model: Answerer  # a ModelClient, or a backend's in-process answerer
    prompt: Prompt
    keep_ungrounded: bool = False
    cache: AnswerCache | None = None
    chunking: ChunkSettings | None = None  # None: every article is sent whole
    passes: int = 1  # extraction rounds per article (or chunk); see extractor.passes
    # Says whether an article may hold an event at all; one that may not is not sent (--prefilter).
    prefilter: Callable[[Article], bool] | None = None
    # A second pipeline (the rules coder) whose events mark this one's (--cross-check).
    cross_checker: Extractor | None = None
    retry_failed: bool = False  # ask again where the cache remembers a paid-for failure
    workers: Executor | None = None  # processes that check answers; None: this process
    # Requests under way by answer key: a second copy of an article waits for the
    # first one's answer instead of paying for the same request again.
    _in_flight: dict[str, asyncio.Future[Outcome]] = field(default_factory=dict, init=False, repr=False)

    async def extract(self, item: Article | Unreadable) -> ArticleResult:
        """The article's result line; never raises, so one article cannot stop a batch."""
        ledger = _Ledger()
        token = _ledger.set(ledger)
        try:
            return await self._extract(item)
        except Exception as exc:  # a bug here must cost one article, not the run
            if self.cache is not None:  # an answer whose processing crashed is no good answer
                self.cache.forget(ledger.cached_keys)
            error = ErrorInfo(kind="internal", message=redact(f"{type(exc).__name__}: {exc}"))
            return self._failed(item, error).model_copy(update={"usage": ledger.usage})
        finally:
            _ledger.reset(token)

    async def _extract(self, item: Article | Unreadable) -> ArticleResult:
        if isinstance(item, Unreadable):
            return self._unreadable(item)
        article = item
        # The line's key covers chunking, passes and the rules checks too, so --resume notices a change.
        key = line_key(
            answer_key(article.sha256, self.prompt.sha256, self.model.endpoint, self.model.settings),
            self.line_settings,
        )
        if self.prefilter is not None and not self.prefilter(article):
            language = detect_language(article.body)
            source = Source(path=article.path, sha256=article.sha256, language=language, published=article.published)
            return self._result(article.article_id, source, Outcome(None, Usage()), key, prefiltered=True)
        chunks = split(article, self.chunking)
        if chunks is None:
            read = await self._read(article, self.prompt)
            language = detect_language(article.body)  # cached: the mentions asked about the same body
        else:  # a long article: one request per chunk, offsets mapped back to the article
            read = await read_in_chunks(article, chunks, self._read, self.prompt)
            language = detect_language(article.text[article.body_start : article.body_start + LANGUAGE_SAMPLE])
        source = Source(path=article.path, sha256=article.sha256, language=language, published=article.published)
        outcome = Outcome(None, read.usage, read.error, read.notes, read.cached)
        if read.error is not None:
            return self._result(article.article_id, source, outcome, key, error=read.error)
        # After repair, so that corrected dates and parties decide what is a duplicate.
        events, merges = dedupe(read.events)
        candidates: list[BaseModel] = []
        if self.cross_checker is not None:
            checked = await self.cross_checker.extract(article)
            events, candidates = cross_check(events, checked.events)
        return self._result(
            article.article_id,
            source,
            outcome,
            key,
            events=events,
            rejected=read.rejected,
            warnings=[*read.notes, *(gap_note(where, error) for where, error in read.gaps), *(m.note for m in merges)],
            candidates=candidates,
            partial=bool(read.gaps),
        )

    async def _read(self, unit: Article, prompt: Prompt) -> Read:
        """One article or chunk: every pass's answer, grounded in the unit and repaired against it."""
        grounder = Grounder(unit)
        read = Read(events=[], rejected=[], usage=Usage(), cached=True)
        found: list[BaseModel] = []  # every pass's events, as answered
        for number in range(1, self.passes + 1):
            asked = prompt if number == 1 else missed_prompt(prompt, found)
            sha256 = unit.sha256 if number == 1 else pass_key(unit.sha256, number, asked)
            key = answer_key(sha256, prompt.sha256, self.model.endpoint, self.model.settings)
            outcome = await self._answer(unit, key, grounder, asked)
            read.usage = read.usage.add(outcome.usage)
            read.notes.extend(note for note in outcome.notes if note not in read.notes)
            read.cached = read.cached and outcome.cached
            if outcome.answer is None:
                if number == 1:  # nothing read: the unit failed
                    read.error = outcome.error
                    return read
                # A later pass only adds to what the earlier ones found: keep that, say what is
                # missing, and ask no further pass (its prompt would list the same events).
                assert outcome.error is not None
                read.gaps.append((f"pass {number} of {self.passes}", outcome.error))
                break
            read.rejected.extend(outcome.rejected)  # events still invalid after the re-asks
            found.extend(outcome.answer.events)
        checked = await check_in(self.workers, unit, found, self.keep_ungrounded, grounder)
        read.events = checked.events
        read.rejected.extend(checked.rejected)  # after the events validation rejected
        read.notes.extend(checked.warnings)
        return read

    async def _answer(self, article: Article, key: str, grounder: Grounder, prompt: Prompt) -> Outcome:
        """The model's validated answer, paid for once: from the cache when this exact request
        was answered before, or from the same request already under way in this run."""
        cache = self.cache if self.model.cacheable else None
        if cache is not None and (answer := cache.get(key)) is not None:
            return Outcome(answer, Usage(), cached=True)
        if cache is not None and not self.retry_failed and (failure := cache.get_failure(key)) is not None:
            return Outcome(None, Usage(), failure.error, failure.notes, cached=True)
        if (under_way := self._in_flight.get(key)) is not None:
            first = await asyncio.shield(under_way)
            return Outcome(
                first.answer,
                Usage(),
                first.error,
                first.notes,
                cached=first.answer is not None,
                rejected=first.rejected,
            )
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            outcome = await self.model.answer(article, prompt, grounder.contains)
            future.set_result(outcome)
        except asyncio.CancelledError:  # waiting copies must not hang on a cancelled first one
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited failure is not logged as lost
            raise
        finally:
            del self._in_flight[key]
        ledger = _ledger.get()
        if ledger is not None:
            ledger.usage = ledger.usage.add(outcome.usage)
        if cache is not None and outcome.answer is not None:
            cache.put(key, outcome.answer, self.model.endpoint.model)
            if ledger is not None:
                ledger.cached_keys.append(key)
        elif cache is not None and outcome.error is not None:  # only paid-for failures are kept
            cache.put_failure(key, outcome.error, outcome.notes, self.model.endpoint.model)
        return outcome

    def _result(self, article_id: str, source: Source, outcome: Outcome, key: str, **fields: object) -> ArticleResult:
        error = fields.get("error")
        fields.setdefault("warnings", outcome.notes)
        return ArticleResult(
            article_id=article_id,
            source=source,
            status="failed" if error else "ok",
            model=self.model_info,
            prompt_version=self.prompt.version,
            prompt_sha256=self.prompt.sha256,
            answer_key=key,
            usage=outcome.usage,
            cached=outcome.cached,
            **fields,
        )

    def _unreadable(self, item: Unreadable) -> ArticleResult:
        return self._failed(item, ErrorInfo(kind=item.error.kind, message=str(item.error)))

    def _failed(self, item: Article | Unreadable, error: ErrorInfo) -> ArticleResult:
        return ArticleResult(
            article_id=item.article_id,
            source=Source(path=item.path, sha256=item.sha256),
            status="failed",
            error=error,
            model=self.model_info,
            prompt_version=self.prompt.version,
            prompt_sha256=self.prompt.sha256,
        )

    @property
    def line_settings(self) -> LineSettings:
        """What changes this pipeline's lines beyond the answers (keyed by `line_key`), named as
        the command line names it, so `--resume` computes the same key from a RunConfig."""
        prefilter = None
        if self.prefilter is not None:
            names = [name for name, check in PREFILTERS.items() if check is self.prefilter]
            prefilter = names[0] if names else getattr(self.prefilter, "__qualname__", "custom")
        cross_check = self.cross_checker.model.endpoint.backend if self.cross_checker is not None else None
        rules = None
        if prefilter is not None or cross_check is not None:
            from extractor.backends.rules import rules_endpoint  # only when the rules coder is used

            rules = rules_endpoint().identity
        return LineSettings(self.chunking, self.passes, self.keep_ungrounded, prefilter, cross_check, rules)

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(backend=self.model.endpoint.backend, name=self.model.endpoint.model)
