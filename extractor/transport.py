"""Every HTTP attempt to the model endpoint goes through here (an httpx transport).

Sitting under the openai client, below instructor's re-asks, it sees each real
attempt, so it is the one place that:
- meters every attempt (re-asks, retries and failed attempts included) into the
  article's `Meter`;
- bounds each attempt by a wall-clock deadline (--timeout) covering the whole
  answer, so a server trickling one byte at a time cannot stretch it, and each
  article by a total time budget;
- retries 408/409/429/5xx and connection faults, honouring Retry-After within
  bounds, for as long as the article's budget allows (not a small count);
- adapts the run's requests in flight to the endpoint's push-back (AIMD) and
  applies --rpm/--tpm;
- scrubs the API key from anything the endpoint sends back (an error page that
  echoes the request's headers), before the openai client turns it into text;
- counts answers that stopped at max_tokens, even when the server calls it a
  normal stop (llama.cpp with tools does), so a failure they cause is reported
  as a cut-off, not as the JSON error it leads to.

The openai client's own retries are off (max_retries=0), so nothing is retried
twice and nothing escapes the meter.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx2
import openai
import yarl

from extractor.adaptive import AdaptiveGate
from extractor.backoff import jittered, server_wait
from extractor.proxies import EnvironmentProxies
from extractor.rate_limit import Grant, RateLimits
from extractor.redaction import redact, redact_bytes
from extractor.schemas import Usage

# Worth sending again: the statuses the openai client retries itself, and every 5xx.
_RETRYABLE_STATUS = frozenset({408, 409, 429})
# The endpoint saying "too much": the whole run slows down.
_PUSH_BACK_STATUS = frozenset({429, 503})


@dataclass(frozen=True)
class TransportPolicy:
    # A cap on attempts per request that failed on their own (a 500, a timeout); None: no cap.
    # Push-back (429, 503, connection refused) is bounded by the article's time budget only:
    # it says "later", not "never", and a busy endpoint must not cost an article.
    attempts: int | None = 5
    initial_wait: float = 0.25
    max_wait: float = 30.0
    # Seconds an article may spend on HTTP (attempts, retries, re-asks and waits).
    # None: (re-asks + 1) x --timeout, plus room for backing off.
    total: float | None = None
    # A Retry-After above this is clamped (and reported on the article).
    max_retry_after: float = 120.0
    # Injectable so tests can check the waits without spending them.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic

    def article_budget(self, timeout: float, max_reasks: int) -> float:
        if self.total is not None:
            return self.total
        return (max_reasks + 1) * timeout + 2 * self.max_retry_after


@dataclass
class Meter:
    """Mutable per-article counters, filled by the transport."""

    requests: int = 0
    answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    transport_retries: int = 0
    notes: list[str] = field(default_factory=list)
    # Answers that stopped at max_tokens.
    cut_offs: int = 0
    # What the last failed attempt was, in words (for the article's error line).
    last_failure: str | None = None
    started: float | None = None

    def usage(self) -> Usage:
        return Usage(
            requests=self.requests,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            reasks=max(self.answers - 1, 0),
            transport_retries=self.transport_retries,
        )

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


_meter: contextvars.ContextVar[Meter] = contextvars.ContextVar("meter")


@contextmanager
def metering(meter: Meter) -> Iterator[Meter]:
    """Every HTTP attempt made inside this block (same task or its children) is counted on `meter`."""
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)


class BudgetExhausted(httpx2.TimeoutException):
    """The article's total time budget ran out before an answer."""


class ResilientTransport(httpx2.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport,
        *,
        timeout: float,
        budget: float,
        policy: TransportPolicy,
        gate: AdaptiveGate,
        limits: RateLimits | None = None,
        secrets: tuple[str, ...] = (),
        max_tokens: int | None = None,
    ) -> None:
        self._inner = inner
        self.timeout = timeout
        self.budget = budget
        self.policy = policy
        self.gate = gate
        self.limits = limits or RateLimits()
        self._secrets = secrets
        # The client's own setting, given here so no request body is parsed to find it.
        self.max_tokens = max_tokens

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        meter = _meter.get(None) or Meter()  # a request outside an article (e.g. listing models)
        policy, clock = self.policy, self.policy.clock
        estimate = RateLimits.estimate_tokens_of_body(len(_body(request))) if self.limits.active else 0
        attempt = hard_failures = 0
        while True:
            attempt += 1
            await self.gate.wait_if_paused()
            reservation = await self.limits.before_request(estimate) if self.limits.active else None
            async with self.gate.slot():
                if meter.started is None:
                    meter.started = clock()
                left = meter.started + self.budget - clock()
                if left <= 0:
                    raise self._out_of_budget(meter, request)
                meter.requests += 1
                if attempt > 1:
                    meter.transport_retries += 1
                outcome = await self._attempt(request, min(self.timeout, left), meter)
            if isinstance(outcome, httpx2.Response):
                if not _retryable(outcome.status_code):
                    self.gate.recovered()
                    if outcome.status_code == 200:
                        outcome = self._account(outcome, meter, reservation)
                    return outcome
                self.gate.failed()
                meter.last_failure = f"HTTP {outcome.status_code}"
                hard_failures += outcome.status_code not in _PUSH_BACK_STATUS
                wait = self._wait_after(outcome, attempt, meter)
            else:
                self.gate.failed()
                meter.last_failure = _describe(outcome)
                if isinstance(outcome, httpx2.ConnectError):
                    self.gate.push_back()  # unreachable: let fewer requests pile up against it
                else:
                    hard_failures += 1
                wait = self._backoff(attempt)
            if not self._may_retry(hard_failures, wait, meter):
                if isinstance(outcome, httpx2.Response):
                    return outcome
                raise outcome
            await policy.sleep(wait)

    async def _attempt(
        self, request: httpx2.Request, seconds: float, meter: Meter
    ) -> httpx2.Response | httpx2.TransportError:
        """One attempt, body included, within `seconds` of wall-clock time."""
        try:
            async with asyncio.timeout(seconds):
                response = await self._inner.handle_async_request(request)
                try:
                    content = await response.aread()
                finally:
                    await response.aclose()
        except TimeoutError:
            return httpx2.ReadTimeout(f"no complete answer within {seconds:.3g} s (--timeout)", request=request)
        except httpx2.TransportError as exc:
            return exc
        return self._rebuilt(response, content, request)

    def _rebuilt(self, response: httpx2.Response, content: bytes, request: httpx2.Request) -> httpx2.Response:
        """The response with its body already read (and decoded), secrets scrubbed from error bodies."""
        if response.status_code >= 400:
            content = redact_bytes(content, self._secrets)
        skip = {b"content-encoding", b"content-length", b"transfer-encoding"}
        headers = [
            (name, redact(value.decode("latin-1"), self._secrets).encode("latin-1"))
            for name, value in response.headers.raw
            if name.lower() not in skip
        ]
        return httpx2.Response(
            response.status_code,
            headers=headers,
            content=content,
            request=request,
            extensions=response.extensions,
        )

    def _wait_after(self, response: httpx2.Response, attempt: int, meter: Meter) -> float:
        asked = server_wait(response.headers, ceiling=self.policy.max_retry_after)
        if asked is not None and asked.note:
            meter.note(asked.note)
        trusted = asked is not None and asked.from_server
        wait = asked.seconds if asked is not None and trusted else self._backoff(attempt)
        if response.status_code in _PUSH_BACK_STATUS:
            # A sane server-given wait applies to the whole run; our own guess, or a value we
            # had to clamp, only to this request.
            run_wide = asked is not None and trusted and asked.note is None
            self.gate.push_back(wait if run_wide else 0.0)
        return wait

    def _backoff(self, attempt: int) -> float:
        # Exponential per attempt only while the endpoint fails broadly; a request that was
        # merely unlucky among successes tries again soon (a long wait would hold up its
        # article, and, in ordered output, every line after it).
        exponent = attempt if self.gate.failing_broadly else 1
        return jittered(exponent, initial=self.policy.initial_wait, maximum=self.policy.max_wait)

    def _may_retry(self, hard_failures: int, wait: float, meter: Meter) -> bool:
        if self.policy.attempts is not None and hard_failures >= self.policy.attempts:
            return False
        assert meter.started is not None
        return meter.started + self.budget - self.policy.clock() > wait

    def _out_of_budget(self, meter: Meter, request: httpx2.Request) -> BudgetExhausted:
        last = f" (last: {meter.last_failure})" if meter.last_failure else ""
        meter.last_failure = f"no answer within the article's time budget of {self.budget:.0f} s{last}"
        return BudgetExhausted(meter.last_failure, request=request)

    def _account(self, response: httpx2.Response, meter: Meter, reservation: Grant | None) -> httpx2.Response:
        """Count an answer: its tokens, and whether it stopped at max_tokens.

        The answer's body is parsed here although openai parses it again: usage and
        finish_reason are only in the body (no header carries them), and the parsed
        object never comes back down to the transport (instructor re-asks above it).
        The body is the model's answer, bounded by max_tokens, not the article.
        """
        meter.answers += 1
        meter.last_failure = None
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        if not isinstance(body, dict):
            return response
        usage = body.get("usage") or {}
        prompt, completion = _int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens"))
        meter.prompt_tokens += prompt
        meter.completion_tokens += completion
        if self.limits.active:
            self.limits.after_response(reservation, _int(usage.get("total_tokens")) or prompt + completion)
        meter.cut_offs += _cut_off(body, self.max_tokens, completion)
        return response


def _retryable(status: int) -> bool:
    return status in _RETRYABLE_STATUS or status >= 500


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _body(request: httpx2.Request) -> bytes:
    try:
        return request.content
    except httpx2.RequestNotRead:  # a streamed upload: nothing we send; count it as empty
        return b""


def _cut_off(body: dict[str, Any], limit: int | None, completion_tokens: int) -> bool:
    choices = body.get("choices") or []
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    if first.get("finish_reason") == "length":
        return True
    # Some servers (llama.cpp with tools) report a normal stop for an answer that
    # ran into the limit; spending exactly the limit is the tell.
    return limit is not None and completion_tokens >= limit


def _describe(exc: httpx2.TransportError) -> str:
    text = str(exc)
    if isinstance(exc, httpx2.ConnectError):
        return f"cannot connect ({text})" if text else "cannot connect"
    if isinstance(exc, httpx2.TimeoutException):
        return text or "timed out"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def build_http_client(transport: ResilientTransport) -> httpx2.AsyncClient:
    """The httpx client for openai.AsyncOpenAI(http_client=...), with openai's own defaults.

    Given a transport, httpx2 mounts no proxies from the environment, so every request,
    proxied or not, goes through ResilientTransport; the proxy is chosen below it."""
    return openai.DefaultAsyncHttpxClient(transport=transport)


def inner_transport() -> httpx2.AsyncBaseTransport:
    """The HTTP/1.1 client under the resilient transport: aiohttp's.

    httpx2's own pool (httpcore2) spent about 1.2 ms of CPU per request here, more than
    the rest of a run's plumbing together; aiohttp's C parser and pool about 0.3 ms.
    openai's defaults for connections; the client's own `limits` would be ignored once
    a transport is given."""
    return AiohttpTransport(max_connections=1000)


# aiohttp's faults as httpx2's, most specific first, so the resilient transport and the
# openai client above it see the same exceptions whatever does the HTTP.
_AIOHTTP_FAULTS: tuple[tuple[type[BaseException], type[httpx2.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx2.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx2.ReadTimeout),
    (aiohttp.ClientConnectorError, httpx2.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx2.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx2.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx2.RemoteProtocolError),
    (aiohttp.InvalidURL, httpx2.UnsupportedProtocol),
    (aiohttp.NonHttpUrlClientError, httpx2.UnsupportedProtocol),
    (aiohttp.ClientConnectionError, httpx2.ReadError),
    (aiohttp.ClientError, httpx2.TransportError),
)


@contextmanager
def _as_httpx_faults(request: httpx2.Request) -> Iterator[None]:
    try:
        yield
    except aiohttp.ClientError as exc:
        kind = next(target for source, target in _AIOHTTP_FAULTS if isinstance(exc, source))
        raise kind(str(exc) or type(exc).__name__, request=request) from exc


class _AiohttpBody(httpx2.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse, request: httpx2.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_faults(self._request):
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        # Back to the pool when the body was read to the end; closed otherwise.
        self._response.release()


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """An httpx2 transport that sends with aiohttp (already installed: instructor needs it)."""

    def __init__(self, *, max_connections: int, keepalive_expiry: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._proxies: EnvironmentProxies | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Made on first use: a session belongs to the event loop that runs it.
        connector = aiohttp.TCPConnector(
            limit=self._max_connections, keepalive_timeout=self._keepalive_expiry, ssl=_ssl_context()
        )
        # httpx2 mounts no proxies once given a transport, so the environment's are applied
        # here, per request. Not aiohttp's trust_env: it would also read ~/.netrc and look
        # the proxy up in a worker thread on every request, and ignores ALL_PROXY.
        self._proxies = EnvironmentProxies()
        return aiohttp.ClientSession(connector=connector, auto_decompress=False, trust_env=False)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._session is None:
            self._session = self._open()
        assert self._proxies is not None
        url = request.url
        proxy = self._proxies.for_url(url.scheme, url.host, url.port)
        timeout = request.extensions.get("timeout", {})
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        content = await request.aread()
        with _as_httpx_faults(request):
            response = await self._session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=headers,
                data=content or None,
                allow_redirects=False,
                compress=False,
                # https:// goes through an HTTP proxy by CONNECT, with the same TLS trust.
                proxy=proxy,
                # Every attempt is bounded as a whole by ResilientTransport; these are httpx2's
                # per-phase limits, kept.
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
                skip_auto_headers=("Content-Type",),
            )
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx2.Response(
            response.status,
            headers=response.raw_headers,
            stream=_AiohttpBody(response, request),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # httpx2's trust settings (certificates, SSL_CERT_FILE), built once per process.
    return httpx2.create_ssl_context()
