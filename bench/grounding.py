"""Time quote grounding on a ~200 KB synthetic multilingual article.

    python bench/grounding.py

Aligns 50 quotes (exact, normalised and fuzzy variants) with `ArticleAligner`
and compares with a naive approach that re-folds the article for every quote
and runs rapidfuzz without trying exact/normalised matches first.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.text.align import ArticleAligner  # noqa: E402
from extractor.text.fold import fold  # noqa: E402

EXTRA = (
    "China and Pakistan agreed to upgrade the China-Pakistan Economic Corridor, worth $62 billion. "
    "La Chine et le Pakistan ont signé 28 milliards de USD d'accords à Pékin le 4 janvier 2026. "
    "中国和巴基斯坦外长于2026年1月4日在北京举行第七轮战略对话，中巴经济走廊投资16.2亿美元。 "
    "پاکستان اور چین نے اسلام آباد میں 5 ارب ڈالرز کے معاہدوں پر دستخط کیے۔\n"
)
NOISE = {"ی": "ي", "ک": "ك", "۰": "0", "۲": "2", "ه": "ة"}


def build_article(size: int = 200_000) -> str:
    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    unit = seeds + EXTRA
    return (unit * (size // len(unit) + 1))[:size]


def build_quotes(text: str, count: int = 50) -> list[str]:
    rng = random.Random(7)
    quotes = []
    for i in range(count):
        start = rng.randrange(0, len(text) - 200)
        quote = text[start : start + rng.randrange(40, 160)].strip()
        if i % 3 == 1:  # normalised: letter variants, digits, ZWNJ
            quote = "".join(NOISE.get(c, c) for c in quote).replace(" ", " \u200c", 1)
        elif i % 3 == 2:  # fuzzy: two edits
            middle = len(quote) // 2
            quote = quote[:middle] + "xy" + quote[middle + 2 :]
        quotes.append(quote)
    return quotes


def naive(text: str, quotes: list[str]) -> list[object]:
    out = []
    for quote in quotes:
        folded = fold.__wrapped__(text)  # re-fold the article every time, bypassing fold's cache
        out.append(fuzz.partial_ratio_alignment(fold.__wrapped__(quote).text, folded.text, score_cutoff=90))
    return out


def main() -> None:
    text = build_article()
    quotes = build_quotes(text)
    fold.cache_clear()  # time the folding too, as a fresh article would pay it
    began = time.perf_counter()
    aligner = ArticleAligner(text)
    aligner.folded  # noqa: B018 - built lazily; forced here to time it apart
    fold_time = time.perf_counter() - began
    results = [aligner.align(q) for q in quotes]
    total = time.perf_counter() - began
    kinds = Counter(r.match if r else "none" for r in results)
    print(f"article: {len(text):,} chars, {len(quotes)} quotes")
    print(
        f"ArticleAligner: {total * 1000:.0f} ms total ({fold_time * 1000:.0f} ms folding),",
        f"matches {dict(kinds)}",
    )
    began = time.perf_counter()
    naive(text, quotes[:10])
    naive_total = (time.perf_counter() - began) * len(quotes) / 10
    print(f"naive (re-fold + fuzzy per quote, extrapolated from 10): {naive_total * 1000:.0f} ms")
    print(f"speed-up: {naive_total / total:.1f}x")


if __name__ == "__main__":
    main()
