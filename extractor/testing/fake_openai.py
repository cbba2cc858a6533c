"""A scriptable, in-process fake of an OpenAI-compatible chat-completions server.

Tests and benchmarks need an endpoint that answers exactly what they script
(valid answers, rate limits, hangs, dropped connections, broken JSON) with a
controllable latency, without touching the network. The server speaks just
enough HTTP/1.1 (keep-alive, Content-Length bodies) for the `openai` client,
runs on its own asyncio loop in a background thread, and listens on 127.0.0.1
only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from types import TracebackType
from typing import Any, Literal, Self

__all__ = [
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "default_responder",
    "error_body",
    "minimal_instance",
    "periodic_faults",
    "unused_port",
]

ReplyKind = Literal["answer", "status", "hang", "drop", "echo"]
Responder = Callable[[dict[str, Any]], "Reply"]

_MAX_HEADER_BYTES = 1 << 20
_CHAT_PATH = "/v1/chat/completions"
_STOP_TIMEOUT = 10.0

# OpenAI's `error.type` / `error.code` for the statuses tests usually script.
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "unknown_url"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", None),
}

# Values pydantic accepts for the string formats it emits (date, datetime, ...).
_FORMAT_EXAMPLES = {
    "date": "1970-01-01",
    "date-time": "1970-01-01T00:00:00Z",
    "time": "00:00:00",
    "duration": "P0D",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "email": "fake@example.com",
    "uri": "http://example.com/",
}


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Unknown"


def _json_text(arguments: Mapping[str, Any] | str) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)


def error_body(code: int, message: str | None = None) -> dict[str, Any]:
    """OpenAI's error envelope, so the client builds the same exception as in production."""
    error_type, error_code = _ERROR_KINDS.get(code, ("server_error" if code >= 500 else "invalid_request_error", None))
    return {
        "error": {
            "message": message or f"Fake {code} {_phrase(code)}",
            "type": error_type,
            "param": None,
            "code": error_code,
        }
    }


@dataclass(frozen=True)
class Reply:
    """One scripted server behaviour; build it with the class-method constructors."""

    kind: ReplyKind
    arguments: str = ""
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    status_code: int = 200
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    hang_seconds: float = 0.0
    delay: float | None = None
    # Seconds between bytes of the reply (headers and body): a server trickling its answer.
    trickle: float = 0.0
    html: bool = False

    @classmethod
    def answer(
        cls,
        arguments: Mapping[str, Any] | str,
        *,
        prompt_tokens: int = 100,
        completion_tokens: int = 50,
        delay: float | None = None,
    ) -> Reply:
        """A successful completion: a tool call in TOOLS mode, message content otherwise."""
        return cls(
            "answer",
            arguments=_json_text(arguments),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            delay=delay,
        )

    @classmethod
    def truncated(
        cls,
        arguments: Mapping[str, Any] | str,
        *,
        prompt_tokens: int = 100,
        completion_tokens: int = 50,
        delay: float | None = None,
    ) -> Reply:
        """A max-tokens cut-off: the JSON text is cut in the middle, finish_reason 'length'."""
        whole = cls.answer(arguments, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, delay=delay)
        return replace(whole, arguments=whole.arguments[: len(whole.arguments) // 2], finish_reason="length")

    @classmethod
    def invalid_json(
        cls,
        text: str = "Sorry, I cannot produce JSON for this article.",
        *,
        delay: float | None = None,
    ) -> Reply:
        """A 200 answer whose arguments/content are prose instead of JSON."""
        return cls("answer", arguments=text, prompt_tokens=100, completion_tokens=12, delay=delay)

    @classmethod
    def status(
        cls,
        code: int,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        delay: float | None = None,
    ) -> Reply:
        """An HTTP error (429, 500, ...) with OpenAI's error JSON unless `body` is given."""
        return cls("status", status_code=code, body=body, headers=dict(headers or {}), delay=delay)

    @classmethod
    def hang(cls, seconds: float) -> Reply:
        """Read the request, send nothing for `seconds`, then close: provokes read timeouts."""
        return cls("hang", hang_seconds=seconds)

    @classmethod
    def echo_headers(cls, code: int, *, html: bool = False) -> Reply:
        """An error whose body repeats the request's headers (Authorization included), as JSON
        or as an HTML error page: what a misconfigured proxy does."""
        return cls("echo", status_code=code, html=html)

    def trickled(self, seconds_per_byte: float) -> Reply:
        """This reply, sent one byte every `seconds_per_byte`."""
        return replace(self, trickle=seconds_per_byte)

    @classmethod
    def drop(cls) -> Reply:
        """Reset the connection without answering: provokes connection errors."""
        return cls("drop")


@dataclass(frozen=True)
class RecordedRequest:
    """What the fake received; `json` is None when the body is empty or not JSON."""

    method: str
    path: str
    headers: Mapping[str, str]
    json: Any


def minimal_instance(schema: Mapping[str, Any], defs: Mapping[str, Any] | None = None) -> Any:
    """The smallest value that satisfies a (pydantic-style) JSON schema.

    Lets the default responder answer any structured-output request validly, so
    benchmarks need no per-schema script. Covers $ref/$defs, anyOf/oneOf/allOf,
    enum/const, required properties, common string formats and min
    length/items/value; not patterns or maxima.
    """
    defs = defs if defs is not None else schema.get("$defs", schema.get("definitions", {}))
    if "$ref" in schema:
        return minimal_instance(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            options = schema[key]
            nullable = [option for option in options if option.get("type") == "null"]
            return minimal_instance((nullable or options)[0], defs)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else kind[0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: minimal_instance(properties.get(name, {}), defs) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _FORMAT_EXAMPLES.get(schema.get("format", ""), "x" * schema.get("minLength", 0))
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1)
        value = max(0, low)
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return False
    return None


def _requested_schema(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema instructor asked for, wherever the mode put it."""
    tool = _requested_tool(body)
    if tool is not None:
        return tool.get("function", {}).get("parameters")
    response_format = body.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema")
    return schema if schema is not None else _schema_in_prompt(body.get("messages") or [])


def _schema_in_prompt(messages: list[Any]) -> Mapping[str, Any] | None:
    """JSON / MD_JSON modes embed the schema in the system prompt after 'json_schema:'."""
    for message in messages:
        content = message.get("content") if isinstance(message, Mapping) else None
        if not isinstance(content, str):
            continue
        marker = content.find("json_schema:")
        start = content.find("{", marker) if marker >= 0 else -1
        if start >= 0:
            try:
                schema, _end = json.JSONDecoder().raw_decode(content, start)
            except ValueError:
                continue
            if isinstance(schema, dict):
                return schema
    return None


def _requested_tool(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    tools = body.get("tools") or []
    if not tools:
        return None
    choice = body.get("tool_choice")
    if isinstance(choice, Mapping):
        wanted = choice.get("function", {}).get("name")
        for tool in tools:
            if tool.get("function", {}).get("name") == wanted:
                return tool
    return tools[0]


def default_responder(body: dict[str, Any]) -> Reply:
    """A valid minimal answer for the requested schema ({} when the request carries none)."""
    schema = _requested_schema(body)
    return Reply.answer(minimal_instance(schema) if schema else {})


def periodic_faults(faults: Mapping[int, Reply], responder: Responder = default_responder) -> Responder:
    """A responder that answers the n-th chat request with `faults[k]` when k divides n
    (the smallest such k first), and with `responder` otherwise: e.g. {5: 429, 7: 500}."""
    counter = itertools.count(1)
    ordered = sorted(faults.items())

    def respond(body: dict[str, Any]) -> Reply:
        number = next(counter)
        for every, reply in ordered:
            if number % every == 0:
                return reply
        return responder(body)

    return respond


def unused_port() -> int:
    """A localhost port with nothing listening, for 'connection refused' tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Drop(Exception):
    """Raised inside a connection handler to reset the connection."""


class FakeOpenAI:
    """Fake OpenAI-compatible server; use as a context manager.

    Chat requests consume `script()`ed replies in arrival order, then fall back
    to `responder(body)`. Every reply waits `latency` + its own `delay` first.
    The responder runs on the server's event loop: keep it quick and simulate
    slowness with `Reply.delay` instead of sleeping.
    """

    def __init__(self, *, latency: float = 0.0, responder: Responder = default_responder, port: int = 0) -> None:
        self.latency = latency
        self.responder = responder
        self._port = port
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_headers: Mapping[str, str] = {}
        self._bound_port: int | None = None

    # -- public API ---------------------------------------------------------

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("FakeOpenAI is not running")
        return self._bound_port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        """Requests of any path received so far (chat, models, unknown)."""
        with self._lock:
            return len(self._requests)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of chat-completion requests only (what scripts are consumed by)."""
        with self._lock:
            return [r.json for r in self._requests if r.path == _CHAT_PATH]

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next chat requests, one each, in order."""
        with self._lock:
            self._script.extend(replies)

    @property
    def pending_replies(self) -> int:
        """Scripted replies not consumed yet; lets a test assert its script was used up."""
        with self._lock:
            return len(self._script)

    def outage(self, seconds: float) -> None:
        """Go down for `seconds`: close the listener and every connection (so new ones are
        refused), then listen again on the same port. Returns at once."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("FakeOpenAI is not running")
        asyncio.run_coroutine_threadsafe(self._go_down(seconds), loop).result(_STOP_TIMEOUT)

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("FakeOpenAI is already running")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=self._run_loop, args=(loop,), name="FakeOpenAI", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._start_server(), loop).result(_STOP_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Close the listener and every open connection (hanging ones too), then join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(_STOP_TIMEOUT)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_STOP_TIMEOUT)
            self._loop = self._thread = self._server = None
            self._bound_port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- event-loop side ----------------------------------------------------

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _start_server(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connect, "127.0.0.1", self._port, limit=_MAX_HEADER_BYTES, backlog=1024
        )
        self._bound_port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        await asyncio.sleep(0)  # let the aborted transports run connection_lost and close their sockets

    async def _go_down(self, seconds: float) -> None:
        port = self.port
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        await self._server.wait_closed()

        async def come_back() -> None:
            await asyncio.sleep(seconds)
            self._port = port
            await self._start_server()

        task = asyncio.get_running_loop().create_task(come_back())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A plain callback (not a coroutine) so the writer is tracked before any
        # await: shutdown can then close connections whose task never started.
        self._writers.add(writer)
        task = asyncio.get_running_loop().create_task(self._serve_connection(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._serve_one(reader, writer):
                pass
        except _Drop:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            # Half-sent or garbage request, or the client went away: nothing sensible to answer.
            writer.transport.abort()
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection should be closed."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                raise
            return False  # client closed an idle keep-alive connection
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        raw = await reader.readexactly(int(headers.get("content-length", "0")))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path = target.split("?", 1)[0]
        with self._lock:
            self._requests.append(RecordedRequest(method, path, headers, body))
        self._last_headers = headers

        keep_alive = headers.get("connection", "").lower() != "close"
        if method == "POST" and path == _CHAT_PATH:
            if isinstance(body, dict):
                return await self._reply(writer, self._next_reply(body), body, keep_alive)
            await self._send(writer, 400, error_body(400, "Request body is not a JSON object"), {}, keep_alive)
        elif method == "GET" and path == "/v1/models":
            await self._send(writer, 200, self._models(), {}, keep_alive)
        else:
            await self._send(writer, 404, error_body(404, f"Invalid URL ({method} {path})"), {}, keep_alive)
        return keep_alive

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self._script:
                return self._script.popleft()
        try:
            reply = self.responder(body)
            if not isinstance(reply, Reply):
                raise TypeError(f"responder returned {type(reply).__name__}, not Reply")
        except Exception as exc:  # a broken responder becomes a 500 the test will see
            return Reply.status(500, error_body(500, f"FakeOpenAI responder failed: {exc!r}"))
        return reply

    async def _reply(self, writer: asyncio.StreamWriter, reply: Reply, body: dict[str, Any], keep_alive: bool) -> bool:
        """Play one reply; False when the connection must close afterwards."""
        wait = self.latency + (reply.delay or 0.0)
        if wait > 0:
            await asyncio.sleep(wait)
        if reply.kind == "drop":
            raise _Drop
        if reply.kind == "hang":
            await asyncio.sleep(reply.hang_seconds)
            return False
        if reply.kind == "status":
            payload = reply.body if reply.body is not None else error_body(reply.status_code)
            await self._send(writer, reply.status_code, payload, reply.headers, keep_alive, reply.trickle)
        elif reply.kind == "echo":
            await self._echo(writer, reply, self._last_headers, keep_alive)
        else:
            await self._send(writer, 200, self._completion(reply, body), {}, keep_alive, reply.trickle)
        return keep_alive

    async def _echo(
        self, writer: asyncio.StreamWriter, reply: Reply, headers: Mapping[str, str], keep_alive: bool
    ) -> None:
        seen = "\n".join(f"{name}: {value}" for name, value in headers.items())
        if not reply.html:
            message = f"Bad request. Headers received:\n{seen}"
            await self._send(writer, reply.status_code, error_body(reply.status_code, message), {}, keep_alive)
            return
        page = f"<html><body><h1>{reply.status_code} {_phrase(reply.status_code)}</h1><pre>{seen}</pre></body></html>"
        await self._send_bytes(writer, reply.status_code, page.encode(), "text/html", {}, keep_alive, 0.0)

    def _completion(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        """A chat.completion: a forced tool call when the request has tools, else JSON content."""
        number = next(self._ids)
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        tool = _requested_tool(body)
        if tool is not None:
            message["tool_calls"] = [
                {
                    "id": f"call_fake_{number}",
                    "type": "function",
                    "function": {
                        "name": tool.get("function", {}).get("name", ""),
                        "arguments": reply.arguments,
                    },
                }
            ]
            finish_reason = "tool_calls" if reply.finish_reason == "stop" else reply.finish_reason
        else:
            message["content"] = reply.arguments
            finish_reason = reply.finish_reason
        return {
            "id": f"chatcmpl-fake-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
            "usage": {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            },
        }

    @staticmethod
    def _models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "fake-openai"}],
        }

    @classmethod
    async def _send(
        cls,
        writer: asyncio.StreamWriter,
        status: int,
        payload: Mapping[str, Any],
        headers: Mapping[str, str],
        keep_alive: bool,
        trickle: float = 0.0,
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        await cls._send_bytes(writer, status, data, "application/json", headers, keep_alive, trickle)

    @staticmethod
    async def _send_bytes(
        writer: asyncio.StreamWriter,
        status: int,
        data: bytes,
        content_type: str,
        headers: Mapping[str, str],
        keep_alive: bool,
        trickle: float,
    ) -> None:
        lines = [
            f"HTTP/1.1 {status} {_phrase(status)}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(data)}",
            f"Connection: {'keep-alive' if keep_alive else 'close'}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        message = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data
        if trickle <= 0:
            writer.write(message)
            await writer.drain()
            return
        for index in range(len(message)):
            writer.write(message[index : index + 1])
            await writer.drain()
            await asyncio.sleep(trickle)


def main(argv: list[str] | None = None) -> None:
    """Serve default answers from a separate process so a benchmark's client does not share its GIL.

    Prints the base URL on the first stdout line; stops on SIGINT or SIGTERM.
    """
    parser = argparse.ArgumentParser(prog="python -m extractor.testing.fake_openai", description=main.__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added before every reply")
    args = parser.parse_args(argv)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    with FakeOpenAI(latency=args.latency, port=args.port) as server:
        print(server.base_url, flush=True)
        stopped.wait()


if __name__ == "__main__":
    main()
