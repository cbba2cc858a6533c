"""The fake server must look like OpenAI to the real `openai` + `instructor` stack.

Every failure mode the extractor handles (rate limits, 5xx, timeouts, resets,
truncated or non-JSON output) is provoked here through the real clients, so
the other test suites can rely on the fake producing exactly those exceptions.
"""

from __future__ import annotations

import asyncio
import datetime
import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, Literal

import instructor
import openai
import pytest
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel

from extractor.testing import (
    FakeOpenAI,
    Reply,
    default_responder,
    minimal_instance,
    unused_port,
)

MESSAGES: list[Any] = [{"role": "user", "content": "Extract the event from: ..."}]


class Event(BaseModel):
    title: str
    year: int | None


class Place(BaseModel):
    name: str
    kind: Literal["city", "country"]
    since: datetime.date


class Report(BaseModel):
    events: list[Event]
    place: Place
    confidence: float
    summary: str | None = None


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def client_for(server: FakeOpenAI, timeout: float = 10.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0, timeout=timeout)


def tools_client(server: FakeOpenAI, timeout: float = 10.0) -> instructor.Instructor:
    return instructor.from_openai(client_for(server, timeout), mode=instructor.Mode.TOOLS)


def test_tools_answer_parses_and_reports_usage(server: FakeOpenAI) -> None:
    server.script(Reply.answer({"title": "Flood", "year": 2021}, prompt_tokens=7, completion_tokens=3))
    event, completion = tools_client(server).chat.completions.create_with_completion(
        model="gpt-test", response_model=Event, messages=MESSAGES, max_retries=0
    )
    assert event.model_dump() == {"title": "Flood", "year": 2021}
    assert completion.model == "gpt-test"
    assert completion.choices[0].finish_reason == "tool_calls"
    assert completion.choices[0].message.tool_calls[0].function.name == "Event"
    assert (
        completion.usage.prompt_tokens,
        completion.usage.completion_tokens,
        completion.usage.total_tokens,
    ) == (7, 3, 10)


@pytest.mark.parametrize("mode", [instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON, instructor.Mode.MD_JSON])
def test_content_modes_parse(server: FakeOpenAI, mode: instructor.Mode) -> None:
    server.script(Reply.answer('{"title": "Summit", "year": null}'))
    client = instructor.from_openai(client_for(server), mode=mode)
    event = client.chat.completions.create(model="m", response_model=Event, messages=MESSAGES, max_retries=0)
    assert event.model_dump() == {"title": "Summit", "year": None}
    assert "tools" not in server.chat_requests[0]


@pytest.mark.parametrize(
    "mode",
    [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON, instructor.Mode.MD_JSON],
)
def test_default_responder_answers_any_schema_validly(server: FakeOpenAI, mode: instructor.Mode) -> None:
    client = instructor.from_openai(client_for(server), mode=mode)
    report = client.chat.completions.create(model="m", response_model=Report, messages=MESSAGES, max_retries=0)
    assert report.place.kind == "city"
    assert report.events == []


def test_minimal_instance_honours_constraints() -> None:
    schema = {
        "type": "object",
        "required": ["tags", "n", "code"],
        "properties": {
            "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 3}},
            "n": {"type": "integer", "exclusiveMinimum": 4},
            "code": {"const": "X"},
        },
    }
    assert minimal_instance(schema) == {"tags": ["xxx", "xxx"], "n": 5, "code": "X"}
    assert minimal_instance({"type": "string", "format": "date"}) == "1970-01-01"
    assert default_responder({"messages": []}).arguments == "{}"


def test_responder_routes_by_prompt() -> None:
    def by_article(body: dict[str, Any]) -> Reply:
        prompt = body["messages"][-1]["content"]
        return Reply.answer({"title": "A" if "article A" in prompt else "B", "year": None})

    with FakeOpenAI(responder=by_article) as server:
        client = tools_client(server)
        for name in ("B", "A"):
            messages = [{"role": "user", "content": f"article {name}"}]
            event = client.chat.completions.create(model="m", response_model=Event, messages=messages)
            assert event.title == name


def test_broken_responder_surfaces_as_500() -> None:
    with FakeOpenAI(responder=lambda body: None) as server:  # type: ignore[arg-type,return-value]
        client = client_for(server)
        with pytest.raises(openai.InternalServerError, match="responder"):
            client.chat.completions.create(model="m", messages=MESSAGES)


def test_script_takes_precedence_then_responder(server: FakeOpenAI) -> None:
    server.script(Reply.answer({"title": "first", "year": 1}), Reply.answer({"title": "second", "year": 2}))
    client = tools_client(server)
    titles = [
        client.chat.completions.create(model="m", response_model=Event, messages=MESSAGES).title for _ in range(3)
    ]
    assert titles == ["first", "second", ""]
    assert server.pending_replies == 0


def test_rate_limit_surfaces_with_retry_after(server: FakeOpenAI) -> None:
    server.script(Reply.status(429, headers={"Retry-After": "1"}))
    with pytest.raises(openai.RateLimitError) as caught:
        client_for(server).chat.completions.create(model="m", messages=MESSAGES)
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "1"
    assert caught.value.code == "rate_limit_exceeded"


def test_instructor_wraps_api_errors_without_retrying(server: FakeOpenAI) -> None:
    # instructor only re-asks on parse errors; an API error ends the call at
    # once, wrapped in InstructorRetryException with the openai error as cause.
    server.script(Reply.status(429, headers={"Retry-After": "1"}), Reply.answer({"title": "never", "year": 1}))
    with pytest.raises(InstructorRetryException) as caught:
        tools_client(server).chat.completions.create(model="m", response_model=Event, messages=MESSAGES, max_retries=2)
    assert isinstance(caught.value.__cause__, openai.RateLimitError)
    assert server.request_count == 1


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_surface_as_internal_server_error(server: FakeOpenAI, code: int) -> None:
    server.script(Reply.status(code))
    with pytest.raises(openai.InternalServerError) as caught:
        client_for(server).chat.completions.create(model="m", messages=MESSAGES)
    assert caught.value.status_code == code
    assert caught.value.type == "server_error"


def test_custom_status_body_is_sent_verbatim(server: FakeOpenAI) -> None:
    server.script(Reply.status(400, body={"error": {"message": "context too long", "type": "x", "code": "ctx"}}))
    with pytest.raises(openai.BadRequestError) as caught:
        client_for(server).chat.completions.create(model="m", messages=MESSAGES)
    assert caught.value.code == "ctx"


def test_hang_triggers_client_timeout(server: FakeOpenAI) -> None:
    server.script(Reply.hang(5))
    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        client_for(server, timeout=0.5).chat.completions.create(model="m", messages=MESSAGES)
    assert time.perf_counter() - started < 3


def test_drop_triggers_connection_error(server: FakeOpenAI) -> None:
    server.script(Reply.drop())
    with pytest.raises(openai.APIConnectionError) as caught:
        client_for(server).chat.completions.create(model="m", messages=MESSAGES)
    assert not isinstance(caught.value, openai.APITimeoutError)


def test_connection_refused_on_unused_port() -> None:
    client = openai.OpenAI(base_url=f"http://127.0.0.1:{unused_port()}/v1", api_key="test-key", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="m", messages=MESSAGES)


def test_truncated_answer_is_incomplete_output(server: FakeOpenAI) -> None:
    # finish_reason 'length' is checked before parsing and is never re-asked.
    server.script(Reply.truncated({"title": "A long title", "year": 2020}))
    with pytest.raises(IncompleteOutputException):
        tools_client(server).chat.completions.create(model="m", response_model=Event, messages=MESSAGES, max_retries=1)
    assert server.request_count == 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(Reply.truncated({"title": "A long title"}).arguments)


def test_invalid_json_fails_to_parse(server: FakeOpenAI) -> None:
    server.script(Reply.invalid_json())
    with pytest.raises(InstructorRetryException):
        tools_client(server).chat.completions.create(model="m", response_model=Event, messages=MESSAGES, max_retries=0)


def test_invalid_then_valid_succeeds_with_one_reask(server: FakeOpenAI) -> None:
    server.script(Reply.invalid_json(), Reply.answer({"title": "Fixed", "year": 1999}))
    event = tools_client(server).chat.completions.create(
        model="m", response_model=Event, messages=MESSAGES, max_retries=1
    )
    assert event.title == "Fixed"
    assert server.request_count == 2
    reask = server.chat_requests[1]["messages"]
    assert reask[-1]["role"] == "tool"


def test_requests_are_recorded(server: FakeOpenAI) -> None:
    client = client_for(server)
    client.chat.completions.create(model="gpt-rec", messages=MESSAGES, temperature=0)
    assert [m.id for m in client.models.list()] == ["fake-model"]
    assert server.request_count == 2
    chat, models = server.requests
    assert (chat.method, chat.path, models.method, models.path) == (
        "POST",
        "/v1/chat/completions",
        "GET",
        "/v1/models",
    )
    assert chat.json["model"] == "gpt-rec"
    assert chat.json["messages"] == MESSAGES
    assert chat.headers["authorization"] == "Bearer test-key"


def test_unknown_path_is_openai_style_404(server: FakeOpenAI) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.base_url + "/embeddings", data=b"{}", timeout=5)
    assert caught.value.code == 404
    assert "message" in json.loads(caught.value.read())["error"]


def test_latency_and_delay_are_added(server: FakeOpenAI) -> None:
    client = client_for(server)
    server.latency = 0.2
    server.script(Reply.answer({}, delay=0.2))
    started = time.perf_counter()
    client.chat.completions.create(model="m", messages=MESSAGES)
    assert time.perf_counter() - started >= 0.4


def test_concurrent_requests_overlap() -> None:
    async def run(base_url: str) -> float:
        async with openai.AsyncOpenAI(base_url=base_url, api_key="test-key", max_retries=0) as client:
            started = time.perf_counter()
            await asyncio.gather(*(client.chat.completions.create(model="m", messages=MESSAGES) for _ in range(64)))
            return time.perf_counter() - started

    with FakeOpenAI(latency=0.2) as server:
        elapsed = asyncio.run(run(server.base_url))
        assert server.request_count == 64
    assert 0.2 <= elapsed < 3


def _open_fds() -> int:
    gc.collect()  # unclosed clients of earlier tests must not close their sockets mid-count
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count file descriptors")
def test_stops_cleanly_with_a_hanging_request() -> None:
    threads_before, fds_before = threading.active_count(), _open_fds()
    errors: list[BaseException] = []
    server = FakeOpenAI().start()
    server.script(Reply.hang(60))
    client = client_for(server, timeout=60)

    def call() -> None:
        try:
            client.chat.completions.create(model="m", messages=MESSAGES)
        except openai.APIConnectionError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    while server.request_count == 0:
        time.sleep(0.01)
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 2
    caller.join(5)
    client.close()
    assert not caller.is_alive()
    assert len(errors) == 1
    assert threading.active_count() == threads_before
    assert _open_fds() == fds_before


def test_cli_serves_from_a_separate_process() -> None:
    command = [sys.executable, "-m", "extractor.testing.fake_openai", "--latency", "0.01"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            base_url = process.stdout.readline().strip()
            client = openai.OpenAI(base_url=base_url, api_key="test-key", max_retries=0, timeout=5)
            client.chat.completions.create(model="m", messages=MESSAGES)
        finally:
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
