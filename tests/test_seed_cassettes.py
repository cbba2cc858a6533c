"""Both seed articles through the whole pipeline, replaying recorded model answers.

Replay (the default, and CI): the HTTP exchanges in tests/cassettes/ are played
back, nothing touches the network, and the result must equal the golden file
event by event. A missing or stale cassette fails the test.

Re-record cassettes and goldens (needs the model; see README):
    EXTRACTOR_RECORD=1 pytest tests/test_seed_cassettes.py --record-mode=rewrite
By default that records the embedded local model; set EXTRACTOR_RECORD_BASE_URL
and EXTRACTOR_RECORD_MODEL to record a model behind an OpenAI-compatible URL.

After a change to what happens *after* the model (grounding, normalization),
rewrite only the goldens from the existing cassettes, then review the diff:
    EXTRACTOR_UPDATE_GOLDEN=1 pytest tests/test_seed_cassettes.py
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from typing import Any

import instructor
import pytest
from extractor.schemas import ArticleResult

from extractor.backends import BackendOptions, Endpoint, get_backend
from extractor.model_client import GenerationSettings, ModelClient
from extractor.pipeline import Extractor
from extractor.prompting import load_prompt
from extractor.reader import read_one
from tests.conftest import DUMMY_API_KEY, REPO

RECORDING = os.environ.get("EXTRACTOR_RECORD") == "1"
UPDATING = RECORDING or os.environ.get("EXTRACTOR_UPDATE_GOLDEN") == "1"
MODEL_CARD = REPO / "tests" / "cassettes" / "seed_model.json"
# One result line per seed, in the product's own format, so that
# `extractor diff tests/golden/seeds.jsonl results.jsonl` shows what a change moved.
GOLDEN = REPO / "tests" / "golden" / "seeds.jsonl"
SEED_IDS = ["000_c22ab6cdf68cea9e", "001_8da5f88bb0eafb19"]
# The CLI defaults: the goldens show what a user gets out of the box.
SETTINGS = GenerationSettings()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    if not RECORDING:
        card = json.loads(MODEL_CARD.read_text(encoding="utf-8"))
        # Any port: cassettes match on everything but the port.
        yield Endpoint(
            card["backend"], "http://127.0.0.1:9/v1", DUMMY_API_KEY, card["model"], instructor.Mode(card["mode"])
        )
        return
    base_url = os.environ.get("EXTRACTOR_RECORD_BASE_URL")
    backend = get_backend("openai" if base_url else "local")
    options = BackendOptions(
        base_url=base_url,
        model=os.environ.get("EXTRACTOR_RECORD_MODEL"),
        api_key=os.environ.get("EXTRACTOR_RECORD_API_KEY"),
    )
    with backend.endpoint(options) as live:
        card = {"backend": live.backend, "model": live.model, "mode": live.mode.value}
        MODEL_CARD.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        yield live


def run_seed(seed_id: str, endpoint: Endpoint) -> ArticleResult:
    async def go() -> ArticleResult:
        client = ModelClient(endpoint, SETTINGS)
        try:
            return await Extractor(client, load_prompt()).extract(read_one(f"seeds/{seed_id}.txt"))
        finally:
            await client.aclose()

    return asyncio.run(go())


@pytest.mark.vcr
@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_seed_replays_to_its_golden_result(seed_id: str, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # source.path is recorded relative to the repository
    result = run_seed(seed_id, endpoint).model_dump(mode="json")
    if UPDATING:
        _write_golden(seed_id, result)
    golden = _goldens()[seed_id]

    assert len(result["events"]) == len(golden["events"]), "number of events changed"
    for index, (got, want) in enumerate(zip(result["events"], golden["events"], strict=True)):
        assert got == want, f"event {index} ({want['type']}) changed"
    assert result["rejected"] == golden["rejected"]
    assert _without_events(result) == _without_events(golden)


def _goldens() -> dict[str, dict[str, Any]]:
    if not GOLDEN.is_file():
        return {}
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return {record["article_id"]: record for record in map(json.loads, lines)}


def _write_golden(seed_id: str, result: dict[str, Any]) -> None:
    goldens = _goldens() | {seed_id: result}
    lines = [json.dumps(goldens[s], ensure_ascii=False) + "\n" for s in SEED_IDS if s in goldens]
    GOLDEN.write_text("".join(lines), encoding="utf-8")


def _without_events(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in {"events", "rejected"}}


def test_every_seed_has_a_cassette_and_a_golden() -> None:
    cassettes = REPO / "tests" / "cassettes" / "test_seed_cassettes"
    for seed_id in SEED_IDS:
        assert (cassettes / f"test_seed_replays_to_its_golden_result[{seed_id}].yaml").is_file()
    assert sorted(_goldens()) == SEED_IDS


def test_golden_results_are_valid_and_their_offsets_slice_the_seeds() -> None:
    for seed_id, record in _goldens().items():
        result = ArticleResult.model_validate(record)
        text = (REPO / "seeds" / f"{seed_id}.txt").read_text(encoding="utf-8")
        for event in result.events:
            for evidence in event.evidence:
                if evidence.match == "exact":
                    assert text[evidence.start : evidence.end] == evidence.quote


def test_no_cassette_holds_a_credential() -> None:
    for cassette in (REPO / "tests" / "cassettes").rglob("*.yaml"):
        text = cassette.read_text(encoding="utf-8")
        assert "Bearer " not in text, cassette
        assert "sk-" not in text, cassette
        assert DUMMY_API_KEY not in text, cassette
