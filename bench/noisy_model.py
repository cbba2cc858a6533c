"""Raw model answers vs the pipeline's output, under a scripted noisy model (issue 9).

    python bench/noisy_model.py [--behaviour perfect fixes repeats drops] [--seed 0] [--json]

For each re-ask behaviour it serves the noisy model
(`extractor.testing.noisy_model`) on 127.0.0.1, runs `extractor run` on the
seeds and the development corpus, and prints micro P/R/F1 of the model's
first answer (raw) next to the result lines (pipeline), both scored by the
project's eval against the gold; attribute accuracy on matched events, raw vs
output; and the corrections the pipeline made on matched events, judged
against the gold (right / harmful / neutral).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractor.testing.noisy_model import BEHAVIOURS  # noqa: E402
from extractor.testing.noisy_score import ACCURACY_FIELDS, as_json, default_articles, measure  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--behaviour", nargs="+", choices=BEHAVIOURS, default=list(BEHAVIOURS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="one JSON object per behaviour instead of tables")
    parser.add_argument("--show-harmful", action="store_true", help="list every harmful correction")
    args = parser.parse_args(argv)

    articles = default_articles(REPO)
    paths = {}
    for folder in (REPO / "seeds", REPO / "corpus" / "dev" / "articles"):
        for path in folder.glob("*.txt"):
            paths[path.stem] = str(path.relative_to(REPO))
    import os

    os.chdir(REPO)  # eval reads the article files by the relative paths in the result lines
    rows = []
    for behaviour in args.behaviour:
        m = measure(behaviour, articles, paths, seed=args.seed)
        rows.append(m)
        if args.json:
            print(json.dumps(as_json(m), ensure_ascii=False))
    if args.json:
        return 0
    print(
        f"{len(articles)} articles (seeds + corpus/dev), seed {args.seed}; micro P/R/F1 by `extractor eval`'s rules\n"
    )
    print(f"{'behaviour':<10} {'raw P':>6} {'raw R':>6} {'raw F1':>6} | {'out P':>6} {'out R':>6} {'out F1':>6} |"
          f" {'right':>5} {'harm':>5} {'neutral':>7} {'failed':>6}")  # fmt: skip
    for m in rows:
        r, p = m.raw.micro, m.pipeline.micro
        print(
            f"{m.behaviour:<10} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} | {p.precision:6.3f} {p.recall:6.3f}"
            f" {p.f1:6.3f} | {m.right:5d} {m.harmful:5d} {m.neutral:7d} {len(m.failed_articles):6d}"
        )
    print("\nfield accuracy over the gold events that have the field (a missing event counts wrong), raw -> output:")
    print(f"{'behaviour':<10} " + " ".join(f"{name:>14}" for name in ACCURACY_FIELDS))
    for m in rows:
        print(f"{m.behaviour:<10} " + " ".join(f"{m.accuracy(n):>14}" for n in ACCURACY_FIELDS))
    if args.show_harmful:
        for m in rows:
            for case in m.harmful_cases:
                print(f"harmful [{m.behaviour}] {case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
