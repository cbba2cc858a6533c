"""The HTTP transport under hostile endpoints: deadlines, backoff, push-back, secrets, cut-offs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
from typing import Any

import aiohttp
import httpx2
import instructor
import pytest
from extractor.schemas import ArticleResult

from extractor.adaptive import AdaptiveGate
from extractor.backends import Endpoint
from extractor.backoff import server_wait
from extractor.errors import UserError
from extractor.model_client import GenerationSettings, ModelClient, TransportPolicy
from extractor.preflight import check_endpoint
from extractor.rate_limit import RateLimits, SlidingWindow
from extractor.redaction import display_url, redact, register_secrets, url_passwords
from extractor.testing import FakeOpenAI, Reply, unused_port
from extractor.transport import Meter, ResilientTransport, _as_httpx_faults, metering
from tests.conftest import DIALOGUE_ARTICLE, DIALOGUE_QUOTE, FakeTime, dialogue_event, extract_with_client

SECRET_KEY = "sk-fake-SECRET-0123"  # fake, and short enough not to look like a real key
ARTICLE = DIALOGUE_ARTICLE
QUOTE = DIALOGUE_QUOTE
ANSWER = {"events": [dialogue_event()]}


def extract(
    base_url: str,
    article_path: str,
    *,
    key: str = "test-dummy-key",
    timeout: float = 5.0,
    policy: TransportPolicy | None = None,
    max_tokens: int = 512,
    max_reasks: int = 1,
) -> ArticleResult:
    endpoint = Endpoint("openai", base_url, key, "fake-model", instructor.Mode.TOOLS)
    settings = GenerationSettings(max_tokens=max_tokens, max_reasks=max_reasks, timeout=timeout)
    fake = FakeTime()
    policy = policy or TransportPolicy(max_wait=2.0, sleep=fake.sleep, clock=fake.clock)

    result: ArticleResult = extract_with_client(endpoint, settings, policy, article_path)
    return result


# -- item 12: --timeout is a wall-clock deadline --------------------------------------------


def test_a_trickling_server_cannot_stretch_the_timeout(server: FakeOpenAI, article_path: str) -> None:
    # One byte every 50 ms: a ~900-byte answer would take ~45 s; each byte arrives well within
    # any per-read timeout, so only a deadline on the whole answer stops it.
    server.responder = lambda body: Reply.answer(ANSWER).trickled(0.05)
    # Without a whole-answer deadline both attempts would complete (every byte is on time) and
    # the article would be ok; the deadline firing is what fails them.
    policy = TransportPolicy(attempts=2, initial_wait=0.01, max_wait=0.01)
    result = extract(server.base_url, article_path, timeout=0.5, policy=policy)
    assert result.status == "failed" and result.error is not None
    assert result.error.kind == "transport"
    assert "no complete answer within 0.5 s" in result.error.message
    assert result.usage.requests == 2


def test_the_article_budget_bounds_retries_and_reasks_together(server: FakeOpenAI, article_path: str) -> None:
    server.responder = lambda body: Reply.status(503)
    fake = FakeTime()
    policy = TransportPolicy(total=30.0, max_wait=4.0, sleep=fake.sleep, clock=fake.clock)
    result = extract(server.base_url, article_path, policy=policy)
    assert result.status == "failed" and result.error is not None and result.error.kind == "transport"
    assert sum(fake.slept) <= 30.0
    assert result.usage.requests == server.request_count > 5  # 503 is push-back: no attempt cap


# -- item 13: backoff honours Retry-After within bounds, the run slows down ------------------


@pytest.mark.parametrize(
    ("headers", "seconds", "reported"),
    [
        ({"retry-after": "3"}, 3.0, False),
        ({"retry-after-ms": "250"}, 0.25, False),
        ({"retry-after": "-5"}, 0.0, True),
        ({"retry-after": "NaN"}, None, True),
        ({"retry-after": "1e12"}, 60.0, True),
        ({"retry-after-ms": "inf"}, 60.0, True),
        ({"retry-after": "soon"}, None, True),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0, False),
        ({}, None, False),
    ],
)
def test_retry_after_is_clamped_and_hostile_values_reported(
    headers: dict[str, str], seconds: float | None, reported: bool
) -> None:
    wait = server_wait(headers, ceiling=60.0)
    if seconds is None:
        assert wait is None or not wait.from_server
    else:
        assert wait is not None and wait.from_server and math.isclose(wait.seconds, seconds)
    assert bool(wait and wait.note) is reported


def test_a_huge_retry_after_is_clamped_and_reported_on_the_line(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.status(429, headers={"retry-after": "99999999"}))
    server.responder = lambda body: Reply.answer(ANSWER)
    fake = FakeTime()
    policy = TransportPolicy(max_retry_after=20.0, sleep=fake.sleep, clock=fake.clock)
    result = extract(server.base_url, article_path, policy=policy)
    assert result.status == "ok"
    assert fake.slept and max(fake.slept) == 20.0
    assert any("99999999" in warning and "20 s at most" in warning for warning in result.warnings)
    assert result.usage.transport_retries == 1


def test_push_back_halves_requests_in_flight_and_success_raises_them_again() -> None:
    fake = FakeTime()
    gate = AdaptiveGate(16, settle=1.0, clock=fake.clock, sleep=fake.sleep)
    gate.push_back()
    gate.push_back()  # the same burst of refusals: counted once
    assert gate.capacity == 8
    fake.now += 2
    gate.push_back()
    assert gate.capacity == 4 and gate.decreases == 2
    for _ in range(200):
        gate.recovered()
    assert gate.capacity == 16


def test_a_retry_after_pauses_every_request_of_the_run() -> None:
    fake = FakeTime()
    gate = AdaptiveGate(4, clock=fake.clock, sleep=fake.sleep)
    gate.push_back(pause=7.0)

    async def later_request() -> float:
        await gate.wait_if_paused()
        return fake.now

    assert asyncio.run(later_request()) >= 1007.0


def test_the_gate_never_lets_more_than_its_capacity_in_flight() -> None:
    gate = AdaptiveGate(3)
    gate.push_back()  # capacity 1
    peak = 0

    async def one() -> None:
        nonlocal peak
        async with gate.slot():
            peak = max(peak, gate.in_flight)
            await asyncio.sleep(0.01)

    async def many() -> None:
        await asyncio.gather(*(one() for _ in range(6)))

    asyncio.run(many())
    assert peak == 1


def test_the_gate_serves_waiters_in_order_and_a_cancelled_chosen_waiter_passes_its_turn_on() -> None:
    gate = AdaptiveGate(2)
    order: list[int] = []

    async def one(number: int, hold: asyncio.Event) -> None:
        async with gate.slot():
            order.append(number)
            await hold.wait()

    async def scenario() -> None:
        hold = asyncio.Event()
        holders = [asyncio.create_task(one(n, hold)) for n in (0, 1)]
        await asyncio.sleep(0)
        waiters = [asyncio.create_task(one(n, hold)) for n in range(2, 8)]
        await asyncio.sleep(0)
        assert order == [0, 1] and gate.in_flight == 2
        holders[0].cancel()  # frees one slot: waiter 2 is chosen...
        await asyncio.sleep(0)
        waiters[0].cancel()  # ...and cancelled before it runs: waiter 3 gets the turn
        hold.set()
        await asyncio.gather(*holders, *waiters, return_exceptions=True)
        assert order == [0, 1, 3, 4, 5, 6, 7]
        assert gate.in_flight == 0

    asyncio.run(scenario())


# -- item 14: --rpm holds in every rolling window -----------------------------------------------


def test_rpm_holds_in_every_rolling_60_second_window() -> None:
    fake = FakeTime()
    limits = RateLimits(rpm=20, clock=fake.clock, sleep=fake.sleep)
    granted: list[float] = []

    async def go() -> None:
        for _ in range(100):
            await limits.before_request(10)
            granted.append(fake.now)

    asyncio.run(go())
    for index, start in enumerate(granted):
        in_window = [t for t in granted[index:] if t < start + 60.0]
        assert len(in_window) <= 20, f"{len(in_window)} requests within 60 s from t={start}"
    # And it is not needlessly slow: 100 requests at 20 per minute take 4 windows.
    assert granted[-1] - granted[0] < 4 * 60 + 1


def test_concurrent_requesters_share_one_window() -> None:
    fake = FakeTime()
    window = SlidingWindow(5, clock=fake.clock, sleep=fake.sleep)
    granted: list[float] = []

    async def one() -> None:
        await window.acquire()
        granted.append(fake.now)

    async def go() -> None:
        await asyncio.gather(*(one() for _ in range(12)))

    asyncio.run(go())
    granted.sort()
    assert all(len([t for t in granted if s <= t < s + 60]) <= 5 for s in granted)


def test_settling_tokens_never_holds_up_an_answer_and_the_next_request_waits() -> None:
    fake = FakeTime()
    limits = RateLimits(tpm=1000, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        reservation = await limits.before_request(100)
        limits.after_response(reservation, 1500)  # a shortfall of 1400: debited, not waited for
        assert fake.slept == []
        await limits.before_request(100)  # the next request is the one that waits
        assert sum(fake.slept) >= 59

    asyncio.run(go())


def test_an_over_estimate_is_credited_back() -> None:
    # Persian or Chinese text: the characters/3 estimate is 2-3x the real token count.
    fake = FakeTime()
    limits = RateLimits(tpm=1000, clock=fake.clock, sleep=fake.sleep)

    async def go() -> None:
        reservation = await limits.before_request(900)
        limits.after_response(reservation, 300)
        await limits.before_request(700)  # 300 + 700 fit in the minute
        assert fake.slept == []
        await limits.before_request(10)  # the window is full now
        assert fake.slept

    asyncio.run(go())


def test_the_transport_reads_max_tokens_from_the_client_not_from_each_request_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = {"choices": [{"finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 9, "completion_tokens": 256}}
    parsed: list[int] = []
    real_loads = json.loads

    def counting_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(text))
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr("extractor.transport.json.loads", counting_loads)
    fake = FakeTime()
    policy = TransportPolicy(sleep=fake.sleep, clock=fake.clock)
    transport = ResilientTransport(
        httpx2.MockTransport(lambda request: httpx2.Response(200, json=answer)),
        timeout=5.0,
        budget=10.0,
        policy=policy,
        gate=AdaptiveGate(4, clock=fake.clock, sleep=fake.sleep),
        max_tokens=256,
    )
    request_body = json.dumps({"messages": [{"role": "user", "content": "x" * 100_000}]}).encode()
    meter = Meter()

    async def go() -> None:
        with metering(meter):
            request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions", content=request_body)
            await transport.handle_async_request(request)

    asyncio.run(go())
    assert meter.cut_offs == 1  # spent exactly the client's max_tokens
    assert len(request_body) not in parsed  # the article-sized request body was never parsed


# -- item 8: the key never reaches a stored or printed string ---------------------------------


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("code", [400, 500])
def test_an_endpoint_echoing_the_key_never_puts_it_on_the_line(
    server: FakeOpenAI,
    article_path: str,
    code: int,
    html: bool,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    server.responder = lambda body: Reply.echo_headers(code, html=html)
    result = extract(server.base_url, article_path, key=SECRET_KEY, policy=TransportPolicy(attempts=1))
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET_KEY}"  # it was echoed
    assert result.status == "failed" and result.error is not None
    # The echoed headers reach the stored error, scrubbed (4xx and 5xx alike)...
    assert "Bearer [REDACTED]" in result.error.message
    # ...and the key is in no stored, logged or printed string.
    printed = capfd.readouterr()
    logged = [caplog.text, *(record.getMessage() for record in caplog.records)]
    logged += [record.exc_text or "" for record in caplog.records]
    for text in (result.model_dump_json(), printed.out, printed.err, *logged):
        assert SECRET_KEY not in text and "SECRET" not in text


def test_a_logged_traceback_carrying_the_key_is_scrubbed() -> None:
    register_secrets(SECRET_KEY)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError(f"the endpoint said: authorization: Bearer {SECRET_KEY}")
        except RuntimeError:
            logger.exception("request failed")
            logger.error("again", stack_info=True, exc_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "RuntimeError: the endpoint said: authorization: Bearer [REDACTED]" in text
    assert SECRET_KEY not in text


def test_a_password_in_the_base_url_is_not_in_the_cannot_reach_message() -> None:
    url = f"http://user:hunter2-secret@127.0.0.1:{unused_port()}/v1"
    endpoint = Endpoint("openai", url, "test-dummy-key", "fake-model", instructor.Mode.TOOLS)
    with pytest.raises(UserError) as caught:
        check_endpoint(endpoint, timeout=2.0)
    assert "cannot reach" in str(caught.value)
    assert "hunter2-secret" not in str(caught.value)
    assert display_url(url).startswith("http://[REDACTED]@127.0.0.1:")


def test_a_percent_encoded_password_is_scrubbed_as_written_and_as_sent() -> None:
    url = f"http://user:p%40ss-hunter3@127.0.0.1:{unused_port()}/v1"
    assert set(url_passwords(url)) == {"p%40ss-hunter3", "p@ss-hunter3"}
    endpoint = Endpoint("openai", url, "test-dummy-key", "fake-model", instructor.Mode.TOOLS)
    with pytest.raises(UserError):
        check_endpoint(endpoint, timeout=2.0)  # registers the secrets of the endpoint
    assert redact("sent p@ss-hunter3, written p%40ss-hunter3") == "sent [REDACTED], written [REDACTED]"


def test_redact_replaces_every_registered_secret() -> None:
    assert redact("key sk-abcdef123 and sk-abcdef123!", extra=["sk-abcdef123"]) == "key [REDACTED] and [REDACTED]!"
    assert redact("short x", extra=["x"]) == "short x"  # placeholders are not scrubbed


# -- item 18: cut-off answers are model errors ---------------------------------------------------


def _tool_call_cut_at(limit: int) -> Reply:
    # llama.cpp with tools: the answer ran into max_tokens, yet finish_reason says "tool_calls".
    text = json.dumps(ANSWER)[:60]
    return Reply.answer(text, completion_tokens=limit)


def test_an_answer_that_spent_max_tokens_is_a_cut_off_not_a_json_error(server: FakeOpenAI, article_path: str) -> None:
    server.responder = lambda body: _tool_call_cut_at(256)
    result = extract(server.base_url, article_path, max_tokens=256)
    assert result.status == "failed" and result.error is not None
    assert result.error.kind == "model"
    assert "cut off at --max-tokens 256" in result.error.message and "raise it" in result.error.message
    assert ": :" not in result.error.message
    assert result.usage.requests == result.usage.reasks + 1


def test_finish_reason_length_is_a_cut_off(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.truncated(ANSWER))
    result = extract(server.base_url, article_path)
    assert result.error is not None and result.error.kind == "model"
    assert "cut off at --max-tokens 512; raise it" in result.error.message


def test_a_cut_off_fixed_by_a_reask_is_fine(server: FakeOpenAI, article_path: str) -> None:
    server.script(_tool_call_cut_at(512), Reply.answer(ANSWER))
    result = extract(server.base_url, article_path)
    assert result.status == "ok" and result.usage.requests == 2


# -- item 12.6: every attempt is metered by the transport, not by patching the client -----------


def test_every_attempt_is_metered_without_patching_the_client(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.status(500), Reply.answer({"events": [{"type": "nope"}]}), Reply.answer(ANSWER))
    result = extract(server.base_url, article_path)
    assert result.status == "ok"
    assert result.usage.requests == 3 == server.request_count
    assert result.usage.transport_retries == 1 and result.usage.reasks == 1

    endpoint = Endpoint("openai", server.base_url, "k", "m", instructor.Mode.TOOLS)
    client = ModelClient(endpoint)
    completions: Any = client._raw.chat.completions
    assert "create" not in vars(completions)  # the bound method is openai's own
    asyncio.run(client.aclose())


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (aiohttp.ServerDisconnectedError(), httpx2.RemoteProtocolError),
        (aiohttp.ClientPayloadError("body cut short"), httpx2.RemoteProtocolError),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx2.ReadError),
        (aiohttp.SocketTimeoutError("read"), httpx2.ReadTimeout),
        (aiohttp.ConnectionTimeoutError("connect"), httpx2.ConnectTimeout),
        (aiohttp.InvalidURL("ftp://x"), httpx2.UnsupportedProtocol),
        (aiohttp.ClientError("anything else"), httpx2.TransportError),
    ],
)
def test_every_aiohttp_fault_reaches_the_resilient_transport_as_an_httpx_transport_error(
    fault: Exception, expected: type[httpx2.TransportError]
) -> None:
    # The resilient transport retries and reports httpx2.TransportError; a fault of the HTTP
    # library under it that escaped as something else would fail the article as a bug.
    request = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    with pytest.raises(expected) as raised, _as_httpx_faults(request):
        raise fault
    assert type(raised.value) is expected and raised.value.__cause__ is fault


def test_a_server_that_is_not_http_is_retried_then_reported_as_a_transport_failure(article_path: str) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(b"SMTP ready, not HTTP\r\n\r\n")
        await writer.drain()
        writer.close()

    async def run() -> ArticleResult:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await asyncio.to_thread(extract, f"http://127.0.0.1:{port}/v1", article_path)
        finally:
            server.close()

    result = asyncio.run(run())
    assert result.status == "failed" and result.error is not None
    assert result.error.kind == "transport"
    assert result.usage.requests > 1  # retried, as any broken answer is
