"""Asking the model for an article's events.

Two retry loops, kept apart on purpose:
- instructor re-asks the model when its answer fails the schema (bounded by
  `max_reasks`), feeding the validation errors back;
- tenacity re-sends one HTTP request when the transport fails (429, 5xx,
  timeouts, dropped connections), honouring Retry-After, bounded in attempts
  and in total time.

Every HTTP attempt is metered, including failed ones and re-asks, because
re-asks multiply cost silently otherwise.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from extractor.backends import Endpoint
from extractor.instructor_tuning import remember_async_validator_checks
from extractor.prompting import Prompt
from extractor.rate_limit import RateLimits
from extractor.reader import Article
from extractor.schemas import ArticleEvents, ErrorInfo, Usage, checking_quotes, error_lines

remember_async_validator_checks()

# Wrapped once: given the plain model, instructor builds a new wrapper class, and
# regenerates its JSON schema, on every request.
_RESPONSE_MODEL = instructor.openai_schema(ArticleEvents)

# Status codes worth sending again: the same set the openai client retries itself.
_RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class GenerationSettings:
    max_tokens: int = 2048
    temperature: float = 0.0
    max_reasks: int = 2
    timeout: float = 120.0


@dataclass(frozen=True)
class TransportPolicy:
    attempts: int = 5
    initial_wait: float = 0.5
    max_wait: float = 30.0
    total: float = 300.0
    # Injectable so tests can check the waits without spending them.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass
class Meter:
    """Mutable per-article counters, filled by the transport wrapper."""

    requests: int = 0
    answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    transport_retries: int = 0

    def usage(self) -> Usage:
        return Usage(
            requests=self.requests,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            reasks=max(self.answers - 1, 0),
            transport_retries=self.transport_retries,
        )


@dataclass
class Outcome:
    answer: ArticleEvents | None
    usage: Usage
    error: ErrorInfo | None = None
    notes: list[str] = field(default_factory=list)
    cached: bool = False


_meter: contextvars.ContextVar[Meter] = contextvars.ContextVar("meter")


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait, from Retry-After(-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable: fall back to our own backoff
    return max(when.timestamp() - time.time(), 0.0)


class ModelClient:
    """The `Answerer` of every OpenAI-compatible endpoint."""

    cacheable = True

    def __init__(
        self,
        endpoint: Endpoint,
        settings: GenerationSettings | None = None,
        policy: TransportPolicy | None = None,
        limits: RateLimits | None = None,
        max_in_flight: int | None = None,
    ) -> None:
        self.endpoint = endpoint
        # Bounds HTTP requests, not articles: an article's CPU work after its answer
        # (validation, grounding, mentions) then overlaps the next requests instead
        # of holding a slot while the endpoint sits idle.
        self._slots = asyncio.Semaphore(max_in_flight) if max_in_flight else None
        self.settings = settings or GenerationSettings()
        self.policy = policy or TransportPolicy()
        self.limits = limits or RateLimits()
        self._raw = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            max_retries=0,  # tenacity owns transport retries, so they are counted
            timeout=self.settings.timeout,
        )
        completions = self._raw.chat.completions
        completions.create = self._metered(completions.create)  # type: ignore[method-assign, assignment]
        self._client = instructor.from_openai(self._raw, mode=endpoint.mode)

    async def aclose(self) -> None:
        await self._raw.close()

    async def answer(
        self, article: Article, prompt: Prompt, quote_check: Callable[[str], bool] | None = None
    ) -> Outcome:
        return await self.extract(prompt.messages(article), quote_check)

    async def extract(
        self, messages: list[dict[str, str]], quote_check: Callable[[str], bool] | None = None
    ) -> Outcome:
        meter = Meter()
        token = _meter.set(meter)
        try:
            with checking_quotes(quote_check):
                answer = await self._client.chat.completions.create(
                    model=self.endpoint.model,
                    response_model=_RESPONSE_MODEL,
                    messages=messages,  # type: ignore[arg-type]
                    max_retries=self.settings.max_reasks,
                    max_tokens=self.settings.max_tokens,
                    temperature=self.settings.temperature,
                )
            return Outcome(ArticleEvents.model_validate(answer.model_dump()), meter.usage())
        except IncompleteOutputException:
            error = ErrorInfo(
                kind="model",
                message=f"the answer was cut off at max_tokens={self.settings.max_tokens}; raise --max-tokens",
            )
            return Outcome(None, meter.usage(), error)
        except InstructorRetryException as exc:
            return self._after_failed_attempts(exc, meter)
        finally:
            _meter.reset(token)

    def _after_failed_attempts(self, exc: InstructorRetryException, meter: Meter) -> Outcome:
        cause = exc.__cause__
        if isinstance(cause, openai.APIStatusError) and not is_transient(cause):
            return Outcome(None, meter.usage(), ErrorInfo(kind="request", message=_api_message(cause)))
        if isinstance(cause, openai.APIError):
            return Outcome(None, meter.usage(), ErrorInfo(kind="transport", message=_api_message(cause)))
        if isinstance(cause, ValidationError):
            # Re-asks ran out. If only the quote check kept failing, keep the answer:
            # grounding then rejects exactly the events whose quotes are not in the text.
            answer = self._parse_unchecked(exc.last_completion)
            if answer is not None:
                note = "re-asks exhausted on quotes not found in the article; kept the last answer"
                return Outcome(answer, meter.usage(), notes=[note])
            return Outcome(None, meter.usage(), ErrorInfo(kind="validation", message=_validation_summary(cause)))
        # Unparseable or non-JSON answers on every attempt.
        return Outcome(None, meter.usage(), ErrorInfo(kind="model", message=_short(cause or exc)))

    def _parse_unchecked(self, completion: Any) -> ArticleEvents | None:
        if completion is None:
            return None
        try:
            # openai_schema's annotation says it returns its argument's type; it is an OpenAISchema subclass.
            parser = cast("type[instructor.OpenAISchema]", _RESPONSE_MODEL)
            parsed = parser.from_response(completion, mode=self.endpoint.mode)
        except (ValidationError, ValueError, TypeError, AttributeError):
            return None
        return ArticleEvents.model_validate(parsed.model_dump())

    def _metered(self, create: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        policy, limits, slots = self.policy, self.limits, self._slots

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            asked = retry_after_seconds(exc) if exc else None
            if asked is not None:
                # Waiting less than asked only earns another 429; the total budget
                # (stop_before_delay) still bounds it.
                return asked
            return wait_random_exponential(multiplier=policy.initial_wait, max=policy.max_wait)(state)

        async def metered_create(*args: Any, **kwargs: Any) -> Any:
            meter = _meter.get()
            retrying = AsyncRetrying(
                stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total),
                wait=wait,
                retry=retry_if_exception(is_transient),
                sleep=policy.sleep,
                reraise=True,
            )
            async for attempt in retrying:
                with attempt:
                    estimate = RateLimits.estimate_tokens(kwargs.get("messages") or [])
                    if limits.active:
                        await limits.before_request(estimate)
                    meter.requests += 1
                    if attempt.retry_state.attempt_number > 1:
                        meter.transport_retries += 1
                    if slots is None:
                        response = await create(*args, **kwargs)
                    else:
                        async with slots:
                            response = await create(*args, **kwargs)
                        await asyncio.sleep(0)  # let a waiting request go out before our CPU work
                    meter.answers += 1
                    if usage := getattr(response, "usage", None):
                        meter.prompt_tokens += usage.prompt_tokens or 0
                        meter.completion_tokens += usage.completion_tokens or 0
                        if limits.active:
                            await limits.after_response(estimate, usage.total_tokens or 0)
                    return response
            raise AssertionError("unreachable: tenacity reraises the last error")

        return metered_create


def _api_message(exc: openai.APIError) -> str:
    status = getattr(exc, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    return _short(f"{prefix}{exc.message}" if hasattr(exc, "message") else str(exc))


def _validation_summary(exc: ValidationError) -> str:
    """Pydantic's report without its URLs and input dumps: where, and what was wrong."""
    problems = error_lines(exc, whole="answer")
    return _short(f"the answer failed validation after every re-ask: {'; '.join(problems)}")


def _short(exc: object, limit: int = 500) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
