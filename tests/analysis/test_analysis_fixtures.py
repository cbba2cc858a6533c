"""The hand-made fixtures are valid results whose quotes sit at their offsets."""

from __future__ import annotations

from pathlib import Path

from extractor.results_io import read_results


def test_fixture_quotes_are_at_their_offsets(seeds_results: Path) -> None:
    results = list(read_results(seeds_results))
    assert [r.status for r in results] == ["ok", "ok", "ok", "failed"]
    checked = 0
    for result in results:
        if result.status != "ok":
            continue
        text = Path(result.source.path).read_text(encoding="utf-8")
        for event in result.events:
            for ev in event.evidence:
                assert text[ev.start : ev.end] == ev.quote
                checked += 1
    assert checked == 11


def test_gold_copies_match_shared_format(gold_dir: Path) -> None:
    names = sorted(p.name for p in gold_dir.glob("*.json"))
    assert names == ["000_c22ab6cdf68cea9e.json", "001_8da5f88bb0eafb19.json"]
