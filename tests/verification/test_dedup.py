"""In-article dedup: the rules of `extractor merge`, applied inside one answer."""

from __future__ import annotations

from typing import Any

import pytest
from extractor.schemas import EVENT_TYPES, ArticleResult
from pydantic import BaseModel

from extractor.dedup import dedupe


def _event(quote: str, start: int, **fields: Any) -> BaseModel:
    base: dict[str, Any] = {
        "type": "strategic_dialogue",
        "status": "occurred",
        "summary_en": "s",
        "parties": ["CHN", "PAK"],
    }
    base.update(fields)
    evidence = [{"quote": quote, "start": start, "end": start + len(quote), "match": "exact"}]
    return EVENT_TYPES[base["type"]].model_validate({**base, "evidence": evidence})


def _agreement(quote: str, start: int, **fields: Any) -> BaseModel:
    base = {"type": "agreement", "kind": "mou", "agreement_status": "signed"}
    return _event(quote, start, **{**base, **fields})


def _visit(quote: str, start: int, name: str, **fields: Any) -> BaseModel:
    base = {"type": "visit", "visitor": {"name_en": name}, "host_country_iso3": "CHN"}
    return _event(quote, start, **{**base, **fields})


def _investment(quote: str, start: int, amount: float, currency: str = "USD", **fields: Any) -> BaseModel:
    base = {
        "type": "investment",
        "amount": amount,
        "currency": currency,
        "amount_text": "x",
        "figure_kind": "investment",
    }
    return _event(quote, start, **{**base, **fields})


def test_same_dialogue_twice_becomes_one_with_both_quotes() -> None:
    first = _event("中巴第七轮战略对话", 10, round=7, date_start="2026-01-04")
    second = _event("هفتمین گفت و گوی راهبردی", 200, round=7, date_start=None, topics=["trade"])
    events, merges = dedupe([first, second])
    [merged] = events
    assert [e.quote for e in merged.evidence] == ["中巴第七轮战略对话", "هفتمین گفت و گوی راهبردی"]  # type: ignore[attr-defined]
    assert merged.date_start.isoformat() == "2026-01-04"  # type: ignore[attr-defined]
    assert merged.topics == ["trade"]  # type: ignore[attr-defined]  # the kept event's unknown is filled
    [merge] = merges
    assert (merge.kept, merge.merged, merge.filled) == (0, (1,), ("topics",))
    assert "round 7 agrees" in merge.rule and "parties Jaccard" in merge.rule
    assert merge.note.startswith("duplicate strategic_dialogue events merged: event 0 kept")


def test_kept_values_are_never_overwritten() -> None:
    first = _agreement("a", 0, title_en="Action plan 2025-2029", sectors=["energy"])
    second = _agreement("b", 5, title_en="Action Plan 2025-2029", sectors=["trade"])
    [merged], [merge] = dedupe([first, second])
    assert merged.sectors == ["energy"] and merged.title_en == "Action plan 2025-2029"  # type: ignore[attr-defined]
    assert merge.filled == ()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"round": 7}, {"round": 6}, False),
        ({"date_start": "2026-01-04"}, {"date_start": "2026-01-20"}, False),
        ({"parties": ["CHN", "PAK"]}, {"parties": ["CHN", "IRN"]}, False),
        ({"parties": ["CHN", "PAK"]}, {"parties": ["CHN", "PAK", "AFG"]}, True),
        ({"date_start": "2026-01-04"}, {"date_start": "2026-01-05"}, True),
        ({"type": "visit", "visitor": {"name_en": "x"}, "host_country_iso3": "CHN"}, {}, False),
    ],
)
def test_dialogue_rules(a: dict[str, Any], b: dict[str, Any], same: bool) -> None:
    events, merges = dedupe([_event("q1", 0, **a), _event("q2", 10, **b)])
    assert (len(events) == 1) is same
    assert bool(merges) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"kind": "mou"}, {"kind": "joint_statement"}, False),  # two documents of one meeting
        ({"title_en": "MoU on railways"}, {"title_en": "Agreement on space cooperation"}, False),
        ({"title_en": "MoU on ML-1 railway"}, {"title_en": "MoU on the ML-1 railway upgrade"}, True),
        ({"title_en": "MoU on railways"}, {}, True),  # an unknown title is no contradiction
    ],
)
def test_agreements_differ_by_kind_and_title(a: dict[str, Any], b: dict[str, Any], same: bool) -> None:
    events, _ = dedupe([_agreement("q1", 0, **a), _agreement("q2", 10, **b)])
    assert (len(events) == 1) is same


def test_visits_differ_by_visitor() -> None:
    dar = _visit("q1", 0, "Ishaq Dar", parties=["CHN", "PAK"])
    dar_titled = _visit("q2", 10, "Deputy Prime Minister Ishaq Dar", parties=["CHN", "PAK"])
    sharif = _visit("q3", 20, "Shehbaz Sharif", parties=["CHN", "PAK"])
    events, merges = dedupe([dar, sharif, dar_titled])
    assert len(events) == 2
    assert [(m.kept, m.merged) for m in merges] == [(0, (2,))]
    assert events[1].visitor.name_en == "Shehbaz Sharif"  # type: ignore[attr-defined]  # order kept


def test_money_figures_need_currency_and_amount() -> None:
    same = dedupe([_investment("q1", 0, 5e9), _investment("q2", 10, 5.05e9)])
    assert len(same[0]) == 1 and "same currency USD" in same[1][0].rule
    assert len(dedupe([_investment("q1", 0, 5e9), _investment("q2", 10, 2e9)])[0]) == 2
    assert len(dedupe([_investment("q1", 0, 5e9), _investment("q2", 10, 5e9, "CNY")])[0]) == 2
    loan = _investment("q2", 10, 5e9, figure_kind="loan")
    assert len(dedupe([_investment("q1", 0, 5e9), loan])[0]) == 2


def test_identical_quotes_are_not_repeated() -> None:
    [merged], _ = dedupe([_event("same", 3), _event("same", 3)])
    assert len(merged.evidence) == 1  # type: ignore[attr-defined]


def test_filled_values_that_do_not_fit_together_are_not_taken() -> None:
    first = _event("q1", 0, date_start="2026-01-05")
    second = _event("q2", 10, date_start="2026-01-04", date_end="2026-01-04")
    [merged], [merge] = dedupe([first, second])
    assert merged.date_end is None and merge.filled == ()  # type: ignore[attr-defined]
    assert len(merged.evidence) == 2  # type: ignore[attr-defined]


def test_single_or_no_event_is_untouched() -> None:
    one = _event("q", 0)
    assert dedupe([one]) == ([one], [])
    assert dedupe([]) == ([], [])


def test_merged_result_validates() -> None:
    events, merges = dedupe([_event("q1", 0), _event("q2", 10)])
    result = ArticleResult(
        article_id="a",
        source={"path": "a.txt"},  # type: ignore[arg-type]
        status="ok",
        events=events,
        warnings=[m.note for m in merges],
    )
    assert len(ArticleResult.model_validate_json(result.model_dump_json()).events) == 1
