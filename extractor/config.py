"""Everything a run needs to rebuild its pipeline anywhere (in this process or on a Ray worker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from extractor.answer_key import LineSettings
from extractor.backends import Answerer, Endpoint
from extractor.cache import AnswerCache
from extractor.chunking import ChunkSettings, default_max_chunk_tokens, token_counter
from extractor.model_client import GenerationSettings, ModelClient, TransportPolicy
from extractor.pipeline import Extractor
from extractor.postprocess import open_workers
from extractor.prompting import DEFAULT_PROMPT_VERSION, load_prompt
from extractor.rate_limit import RateLimits

# Far above any news article (a long one is ~50,000 characters), low enough that a
# mistaken 20 MB file is refused instead of being sent with every request.
DEFAULT_MAX_ARTICLE_CHARS = 2_000_000


@dataclass(frozen=True)
class RunConfig:
    """Plain, picklable settings; the live objects are built by `open_extractor`."""

    endpoint: Endpoint
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    policy: TransportPolicy = field(default_factory=TransportPolicy)
    prompt_version: str = DEFAULT_PROMPT_VERSION
    keep_ungrounded: bool = False
    cache_path: str | None = None  # None: no cache
    retry_failed: bool = False  # ask again where the cache remembers a paid-for failure
    rpm: float | None = None
    tpm: float | None = None
    max_article_chars: int | None = DEFAULT_MAX_ARTICLE_CHARS
    prefilter: str | None = None  # "rules": articles with no event trigger are not sent
    cross_check: str | None = None  # "rules": mark model events by the rules coder's
    max_chunk_tokens: int | None = None  # None: from the model's context window when known
    passes: int = 1
    workers: int = 0  # processes that check answers (grounding, mentions, repair); 0: this process


def chunk_settings(config: RunConfig) -> ChunkSettings:
    """How long articles are split: the model's tokenizer when available offline, its window when known."""
    model = config.endpoint.model
    budget = config.max_chunk_tokens or default_max_chunk_tokens(model, config.settings.max_tokens)
    return ChunkSettings(max_tokens=budget, counter=token_counter(model))


def line_settings(config: RunConfig) -> LineSettings:
    """What changes a line of this run beyond the answers: the same as `Extractor.line_settings`
    of the pipeline `open_extractor` builds, known before it is built (for --resume)."""
    rules = None
    if config.prefilter is not None or config.cross_check is not None:
        from extractor.backends.rules import rules_endpoint

        rules = rules_endpoint().identity
    return LineSettings(
        chunk_settings(config), config.passes, config.keep_ungrounded, config.prefilter, config.cross_check, rules
    )


@asynccontextmanager
async def open_extractor(config: RunConfig, *, max_in_flight: int | None = None) -> AsyncIterator[Extractor]:
    """The per-article pipeline for `config`, with its client and cache closed afterwards.

    `max_in_flight` bounds the model requests open at once (None: the caller bounds articles).
    """
    # The cache first: it is the part that can fail on a user's path, before
    # there is a client to close.
    cache = AnswerCache(config.cache_path) if config.cache_path else None
    limits = RateLimits(config.rpm, config.tpm)
    client: Answerer
    if config.endpoint.answerer is not None:
        client = config.endpoint.answerer(config.endpoint, config.settings)
    else:
        client = ModelClient(config.endpoint, config.settings, config.policy, limits, max_in_flight)
    workers = open_workers(config.workers)
    try:
        prompt = load_prompt(config.prompt_version)
        extractor = Extractor(
            client,
            prompt,
            config.keep_ungrounded,
            cache,
            retry_failed=config.retry_failed,
            chunking=chunk_settings(config),
            passes=config.passes,
            workers=workers,
        )
        _add_rules_checks(extractor, config)
        yield extractor
    finally:
        if workers is not None:
            workers.shutdown(wait=True, cancel_futures=True)
        await client.aclose()
        if cache:
            cache.close()


def _add_rules_checks(extractor: Extractor, config: RunConfig) -> None:
    """--prefilter rules and --cross-check rules: the rules coder beside a model backend."""
    if config.prefilter is None and config.cross_check is None:
        return
    from extractor.backends.rules import RulesAnswerer, rules_endpoint
    from extractor.rules.crosscheck import PREFILTERS

    if config.prefilter is not None:
        extractor.prefilter = PREFILTERS[config.prefilter]
    if config.cross_check is not None:
        rules = RulesAnswerer(rules_endpoint(), config.settings)
        extractor.cross_checker = Extractor(rules, extractor.prompt)
