"""Speed and memory of the rules coder on the development corpus.

    python bench/rules_coder.py [--copies 20] [--memory-small 500] [--memory-large 4000]

Every article of `corpus/dev/articles/` is coded `--copies` times, each copy made
distinct (a numbered line appended) so no cache (folding, language detection)
answers for it. Prints, per core (process CPU time, one thread):

1. the coder alone (`code_article`: sentences, triggers, mentions of the triggered
   sentences, events) in articles/s (goal: >= 200);
2. the whole per-article pipeline on the rules backend (`Extractor.extract`: the
   coder plus grounding, repair and dedup, as `extractor run` does it) in articles/s;
3. peak memory (RSS) of a child process coding --memory-small and --memory-large
   articles, and their ratio (goal: flat, about 1.0).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.backends.rules import rules_endpoint  # noqa: E402
from extractor.config import RunConfig, open_extractor  # noqa: E402
from extractor.reader import Article, parse_article  # noqa: E402
from extractor.rules import code_article  # noqa: E402

DEV = ROOT / "corpus" / "dev" / "articles"


def articles(copies: int) -> Iterator[Article]:
    texts = [(p.name, p.read_bytes()) for p in sorted(DEV.glob("*.txt"))]
    for copy in range(copies):
        for name, raw in texts:
            yield parse_article(raw + f"\n({copy})".encode(), path=name, article_id=f"{name}-{copy}")


def coder_rate(copies: int) -> tuple[float, int]:
    batch = list(articles(copies))
    began = time.process_time()
    events = sum(len(code_article(a).events) for a in batch)
    return len(batch) / (time.process_time() - began), events


def pipeline_rate(copies: int) -> float:
    batch = list(articles(copies))

    async def go() -> float:
        async with open_extractor(RunConfig(endpoint=rules_endpoint())) as extractor:
            began = time.process_time()
            for article in batch:
                await extractor.extract(article)
            return len(batch) / (time.process_time() - began)

    return asyncio.run(go())


def child_peak(count: int) -> int:
    """Peak RSS (KiB) of a fresh process that codes `count` distinct articles, one at a time."""
    done = subprocess.run([sys.executable, __file__, "--child", str(count)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--memory-small", type=int, default=500)
    parser.add_argument("--memory-large", type=int, default=4000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        per_copy = len(list(DEV.glob("*.txt")))
        for article in articles(-(-args.child // per_copy)):
            code_article(article)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        return
    list(articles(1)) and coder_rate(1)  # warm up: lexicons, language models, CLDR tables
    count = args.copies * len(list(DEV.glob("*.txt")))
    rate, events = coder_rate(args.copies)
    print(f"articles coded: {count} ({events} events)")
    print(f"rules coder alone, per core          {rate:8.1f} art/s   (goal >= 200)")
    print(f"whole pipeline on rules, per core    {pipeline_rate(args.copies):8.1f} art/s")
    small, large = child_peak(args.memory_small), child_peak(args.memory_large)
    print(f"peak RSS {args.memory_small} articles            {small / 1024:8.1f} MiB")
    print(f"peak RSS {args.memory_large} articles            {large / 1024:8.1f} MiB")
    print(f"ratio peak {args.memory_large}/{args.memory_small}             {large / small:8.2f}   (goal: flat, ~1.0)")


if __name__ == "__main__":
    main()
