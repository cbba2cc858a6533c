"""Time `extractor merge` on synthetic events: `python bench/merge.py [N]` prints events/s.

The synthetic set is shaped like a news corpus: five events an article, a few
dozen countries, three years of dates with a third undated, round-number
amounts; enough repeats that many events really do merge.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from extractor.analysis.merging import SourceEvent, merge_events

COUNTRIES = [
    "CHN", "PAK", "IRN", "IND", "RUS", "USA", "TUR", "SAU", "ARE", "AFG", "BGD", "LKA", "NPL", "KAZ", "UZB",
    "EGY", "IRQ", "QAT", "OMN", "KWT", "JPN", "KOR", "IDN", "MYS", "THA", "VNM", "DEU", "FRA", "GBR", "BRA",
]  # fmt: skip
TYPES = ["strategic_dialogue", "agreement", "investment", "visit"]
START = date(2024, 1, 1)


def synthetic_event(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(TYPES)
    parties = sorted(rng.sample(COUNTRIES[:12], 2) if rng.random() < 0.7 else rng.sample(COUNTRIES, 2))
    day = START + timedelta(days=rng.randrange(3 * 365)) if rng.random() < 0.66 else None
    event: dict[str, Any] = {
        "type": kind,
        "status": "occurred",
        "summary_en": "synthetic",
        "date_start": day and day.isoformat(),
        "date_end": None,
        "parties": parties,
        "evidence": [{"quote": "q", "start": 0, "end": 1, "match": "exact"}],
    }
    if kind == "strategic_dialogue":
        event["round"] = rng.randint(1, 10) if rng.random() < 0.5 else None
    elif kind == "agreement":
        event["kind"] = rng.choice(["mou", "agreement", "joint_statement", "action_plan"])
    elif kind == "investment":
        event["amount"] = float(rng.choice([1, 2, 5, 10, 30, 46, 62]) * 10 ** rng.randint(6, 10))
        event["currency"] = rng.choice(["USD", "USD", "CNY", "EUR"])
        event["figure_kind"] = "investment"
    else:
        event["visitor"] = {"name_en": f"Minister {rng.randrange(200)}"}
    return event


def synthetic_events(n: int, seed: int = 7) -> list[SourceEvent]:
    rng = random.Random(seed)
    return [
        SourceEvent.from_dump(f"a{i // 5:07d}", rng.choice(["fa", "ar", "zh", "en"]), i % 5, synthetic_event(rng))
        for i in range(n)
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    items = synthetic_events(n)
    started = time.perf_counter()
    canonical = merge_events(items)
    elapsed = time.perf_counter() - started
    print(f"{n} events -> {len(canonical)} canonical events in {elapsed:.2f}s ({n / elapsed:,.0f} events/s)")


if __name__ == "__main__":
    main()
