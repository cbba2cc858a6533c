"""Requests through an HTTP proxy from the environment still go through ResilientTransport.

The proxy here is a tiny forwarding proxy on 127.0.0.1 in front of the fake server; the
endpoint's host (.invalid) cannot resolve, so only the proxy can reach it.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import instructor
import pytest
from extractor.schemas import ArticleResult

from extractor.backends import Endpoint
from extractor.errors import UserError
from extractor.model_client import GenerationSettings, TransportPolicy
from extractor.preflight import check_endpoint
from extractor.proxies import EnvironmentProxies
from extractor.testing import FakeOpenAI, Reply, unused_port
from tests.conftest import FakeTime, extract_with_client
from tests.test_transport import ANSWER, ARTICLE

__all__ = ["ARTICLE"]  # the article_path fixture reads this module's ARTICLE

REMOTE = "http://api.example.invalid/v1"
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "proxy-authorization"}


class ForwardingProxy:
    """Accepts absolute-form requests, records their targets, forwards them to `upstream`."""

    def __init__(self, upstream: FakeOpenAI) -> None:
        self.targets: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # quiet in tests

            def _forward(self) -> None:
                proxy.targets.append(f"{self.command} {self.path}")
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                origin = http.client.HTTPConnection("127.0.0.1", upstream.port, timeout=10)
                try:
                    origin.request(self.command, target.path or "/", body=body, headers=headers)
                    answer = origin.getresponse()
                    content = answer.read()
                    self.send_response(answer.status, answer.reason)
                    for name, value in answer.getheaders():
                        if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                finally:
                    origin.close()

            do_GET = _forward
            do_POST = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def no_env_proxies(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for scheme in ("http", "https", "all", "no"):
        for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)  # urllib ignores HTTP_PROXY under CGI
    return monkeypatch


@pytest.fixture
def proxy(server: FakeOpenAI) -> Iterator[ForwardingProxy]:
    forwarding = ForwardingProxy(server)
    yield forwarding
    forwarding.close()


def extract(base_url: str, article_path: str) -> ArticleResult:
    endpoint = Endpoint("openai", base_url, "test-dummy-key", "fake-model", instructor.Mode.TOOLS)
    settings = GenerationSettings(max_tokens=512, max_reasks=1, timeout=5.0)
    fake = FakeTime()
    policy = TransportPolicy(attempts=2, max_wait=2.0, sleep=fake.sleep, clock=fake.clock)
    result: ArticleResult = extract_with_client(endpoint, settings, policy, article_path)
    return result


CHAT = "POST http://api.example.invalid/v1/chat/completions"


def test_a_request_through_the_proxy_is_answered_and_metered(
    server: FakeOpenAI, proxy: ForwardingProxy, no_env_proxies: pytest.MonkeyPatch, article_path: str
) -> None:
    no_env_proxies.setenv("HTTP_PROXY", proxy.url)
    server.script(Reply.answer(ANSWER))
    result = extract(REMOTE, article_path)
    assert result.status == "ok", result.error
    assert [event.type for event in result.events] == ["strategic_dialogue"]
    assert proxy.targets == [CHAT]
    assert result.usage.requests == 1 == server.request_count


def test_a_429_through_the_proxy_is_retried_by_the_resilient_transport(
    server: FakeOpenAI, proxy: ForwardingProxy, no_env_proxies: pytest.MonkeyPatch, article_path: str
) -> None:
    no_env_proxies.setenv("http_proxy", proxy.url)
    server.script(Reply.status(429), Reply.answer(ANSWER))
    result = extract(REMOTE, article_path)
    assert result.status == "ok", result.error
    assert proxy.targets == [CHAT, CHAT]
    assert result.usage.transport_retries >= 1
    assert result.usage.requests == 2


def test_all_proxy_is_used_when_no_scheme_proxy_is_set(
    server: FakeOpenAI, proxy: ForwardingProxy, no_env_proxies: pytest.MonkeyPatch, article_path: str
) -> None:
    no_env_proxies.setenv("ALL_PROXY", proxy.url)
    server.script(Reply.answer(ANSWER))
    assert extract(REMOTE, article_path).status == "ok"
    assert proxy.targets == [CHAT]


@pytest.mark.parametrize("no_proxy", ["api.example.invalid", ".example.invalid", "other.invalid,example.invalid", "*"])
def test_no_proxy_covering_the_host_sends_it_direct(no_env_proxies: pytest.MonkeyPatch, no_proxy: str) -> None:
    # Direct, a .invalid host fails only after the article's whole retry budget; the
    # choice itself is what is tested here (the start-up check below goes direct for real).
    no_env_proxies.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    no_env_proxies.setenv("NO_PROXY", no_proxy)
    assert EnvironmentProxies().for_url("http", "api.example.invalid", None) is None
    no_env_proxies.setenv("NO_PROXY", "elsewhere.invalid")
    assert EnvironmentProxies().for_url("http", "api.example.invalid", None) == "http://proxy.invalid:3128"


def test_a_host_no_proxy_does_not_cover_goes_through_the_proxy(
    server: FakeOpenAI, proxy: ForwardingProxy, no_env_proxies: pytest.MonkeyPatch, article_path: str
) -> None:
    no_env_proxies.setenv("HTTP_PROXY", proxy.url)
    no_env_proxies.setenv("NO_PROXY", "elsewhere.invalid,example.com")
    server.script(Reply.answer(ANSWER))
    assert extract(REMOTE, article_path).status == "ok"
    assert proxy.targets == [CHAT]


def test_loopback_is_reached_directly_even_when_no_proxy_is_unset(
    server: FakeOpenAI, no_env_proxies: pytest.MonkeyPatch, article_path: str
) -> None:
    # A CI machine with HTTP_PROXY set for pip: nothing listens at the proxy's address.
    dead = f"http://127.0.0.1:{unused_port()}"
    no_env_proxies.setenv("HTTP_PROXY", dead)
    no_env_proxies.setenv("HTTPS_PROXY", dead)
    server.script(Reply.answer(ANSWER))
    assert extract(server.base_url, article_path).status == "ok"
    localhost = server.base_url.replace("127.0.0.1", "localhost")
    check_endpoint(Endpoint("openai", server.base_url, "k", "m", instructor.Mode.TOOLS), timeout=2.0)
    check_endpoint(Endpoint("openai", localhost, "k", "m", instructor.Mode.TOOLS), timeout=2.0)


def test_the_start_up_check_goes_through_the_same_proxy(
    server: FakeOpenAI, proxy: ForwardingProxy, no_env_proxies: pytest.MonkeyPatch
) -> None:
    endpoint = Endpoint("openai", REMOTE, "k", "m", instructor.Mode.TOOLS)
    no_env_proxies.setenv("HTTP_PROXY", proxy.url)
    check_endpoint(endpoint, timeout=2.0)
    assert proxy.targets == ["GET http://api.example.invalid/v1/models"]
    no_env_proxies.setenv("NO_PROXY", "example.invalid")
    with pytest.raises(UserError, match="cannot reach"):
        check_endpoint(endpoint, timeout=2.0)
    assert len(proxy.targets) == 1


def test_a_password_in_the_proxy_url_is_not_on_the_line(no_env_proxies: pytest.MonkeyPatch, article_path: str) -> None:
    # A proxy refusing CONNECT: aiohttp's error names the proxy URL, credentials and all.
    refused = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    class Refusing(BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:
            self.wfile.write(refused)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    refusing = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=refusing.serve_forever, daemon=True).start()
    try:
        no_env_proxies.setenv("HTTPS_PROXY", f"http://user:Proxy-Pass-0451@127.0.0.1:{refusing.server_address[1]}")
        result = extract("https://api.example.invalid/v1", article_path)
    finally:
        refusing.shutdown()
        refusing.server_close()
    assert result.status != "ok" and result.error is not None
    line = result.model_dump_json()
    assert "403" in line  # the refusal is what the line reports ...
    assert "Proxy-Pass-0451" not in line  # ... without the proxy's password
