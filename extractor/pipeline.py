"""One article, start to finish: read -> prompt -> model -> validate -> ground -> normalize."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.cache import AnswerCache, answer_key
from extractor.grounding import Grounder
from extractor.mentions import find_mentions
from extractor.mentions.language import detect_language
from extractor.model_client import ModelClient, Outcome
from extractor.prompting import Prompt
from extractor.reader import Article, Unreadable
from extractor.repair import Repaired, repair
from schemas import ArticleResult, ErrorInfo, ModelInfo, Source, Usage


@dataclass
class Extractor:
    model: ModelClient
    prompt: Prompt
    keep_ungrounded: bool = False
    cache: AnswerCache | None = None

    async def extract(self, item: Article | Unreadable) -> ArticleResult:
        """The article's result line; never raises, so one article cannot stop a batch."""
        try:
            return await self._extract(item)
        except Exception as exc:  # a bug here must cost one article, not the run
            return self._failed(item, ErrorInfo(kind="internal", message=f"{type(exc).__name__}: {exc}"))

    async def _extract(self, item: Article | Unreadable) -> ArticleResult:
        if isinstance(item, Unreadable):
            return self._unreadable(item)
        article = item
        grounder = Grounder(article)
        outcome = await self._answer(article, grounder)
        source = Source(
            path=article.path,
            sha256=article.sha256,
            language=detect_language(article.body),
            published=article.published,
        )
        if outcome.answer is None:
            return self._result(article.article_id, source, outcome, error=outcome.error)
        grounded = grounder.ground(outcome.answer.events, keep_ungrounded=self.keep_ungrounded)
        # Mentions are the costliest CPU step; an answer with no events needs none.
        mentions = find_mentions(article) if grounded.events else None
        repaired = repair(grounded.events, mentions, article) if mentions else Repaired([], [])
        return self._result(
            article.article_id,
            source,
            outcome,
            events=repaired.events,
            rejected=grounded.rejected + repaired.rejected,
        )

    async def _answer(self, article: Article, grounder: Grounder) -> Outcome:
        """The model's validated answer: from the cache when this exact request was answered before."""
        key = None
        if self.cache is not None:
            key = answer_key(article.sha256, self.prompt.sha256, self.model.endpoint, self.model.settings)
            if (answer := self.cache.get(key)) is not None:
                return Outcome(answer, Usage(), cached=True)
        outcome = await self.model.extract(self.prompt.messages(article), grounder.contains)
        if key is not None and outcome.answer is not None:
            self.cache.put(key, outcome.answer, self.model.endpoint.model)
        return outcome

    def _result(self, article_id: str, source: Source, outcome: Outcome, **fields: object) -> ArticleResult:
        error = fields.get("error")
        return ArticleResult(
            article_id=article_id,
            source=source,
            status="failed" if error else "ok",
            model=self.model_info,
            prompt_version=self.prompt.version,
            prompt_sha256=self.prompt.sha256,
            usage=outcome.usage,
            cached=outcome.cached,
            warnings=outcome.notes,
            **fields,  # type: ignore[arg-type]
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
    def model_info(self) -> ModelInfo:
        return ModelInfo(backend=self.model.endpoint.backend, name=self.model.endpoint.model)
