"""The command line as a user meets it: exit codes, one-line messages, output lines."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from extractor.schemas import result_json_schema_text

from extractor.cli import main
from extractor.testing import FakeOpenAI, unused_port
from tests.conftest import SEEDS


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def run_cli(*argv: str) -> int:
    return main(list(argv))


def articles(tmp_path: Path, **texts: str) -> list[str]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def remote(server: FakeOpenAI) -> list[str]:
    return ["--base-url", server.base_url, "--model", "fake-model", "--quiet"]


def test_run_writes_one_line_per_article_in_input_order(
    server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path, b="Second article.", a="First article.")
    out = tmp_path / "out.jsonl"
    assert run_cli("run", *inputs, "-o", str(out), *remote(server)) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["article_id"] for line in lines] == ["b", "a"]
    assert all(line["status"] == "ok" and line["model"]["backend"] == "openai" for line in lines)
    assert run_cli("validate", str(out)) == 0
    assert "2 lines, 2 valid, 0 invalid" in capsys.readouterr().out


def test_run_exits_1_when_an_article_fails_and_still_writes_its_line(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = articles(tmp_path, good="A fine article.", empty="")
    out = tmp_path / "out.jsonl"
    assert run_cli("run", *inputs, "-o", str(out), *remote(server)) == 1
    good, empty = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert good["status"] == "ok"
    assert empty["status"] == "failed" and empty["error"]["kind"] == "input"
    assert "empty" in empty["error"]["message"]
    assert server.request_count == 2  # preflight + the readable article; the empty one costs nothing


def test_run_reads_standard_input(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(SEEDS.joinpath("001_8da5f88bb0eafb19.txt").read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert run_cli("run", "-", *remote(server)) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["article_id"] == "stdin"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "no/such/file.txt"], "no such file or folder"),
        (["run", "{seed}", "--backend", "openai"], "--model is required"),
        (["run", "{seed}", "--prompt-version", "v0"], "does not exist"),
        (["run", "{seed}", "--base-url", "{dead}", "--model", "m"], "cannot reach"),
        (["run", "{seed}", "-o", "/no/such/dir/out.jsonl", "--base-url", "{live}", "--model", "m"], "does not exist"),
        (["validate", "missing.jsonl"], "no such result file"),
    ],
)
def test_usage_errors_exit_2_with_one_line_naming_the_fix(
    argv: list[str], message: str, server: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    filled = [a.format(seed=SEEDS / "001_8da5f88bb0eafb19.txt", dead=dead, live=server.base_url) for a in argv]
    assert run_cli(*filled) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_bad_flag_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli("run", "seeds", "--concurrency", "0")
    assert exit_info.value.code == 2


def test_validate_reports_each_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    good_line = json.dumps({"article_id": "a", "source": {"path": "a.txt"}, "status": "ok"})
    bad.write_text(good_line + "\n{not json\n" + json.dumps({"article_id": "b"}) + "\n", encoding="utf-8")
    assert run_cli("validate", str(bad)) == 1
    out = capsys.readouterr().out
    assert f"{bad}:2:" in out and f"{bad}:3:" in out and f"{bad}:1:" not in out
    assert "3 lines, 1 valid, 2 invalid" in out


def test_schema_prints_the_committed_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("schema") == 0
    assert capsys.readouterr().out == result_json_schema_text()


def test_prices_of_the_wrong_shape_are_refused_before_any_request(
    server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text('{"fake-model": 0.15}', encoding="utf-8")
    inputs = articles(tmp_path, a="Text.")
    assert run_cli("run", *inputs, "--prices", str(prices), *remote(server)) == 2
    assert "price of 'fake-model' is not understood" in capsys.readouterr().err
    assert server.chat_requests == []


def test_a_web_page_instead_of_an_api_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = b"<html>hello</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        inputs = articles(tmp_path, a="Text.")
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        assert run_cli("run", *inputs, "--base-url", url, "--model", "m", "-q") == 2
        assert "does not answer like an OpenAI-compatible API" in capsys.readouterr().err
    finally:
        httpd.shutdown()
        httpd.server_close()
