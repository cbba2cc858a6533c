"""Grounding and repair run inside `extractor run`: the text wins over the model's numbers."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.cli import main
from extractor.testing import FakeOpenAI, Reply
from tests.conftest import SEEDS

PERSIAN = SEEDS / "000_c22ab6cdf68cea9e.txt"
QUOTE = "سرمایهگذاری چین در قالب آن بیش از ۳۰ میلیارد دلار تا پیش از آغاز فاز دوم بوده است"


def test_wrong_scale_dropped_qualifier_and_invented_figure_are_fixed_or_rejected(tmp_path: Path) -> None:
    answer = {
        "events": [
            {
                "type": "investment",
                "status": "occurred",
                "summary_en": "China invested in CPEC.",
                "parties": ["CHN", "PAK"],
                "amount": 30_000_000,
                "currency": "USD",
                "amount_text": "30 million dollars",
                "qualifier": "exact",
                "figure_kind": "investment",
                "evidence": [QUOTE],
            },
            {
                "type": "investment",
                "status": "occurred",
                "summary_en": "An invented loan.",
                "amount": 5_000_000_000,
                "currency": "USD",
                "amount_text": "5 billion",
                "figure_kind": "loan",
                "evidence": ["هفتمین دور گفتوگوی راهبردی وزرای خارجه پاکستان و چین در پکن برگزار شد"],
            },
        ]
    }
    out = tmp_path / "out.jsonl"
    with FakeOpenAI() as server:
        server.script(Reply.answer(answer))
        code = main(["run", str(PERSIAN), "-o", str(out), "--base-url", server.base_url, "--model", "m", "-q"])
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    (event,) = result["events"]
    assert (event["amount"], event["currency"], event["qualifier"]) == (30_000_000_000, "USD", "more_than")
    fixed = {c["field"]: (c["model_value"], c["text_value"]) for c in event["corrections"]}
    assert fixed["amount"] == (30_000_000, 30_000_000_000)
    assert fixed["qualifier"] == ("exact", "more_than")
    text = PERSIAN.read_text(encoding="utf-8")
    assert text[event["evidence"][0]["start"] : event["evidence"][0]["end"]] == QUOTE
    (rejected,) = result["rejected"]
    assert rejected["event"]["figure_kind"] == "loan"
    assert "no money amount" in rejected["reason"]


def test_keep_ungrounded_keeps_the_event_marked_instead_of_rejecting_it(tmp_path: Path) -> None:
    invented = {
        "events": [
            {
                "type": "strategic_dialogue",
                "status": "occurred",
                "summary_en": "A dialogue.",
                "parties": ["CHN", "PAK"],
                "round": 7,
                "evidence": ["words that are nowhere in the article"],
            }
        ]
    }
    results = {}
    for flag in ([], ["--keep-ungrounded"]):
        out = tmp_path / f"out{len(flag)}.jsonl"
        with FakeOpenAI() as server:
            server.responder = lambda body: Reply.answer(invented)
            argv = [
                "run",
                str(PERSIAN),
                "-o",
                str(out),
                "--base-url",
                server.base_url,
                "--model",
                "m",
                "-q",
                "--max-retries",
                "0",
                "--no-cache",
                *flag,
            ]
            assert main(argv) == 0
        results[bool(flag)] = json.loads(out.read_text(encoding="utf-8"))
    assert results[False]["events"] == [] and len(results[False]["rejected"]) == 1
    (kept,) = results[True]["events"]
    assert kept["grounded"] is False
    assert kept["evidence"] == [
        {"quote": "words that are nowhere in the article", "start": None, "end": None, "match": None}
    ]
    assert results[True]["rejected"] == []
