"""`extractor diff`: changes between two runs, found by content rather than position."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from extractor.analysis.diffing import diff_values, is_ignored
from extractor.commands import diff as diff_command
from tests.analysis.analysis_helpers import AR_ID, FA_ID, read_jsonl


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _new_run(old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A second run: usage moves everywhere; a few real changes described inline."""
    new = copy.deepcopy(old)
    fa, ar, zh, failed = new
    for line in new:
        line["usage"]["prompt_tokens"] += 17
        line["cached"] = True
    fa["events"][0]["round"] = 6  # changed field
    fa["events"][1]["summary_en"] = "Dar went to China."  # changed free text
    fa["events"][3]["amount"] = 40e9  # 33 % off: no longer the same figure
    fa["events"].reverse()  # order alone is not a change
    del ar["events"][3]  # removed event
    failed.update(status="ok", error=None)  # status changed
    added = copy.deepcopy(zh)
    added["article_id"] = "004_new"
    return [fa, ar, failed, added]  # zh removed, 004_new added


def test_reports_added_removed_and_changed(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    old = read_jsonl(seeds_results)
    new_path = _write(tmp_path / "new.jsonl", _new_run(old))
    code, out = run_cmd(diff_command, seeds_results, new_path, "--json")
    report = json.loads(out)
    assert code == 1
    assert report["summary"] == {
        "articles_compared": 5,
        "articles_added": 1,
        "articles_removed": 1,
        "articles_changed": 3,
        "articles_status_changed": 1,
        "events_added": 1 + 2,  # the 40e9 figure, and the new article's two events
        "events_removed": 1 + 1 + 2,  # the 30e9 figure, the CPEC 2.0 agreement, zh's two events
        "events_changed": 2,
    }
    assert report["ignored"] == ["answer_key", "cached", "usage"]
    fa = next(a for a in report["articles"] if a["article_id"] == FA_ID)
    changed = {c["type"]: c for c in fa["events_changed"]}
    assert changed["strategic_dialogue"]["changes"] == [{"path": "round", "old": 7, "new": 6}]
    assert (changed["strategic_dialogue"]["old_index"], changed["strategic_dialogue"]["new_index"]) == (0, 3)
    assert changed["visit"]["changes"][0]["path"] == "summary_en"
    assert fa["events_added"][0]["event"]["amount"] == 40e9
    ar = next(a for a in report["articles"] if a["article_id"] == AR_ID)
    assert [e["event"]["kind"] for e in ar["events_removed"]] == ["other"]
    status = next(a for a in report["articles"] if a["article_id"] == "003_empty")
    assert {"path": "status", "old": "failed", "new": "ok"} in status["fields"]


def test_ignore_and_summary_line(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    new_path = _write(tmp_path / "new.jsonl", _new_run(read_jsonl(seeds_results)))
    code, out = run_cmd(diff_command, seeds_results, new_path, "--ignore", "summary_en")
    assert code == 1
    summary = out.splitlines()[-1]
    assert summary.startswith("5 articles compared: 1 added, 1 removed, 3 changed (1 status changed)")
    assert "3 added, 4 removed, 1 changed" in summary
    assert "summary_en" in summary  # the ignore list is shown
    assert "round: 7 -> 6" in out


def test_identical_runs_exit_zero_even_when_usage_moves(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    lines = read_jsonl(seeds_results)
    for line in lines:
        line["usage"]["completion_tokens"] += 5
    moved = _write(tmp_path / "moved.jsonl", lines)
    code, out = run_cmd(diff_command, seeds_results, moved)
    assert code == 0
    assert "0 added, 0 removed, 0 changed" in out
    code, out = run_cmd(diff_command, seeds_results, moved, "--compare-all")
    assert code == 1
    assert "usage.completion_tokens: 300 -> 305" in out


def test_evidence_offsets_compared_unless_ignored(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    lines = read_jsonl(seeds_results)
    lines[1]["events"][0]["evidence"][0]["start"] -= 1
    shifted = _write(tmp_path / "shifted.jsonl", lines)
    code, out = run_cmd(diff_command, seeds_results, shifted, "--json")
    assert code == 1
    [article] = json.loads(out)["articles"]
    assert article["events_changed"][0]["changes"][0]["path"] == "evidence[0].start"
    code, _ = run_cmd(diff_command, seeds_results, shifted, "--ignore", "evidence.start")
    assert code == 0


def test_diff_values_paths_and_ignores() -> None:
    old = {"a": 1, "loc": {"name": "x"}, "ev": [{"s": 1}, {"s": 2}], "tags": ["p"]}
    new = {"a": 1, "loc": {"name": "y"}, "ev": [{"s": 1}, {"s": 3}], "tags": ["p", "q"]}
    paths = [c.path for c in diff_values(old, new, "", [])]
    assert paths == ["loc.name", "ev[1].s", "tags"]
    assert is_ignored("ev[1].s", ["ev"]) and is_ignored("ev[1].s", ["ev.s"])
    assert not is_ignored("evidence", ["ev"])
