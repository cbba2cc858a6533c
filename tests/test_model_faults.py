"""What the user sees when the model or the endpoint misbehaves (fake server on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import instructor
import pytest
from extractor.schemas import ArticleResult

from extractor.backends import Endpoint
from extractor.model_client import GenerationSettings, TransportPolicy
from extractor.testing import FakeOpenAI, Reply, unused_port
from tests.conftest import FakeTime, extract_with_client

ARTICLE = (
    "Pakistan and China held the seventh round of their strategic dialogue in Beijing "
    "on 4 January 2026. Both sides agreed to upgrade the economic corridor."
)
QUOTE = "held the seventh round of their strategic dialogue in Beijing"


def dialogue(**overrides: Any) -> dict[str, Any]:
    event = {
        "type": "strategic_dialogue",
        "status": "occurred",
        "summary_en": "Pakistan and China held the 7th strategic dialogue in Beijing.",
        "date_start": "2026-01-04",
        "parties": ["CHN", "PAK"],
        "round": 7,
        "evidence": [QUOTE],
    }
    return {"events": [event | overrides]}


def extract(
    base_url: str,
    article_path: str,
    *,
    waits: FakeTime | None = None,
    timeout: float = 5.0,
    max_reasks: int = 2,
    attempts: int = 4,
    total: float | None = None,
    max_tokens: int = 512,
) -> ArticleResult:
    endpoint = Endpoint("openai", base_url, "test-dummy-key", "fake-model", instructor.Mode.TOOLS)
    settings = GenerationSettings(max_tokens=max_tokens, max_reasks=max_reasks, timeout=timeout)
    waits = waits or FakeTime()
    policy = TransportPolicy(attempts=attempts, max_wait=5.0, total=total, sleep=waits.sleep, clock=waits.clock)

    result: ArticleResult = extract_with_client(endpoint, settings, policy, article_path)
    return result


def test_valid_answer_is_grounded_with_offsets(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.answer(dialogue()))
    result = extract(server.base_url, article_path)
    assert result.status == "ok" and result.error is None
    (event,) = result.events
    (evidence,) = event.evidence
    assert ARTICLE[evidence.start : evidence.end] == QUOTE
    assert evidence.match == "exact"
    assert result.usage.model_dump() == {
        "requests": 1,
        "prompt_tokens": 100,
        "completion_tokens": 50,
        "reasks": 0,
        "transport_retries": 0,
    }


def test_invalid_answer_is_reasked_with_the_errors_and_both_attempts_are_counted(
    server: FakeOpenAI, article_path: str
) -> None:
    # 'Atlantis' is no country: coercion cannot fix it, so the model is re-asked.
    server.script(Reply.answer(dialogue(parties=["Atlantis", "PAK"])), Reply.answer(dialogue()))
    result = extract(server.base_url, article_path)
    assert result.status == "ok"
    assert result.events[0].parties == ["CHN", "PAK"]
    assert result.usage.requests == 2 and result.usage.reasks == 1
    assert result.usage.prompt_tokens == 200 and result.usage.completion_tokens == 100
    reask = json.dumps(server.chat_requests[1]["messages"], ensure_ascii=False)
    assert "not an ISO 3166-1 alpha-3 country code" in reask


def test_event_invalid_on_every_reask_is_rejected_with_its_errors_and_the_article_stays_ok(
    server: FakeOpenAI, article_path: str
) -> None:
    server.responder = lambda body: Reply.answer(dialogue(round=0))
    result = extract(server.base_url, article_path, max_reasks=2)
    assert result.status == "ok" and result.error is None and result.events == []
    (rejected,) = result.rejected
    assert "failed validation after 2 re-ask(s)" in rejected.reason
    assert any("round" in e and "greater than or equal to 1" in e for e in rejected.errors)
    assert rejected.event["round"] == 0
    assert any("still invalid after the re-asks" in w for w in result.warnings)
    assert result.usage.requests == 3 and result.usage.reasks == 2


def test_invented_quote_is_reasked_then_rejected_not_fatal(server: FakeOpenAI, article_path: str) -> None:
    invented = dialogue(evidence=["The two ministers signed a secret pact."])
    server.responder = lambda body: Reply.answer(invented)
    result = extract(server.base_url, article_path, max_reasks=1)
    assert result.status == "ok"
    assert result.events == []
    (rejected,) = result.rejected
    assert "no evidence quote was found" in rejected.reason
    assert rejected.event["evidence"] == ["The two ministers signed a secret pact."]
    assert result.usage.requests == 2


def test_429_waits_as_long_as_retry_after_says(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.status(429, headers={"Retry-After": "2"}), Reply.answer(dialogue()))
    waits = FakeTime()
    result = extract(server.base_url, article_path, waits=waits)
    assert result.status == "ok"
    assert waits.slept == [2.0]
    assert result.usage.requests == 2 and result.usage.transport_retries == 1
    assert result.usage.prompt_tokens == 100  # the 429 carried no tokens


def test_500_is_retried_with_backoff_within_bounds(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.status(500), Reply.status(503), Reply.answer(dialogue()))
    waits = FakeTime()
    result = extract(server.base_url, article_path, waits=waits)
    assert result.status == "ok"
    assert len(waits.slept) == 2 and all(0 <= w <= 5.0 for w in waits.slept)
    assert result.usage.transport_retries == 2


def test_endpoint_failing_every_attempt_fails_the_article_with_a_transport_error(
    server: FakeOpenAI, article_path: str
) -> None:
    server.responder = lambda body: Reply.status(502)
    result = extract(server.base_url, article_path, attempts=3)
    assert result.status == "failed"
    assert result.error is not None and result.error.kind == "transport"
    assert "502" in result.error.message
    assert result.usage.requests == 3 and server.request_count == 3


def test_read_timeout_is_retried(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.hang(3.0), Reply.answer(dialogue()))
    result = extract(server.base_url, article_path, timeout=0.5)
    assert result.status == "ok"
    assert result.usage.transport_retries == 1


def test_dropped_connection_is_retried(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.drop(), Reply.answer(dialogue()))
    result = extract(server.base_url, article_path)
    assert result.status == "ok" and result.usage.transport_retries == 1


def test_truncated_answer_fails_with_advice_to_raise_max_tokens(server: FakeOpenAI, article_path: str) -> None:
    server.responder = lambda body: Reply.truncated(dialogue())
    result = extract(server.base_url, article_path)
    assert result.status == "failed"
    assert result.error is not None and result.error.kind == "model"
    assert "--max-tokens" in result.error.message
    assert result.usage.requests >= 1 and result.usage.completion_tokens >= 50


def test_prose_instead_of_json_on_every_attempt_is_a_model_error(server: FakeOpenAI, article_path: str) -> None:
    server.responder = lambda body: Reply.invalid_json()
    result = extract(server.base_url, article_path, max_reasks=1)
    assert result.status == "failed"
    assert result.error is not None and result.error.kind in {"model", "validation"}
    assert result.usage.requests == 2


def test_client_error_is_not_retried(server: FakeOpenAI, article_path: str) -> None:
    server.script(Reply.status(400))
    result = extract(server.base_url, article_path)
    assert result.status == "failed"
    assert result.error is not None and result.error.kind == "request"
    assert result.usage.requests == 1


def test_connection_refused_is_retried_until_the_article_budget_runs_out(article_path: str) -> None:
    # An endpoint that is down says "later", not "never": no attempt count stops the retries,
    # the article's time budget does (on a clock only the waits advance).
    waits = FakeTime()
    result = extract(f"http://127.0.0.1:{unused_port()}/v1", article_path, attempts=2, total=20.0, waits=waits)
    assert result.status == "failed"
    assert result.error is not None and result.error.kind == "transport"
    assert result.usage.requests > 2
    assert sum(waits.slept) < 20.0
    assert "cannot connect" in result.error.message


def test_article_text_with_template_braces_reaches_the_model_verbatim(server: FakeOpenAI, tmp_path: Path) -> None:
    path = tmp_path / "braces.txt"
    text = ARTICLE + " {{citation needed}} {{ 7*6 }} {% raw %}"
    path.write_text(text, encoding="utf-8")
    server.script(Reply.answer(dialogue()))
    result = extract(server.base_url, str(path))
    assert result.status == "ok"
    sent = server.chat_requests[0]["messages"][-1]["content"]
    assert "{{citation needed}} {{ 7*6 }} {% raw %}" in sent


@pytest.mark.parametrize("header", ["soon", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_unreadable_or_past_retry_after_still_retries(server: FakeOpenAI, article_path: str, header: str) -> None:
    server.script(Reply.status(429, headers={"Retry-After": header}), Reply.answer(dialogue()))
    waits = FakeTime()
    result = extract(server.base_url, article_path, waits=waits)
    assert result.status == "ok" and result.usage.transport_retries == 1
    assert len(waits.slept) == 1 and 0 <= waits.slept[0] <= 5.0


def test_non_finite_amount_is_invalid(server: FakeOpenAI, article_path: str) -> None:
    infinite = {
        "events": [
            {
                "type": "investment",
                "status": "occurred",
                "summary_en": "x",
                "amount": "Infinity",
                "currency": "USD",
                "amount_text": "x",
                "figure_kind": "investment",
                "evidence": [QUOTE],
            }
        ]
    }
    server.responder = lambda body: Reply.answer(infinite)
    result = extract(server.base_url, article_path, max_reasks=0)
    assert result.status == "ok" and result.events == []
    (rejected,) = result.rejected
    assert any(e.startswith("amount") for e in rejected.errors)
