"""`extractor eval` on hand-made predictions whose scores are worked out by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from extractor.schemas import ArticleResult

from extractor.analysis.evaluate import evaluate, load_gold
from extractor.commands import evaluate as eval_command
from extractor.errors import UserError
from tests.analysis.analysis_helpers import AR_ID, AR_PATH, FA_ID, FA_PATH, article, event, write_results


def _predictions() -> list[ArticleResult]:
    fa = [
        # gold e1, but round 6 where gold says 7
        event(
            "strategic_dialogue",
            FA_PATH,
            "در جریان هفتمین گفت و گوی راهبردی وزرای خارجه چین و پاکستان در پکن",
            round=6,
        ),
        # gold e2
        event(
            "visit",
            FA_PATH,
            "از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد",
            date_start="2026-01-03",
            date_end="2026-01-05",
        ),
        # the optional action plan (e4): neither hit nor false alarm; e3 stays a miss
        event(
            "agreement",
            FA_PATH,
            "تداوم اجرای برنامه اقدام جامعه چین و پاکستان با آینده مشترک برای دوره ۲۰۲۵ تا ۲۰۲۹",
            kind="action_plan",
        ),
        # gold e5, with a wrong qualifier
        event("investment", FA_PATH, "بیش از ۳۰ میلیارد دلار", amount=30e9, qualifier="about"),
        # no Iran in the article: a false alarm whose quote is not in the text
        event("visit", None, "سفر رسمی به تهران", parties=["IRN", "PAK"], host_country_iso3="IRN"),
    ]
    ar = [
        event(
            "strategic_dialogue",
            AR_PATH,
            "وترأس الجولة السابعة من الحوار الاستراتيجي",
            round=7,
            date_start="2026-01-04",
        ),
        # gold e3, but the date is left out (gold: 2026-01-05)
        event("agreement", AR_PATH, "وفقاً لبيان صحفي مشترك صدر في ختام المحادثات يوم الاثنين"),
        # no money figure in the Arabic article: false alarm
        event("investment", AR_PATH, "التعاون في مجالات التجارة والاستثمار", amount=1e9),
    ]
    return [article(FA_ID, FA_PATH, "fa", fa), article(AR_ID, AR_PATH, "ar", ar)]


@pytest.fixture
def gold_plus(gold_dir: Path, tmp_path: Path) -> Path:
    """The seed gold plus an article that is absent from the results."""
    folder = tmp_path / "gold"
    shutil.copytree(gold_dir, folder)
    extra = {
        "article": "002_gold_only.txt",
        "events": [
            {
                "id": "e1",
                "type": "investment",
                "required": True,
                "countries": ["CHN"],
                "amount": 5e8,
                "currency": "USD",
            },
            {"id": "e2", "type": "visit", "required": False, "countries": ["CHN", "PAK"]},
        ],
    }
    (folder / "002_gold_only.json").write_text(json.dumps(extra), encoding="utf-8")
    return folder


def test_scores_match_hand_computation(gold_plus: Path, tmp_path: Path, run_cmd) -> None:
    results = write_results(tmp_path / "pred.jsonl", _predictions())
    code, out = run_cmd(eval_command, "--gold", gold_plus, results, "--json")
    report = json.loads(out)
    assert code == 0
    # Hits: fa e1, e2, e5 and ar e1, e3 = 5. False alarms: fa Iran visit, ar investment = 2.
    # Misses: fa e3, ar e2, 002 e1 = 3. The optional fa e4 match counts for nothing.
    tp, fp, fn = 5, 2, 3
    assert report["micro"] == {
        "precision": round(tp / (tp + fp), 4),
        "recall": round(tp / (tp + fn), 4),
        "f1": round(2 * tp / (2 * tp + fp + fn), 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }
    assert report["micro"]["f1"] == round(2 / 3, 4)
    counts = {name: (c["tp"], c["fp"], c["fn"]) for name, c in report["per_type"].items()}
    assert counts == {
        "strategic_dialogue": (2, 0, 0),
        "visit": (1, 1, 1),
        "agreement": (1, 0, 1),
        "investment": (1, 1, 1),
    }
    assert report["per_type"]["visit"]["precision"] == 0.5
    # Six matched pairs (the optional action plan included).
    attributes = report["attributes"]
    assert attributes["round"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert attributes["date_start"]["correct"] == 5 and attributes["date_start"]["total"] == 6
    assert attributes["kind"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert attributes["qualifier"] == {"correct": 0, "total": 1, "accuracy": 0.0}
    assert attributes["parties"]["total"] == 6 and attributes["parties"]["correct"] == 6
    # 8 quotes, the Tehran one is not in the article.
    assert report["grounding"]["found"] == 7 and report["grounding"]["total"] == 8
    assert report["grounding"]["rate"] == 0.875
    errors = {(e["article_id"], e["kind"], e["type"]) for e in report["errors"]}
    assert errors == {
        (FA_ID, "miss", "agreement"),
        (AR_ID, "miss", "visit"),
        ("002_gold_only", "miss", "investment"),
        (FA_ID, "false_alarm", "visit"),
        (AR_ID, "false_alarm", "investment"),
    }
    absent = next(e for e in report["errors"] if e["article_id"] == "002_gold_only")
    assert "absent from results" in absent["detail"]


def test_text_output_lists_tables_and_errors(gold_dir: Path, tmp_path: Path, run_cmd) -> None:
    results = write_results(tmp_path / "pred.jsonl", _predictions())
    code, out = run_cmd(eval_command, "--gold", gold_dir, results)
    assert code == 0
    micro = next(line for line in out.splitlines() if line.startswith("micro"))
    # 5 hits, 2 false alarms, 2 misses without the extra gold article
    assert micro.split()[-3:] == ["5", "2", "2"]
    assert "false_alarm" in out and "miss" in out
    assert "grounding: 7/8" in out


def test_failed_article_counts_all_required_gold_as_misses(gold_dir: Path) -> None:
    failed = ArticleResult.model_validate(
        {
            "article_id": AR_ID,
            "source": {"path": AR_PATH},
            "status": "failed",
            "error": {"kind": "model", "message": "no valid answer"},
        }
    )
    evaluation = evaluate(load_gold(gold_dir), {AR_ID: failed})
    ar_misses = [e for e in evaluation.errors if e.article_id == AR_ID]
    assert len(ar_misses) == 3  # e1, e2, e3; e4 and e5 are optional
    assert all("article failed: model" in e.detail for e in ar_misses)
    assert evaluation.micro.fn == 3 + 4  # and the 4 required Persian events, absent


def test_perfect_fixture_scores_one(gold_dir: Path, seeds_results: Path, run_cmd) -> None:
    code, out = run_cmd(eval_command, "--gold", gold_dir, seeds_results, "--json")
    report = json.loads(out)
    assert (report["micro"]["precision"], report["micro"]["recall"], report["micro"]["f1"]) == (1.0, 1.0, 1.0)
    assert report["unscored_articles"] == ["002_zh_sample", "003_empty"]
    assert report["grounding"]["checked_in_text"] == report["grounding"]["total"] == 11


def test_grounding_falls_back_to_match_kind_without_the_file(gold_dir: Path) -> None:
    quotes = [
        {"quote": "a", "start": 0, "end": 1, "match": "exact"},
        {"quote": "b", "start": 2, "end": 3, "match": "fuzzy"},
    ]
    result = article("x", "nowhere/x.txt", "en", [event("visit", None, "a", evidence=quotes)])
    evaluation = evaluate(load_gold(gold_dir), {"x": result})
    assert evaluation.grounding.as_dict()["rate"] == 0.5
    assert evaluation.grounding.from_match_field == 2


def test_gold_folder_errors_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such folder"):
        load_gold(tmp_path / "missing")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="bad.json: not valid JSON"):
        load_gold(tmp_path)
