"""Shared test settings: no real key, no real network, cassettes that hold no secret."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.testing import FakeOpenAI

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DUMMY_API_KEY = "test-dummy-key"
# The one-sentence article the model-fault tests ask about, and the dialogue event it states.
DIALOGUE_ARTICLE = "Pakistan and China held the seventh round of their strategic dialogue in Beijing on 4 January 2026."
DIALOGUE_QUOTE = "held the seventh round of their strategic dialogue in Beijing"


def dialogue_event(**overrides: Any) -> dict[str, Any]:
    """A model's answer event for DIALOGUE_ARTICLE, every field right unless overridden."""
    return {
        "type": "strategic_dialogue",
        "status": "occurred",
        "summary_en": "Pakistan and China held the 7th strategic dialogue.",
        "date_start": "2026-01-04",
        "parties": ["CHN", "PAK"],
        "round": 7,
        "evidence": [DIALOGUE_QUOTE],
    } | overrides


@pytest.fixture(autouse=True)
def _private_answer_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Each test gets its own answer cache: no test may be answered from another's run.
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # A dummy key so nothing real is ever needed, and nothing real can leak into a cassette.
    monkeypatch.setenv("OPENAI_API_KEY", DUMMY_API_KEY)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_ORG_ID", raising=False)


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, object]:
    return {
        "filter_headers": [("authorization", "REDACTED"), ("api-key", "REDACTED"), ("openai-organization", None)],
        # The port is left out: the embedded model's server listens on a free port
        # chosen at record time. The body is in: a changed prompt must not replay
        # an answer recorded for another prompt.
        "match_on": ["method", "scheme", "host", "path", "query", "body_but_reask_wording"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


class FakeTime:
    """A clock that only sleeping advances: back-off waits are recorded, not slept through."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    """The fake OpenAI-compatible endpoint on 127.0.0.1 (a module may override it)."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def article_path(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The requesting test module's ARTICLE, written to a file."""
    text = getattr(request.module, "ARTICLE", None)
    if not isinstance(text, str):
        raise TypeError(f"{request.module.__name__} uses article_path but defines no ARTICLE string")
    path = tmp_path / "dialogue.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _reask_wording_masked(request: Any) -> Any:
    """The request body with the text of every re-ask message blanked out.

    The first request must match exactly (prompt, schema, settings). The re-asks
    carry the tool's own wording of the errors, which changes with the validation
    code; the recorded answers to re-asks are replayed in order whatever the wording.
    """
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return request.body
    messages = body.get("messages") if isinstance(body, dict) else None
    if isinstance(messages, list):
        answered = False
        for message in messages:
            if not isinstance(message, dict):
                continue
            if message.get("role") == "assistant":
                answered = True
            elif answered and message.get("role") in ("user", "tool"):
                message["content"] = "<re-ask>"
    return body


def _body_but_reask_wording(r1: Any, r2: Any) -> None:
    if _reask_wording_masked(r1) != _reask_wording_masked(r2):
        raise AssertionError("request bodies differ (re-ask wording aside)")


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("body_but_reask_wording", _body_but_reask_wording)


def extract_with_client(endpoint: Any, settings: Any, policy: Any, article_path: str) -> Any:
    """One article through a real `ModelClient` and the pipeline, the client closed after."""
    from extractor.model_client import ModelClient
    from extractor.pipeline import Extractor
    from extractor.prompting import load_prompt
    from extractor.reader import read_one

    async def go() -> Any:
        client = ModelClient(endpoint, settings, policy)
        try:
            return await Extractor(client, load_prompt()).extract(read_one(article_path))
        finally:
            await client.aclose()

    return asyncio.run(go())
