"""Realistic fake answers: the events a careful reader found, built from gold files.

Benchmarks and tests need answers that look like a good model's: several events
per article with real quotes, amounts, dates and parties, so that grounding,
mentions and repair do the work they do in production. `GoldAnswers` reads
gold files (format: docs/gold-format.md) and answers a chat request with every
gold event whose evidence appears in the request's article text, each with only
the quotes that appear there. That makes it work for whole articles and for
chunks of a long article alike: a chunk gets the events it holds.

The fake answers in the server's process, so its own cost (one substring test
per gold quote) is not counted against the client being measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.testing.fake_openai import Reply

__all__ = ["GoldAnswers", "GoldEvent", "answer_event", "load_gold"]

# Type-specific gold fields copied as they are into an answer event.
_COPIED = {
    "strategic_dialogue": ("round",),
    "agreement": ("kind", "agreement_status", "title_en"),
    "investment": ("amount", "currency", "qualifier", "figure_kind", "project"),
    "visit": (),
}


@dataclass(frozen=True)
class GoldEvent:
    article: str  # the gold file's article name
    event: dict[str, Any]  # the gold event as written

    @property
    def quotes(self) -> list[str]:
        return [q for q in self.event.get("evidence", []) if q]


def load_gold(folders: Iterable[Path]) -> list[GoldEvent]:
    """Every event of every `*.json` gold file in `folders`, in file order."""
    events: list[GoldEvent] = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            events.extend(GoldEvent(gold["article"], event) for event in gold.get("events", []))
    return events


def answer_event(gold: Mapping[str, Any], quotes: list[str]) -> dict[str, Any]:
    """The answer a good model gives for one gold event, with `quotes` as its evidence."""
    kind = gold["type"]
    countries = list(gold.get("countries") or [])
    event: dict[str, Any] = {
        "type": kind,
        "status": gold.get("status", "occurred"),
        "summary_en": gold.get("title_en") or gold.get("project") or f"A {kind.replace('_', ' ')}.",
        "date_start": gold.get("date_start"),
        "date_end": gold.get("date_end"),
        "parties": countries,
        "location": {"country_iso3": gold["location_country"]} if gold.get("location_country") else None,
        "evidence": quotes,
    }
    event.update({name: gold[name] for name in _COPIED.get(kind, ()) if gold.get(name) is not None})
    if kind == "investment":
        # The gold has no amount as written; the first quote states it, and it is in the article.
        event["amount_text"] = quotes[0]
    elif kind == "visit":
        host = gold.get("location_country") or (countries[-1] if countries else None)
        guests = [c for c in countries if c != host]
        event["visitor"] = {"name_en": gold.get("visitor") or "Unknown", "country_iso3": guests[0] if guests else None}
        event["host_country_iso3"] = host
    return event


class GoldAnswers:
    """A `FakeOpenAI` responder answering from gold events (see the module docstring).

    `max_events` caps the events per answer (a benchmark's "3-4 events per
    article"); None gives every event found.
    """

    def __init__(self, events: list[GoldEvent], *, max_events: int | None = None) -> None:
        self.events = events
        self.max_events = max_events

    @classmethod
    def from_folders(cls, *folders: Path, max_events: int | None = None) -> GoldAnswers:
        return cls(load_gold(folders), max_events=max_events)

    def arguments(self, text: str) -> dict[str, Any]:
        """The answer's arguments for an article (or chunk) `text`."""
        events: list[dict[str, Any]] = []
        for gold in self.events:
            if self.max_events is not None and len(events) >= self.max_events:
                break
            quotes = list(dict.fromkeys(q for q in gold.quotes if q in text))
            if quotes:
                events.append(answer_event(gold.event, quotes))
        return {"events": events}

    def __call__(self, body: dict[str, Any]) -> Reply:
        users = [m.get("content") for m in body.get("messages") or [] if m.get("role") == "user"]
        text = users[-1] if users and isinstance(users[-1], str) else ""
        # The article's text follows the first blank line ("Article (published ...):"
        # comes before it, with a chunk's context): quotes are looked up there only.
        _header, blank, article = text.partition("\n\n")
        return Reply.answer(self.arguments(article if blank else text))
