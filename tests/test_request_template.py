"""The request built once per client (extractor.model_client.RequestTemplate) is byte for byte
the request instructor and openai build for each article, in every mode; where a mode
changes the messages, no template is used."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import instructor
import pytest

from extractor.backends import Endpoint
from extractor.model_client import ModelClient

# The first answer has an event of no known type, so a re-ask (built by instructor) follows.
FIRST, SECOND = json.dumps({"events": [{"type": "meeting"}]}), json.dumps({"events": []})


def _endpoint(mode: instructor.Mode) -> Endpoint:
    return Endpoint(backend="openai", base_url="http://127.0.0.1:9/v1", api_key="test-dummy-key", model="m", mode=mode)


def _completion(body: dict[str, Any]) -> dict[str, Any]:
    answer = SECOND if any(m["role"] == "assistant" for m in body["messages"]) else FIRST
    if body.get("tools"):
        call = {"id": "c1", "type": "function", "function": {"name": body["tools"][0]["function"]["name"]}}
        call["function"]["arguments"] = answer
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
    else:
        message = {"role": "assistant", "content": answer}
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _requests(mode: instructor.Mode, messages: list[dict[str, str]], *, template: bool) -> list[tuple[Any, ...]]:
    """Every request the client sends for `messages`, with or without its template."""
    sent: list[tuple[Any, ...]] = []

    async def answer(request: httpx2.Request) -> httpx2.Response:
        headers = sorted((k, v) for k, v in request.headers.items() if k != "idempotency-key")
        sent.append((request.method, str(request.url), headers, request.content))
        return httpx2.Response(200, json=_completion(json.loads(request.content)))

    async def go() -> None:
        client = ModelClient(_endpoint(mode))
        client._raw._client = httpx2.AsyncClient(base_url=client._raw.base_url, transport=httpx2.MockTransport(answer))
        if not template:  # as if no template could be built: every request made by instructor and `create`
            client._template, client._template_checked = None, True
        outcome = await client.extract(messages)
        assert outcome.error is None and outcome.answer is not None
        await client.aclose()

    asyncio.run(go())
    return sent


ARTICLE = [
    {"role": "system", "content": "Extract events."},
    {"role": "user", "content": 'Article (published 2024-05-01):\n\n北京 {braces} "quotes" \\ تهران ۱۴۰۳'},
]


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON])
def test_the_template_sends_the_request_create_would(mode: instructor.Mode) -> None:
    with_template = _requests(mode, ARTICLE, template=True)
    assert with_template == _requests(mode, ARTICLE, template=False)
    assert len(with_template) == 2 and b"Extract events." in with_template[0][3]
    assert b"events[0]" in with_template[1][3]  # the re-ask names the failed event


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (instructor.Mode.TOOLS, True),
        (instructor.Mode.JSON_SCHEMA, True),
        # These modes put the schema into the messages: each request is built for its article.
        (instructor.Mode.JSON, False),
        (instructor.Mode.MD_JSON, False),
    ],
)
def test_a_template_only_where_the_mode_leaves_the_messages_alone(mode: instructor.Mode, expected: bool) -> None:
    client = ModelClient(_endpoint(mode))
    assert (asyncio.run(client._request_template()) is not None) is expected


def test_messages_of_another_shape_are_built_by_create() -> None:
    template = asyncio.run(ModelClient(_endpoint(instructor.Mode.TOOLS))._request_template())
    assert template is not None and template.fits(ARTICLE)
    assert not template.fits([{"role": "user", "content": "x", "name": "someone"}])
    assert not template.fits([{"role": "user", "content": [{"type": "text", "text": "x"}]}])  # type: ignore[dict-item]


def _message(**fields: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": None, **fields}


def _call(arguments: Any, kind: str = "function") -> dict[str, Any]:
    return {"id": "c1", "type": kind, "function": {"name": "ArticleEvents", "arguments": arguments}}


def _body(message: Any, finish: Any = "stop", **choice: Any) -> bytes:
    choices = [{"index": 0, "message": message, "finish_reason": finish, **choice}]
    return json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": choices}).encode()


EMPTY = json.dumps({"events": []})
# Answers of every shape an endpoint may send, usual or not: the template reads the usual ones
# from the JSON, and must come to what reading openai's completion of them comes to.
ODD_ANSWERS = {
    "tool call": ("application/json", _body(_message(tool_calls=[_call(EMPTY)]))),
    "content": ("application/json; charset=utf-8", _body(_message(content=EMPTY))),
    "cut off": ("application/json", _body(_message(tool_calls=[_call('{"events": [')]), "length")),
    "arguments as an object": ("application/json", _body(_message(tool_calls=[_call({"events": []})]))),
    "empty arguments, then content": ("application/json", _body(_message(tool_calls=[_call("")], content=EMPTY))),
    "a custom tool call": ("application/json", _body(_message(tool_calls=[_call(EMPTY, "custom")]))),
    "no finish reason": ("application/json", json.dumps({"choices": [{"message": _message(content=EMPTY)}]}).encode()),
    "no choices": ("application/json", json.dumps({"id": "x", "choices": []}).encode()),
    "a list": ("application/json", b"[1, 2]"),
    "not JSON, said to be": ("application/json", b"<html>busy</html>"),
    "JSON, said to be text": ("text/plain", _body(_message(content=EMPTY))),
    "text": ("text/plain", b"no events here"),
}


def _outcome(mode: instructor.Mode, content_type: str, body: bytes, *, template: bool) -> Any:
    async def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": content_type}, content=body)

    async def go() -> Any:
        client = ModelClient(_endpoint(mode))
        client._raw._client = httpx2.AsyncClient(base_url=client._raw.base_url, transport=httpx2.MockTransport(answer))
        if not template:
            client._template, client._template_checked = None, True
        try:
            outcome = await client.extract(ARTICLE)
        except Exception as exc:  # what escapes the client escapes it either way
            return type(exc).__name__, str(exc)
        finally:
            await client.aclose()
        answer_ = outcome.answer.model_dump(mode="json") if outcome.answer is not None else None
        return answer_, outcome.error, outcome.notes, outcome.rejected, outcome.usage

    return asyncio.run(go())


@pytest.mark.parametrize("kind", list(ODD_ANSWERS))
def test_the_answer_is_read_as_from_openais_completion(kind: str) -> None:
    content_type, body = ODD_ANSWERS[kind]
    for mode in (instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA):
        with_template = _outcome(mode, content_type, body, template=True)
        assert with_template == _outcome(mode, content_type, body, template=False), (kind, mode)


@pytest.mark.parametrize("kind", list(ODD_ANSWERS))
def test_an_odd_answer_is_the_articles_error_never_an_exception(kind: str) -> None:
    # A misbehaving endpoint is recorded on the article's line and the batch goes on: no answer
    # shape may escape the client as an exception (an "internal" error line).
    content_type, body = ODD_ANSWERS[kind]
    for mode in (instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA):
        answer, error, _notes, _rejected, _usage = _outcome(mode, content_type, body, template=True)
        assert (answer is None) == (error is not None), (kind, mode)
        assert error is None or error.kind in ("model", "transport"), (kind, mode, error)


def test_a_body_that_is_not_json_names_what_came_back() -> None:
    content_type, body = ODD_ANSWERS["not JSON, said to be"]
    _answer, error, *_ = _outcome(instructor.Mode.TOOLS, content_type, body, template=True)
    assert error.kind == "transport" and "<html>busy</html>" in error.message
