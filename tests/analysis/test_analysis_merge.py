"""`extractor merge`: canonical events across articles, by the documented rules."""

from __future__ import annotations

import itertools
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.merge import synthetic_events
from extractor.analysis.matching import amounts_agree, jaccard
from extractor.analysis.merging import SourceEvent, merge_events, party_tokens
from extractor.commands import merge as merge_command
from tests.analysis.analysis_helpers import AR_ID, FA_ID, read_jsonl


def _item(article_id: str, index: int = 0, **fields: Any) -> SourceEvent:
    base = {"type": "strategic_dialogue", "status": "occurred", "summary_en": "s", "parties": ["CHN", "PAK"]}
    base["evidence"] = [{"quote": f"quote of {article_id}", "start": None, "end": None, "match": None}]
    return SourceEvent.from_dump(article_id, "en", index, {**base, **fields})


def _merged(*items: SourceEvent) -> list[list[str]]:
    """Article ids of each canonical event."""
    return [[s["article_id"] for s in e["sources"]] for e in merge_events(list(items))]


def test_seed_fixture_merges_across_languages(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    out = tmp_path / "events.jsonl"
    code, _ = run_cmd(merge_command, seeds_results, "-o", out)
    assert code == 0
    events = read_jsonl(out)
    assert all(next(iter(e)) == "type" for e in events)  # type is the first key
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_type.setdefault(e["type"], []).append(e)
    [dialogue] = by_type["strategic_dialogue"]
    assert [s["article_id"] for s in dialogue["sources"]] == [FA_ID, AR_ID, "002_zh_sample"]
    assert [s["language"] for s in dialogue["sources"]] == ["fa", "ar", "zh"]
    # The Persian source has no date: unknown values do not vote, so the dated sources win.
    assert dialogue["date_start"] == "2026-01-04" and dialogue["round"] == 7
    assert "date_start" not in dialogue["conflicts"]
    assert "round 7 agrees" in dialogue["merge_rule"]
    assert dialogue["sources"][0]["evidence"][0]["start"] is not None
    statements = [e for e in by_type["agreement"] if e["kind"] == "joint_statement"]
    assert len(statements) == 1 and len(statements[0]["sources"]) == 2
    assert {c["value"] for c in statements[0]["conflicts"]["title_en"]} == {
        "Final statement of the strategic dialogue",
        "Joint press statement",
    }
    [investment] = by_type["investment"]
    assert investment["merge_rule"].startswith("single source")
    assert sum(len(e["sources"]) for e in events) == 10  # every ok event exactly once


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        ({"round": 7}, {"round": 7}, True),
        ({"round": 7}, {"round": 6}, False),  # contradiction
        ({"round": 7}, {"round": None}, True),  # unknown is no contradiction
        ({"date_start": "2026-01-04"}, {"date_start": "2026-01-06"}, True),  # 2 days
        ({"date_start": "2026-01-04"}, {"date_start": "2026-01-07"}, False),  # 3 days
        ({"date_start": "2026-01-04"}, {}, True),  # null dates are compatible
        ({"parties": ["CHN", "PAK"]}, {"parties": ["CHN", "PAK", "AFG"]}, True),  # Jaccard 2/3
        ({"parties": ["CHN", "PAK"]}, {"parties": ["CHN", "IRN"]}, False),  # Jaccard 1/3
        ({"parties": ["CHN"]}, {"parties": ["CHN", "PAK"]}, True),  # Jaccard 1/2
        ({"type": "visit", "visitor": {"name_en": "x"}, "host_country_iso3": "CHN"}, {}, False),
    ],
)
def test_merge_rules(a: dict[str, Any], b: dict[str, Any], merged: bool) -> None:
    groups = _merged(_item("a1", **a), _item("a2", **b))
    assert (groups == [["a1", "a2"]]) is merged


@pytest.mark.parametrize(
    ("amount_b", "currency_b", "merged"),
    [(30.5e9, "USD", True), (31e9, "USD", False), (30e9, "CNY", False)],
)
def test_investment_amount_rules(amount_b: float, currency_b: str, merged: bool) -> None:
    inv = {"type": "investment", "amount_text": "x", "figure_kind": "investment"}
    a = _item("a1", **inv, amount=30e9, currency="USD")
    b = _item("a2", **inv, amount=amount_b, currency=currency_b)
    assert (len(merge_events([a, b])) == 1) is merged


def test_same_article_never_merges_and_subkind_breaks_ties() -> None:
    agreement = {"type": "agreement", "agreement_status": "agreed"}
    items = [
        _item("a1", 0, **agreement, kind="joint_statement"),
        _item("a1", 1, **agreement, kind="action_plan"),
        _item("a2", 0, **agreement, kind="action_plan"),
    ]
    events = merge_events(items)
    groups = sorted([[s["article_id"], s["event_index"]] for s in e["sources"]] for e in events)
    assert groups == [[["a1", 0]], [["a1", 1], ["a2", 0]]]


def test_majority_vote_ties_go_to_first_article() -> None:
    items = [
        _item("c", status="planned", summary_en="third"),
        _item("a", status="occurred", summary_en="first"),
        _item("b", status="planned", summary_en="second", location={"name_en": "Beijing", "country_iso3": "CHN"}),
    ]
    [event] = merge_events(items)
    assert event["status"] == "planned"  # 2 of 3
    assert event["summary_en"] == "first"  # three-way tie: earliest article
    assert event["conflicts"]["status"] == [
        {"value": "planned", "article_ids": ["b", "c"]},
        {"value": "occurred", "article_ids": ["a"]},
    ]
    assert "summary_en" not in event["conflicts"]  # free text always differs
    assert event["location"]["name_en"] == "Beijing"


def test_output_is_independent_of_input_order() -> None:
    items = synthetic_events(3000, seed=3)
    shuffled = items[:]
    random.Random(1).shuffle(shuffled)
    assert shuffled != items
    assert json.dumps(merge_events(shuffled)) == json.dumps(merge_events(items))


def _compatible(a: dict[str, Any], b: dict[str, Any], tolerance: int = 2) -> bool:
    if a["type"] != b["type"] or jaccard(set(a["parties"]), set(b["parties"])) < 0.5:
        return False
    if a["date_start"] and b["date_start"]:
        gap = abs(date.fromisoformat(a["date_start"]) - date.fromisoformat(b["date_start"])).days
        if gap > tolerance:
            return False
    if a.get("round") and b.get("round") and a["round"] != b["round"]:
        return False
    if a["type"] == "investment":
        return a["currency"] == b["currency"] and amounts_agree(a["amount"], b["amount"])
    return True


def test_every_pair_in_a_canonical_event_obeys_the_rules() -> None:
    items = synthetic_events(4000, seed=11)
    fields = {(i.article_id, i.event_index): i.fields for i in items}
    events = merge_events(items)
    assert sum(len(e["sources"]) for e in events) == len(items)
    multi = [e for e in events if len(e["sources"]) > 1]
    assert multi, "the synthetic set is meant to have merges"
    for event in multi:
        keys = [(s["article_id"], s["event_index"]) for s in event["sources"]]
        assert len({k[0] for k in keys}) == len(keys)  # never two events of one article
        for a, b in itertools.combinations(keys, 2):
            assert _compatible(fields[a], fields[b]), (a, b)


def test_party_tokens_catch_every_compatible_pair() -> None:
    sets = [frozenset(s) for n in range(0, 4) for s in itertools.combinations(["A", "B", "C", "D"], n)]
    for s, t in itertools.product(sets, sets):
        if jaccard(s, t) >= 0.5:
            assert set(party_tokens(s, probe=True)) & set(party_tokens(t, probe=False)), (s, t)


def test_100k_synthetic_events_merge() -> None:
    # Scale check only (bench/merge.py prints the rate); blocking keeps this to seconds.
    items = synthetic_events(100_000)
    events = merge_events(items)
    assert sum(len(e["sources"]) for e in events) == 100_000
    assert 0 < len(events) < 100_000
