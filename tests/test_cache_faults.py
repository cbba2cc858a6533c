"""The answer cache under damage, paid-for failures, and crashes after an answer (issue 11 items 4, 15, 20)."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from extractor import pipeline
from extractor.cache import AnswerCache
from extractor.cli import main
from extractor.testing import FakeOpenAI, Reply
from tests.conftest import DIALOGUE_ARTICLE, DIALOGUE_QUOTE, dialogue_event

ARTICLE = DIALOGUE_ARTICLE
QUOTE = DIALOGUE_QUOTE


def dialogue(**overrides: Any) -> dict[str, Any]:
    return {"events": [dialogue_event(**overrides)]}


def investment(amount: Any) -> dict[str, Any]:
    return {
        "events": [
            {
                "type": "investment",
                "status": "planned",
                "summary_en": "China will invest in Pakistan.",
                "parties": ["CHN", "PAK"],
                "amount": amount,
                "currency": "USD",
                "amount_text": "30 billion dollars",
                "figure_kind": "investment",
                "evidence": [QUOTE],
            }
        ]
    }


@pytest.fixture
def article(tmp_path: Path) -> str:
    path = tmp_path / "in" / "dialogue.txt"
    path.parent.mkdir()
    path.write_text(ARTICLE, encoding="utf-8")
    return str(path)


def run(server: FakeOpenAI, *argv: str) -> int:
    return main(["run", *argv, "--base-url", server.base_url, "--model", "fake-model", "--quiet"])


def line_of(path: Path) -> dict[str, Any]:
    (line,) = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
    return line


def damage(path: Path) -> None:
    """Overwrite pages in the middle of a healthy database."""
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 4096):
        data[offset + 10 : offset + 300] = b"\xff" * 290
    path.write_bytes(bytes(data))


def healthy_cache(path: Path, rows: int = 400) -> None:
    cache = AnswerCache(path)
    cache.close()
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO answers (key, answer, model, created) VALUES (?, ?, ?, 0)",
        [(f"k{i}", '{"events": []}' + " " * 300, "m") for i in range(rows)],
    )
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


# -- item 4: a damaged cache ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["not a database", "malformed pages", "newer version"])
def test_a_damaged_cache_is_reported_once_and_the_run_goes_on_without_it(
    server: FakeOpenAI, article: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    cache_file = tmp_path / "answers.sqlite"
    if kind == "not a database":
        cache_file.write_bytes(b"this is not SQLite\n" * 500)
    elif kind == "malformed pages":
        healthy_cache(cache_file)
        damage(cache_file)
    else:
        healthy_cache(cache_file)
        db = sqlite3.connect(cache_file)
        db.execute("PRAGMA user_version = 99")
        db.close()
    server.responder = lambda body: Reply.answer(dialogue())
    out = tmp_path / "out.jsonl"
    with caplog.at_level(logging.WARNING, logger="extractor.cache"):
        assert run(server, article, "-o", str(out), "--cache", str(cache_file)) == 0
    assert line_of(out)["status"] == "ok"
    warnings = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert warnings and "--cache-reset" in warnings[0]


def test_cache_reset_replaces_a_damaged_cache(server: FakeOpenAI, article: str, tmp_path: Path) -> None:
    cache_file = tmp_path / "answers.sqlite"
    cache_file.write_bytes(b"garbage" * 1000)
    server.responder = lambda body: Reply.answer(dialogue())
    assert run(server, article, "-o", str(tmp_path / "o.jsonl"), "--cache", str(cache_file), "--cache-reset") == 0
    stats = AnswerCache(cache_file).stats()
    assert stats.damaged is None and stats.answers == 1


def test_cache_stats_and_clear_work_on_a_damaged_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache_file = tmp_path / "answers.sqlite"
    healthy_cache(cache_file)
    damage(cache_file)
    assert main(["cache", "stats", "--cache", str(cache_file)]) == 0
    assert "damaged" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache", str(cache_file)]) == 0
    capsys.readouterr()
    assert main(["cache", "stats", "--cache", str(cache_file)]) == 0
    out = capsys.readouterr().out
    assert "0 answers" in out and "damaged" not in out


# -- item 20: a paid-for failure is remembered -----------------------------------------------------


def test_a_paid_for_validation_failure_is_reused_and_retry_failed_asks_again(
    server: FakeOpenAI, article: str, tmp_path: Path
) -> None:
    server.responder = lambda body: Reply.invalid_json()  # unusable on every re-ask (one bad event no longer fails)
    cache = ["--cache", str(tmp_path / "answers.sqlite")]
    first, second, third = (tmp_path / f"{n}.jsonl" for n in ("first", "second", "third"))
    assert run(server, article, "-o", str(first), *cache) == 1
    paid = len(server.chat_requests)
    assert line_of(first)["error"]["kind"] == "model" and paid == 3

    assert run(server, article, "-o", str(second), *cache) == 1
    again = line_of(second)
    assert len(server.chat_requests) == paid  # nothing paid twice
    assert again["cached"] is True and again["usage"]["requests"] == 0
    assert again["error"] == line_of(first)["error"]

    server.responder = lambda body: Reply.answer(dialogue())
    assert run(server, article, "-o", str(third), *cache, "--retry-failed") == 0
    assert len(server.chat_requests) == paid + 1 and line_of(third)["status"] == "ok"


def test_transport_failures_are_never_cached(server: FakeOpenAI, article: str, tmp_path: Path) -> None:
    server.responder = lambda body: Reply.status(400)
    cache = ["--cache", str(tmp_path / "answers.sqlite")]
    assert run(server, article, "-o", str(tmp_path / "a.jsonl"), *cache) == 1
    server.responder = lambda body: Reply.answer(dialogue())
    before = len(server.chat_requests)
    assert run(server, article, "-o", str(tmp_path / "b.jsonl"), *cache) == 0
    assert len(server.chat_requests) == before + 1


# -- item 15: hostile numbers are validation errors; a crash after an answer is never cached -------


@pytest.mark.parametrize(
    "bad",
    [
        investment(1e308),
        investment(5e-324),
        investment("1e400"),
        dialogue(round=10**31),
        dialogue(date_start="0001-01-01"),
        dialogue(date_start="9999-12-31"),
    ],
)
def test_hostile_numbers_are_reasked_not_crashes(
    server: FakeOpenAI, article: str, tmp_path: Path, bad: dict[str, Any]
) -> None:
    server.script(Reply.answer(bad), Reply.answer(dialogue()))
    out = tmp_path / "out.jsonl"
    assert run(server, article, "-o", str(out), "--no-cache") == 0
    line = line_of(out)
    assert line["status"] == "ok" and line["usage"]["requests"] == 2 and line["usage"]["reasks"] == 1


def test_a_crash_after_the_answer_counts_the_requests_and_caches_nothing(
    server: FakeOpenAI, article: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(pipeline, "dedupe", crash)
    server.responder = lambda body: Reply.answer(dialogue())
    cache_file = tmp_path / "answers.sqlite"
    out = tmp_path / "out.jsonl"
    assert run(server, article, "-o", str(out), "--cache", str(cache_file)) == 1
    line = line_of(out)
    assert line["error"]["kind"] == "internal" and line["usage"]["requests"] == 1
    assert AnswerCache(cache_file).stats().answers == 0  # not remembered as a good answer

    monkeypatch.undo()
    assert run(server, article, "-o", str(tmp_path / "again.jsonl"), "--cache", str(cache_file)) == 0
    assert len(server.chat_requests) == 2  # asked again, not served the crashing answer
