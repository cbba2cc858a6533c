"""CPU of the mention layer per article, finder by finder, on real articles.

    python bench/mentions.py [--copies 10]

Every article of `corpus/dev/articles/` and `seeds/` is read `--copies` times, each
copy made distinct (a numbered line appended) so no cache answers for it. For
each copy it times (process CPU, one thread) language detection and the money,
date and country finders over the article body, as `extractor.mentions.Mentions`
runs them, and prints milliseconds per article for each, and their sum (issue
13's budget for all post-processing is 5 ms per article); `--by-language` adds
the same per detected language.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.mentions import Mentions  # noqa: E402
from extractor.reader import Article, parse_article  # noqa: E402

FOLDERS = (ROOT / "corpus" / "dev" / "articles", ROOT / "seeds")


def copies(count: int) -> list[Article]:
    out = []
    for copy in range(count):
        for path in sorted(p for folder in FOLDERS for p in folder.glob("*.txt")):
            raw = path.read_bytes() + f"\n\n{copy}\n".encode()
            out.append(parse_article(raw, path=str(path), article_id=f"{path.stem}-{copy}"))
    return out


# The finders as the pipeline runs them: each a cached property of `Mentions`.
FINDERS = ("money", "dates", "countries")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10, help="distinct copies of each article (default 10)")
    parser.add_argument("--by-language", action="store_true", help="also per detected language")
    args = parser.parse_args(argv)
    warm = copies(1)
    for article in warm:  # imports, lingua's models, compiled tables: paid once per process
        mentions = Mentions(article)
        for name in FINDERS:
            getattr(mentions, name)
    articles = copies(args.copies)
    seconds: dict[str, float] = defaultdict(float)
    by_language: dict[str | None, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for article in articles:
        began = time.process_time()
        mentions = Mentions(article)  # detects the language
        seconds["language detection"] += time.process_time() - began
        lang = mentions.language
        by_language[lang]["articles"] += 1
        for name in FINDERS:
            began = time.process_time()
            getattr(mentions, name)
            spent = time.process_time() - began
            seconds[name] += spent
            by_language[lang][name] += spent
    n = len(articles)
    chars = sum(len(a.body) for a in articles) / n
    print(f"mention layer CPU per article: {n} articles ({args.copies} copies of {len(warm)}), mean {chars:,.0f} chars")
    for name, total in seconds.items():
        print(f"  {name:<22} {1000 * total / n:7.3f} ms")
    print(f"  {'total':<22} {1000 * sum(seconds.values()) / n:7.3f} ms")
    if args.by_language:
        print("per detected language, ms per article:")
        print(f"  {'lang':<5}{'articles':>9}", *(f"{name:>9}" for name in FINDERS))
        for lang, spent in sorted(by_language.items(), key=lambda item: str(item[0])):
            count = spent["articles"]
            print(f"  {lang!s:<5}{count:9.0f}", *(f"{1000 * spent[name] / count:9.3f}" for name in FINDERS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
