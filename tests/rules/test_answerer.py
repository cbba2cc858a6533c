"""The in-process answerer interface: a backend that answers without HTTP goes through the
same pipeline (grounding, repair) as a model, carries an answer key, and is not cached."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import instructor
from extractor.schemas import ArticleEvents, ArticleResult, Usage

from extractor.backends import Endpoint
from extractor.cache import AnswerCache
from extractor.config import RunConfig, open_extractor
from extractor.model_client import GenerationSettings, Outcome
from extractor.preflight import check_endpoint
from extractor.prompting import Prompt
from extractor.reader import Article, read_one

QUOTE = "Pakistan and China signed a memorandum of understanding on railways."
TEXT = f" date 2026-01-05 feed\n{QUOTE} The weather was fine.\n"


@dataclass
class ScriptedAnswerer:
    """Answers every article with one agreement quoting QUOTE, and one quoting nothing real."""

    endpoint: Endpoint
    settings: GenerationSettings
    cacheable: bool = False
    calls: list[str] = field(default_factory=list)

    async def answer(
        self, article: Article, prompt: Prompt, quote_check: Callable[[str], bool] | None = None
    ) -> Outcome:
        self.calls.append(article.article_id)
        agreement = {
            "type": "agreement",
            "status": "occurred",
            "summary_en": "Pakistan and China signed an MoU.",
            "kind": "mou",
            "agreement_status": "signed",
            "parties": ["PAK", "CHN"],
        }
        answer = ArticleEvents.model_validate(
            {"events": [{**agreement, "evidence": [QUOTE]}, {**agreement, "evidence": ["not in the article"]}]}
        )
        return Outcome(answer, Usage())

    async def aclose(self) -> None:
        pass


@dataclass(frozen=True)
class Factory:
    built: list[ScriptedAnswerer] = field(default_factory=list, compare=False)

    def __call__(self, endpoint: Endpoint, settings: GenerationSettings) -> ScriptedAnswerer:
        answerer = ScriptedAnswerer(endpoint, settings)
        self.built.append(answerer)
        return answerer


def _endpoint(factory: Factory) -> Endpoint:
    return Endpoint("scripted", "in-process", "", "scripted-1", instructor.Mode.TOOLS, answerer=factory)


def _run(config: RunConfig, article: Article) -> ArticleResult:
    async def go() -> ArticleResult:
        async with open_extractor(config) as extractor:
            return await extractor.extract(article)

    return asyncio.run(go())


def test_in_process_answers_are_grounded_like_a_models(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    factory = Factory()
    cache_path = tmp_path / "cache.sqlite"
    config = RunConfig(endpoint=_endpoint(factory), cache_path=str(cache_path))

    first = _run(config, read_one(str(path)))
    second = _run(config, read_one(str(path)))

    assert first.status == "ok"
    assert first.model is not None and (first.model.backend, first.model.name) == ("scripted", "scripted-1")
    [event] = first.events
    [evidence] = event.evidence
    assert TEXT[evidence.start : evidence.end] == QUOTE
    assert [r.reason for r in first.rejected] == ["no evidence quote was found in the article text"]
    assert first.answer_key and first.answer_key == second.answer_key
    # Not cached: the second run asked the answerer again, and the cache holds nothing.
    assert [len(a.calls) for a in factory.built] == [1, 1]
    assert not second.cached
    cache = AnswerCache(cache_path)
    assert cache.stats().answers == 0
    cache.close()


def test_no_preflight_request_for_an_in_process_endpoint() -> None:
    check_endpoint(_endpoint(Factory()), timeout=0.01)  # would raise on the unreachable "in-process" URL
