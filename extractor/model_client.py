"""Asking the model for an article's events.

Two retry loops, kept apart on purpose:
- instructor re-asks the model when its answer fails the schema (bounded by
  `max_reasks`), feeding the validation errors back;
- the HTTP transport (extractor/transport.py) re-sends one request when the
  transport fails (429, 5xx, timeouts, dropped connections), honouring
  Retry-After, within the article's time budget.

Every HTTP attempt is metered by that transport, including failed ones and
re-asks, because re-asks multiply cost silently otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from extractor.adaptive import AdaptiveGate
from extractor.backends import Endpoint
from extractor.instructor_tuning import remember_async_validator_checks
from extractor.prompting import Prompt
from extractor.rate_limit import RateLimits
from extractor.reader import Article
from extractor.redaction import redact, register_secrets, url_passwords
from extractor.schemas import ArticleEvents, ErrorInfo, Usage, checking_quotes, error_lines
from extractor.transport import (
    Meter,
    ResilientTransport,
    TransportPolicy,
    build_http_client,
    inner_transport,
    metering,
)

remember_async_validator_checks()

# Wrapped once: given the plain model, instructor builds a new wrapper class, and
# regenerates its JSON schema, on every request.
_RESPONSE_MODEL = instructor.openai_schema(ArticleEvents)


@dataclass(frozen=True)
class GenerationSettings:
    max_tokens: int = 2048
    temperature: float = 0.0
    max_reasks: int = 2
    timeout: float = 120.0


@dataclass
class Outcome:
    answer: ArticleEvents | None
    usage: Usage
    error: ErrorInfo | None = None
    notes: list[str] = field(default_factory=list)
    cached: bool = False


def is_transient(exc: BaseException) -> bool:
    """A fault the transport retried (and gave up on): not the request's fault."""
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


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
        # It adapts to the endpoint's push-back (AIMD) and is shared by the run's requests.
        self.settings = settings or GenerationSettings()
        self.policy = policy or TransportPolicy()
        self.gate = AdaptiveGate(max_in_flight, clock=self.policy.clock, sleep=self.policy.sleep)
        self.limits = limits or RateLimits()
        register_secrets(endpoint.api_key, *url_passwords(endpoint.base_url))
        self.transport = ResilientTransport(
            inner_transport(),
            timeout=self.settings.timeout,
            budget=self.policy.article_budget(self.settings.timeout, self.settings.max_reasks),
            policy=self.policy,
            gate=self.gate,
            limits=self.limits,
            secrets=(endpoint.api_key,),
            max_tokens=self.settings.max_tokens,
        )
        self._raw = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            max_retries=0,  # the transport owns retries, so every attempt is counted
            timeout=self.settings.timeout,
            http_client=build_http_client(self.transport),
        )
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
        with metering(meter):
            outcome = await self._ask(messages, quote_check, meter)
        # What the transport noticed (a clamped Retry-After, ...) goes on the article's line,
        # and no secret an endpoint echoed back ever does.
        if meter.cut_offs and outcome.error is not None and outcome.error.kind in ("validation", "model"):
            outcome.error = self._cut_off_error(meter)
        outcome.notes[:0] = meter.notes
        outcome.notes = [redact(note) for note in outcome.notes]
        if outcome.error is not None:
            outcome.error = outcome.error.model_copy(update={"message": redact(outcome.error.message)})
        return outcome

    def _cut_off_error(self, meter: Meter) -> ErrorInfo:
        # Whatever failed after a cut-off answer (broken JSON, a re-ask that went wrong) is the
        # cut-off's doing, and the fix is the same.
        of = f" ({meter.cut_offs} of {meter.answers} answers)" if meter.answers > 1 else ""
        limit = self.settings.max_tokens
        return ErrorInfo(kind="model", message=f"the answer was cut off at --max-tokens {limit}{of}; raise it")

    async def _ask(
        self, messages: list[dict[str, str]], quote_check: Callable[[str], bool] | None, meter: Meter
    ) -> Outcome:
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
                message=f"the answer was cut off at --max-tokens {self.settings.max_tokens}; raise it",
            )
            return Outcome(None, meter.usage(), error)
        except InstructorRetryException as exc:
            return self._after_failed_attempts(exc, meter)

    def _after_failed_attempts(self, exc: InstructorRetryException, meter: Meter) -> Outcome:
        cause = exc.__cause__
        if isinstance(cause, openai.APIStatusError) and not is_transient(cause):
            return Outcome(None, meter.usage(), ErrorInfo(kind="request", message=_api_message(cause)))
        if isinstance(cause, openai.APIError):
            message = _transport_message(cause, meter)
            return Outcome(None, meter.usage(), ErrorInfo(kind="transport", message=message))
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


def _transport_message(exc: openai.APIError, meter: Meter) -> str:
    """What the transport last saw, in words, and how many attempts it made."""
    seen = meter.last_failure if isinstance(exc, openai.APIConnectionError) and meter.last_failure else None
    tries = f" after {meter.requests} attempt{'s' if meter.requests != 1 else ''}"
    return _short((seen or _api_message(exc)) + tries)


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
