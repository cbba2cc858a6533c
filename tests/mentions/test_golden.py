"""Golden records of find_mentions() for the seed articles and the development corpus.

They pin the mention layer's output byte for byte, so work on its speed cannot
change what it finds without a reviewed diff here.

Regenerate after an intended change with:

    UPDATE_GOLDEN=1 python -m pytest tests/mentions/test_golden.py

then review the diff of tests/golden/mentions/*.json by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractor.mentions import find_mentions
from extractor.reader import Article, read_one

from .conftest import SEEDS

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "mentions"
DEV = Path(__file__).resolve().parents[2] / "corpus" / "dev" / "articles"
ARTICLES = {p.stem: p for folder in (SEEDS, DEV) for p in sorted(folder.glob("*.txt"))}
STEMS = sorted(ARTICLES)


def load_article(stem: str) -> Article:
    article = read_one(str(ARTICLES[stem]))
    assert isinstance(article, Article)
    return article


@pytest.mark.parametrize("stem", STEMS)
def test_golden(stem: str) -> None:
    article = load_article(stem)
    record = find_mentions(article).to_record()
    path = GOLDEN / f"{stem}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert record == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", STEMS)
def test_golden_offsets_slice_the_file(stem: str) -> None:
    article = load_article(stem)
    record = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    assert list(record) == ["article_id", "language", "published", "money", "dates", "countries"]
    for kind in ("money", "dates", "countries"):
        starts = [m["start"] for m in record[kind]]
        assert starts == sorted(starts)
        for mention in record[kind]:
            assert mention["start"] >= article.body_start
            assert article.text[mention["start"] : mention["end"]] == mention["text"]


def test_persian_seed_by_hand() -> None:
    record = json.loads((GOLDEN / "000_c22ab6cdf68cea9e.json").read_text(encoding="utf-8"))
    assert record["language"] == "fa" and record["published"] == "2026-01-05"
    assert [(m["text"], m["amount"], m["currency"], m["qualifier"]) for m in record["money"]] == [
        ("بیش از ۳۰ میلیارد دلار", 30_000_000_000, "USD", "more_than")
    ]
    assert [(d["text"], d["date_start"], d["date_end"]) for d in record["dates"]] == [
        ("از سوم تا پنجم ژانویه ۲۰۲۶", "2026-01-03", "2026-01-05")
    ]
    assert {c["iso3"] for c in record["countries"]} == {"CHN", "PAK"}
    assert len(record["countries"]) == 24


def test_arabic_seed_by_hand() -> None:
    record = json.loads((GOLDEN / "001_8da5f88bb0eafb19.json").read_text(encoding="utf-8"))
    assert record["language"] == "ar" and record["published"] is None
    assert record["money"] == []
    # No publication date: the year comes from 'في عام 2026', the only year phrase;
    # Monday is the one on or before the latest date in the article (5 January).
    assert [(d["text"], d["date_start"], d["date_end"]) for d in record["dates"]] == [
        ("4 يناير", "2026-01-04", None),
        ("من 3 إلى 5 يناير", "2026-01-03", "2026-01-05"),
        ("يوم الاثنين", "2026-01-05", None),
    ]
    texts = {c["text"] for c in record["countries"]}
    assert {"باكستان", "الصين", "بكين", "الصيني", "الباكستاني"} <= texts
    assert {c["iso3"] for c in record["countries"]} == {"CHN", "PAK"}
