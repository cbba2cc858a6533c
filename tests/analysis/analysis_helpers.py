"""Helpers to build small valid result files in tests (imported by the analysis tests)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from extractor.schemas import ArticleResult

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FA_PATH = "seeds/000_c22ab6cdf68cea9e.txt"
AR_PATH = "seeds/001_8da5f88bb0eafb19.txt"
FA_ID = "000_c22ab6cdf68cea9e"
AR_ID = "001_8da5f88bb0eafb19"


def evidence(path: str, *quotes: str) -> list[dict[str, Any]]:
    """Evidence spans of quotes that really are in the article (offsets by str.find)."""
    text = (REPO / path).read_text(encoding="utf-8")
    spans = []
    for quote in quotes:
        start = text.find(quote)
        assert start >= 0, f"not in {path}: {quote}"
        spans.append({"quote": quote, "start": start, "end": start + len(quote), "match": "exact"})
    return spans


def article(article_id: str, path: str, language: str, events: list[dict[str, Any]], **extra: Any) -> ArticleResult:
    raw = (REPO / path).read_bytes() if (REPO / path).is_file() else None
    data = {
        "article_id": article_id,
        "source": {"path": path, "sha256": raw and hashlib.sha256(raw).hexdigest(), "language": language},
        "status": "ok",
        "events": events,
        **extra,
    }
    return ArticleResult.model_validate(data)


def write_results(path: Path, results: list[ArticleResult]) -> Path:
    path.write_text("".join(r.model_dump_json() + "\n" for r in results), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def event(event_type: str, path: str | None, quote: str, **fields: Any) -> dict[str, Any]:
    """A stored event of type `event_type` with one evidence quote (located in `path` when given)."""
    spans = evidence(path, quote) if path else [{"quote": quote}]
    base: dict[str, Any] = {
        "type": event_type,
        "status": "occurred",
        "summary_en": f"a {event_type}",
        "parties": ["CHN", "PAK"],
        "evidence": spans,
    }
    defaults: dict[str, dict[str, Any]] = {
        "agreement": {"kind": "joint_statement", "agreement_status": "agreed"},
        "investment": {"currency": "USD", "amount_text": "?", "figure_kind": "investment"},
        "visit": {"visitor": {"name_en": "Ishaq Dar"}, "host_country_iso3": "CHN"},
    }
    return {**base, **defaults.get(event_type, {}), **fields}
