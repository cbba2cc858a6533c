"""What a caller chooses for a run, in one place: the library's keyword arguments and the
CLI's flags both become an `Options`, and `run_config` turns it into the pipeline's `RunConfig`.

A new setting is one field here (and, for the CLI, one flag in commands/run.py).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from extractor.backends import BackendOptions, Endpoint
from extractor.cache import default_cache_path
from extractor.chunking import MIN_CHUNK_TOKENS
from extractor.config import DEFAULT_MAX_ARTICLE_CHARS, RunConfig
from extractor.errors import UserError
from extractor.model_client import GenerationSettings
from extractor.prompting import DEFAULT_PROMPT_VERSION


def default_backend(base_url: str | None = None) -> str:
    """The backend when the caller names none: the library and the CLI share this one rule."""
    return "openai" if base_url or os.environ.get("OPENAI_BASE_URL") else "rules"


@dataclass(frozen=True)
class Options:
    # The model
    backend: str | None = None  # None: default_backend(base_url)
    base_url: str | None = None
    model: str | None = None
    mode: str | None = None
    max_retries: int = 2
    max_tokens: int = 2048
    temperature: float = 0.0
    timeout: float | None = None  # None: the backend's default
    rpm: int | None = None
    tpm: int | None = None
    # The pipeline
    prompt_version: str = DEFAULT_PROMPT_VERSION
    keep_ungrounded: bool = False
    # True: the default cache file; False/None: no cache; a path: that file.
    cache: str | Path | bool | None = True
    cache_reset: bool = False  # start a new cache file (a damaged one is otherwise skipped)
    retry_failed: bool = False  # ask again where the cache remembers a paid-for failure
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS
    max_chunk_tokens: int | None = None  # None: from the model's context window when known
    passes: int = 1
    workers: int = 0  # processes that check answers beside the event loop; 0: in it
    # The batch
    engine: str = "asyncio"
    concurrency: int | None = None  # None: the backend's default
    ordered: bool = True
    check_endpoint: bool = True  # ask the endpoint once before the batch, so a typo is one error
    # The rules coder beside a model backend
    prefilter: str | None = None  # "rules": articles with no event trigger are not sent to the model
    cross_check: str | None = None  # "rules": each model event says whether the rules coder agrees

    @classmethod
    def from_kwargs(cls, settings: dict[str, Any]) -> Options:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise UserError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        options = cls(**settings)
        options.check()
        return options

    def check(self) -> None:
        """Refuse what no run can use, before anything is opened (NaN, negative, zero)."""
        _at_least("max_retries", self.max_retries, 0)
        _at_least("max_tokens", self.max_tokens, 1)
        _at_least("max_article_chars", self.max_article_chars, 1)
        _at_least("passes", self.passes, 1)
        _at_least("workers", self.workers, 0)
        if self.max_chunk_tokens is not None:
            _at_least("max_chunk_tokens", self.max_chunk_tokens, MIN_CHUNK_TOKENS)
        for name in ("rpm", "tpm", "concurrency"):
            value = getattr(self, name)
            if value is not None:
                _at_least(name, value, 1)
        _finite("temperature", self.temperature, low=0.0, high=2.0)
        if self.timeout is not None:
            _finite("timeout", self.timeout, low=0.0, high=None, exclusive_low=True)
        for name in ("prefilter", "cross_check"):
            value = getattr(self, name)
            if value is not None and value != "rules":
                raise UserError(f"{_flag(name)} {value!r} is unknown; use {_flag(name)} rules")
            if value is not None and self.backend_name == "rules":
                raise UserError(
                    f"{_flag(name)} rules checks a model against the rules coder; "
                    "add --backend openai (or --backend local), or drop the flag"
                )

    @property
    def backend_name(self) -> str:
        return self.backend or default_backend(self.base_url)

    @property
    def backend_options(self) -> BackendOptions:
        return BackendOptions(base_url=self.base_url, model=self.model, mode=self.mode)

    @property
    def cache_path(self) -> str | None:
        if self.cache is True:
            return str(default_cache_path())
        if not self.cache:
            return None
        return str(self.cache)

    def run_config(self, endpoint: Endpoint, prompt_version: str | None = None) -> RunConfig:
        """The pipeline's settings: the caller's choices, the backend's defaults where it said nothing."""
        return RunConfig(
            endpoint=endpoint,
            settings=GenerationSettings(
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                max_reasks=self.max_retries,
                timeout=self.timeout or endpoint.timeout,
            ),
            prompt_version=prompt_version or self.prompt_version,
            keep_ungrounded=self.keep_ungrounded,
            cache_path=self.cache_path,
            retry_failed=self.retry_failed,
            rpm=self.rpm,
            tpm=self.tpm,
            max_article_chars=self.max_article_chars,
            prefilter=self.prefilter,
            cross_check=self.cross_check,
            max_chunk_tokens=self.max_chunk_tokens,
            passes=self.passes,
            workers=self.workers,
        )

    def concurrency_for(self, endpoint: Endpoint) -> int:
        return self.concurrency or endpoint.concurrency


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _at_least(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UserError(f"{_flag(name)} must be a whole number of at least {minimum}, not {value!r}")


def _finite(name: str, value: object, *, low: float, high: float | None, exclusive_low: bool = False) -> None:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    too_low = number <= low if exclusive_low else number < low
    if not math.isfinite(number) or too_low or (high is not None and number > high):
        bound = f"more than {low:g}" if exclusive_low else f"at least {low:g}"
        upper = f" and at most {high:g}" if high is not None else ""
        raise UserError(f"{_flag(name)} must be a number {bound}{upper}, not {value!r}")
