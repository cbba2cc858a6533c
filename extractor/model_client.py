"""Asking the model for an article's events.

Two retry loops, kept apart on purpose:
- the model is re-asked about the events of its answer that fail the schema
  (bounded by `max_reasks`), with their field errors; valid events are kept
  (extractor.validation); instructor shapes each request and re-ask for the mode;
- the HTTP transport (extractor/transport.py) re-sends one request when the
  transport fails (429, 5xx, timeouts, dropped connections), honouring
  Retry-After, within the article's time budget.

Every HTTP attempt is metered by that transport, including failed ones and
re-asks, because re-asks multiply cost silently otherwise.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import instructor
import openai
from instructor.v2.core.response import handle_reask_kwargs, handle_response_model
from openai._models import FinalRequestOptions
from openai.resources.chat.completions import AsyncCompletions

from extractor.adaptive import AdaptiveGate
from extractor.backends import Endpoint
from extractor.instructor_tuning import remember_async_validator_checks
from extractor.prompting import Prompt
from extractor.rate_limit import RateLimits
from extractor.reader import Article
from extractor.redaction import redact, register_secrets, url_passwords
from extractor.schemas import ArticleEvents, ErrorInfo, RejectedEvent, Usage
from extractor.transport import (
    Meter,
    ResilientTransport,
    TransportPolicy,
    build_http_client,
    inner_transport,
    metering,
)
from extractor.validation import AnswerSession, Unusable, events_of

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
    # Events that failed validation after every re-ask (or that the model withdrew).
    rejected: list[RejectedEvent] = field(default_factory=list)


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
        self._template: RequestTemplate | None = None
        self._template_checked = False

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
            return await self._validated(messages, quote_check, meter)
        except openai.APIStatusError as exc:
            if is_transient(exc):
                return Outcome(None, meter.usage(), ErrorInfo(kind="transport", message=_transport_message(exc, meter)))
            return Outcome(None, meter.usage(), ErrorInfo(kind="request", message=_api_message(exc)))
        except openai.APIError as exc:
            return Outcome(None, meter.usage(), ErrorInfo(kind="transport", message=_transport_message(exc, meter)))
        except json.JSONDecodeError as exc:
            # An HTTP 200 whose body says JSON but is not (a proxy's or a loaded server's page):
            # the exchange is broken, not the model's answer, and asking again may well work.
            seen = _short(exc.doc, 120) if isinstance(exc.doc, str) else "?"
            message = f"the endpoint answered with a body that is not JSON: {seen!r}"
            return Outcome(None, meter.usage(), ErrorInfo(kind="transport", message=message))

    async def _validated(
        self, messages: list[dict[str, str]], quote_check: Callable[[str], bool] | None, meter: Meter
    ) -> Outcome:
        """Ask, then re-ask about the events that failed (extractor.validation), keeping the valid ones.

        instructor builds each request for the endpoint's mode and formats each
        re-ask; the loop is ours because instructor keeps all of an answer or none.
        Requests go through the same client, so the transport meters every attempt.
        """
        mode = self.endpoint.mode
        template = await self._request_template()
        if template is not None and template.fits(messages):
            kwargs = template.kwargs(messages)
        else:
            kwargs = self._request_kwargs(messages)
            template = None
        session = AnswerSession(quote_check)
        problem = ""
        reasks = 0
        for attempt in range(self.settings.max_reasks + 1):
            cut_offs = meter.cut_offs
            if template is not None and attempt == 0:
                reply = await template.send(self._raw, messages)
            else:  # a re-ask: its messages carry the answer and the errors, shaped by instructor
                reply = _Answer.of(await self._raw.chat.completions.create(**kwargs))
            if reply.cut_off:  # the endpoint says so: asking again gets the same cut
                return Outcome(None, meter.usage(), self._cut_off_error(meter))
            try:
                if meter.cut_offs > cut_offs:
                    # It spent the token limit without saying so (llama.cpp): re-asked like any
                    # unusable answer; if none fits, `extract` reports the cut-off and its fix.
                    raise Unusable("the answer was cut off at the token limit; answer more briefly")
                session.take(events_of(reply.text))
            except Unusable as exc:
                problem = str(exc)
                reask: Exception = exc
            else:
                if not session.pending:
                    break
                reask = _Reask(session.reask_text())
            if attempt < self.settings.max_reasks:
                kwargs = _reask_kwargs(kwargs, mode, await reply.completion(), reask)
                reasks += 1
        if not session.answers:
            return Outcome(None, meter.usage(), ErrorInfo(kind="model", message=_short(problem)))
        answer, rejected, notes = session.finish(reasks)
        return Outcome(answer, meter.usage(), notes=notes, rejected=rejected)

    def _request_kwargs(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """The `create` arguments instructor builds for the endpoint's mode (tools, JSON schema, ...)."""
        _model, kwargs = handle_response_model(
            _RESPONSE_MODEL,
            mode=self.endpoint.mode,
            model=self.endpoint.model,
            messages=list(messages),
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
        )
        return kwargs

    async def _request_template(self) -> RequestTemplate | None:
        if not self._template_checked:
            self._template = await RequestTemplate.build(self._raw, self._request_kwargs)
            self._template_checked = True
        return self._template


# Two unlike conversations of the shape `Prompt.messages` gives: a template is used only when
# instructor and openai turn both into the same request, their messages untouched.
_PROBES = (
    [{"role": "system", "content": "probe system one"}, {"role": "user", "content": "probe article one"}],
    [{"role": "system", "content": "{x} two\n"}, {"role": "user", "content": "Article (published x):\n\nدو 二"}],
)


@dataclass(frozen=True)
class RequestTemplate:
    """The first request of every article, built once per client with only the messages left to fill in.

    Built per request, it cost about 2 ms of CPU per article (bench/throughput.py, part 3b):
    instructor re-derives the tool schema and redacts the arguments for its log
    (`handle_response_model`), and openai's `create` walks the whole body, the tool schema
    included, through its typed-dict annotations. Both do the same for every article when
    only the messages differ, so the request is built once from probe conversations and
    sent through the client's own `post` with what `create` would pass: same path, body,
    headers and options, so the transport, metering, error mapping and the recorded
    cassettes see the same request. A mode or a library version that changes the messages
    (the JSON modes put the schema into them) or builds anything from them gets no
    template: every request is then built as before. The answer is read from the response's
    JSON; openai's `ChatCompletion` is built of it only for a re-ask (see `_Answer`).
    """

    kwargs_template: dict[str, Any]  # instructor's `create` arguments, in its order
    body_template: dict[str, Any]  # what `create` posts, in its order
    post_arguments: dict[str, Any]  # path, options, cast_to, stream, stream_cls

    @classmethod
    async def build(
        cls, client: openai.AsyncOpenAI, request_kwargs: Callable[[list[dict[str, str]]], dict[str, Any]]
    ) -> RequestTemplate | None:
        try:
            built = [(request_kwargs(probe), probe) for probe in _PROBES]
            posted = [await _posted(client, kwargs) for kwargs, _probe in built]
        except Exception:  # an unexpected library shape: build every request the ordinary way
            return None
        shapes = set()
        for (kwargs, probe), (body, arguments) in zip(built, posted, strict=True):
            if kwargs.get("messages") != probe or body.get("messages") != probe:
                return None
            shapes.add(repr((_without_messages(kwargs), _without_messages(body), arguments)))
        if len(shapes) != 1:
            return None
        (kwargs, _probe), (body, arguments) = built[0], posted[0]
        return cls(kwargs, body, arguments)

    def fits(self, messages: list[dict[str, str]]) -> bool:
        """Messages like the probes': role and content, both plain text."""
        return all(
            type(m) is dict and m.keys() == {"role", "content"} and all(type(v) is str for v in m.values())
            for m in messages
        )

    def kwargs(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """The `create` arguments, for instructor's re-asks."""
        return {k: (list(messages) if k == "messages" else v) for k, v in self.kwargs_template.items()}

    async def send(self, client: openai.AsyncOpenAI, messages: list[dict[str, str]]) -> _Answer:
        """Post the article's request; the answer is read from its JSON (see `_Answer.posted`)."""
        body = {k: ([dict(m) for m in messages] if k == "messages" else v) for k, v in self.body_template.items()}
        arguments = dict(self.post_arguments)
        path, options = arguments.pop("path"), dict(arguments.pop("options"))
        post: Any = client.post  # called with what `create` passes it (its overloads want literals)
        if not hasattr(client, "_process_response"):  # another openai: its own response type, as `create`
            return _Answer.of(await post(path, body=body, options=options, **arguments))
        cast_to = arguments.pop("cast_to")
        response = await post(path, body=body, options=options, cast_to=httpx2.Response, **arguments)

        async def completion() -> Any:
            # What `create` returns, made by openai's own code from the same response.
            final = FinalRequestOptions.construct(method="post", url=path, json_data=body, **options)
            return await client._process_response(cast_to=cast_to, options=final, response=response, **arguments)

        return await _Answer.posted(response, completion)


async def _posted(client: openai.AsyncOpenAI, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What `chat.completions.create(**kwargs)` would pass to the client's `post`, without sending it."""
    captured: dict[str, Any] = {}

    async def capture(path: str, **arguments: Any) -> None:
        captured.update(arguments, path=path)

    completions = AsyncCompletions(client)
    completions._post = capture  # type: ignore[assignment]
    await completions.create(**kwargs)
    body = captured.pop("body")
    if not isinstance(body, dict) or not isinstance(captured.get("options"), dict):
        raise TypeError("unexpected request shape")
    return body, captured


def _without_messages(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != "messages"}


@dataclass(frozen=True)
class _Answer:
    """What the loop needs of an answer: cut off or not, its JSON text, and openai's completion
    object, which only a re-ask needs (instructor formats the re-ask from it)."""

    cut_off: bool
    text: str | None
    completion: Callable[[], Awaitable[Any]]

    @classmethod
    def of(cls, completion: Any) -> _Answer:
        async def made() -> Any:
            return completion

        return cls(_cut_off(completion), _answer_text(completion), made)

    @classmethod
    async def posted(cls, response: httpx2.Response, completion: Callable[[], Awaitable[Any]]) -> _Answer:
        """The answer read from the response's JSON, without building openai's `ChatCompletion`
        (about 0.17 ms per article, bench/throughput.py part 3b).

        Only for a JSON body of the usual shape, where reading the JSON gives what reading the
        completion would; anything else is made into the completion as `create` makes it, and
        read from there. A body that is not JSON fails here as it fails in `create`.
        """
        content_type, *_ = response.headers.get("content-type", "*").split(";")
        if content_type.endswith("json"):  # as openai decides whether to parse the body
            choice = _usual_choice(response.json())
            if choice is not None:
                message = choice["message"]
                text = next(
                    (
                        str(c["function"]["arguments"])
                        for c in message.get("tool_calls") or []
                        if c["function"].get("arguments")
                    ),
                    None,
                )
                if text is None and isinstance(message.get("content"), str):
                    text = message["content"]
                return cls(choice["finish_reason"] == "length", text, completion)
        return cls.of(await completion())


def _usual_choice(data: Any) -> dict[str, Any] | None:
    """The first choice of a chat completion in the shape OpenAI-compatible servers send, else None.

    In this shape, `_cut_off` and `_answer_text` read the same from the JSON as from the
    `ChatCompletion` openai builds of it: every value they look at is there, of its type.
    """
    choices = data.get("choices") if isinstance(data, dict) else None
    choice = choices[0] if isinstance(choices, list) and choices else None
    if not isinstance(choice, dict) or "finish_reason" not in choice:
        return None
    message = choice.get("message")
    if not isinstance(message, dict) or not isinstance(choice["finish_reason"], str | None):
        return None
    if not isinstance(message.get("content"), str | None):
        return None
    calls = message.get("tool_calls")
    if calls is not None and not (
        isinstance(calls, list)
        and all(
            isinstance(c, dict)
            and c.get("type") == "function"
            and isinstance(c.get("function"), dict)
            and isinstance(c["function"].get("arguments"), str | None)
            for c in calls
        )
    ):
        return None
    return choice


def _reask_kwargs(kwargs: dict[str, Any], mode: instructor.Mode, completion: Any, reask: Exception) -> dict[str, Any]:
    """instructor's re-ask for the mode, quoting the answer back with what was wrong with it.

    An answer with nothing to quote (no choices, a tool call of another kind than a function)
    breaks instructor's formatting; the same request is then sent again, as a plain retry.
    """
    try:
        with warnings.catch_warnings():
            # Quoting an answer of odd types back (arguments as an object) makes pydantic warn
            # on stderr while serializing it; the re-ask is still right, the warning only noise.
            warnings.filterwarnings("ignore", "Pydantic serializer warnings", UserWarning)
            return handle_reask_kwargs(kwargs, mode, completion, reask)
    except (AttributeError, IndexError, KeyError, TypeError):
        return kwargs


class _Reask(Exception):
    """The re-ask text, passed where instructor's re-ask formatting expects the validation error."""


def _cut_off(completion: Any) -> bool:
    choices = getattr(completion, "choices", None) or []
    return bool(choices) and choices[0].finish_reason == "length"


def _answer_text(completion: Any) -> str | None:
    """The answer's JSON text wherever the mode put it: the tool call's arguments, or the message content."""
    choices = getattr(completion, "choices", None) or []
    if not choices:
        return None
    message = choices[0].message
    for call in message.tool_calls or []:
        arguments = getattr(getattr(call, "function", None), "arguments", None)
        if arguments:
            return str(arguments)
    content = message.content
    return content if isinstance(content, str) else None


def _transport_message(exc: openai.APIError, meter: Meter) -> str:
    """What the transport last saw, in words, and how many attempts it made."""
    seen = meter.last_failure if isinstance(exc, openai.APIConnectionError) and meter.last_failure else None
    tries = f" after {meter.requests} attempt{'s' if meter.requests != 1 else ''}"
    return _short((seen or _api_message(exc)) + tries)


def _api_message(exc: openai.APIError) -> str:
    status = getattr(exc, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    return _short(f"{prefix}{exc.message}" if hasattr(exc, "message") else str(exc))


def _short(exc: object, limit: int = 500) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
