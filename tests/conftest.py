"""Shared test settings: no real key, no real network, cassettes that hold no secret."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.testing import FakeOpenAI

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DUMMY_API_KEY = "test-dummy-key"


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
        "match_on": ["method", "scheme", "host", "path", "query", "body"],
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
