"""The answer key: one hash of everything that decides a model's answer to an article.

Result lines carry it, the cache is keyed by it and `--resume` compares it, so it
belongs to none of them: article bytes, prompt, answer schema, backend, model,
server and generation settings (not the timeout, which changes nothing in an answer).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import cache

from extractor.backends import Endpoint
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
