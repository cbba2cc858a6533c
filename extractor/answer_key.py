"""The answer key and the line key.

The answer key is one hash of everything that decides a model's answer to a request:
article (or chunk) bytes, prompt, answer schema, backend, model, server and generation
settings (not the timeout, which changes nothing in an answer). The cache is keyed by it.

The line key (`line_key`) is the answer key of the whole article plus every setting that
changes the result line without changing any answer: how the article is cut into chunks,
the number of passes, --keep-ungrounded, --prefilter and --cross-check (and the version of
the rules coder they use). Result lines carry
it and `--resume` compares it, so a changed setting redoes the line; the cache never sees
these settings, so redoing a line under another of them pays for no answer already had.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache

from extractor.backends import Endpoint
from extractor.chunking import ChunkSettings, estimate_tokens
from extractor.model_client import GenerationSettings
from extractor.schemas import ArticleEvents


@cache
def answer_schema_sha256() -> str:
    schema = json.dumps(ArticleEvents.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()


def answer_key(article_sha256: str, prompt_sha256: str, endpoint: Endpoint, settings: GenerationSettings) -> str:
    parts = {
        "article": article_sha256,
        "prompt": prompt_sha256,
        "schema": answer_schema_sha256(),
        "backend": endpoint.backend,
        "model": endpoint.model,
        "served_by": endpoint.identity,
        "mode": endpoint.mode.value,
        # The timeout changes nothing in the answer; everything else may.
        "settings": {k: v for k, v in asdict(settings).items() if k != "timeout"},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class LineSettings:
    """What changes an article's line beyond the model's answers (see the module's doc)."""

    chunking: ChunkSettings | None = None  # None: every article is sent whole
    passes: int = 1
    keep_ungrounded: bool = False
    prefilter: str | None = None  # the name --prefilter was given
    cross_check: str | None = None  # the name --cross-check was given
    # Who answers for --prefilter and --cross-check (the rules coder's version and lexicons):
    # a new lexicon changes which articles are sent and how events are marked.
    rules: str | None = None


def line_key(key: str, line: LineSettings) -> str:
    """The result line's key: the whole-article answer `key` plus the settings of `line`.

    A setting at its default adds nothing, so a line written before the setting existed
    still resumes.
    """
    how: dict[str, object] = {}
    if line.passes != 1:
        how["passes"] = line.passes
    if line.chunking is not None:
        # The model (in the answer key) decides which tokenizer; whether it is installed does not.
        counter = "estimate" if line.chunking.counter is estimate_tokens else "tokenizer"
        how["chunks"] = {"max_tokens": line.chunking.max_tokens, "overlap": line.chunking.overlap, "counter": counter}
    if line.keep_ungrounded:
        how["keep_ungrounded"] = True
    if line.prefilter is not None:
        how["prefilter"] = line.prefilter
    if line.cross_check is not None:
        how["cross_check"] = line.cross_check
    if line.rules is not None:
        how["rules"] = line.rules
    if not how:
        return key
    return hashlib.sha256(json.dumps({"answer_key": key, **how}, sort_keys=True).encode()).hexdigest()
