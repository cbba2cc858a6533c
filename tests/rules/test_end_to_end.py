"""The rules coder through `extractor run`, as a user runs it: the seeds, and the dev corpus floors.

The floors are the measured quality of this coder on `corpus/dev/` (see README), set a little
below the measurement so that a regression fails here and an improvement is free to land.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from extractor.schemas import ArticleResult

from extractor.analysis.evaluate import evaluate, load_gold
from extractor.cli import main
from tests.conftest import REPO

DEV = REPO / "corpus" / "dev"
NEGATIVES = ("04_", "09_", "13_", "17_", "21_")


def run(tmp_path: Path, *paths: Path, extra: tuple[str, ...] = ()) -> dict[str, ArticleResult]:
    out = tmp_path / "results.jsonl"
    assert main(["run", *map(str, paths), "-o", str(out), "-q", *extra]) == 0
    lines = [ArticleResult.model_validate_json(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r.article_id: r for r in lines}


def events(result: ArticleResult, event_type: str) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in result.events if e.type == event_type]


def test_seeds_with_no_model_no_key_and_no_server(tmp_path: Path) -> None:
    results = run(tmp_path, REPO / "seeds")
    persian, arabic = results["000_c22ab6cdf68cea9e"], results["001_8da5f88bb0eafb19"]
    for result in (persian, arabic):
        assert result.status == "ok"
        assert result.model is not None and result.model.backend == "rules"
        assert result.model.name.startswith("rules-")
        assert result.usage.requests == 0 and result.answer_key
        [dialogue] = events(result, "strategic_dialogue")
        assert dialogue["round"] == 7 and sorted(dialogue["parties"]) == ["CHN", "PAK"]
        [visit] = events(result, "visit")
        assert (visit["date_start"], visit["date_end"]) == ("2026-01-03", "2026-01-05")
        assert (visit["host_country_iso3"], visit["visitor"]["country_iso3"]) == ("CHN", "PAK")
        assert "joint_statement" in [a["kind"] for a in events(result, "agreement")]
        for event in result.events:  # evidence offsets slice the article
            text = Path(result.source.path).read_text(encoding="utf-8")
            assert all(text[e.start : e.end] == e.quote for e in event.evidence)
    [investment] = events(persian, "investment")
    assert (investment["amount"], investment["currency"], investment["qualifier"]) == (30e9, "USD", "more_than")


def test_model_flags_without_a_model_backend_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(REPO / "seeds"), "-o", str(tmp_path / "x.jsonl"), "--model", "gpt-4o-mini"]) == 2
    assert "--backend openai" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_dev_corpus_floors(tmp_path: Path) -> None:
    results = run(tmp_path, DEV / "articles")
    evaluation = evaluate(load_gold(DEV / "gold"), results).to_json()
    micro = evaluation["micro"]
    assert micro["f1"] >= 0.83, micro
    assert micro["precision"] >= 0.85, micro
    assert micro["recall"] >= 0.80, micro
    for name, counts in evaluation["per_type"].items():
        assert counts["f1"] >= 0.70, (name, counts)
    negatives = [r for article_id, r in results.items() if article_id.startswith(NEGATIVES)]
    assert len(negatives) == 5
    assert [len(r.events) for r in negatives] == [0] * 5
    assert json.dumps(evaluation["grounding"]["rate"]) == "1.0"
