"""Batch behaviour a user relies on: cache, resume, order, interruption (fake server on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.rate_limit import RateLimits
from extractor.testing import FakeOpenAI, Reply
from tests.conftest import REPO


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def make_articles(folder: Path, count: int) -> list[str]:
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"a{index:03d}.txt"
        path.write_text(f"Article number {index}. Pakistan and China talked in Beijing.", encoding="utf-8")
        paths.append(str(path))
    return paths


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(server: FakeOpenAI, *argv: str) -> int:
    return main(["run", *argv, "--base-url", server.base_url, "--model", "fake-model", "--quiet"])


def test_rerunning_the_same_job_makes_no_model_requests(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 5)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert run(server, *inputs, "-o", str(first)) == 0
    chat_requests = len(server.chat_requests)
    assert chat_requests == 5
    summary = tmp_path / "summary.json"
    assert run(server, *inputs, "-o", str(second), "--summary", str(summary)) == 0
    assert len(server.chat_requests) == chat_requests  # zero new model requests
    again = lines_of(second)
    assert all(line["cached"] and line["usage"]["requests"] == 0 for line in again)
    assert [e["events"] for e in again] == [e["events"] for e in lines_of(first)]
    report = json.loads(summary.read_text(encoding="utf-8"))
    assert report["articles"] == {"total": 5, "ok": 5, "failed": 0, "cached": 5, "skipped_as_done": 0}
    assert report["requests"]["total"] == 0


def test_copies_of_one_article_in_flight_pay_once(server: FakeOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text("The same wire story, syndicated three times.", encoding="utf-8")
    server.responder = lambda body: Reply.answer({"events": []}, delay=0.3)
    out = tmp_path / "out.jsonl"
    assert run(server, str(folder), "-o", str(out), "--no-cache", "--concurrency", "3") == 0
    assert len(server.chat_requests) == 1
    lines = lines_of(out)
    assert [line["cached"] for line in lines].count(True) == 2
    assert sum(line["usage"]["requests"] for line in lines) == 1


def test_no_cache_asks_the_model_again(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 2)
    out = tmp_path / "out.jsonl"
    assert run(server, *inputs, "-o", str(out)) == 0
    assert run(server, *inputs, "-o", str(out), "--no-cache") == 0
    assert len(server.chat_requests) == 4


def test_cache_stats_and_clear(server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache_file = tmp_path / "answers.sqlite"
    inputs = make_articles(tmp_path / "in", 3)
    assert run(server, *inputs, "-o", str(tmp_path / "o.jsonl"), "--cache", str(cache_file)) == 0
    capsys.readouterr()
    assert main(["cache", "stats", "--cache", str(cache_file)]) == 0
    assert "3 answers" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache", str(cache_file)]) == 0
    assert "removed 3 cached answers" in capsys.readouterr().out


def test_resume_skips_done_articles_retries_failed_ones_and_writes_each_once(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    inputs = make_articles(tmp_path / "in", 6)
    out = tmp_path / "out.jsonl"
    # Articles 2 and 4 fail on the first run (the server errors on every attempt).
    failing = {"Article number 2.", "Article number 4."}

    def flaky(body: dict) -> Reply:
        text = json.dumps(body["messages"], ensure_ascii=False)
        if any(marker in text for marker in failing):
            return Reply.status(500)
        return Reply.answer({"events": []})

    server.responder = flaky
    assert run(server, *inputs, "-o", str(out), "--no-cache", "--max-retries", "0") == 1
    first = lines_of(out)
    assert [line["status"] for line in first] == ["ok", "ok", "failed", "ok", "failed", "ok"]
    before = len(server.chat_requests)

    failing.clear()
    summary = tmp_path / "summary.json"
    same_settings = ["--no-cache", "--max-retries", "0"]
    assert run(server, *inputs, "-o", str(out), *same_settings, "--resume", "--summary", str(summary)) == 0
    assert len(server.chat_requests) - before == 2  # only the two failed articles were asked again
    final = lines_of(out)
    assert [Path(line["source"]["path"]).name for line in final] == [Path(p).name for p in inputs]
    assert all(line["status"] == "ok" for line in final)
    assert json.loads(summary.read_text(encoding="utf-8"))["articles"]["skipped_as_done"] == 4


def test_resume_redoes_articles_when_the_model_or_a_setting_changed(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 2)
    out = tmp_path / "out.jsonl"
    assert run(server, *inputs, "-o", str(out), "--no-cache") == 0
    assert run(server, *inputs, "-o", str(out), "--no-cache", "--resume") == 0
    assert len(server.chat_requests) == 2  # same everything: nothing redone
    assert (
        main(
            [
                "run",
                *inputs,
                "-o",
                str(out),
                "--no-cache",
                "--resume",
                "--quiet",
                "--base-url",
                server.base_url,
                "--model",
                "another-model",
            ]
        )
        == 0
    )
    assert len(server.chat_requests) == 4
    assert [line["model"]["name"] for line in lines_of(out)] == ["another-model", "another-model"]
    assert (
        main(
            [
                "run",
                *inputs,
                "-o",
                str(out),
                "--no-cache",
                "--resume",
                "--quiet",
                "--max-tokens",
                "100",
                "--base-url",
                server.base_url,
                "--model",
                "another-model",
            ]
        )
        == 0
    )
    assert len(server.chat_requests) == 6


def test_unordered_output_still_has_one_line_per_article(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 8)
    slow_first = {"Article number 0."}

    def responder(body: dict) -> Reply:
        slow = any(m in json.dumps(body["messages"]) for m in slow_first)
        return Reply.answer({"events": []}, delay=0.5 if slow else None)

    server.responder = responder
    out = tmp_path / "out.jsonl"
    assert run(server, *inputs, "-o", str(out), "--no-ordered", "--concurrency", "4") == 0
    names = [Path(line["source"]["path"]).name for line in lines_of(out)]
    assert sorted(names) == sorted(Path(p).name for p in inputs)
    assert names[-1] == "a000.txt"  # the slow one finished last and was not waited for


def test_one_bad_article_never_stops_the_batch(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 4)
    Path(inputs[1]).write_bytes(b"\x00\x01binary")
    first_article_replies = iter([Reply.status(429, headers={"Retry-After": "0"}), Reply.truncated({"events": []})])

    def responder(body: dict) -> Reply:
        if "Article number 0." in json.dumps(body["messages"]):
            return next(first_article_replies)
        return Reply.answer({"events": []})

    server.responder = responder
    out = tmp_path / "out.jsonl"
    assert run(server, *inputs, "-o", str(out), "--concurrency", "1") == 1
    statuses = [(line["status"], (line["error"] or {}).get("kind")) for line in lines_of(out)]
    assert statuses == [("failed", "model"), ("failed", "input"), ("ok", None), ("ok", None)]


def test_rate_limits_hold_back_what_exceeds_the_budget() -> None:
    async def scenario() -> None:
        per_minute = RateLimits(rpm=2)
        await per_minute.before_request(10)
        await per_minute.before_request(10)  # the bucket holds two requests
        with pytest.raises(TimeoutError):  # the third waits for the bucket to drain
            await asyncio.wait_for(per_minute.before_request(10), 0.3)
        tokens = RateLimits(tpm=1000)
        reservation = await tokens.before_request(900)
        tokens.after_response(reservation, 1000)  # the answer used 100 more than reserved
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(tokens.before_request(100), 0.3)

    asyncio.run(scenario())


def test_rate_limit_flags_reach_the_requests(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 3)
    assert run(server, *inputs, "-o", str(tmp_path / "o.jsonl"), "--rpm", "600", "--tpm", "10000000") == 0
    assert len(server.chat_requests) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT semantics")
def test_ctrl_c_keeps_finished_lines_and_resume_finishes_the_job(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 6)

    def responder(body: dict) -> Reply:
        hangs = "Article number 3." in json.dumps(body["messages"])
        return Reply.hang(30) if hangs else Reply.answer({"events": []})

    server.responder = responder
    out = tmp_path / "out.jsonl"
    command = [
        sys.executable,
        "-m",
        "extractor",
        "run",
        *inputs,
        "-o",
        str(out),
        "--quiet",
        "--no-cache",
        "--concurrency",
        "1",
        "--base-url",
        server.base_url,
        "--model",
        "fake-model",
    ]
    env = os.environ | {"PYTHONPATH": str(REPO)}
    # A job started in the background inherits SIGINT ignored, and Python then never
    # raises KeyboardInterrupt: give the child the default, as a terminal would.
    process = subprocess.Popen(
        command,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 30
        while len(lines_of(out) if out.exists() else []) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert "--resume" in stderr
    kept = lines_of(out)
    assert [Path(line["source"]["path"]).name for line in kept] == ["a000.txt", "a001.txt", "a002.txt"]

    server.responder = lambda body: Reply.answer({"events": []})
    assert run(server, *inputs, "-o", str(out), "--no-cache", "--resume") == 0
    final = lines_of(out)
    assert [Path(line["source"]["path"]).name for line in final] == [Path(p).name for p in inputs]


def test_a_bug_in_one_article_costs_that_article_not_the_batch(
    server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractor.pipeline as pipeline

    real_language = pipeline.detect_language

    def broken_for_one(text: str) -> str | None:
        if "Article number 1." in text:
            raise RuntimeError("boom")
        return real_language(text)

    monkeypatch.setattr(pipeline, "detect_language", broken_for_one)
    inputs = make_articles(tmp_path / "in", 3)
    out = tmp_path / "out.jsonl"
    assert run(server, *inputs, "-o", str(out)) == 1
    lines = lines_of(out)
    assert [line["status"] for line in lines] == ["ok", "failed", "ok"]
    assert lines[1]["error"] == {"kind": "internal", "message": "RuntimeError: boom"}


def test_resume_keeps_lines_of_articles_outside_this_run(server: FakeOpenAI, tmp_path: Path) -> None:
    first, second = make_articles(tmp_path / "in", 2)
    out = tmp_path / "out.jsonl"
    assert run(server, first, "-o", str(out)) == 0
    assert run(server, second, "-o", str(out), "--resume") == 0
    assert [Path(line["source"]["path"]).name for line in lines_of(out)] == ["a001.txt", "a000.txt"]


def test_resume_after_a_torn_last_line_loses_nothing(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = make_articles(tmp_path / "in", 2)
    out = tmp_path / "out.jsonl"
    assert run(server, *inputs, "-o", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    out.write_text(text[: len(text) - 40], encoding="utf-8")  # a crash in the middle of the last line
    assert run(server, *inputs, "-o", str(out), "--resume") == 0
    assert [line["status"] for line in lines_of(out)] == ["ok", "ok"]
