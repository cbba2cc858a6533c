"""What a run did and what it cost: counted on the driver as result lines arrive."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.errors import UserError
from extractor.schemas import ArticleResult, Usage

Prices = dict[str, dict[str, float]]


def load_prices(path: str | None = None) -> Prices:
    """The price table: per model, US dollars per million input and output tokens."""
    try:
        text = Path(path).read_text(encoding="utf-8") if path else _bundled_prices()
        table = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"--prices {path}: cannot read the price table ({exc}); give a JSON file") from None
    shape = 'give {"model": {"input": USD per million tokens, "output": USD per million tokens}}'
    if not isinstance(table, dict):
        raise UserError(f"--prices {path}: not a table of models; {shape}")
    prices = {model: price for model, price in table.items() if not model.startswith("_")}
    for model, price in prices.items():
        if not isinstance(price, dict) or not all(
            isinstance(price.get(side, 0), int | float) for side in ("input", "output")
        ):
            raise UserError(f"--prices {path}: the price of {model!r} is not understood; {shape}")
    return prices


def _bundled_prices() -> str:
    return resources.files("extractor").joinpath("prices.json").read_text(encoding="utf-8")


@dataclass
class RunStats:
    articles: int = 0
    ok: int = 0
    failed: int = 0
    cached: int = 0
    skipped: int = 0
    prefiltered: int = 0
    partial: int = 0  # ok, but a chunk or a later pass failed
    rejected: int = 0
    candidates: int = 0
    events_by_type: Counter[str] = field(default_factory=Counter)
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    started: float = field(default_factory=time.monotonic)

    def add(self, result: ArticleResult) -> None:
        self.articles += 1
        self.ok += result.status == "ok"
        self.failed += result.status == "failed"
        self.cached += result.cached
        self.prefiltered += result.prefiltered
        self.partial += result.partial
        self.rejected += len(result.rejected)
        self.candidates += len(result.candidates)
        self.events_by_type.update(event.type for event in result.events)
        self.usage = self.usage.add(result.usage)
        if result.model:
            self.model = result.model.name

    @property
    def events(self) -> int:
        return sum(self.events_by_type.values())

    def summary(self, prices: Prices) -> dict[str, Any]:
        wall = time.monotonic() - self.started
        usage = self.usage
        return {
            "articles": {
                "total": self.articles,
                "ok": self.ok,
                "failed": self.failed,
                "cached": self.cached,
                "skipped_as_done": self.skipped,
            },
            # Articles not sent to the model (--prefilter): at least one request saved each.
            "prefiltered": {"articles": self.prefiltered, "requests_saved": self.prefiltered},
            # Ok lines missing the events of a failed chunk or pass (counted in "ok" too).
            "partial": {"articles": self.partial},
            "events": {
                "total": self.events,
                "by_type": dict(sorted(self.events_by_type.items())),
                "rejected": self.rejected,
                "candidates": self.candidates,
            },
            "requests": {"total": usage.requests, "reasks": usage.reasks, "transport_retries": usage.transport_retries},
            "tokens": {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens},
            "cost_usd": estimate_cost(self.model, usage, prices),
            "model": self.model,
            "wall_seconds": round(wall, 3),
            "articles_per_second": round(self.articles / wall, 3) if wall > 0 else None,
        }


def estimate_cost(model: str | None, usage: Usage, prices: Prices) -> float | None:
    """None when the table has no price for the model: unknown, not free."""
    if usage.requests == 0 and usage.prompt_tokens == 0 and usage.completion_tokens == 0:
        return 0.0  # nothing was asked (cached, resumed, or an in-process backend)
    price = prices.get(model or "")
    if price is None:
        return None
    cost = usage.prompt_tokens * price.get("input", 0.0) + usage.completion_tokens * price.get("output", 0.0)
    return round(cost / 1_000_000, 6)


def summary_line(summary: dict[str, Any]) -> str:
    articles, events, requests, tokens = (summary[k] for k in ("articles", "events", "requests", "tokens"))
    cost = summary["cost_usd"]
    cost_text = f"${cost:.4f}" if cost is not None else f"cost unknown (no price for {summary['model']})"
    skipped = f", {articles['skipped_as_done']} already done" if articles["skipped_as_done"] else ""
    if prefiltered := summary.get("prefiltered", {}).get("articles"):
        skipped += f", {prefiltered} prefiltered (at least {prefiltered} requests saved)"
    partial = summary.get("partial", {}).get("articles")
    partial_text = f" ({partial} partial: a chunk or pass failed, --resume reads them again)" if partial else ""
    return (
        f"{articles['total']} articles: {articles['ok']} ok{partial_text}, {articles['failed']} failed, "
        f"{articles['cached']} cached{skipped}; {events['total']} events, {events['rejected']} rejected; "
        f"{requests['total']} requests ({requests['reasks']} re-asks, {requests['transport_retries']} retries); "
        f"{tokens['prompt']}+{tokens['completion']} tokens; {cost_text}; "
        f"{summary['wall_seconds']:.1f} s, {summary['articles_per_second'] or 0:.2f} articles/s"
    )
