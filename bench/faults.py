"""Fault benchmark (issue 11): the same batch under each fault mix, against the fault-free run.

    python bench/faults.py [--articles 384] [--concurrency 16] [--latency 0.05] [--outage 10]

For each mix it prints articles ok/failed, duplicates (articles with more than one
line; must be 0), requests the server received, transport retries (summed from
the result lines' usage), the endpoint's push-backs seen by the run (AIMD
decreases), and the wall time relative to the fault-free run. The fake server
(extractor.testing.fake_openai) runs in this process on 127.0.0.1, on its own
thread; each article is one request (the default responder answers validly).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import instructor

from extractor.backends import Endpoint
from extractor.config import RunConfig
from extractor.engines.asyncio_engine import AsyncioEngine
from extractor.model_client import GenerationSettings, TransportPolicy
from extractor.reader import plan_inputs
from extractor.testing import FakeOpenAI, Reply, default_responder, periodic_faults

Responder = Callable[[dict[str, Any]], Reply]


@dataclass
class Mix:
    name: str
    responder: Callable[[], Responder]
    # Seconds after the start at which the endpoint goes down, and for how long.
    outage: tuple[float, float] | None = None


def hostile_retry_after() -> Responder:
    """A 429 on every 4th request, each with a Retry-After no client should take at its word."""
    values = itertools.cycle(["-5", "NaN", "1e12", "soon", "0.2", "Wed, 21 Oct 2015 07:28:00 GMT"])
    counter = itertools.count(1)

    def respond(body: dict[str, Any]) -> Reply:
        if next(counter) % 4 == 0:
            return Reply.status(429, headers={"retry-after": next(values)})
        return default_responder(body)

    return respond


def trickle() -> Responder:
    """Every 10th answer trickles one byte every 50 ms (about 40 s for the whole answer)."""
    counter = itertools.count(1)

    def respond(body: dict[str, Any]) -> Reply:
        reply = default_responder(body)
        return reply.trickled(0.05) if next(counter) % 10 == 0 else reply

    return respond


def mixes(outage: float) -> list[Mix]:
    return [
        Mix("none", lambda: default_responder),
        Mix("429 every 5th + 500 every 7th", lambda: periodic_faults({5: Reply.status(429), 7: Reply.status(500)})),
        Mix(f"endpoint down {outage:g} s mid-run", lambda: default_responder, outage=(1.0, outage)),
        Mix("trickle (every 10th, --timeout 2)", trickle),
        Mix("Retry-After hostile (-5, NaN, 1e12, ...)", hostile_retry_after),
    ]


def write_articles(folder: Path, count: int) -> list[str]:
    paths = []
    for index in range(count):
        path = folder / f"a{index:04d}.txt"
        path.write_text(
            f"Article {index}. Pakistan and China held talks in Beijing on 4 January 2026.", encoding="utf-8"
        )
        paths.append(str(path))
    return paths


def run_mix(mix: Mix, paths: list[str], args: argparse.Namespace) -> dict[str, Any]:
    with FakeOpenAI(latency=args.latency, responder=mix.responder()) as server:
        endpoint = Endpoint("openai", server.base_url, "bench-key", "fake-model", instructor.Mode.TOOLS)
        config = RunConfig(
            endpoint=endpoint,
            settings=GenerationSettings(timeout=2.0),
            # Retry-After clamped at 5 s here so a hostile value cannot stall the benchmark for the
            # default 120 s; the clamp is what is measured, not its size.
            policy=TransportPolicy(max_retry_after=5.0, max_wait=5.0, total=120.0),
            cache_path=None,
        )
        engine = AsyncioEngine()
        timer = None
        if mix.outage is not None:
            start, seconds = mix.outage
            timer = threading.Timer(start, server.outage, args=(seconds,))
        started = time.perf_counter()
        if timer:
            timer.start()
        results = list(engine.results(plan_inputs(paths), config, concurrency=args.concurrency, ordered=True))
        wall = time.perf_counter() - started
        if timer:
            timer.join()
        requests = len(server.chat_requests)
    lines = Counter(r.source.path for r in results)
    warned = sum(1 for r in results if any("endpoint" in w for w in r.warnings))
    return {
        "ok": sum(r.status == "ok" for r in results),
        "failed": sum(r.status == "failed" for r in results),
        "duplicates": sum(n - 1 for n in lines.values() if n > 1) + (len(paths) - len(lines)),
        "requests": requests,
        "retries": sum(r.usage.transport_retries for r in results),
        "warned": warned,
        "wall": wall,
        "errors": Counter((r.error.kind, r.error.message[:60]) for r in results if r.error).most_common(2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=384)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the fake waits before each reply")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the endpoint is down mid-run")
    parser.add_argument("--only", help="run only the mixes whose name contains this")
    args = parser.parse_args(argv)
    logging.getLogger("instructor").setLevel(logging.CRITICAL)  # as the CLI does: lines say what failed
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_articles(Path(tmp), args.articles)
        print(
            f"{args.articles} articles, concurrency {args.concurrency}, latency {args.latency:g} s; "
            f"python {sys.version.split()[0]}"
        )
        header = f"{'fault mix':42} {'ok':>4} {'failed':>6} {'dup':>4} {'requests':>8} {'retries':>7} {'warned':>6} "
        print(header + f"{'wall s':>7} {'x none':>7}")
        baseline = None
        for mix in mixes(args.outage):
            if args.only and args.only not in mix.name and mix.name != "none":
                continue
            row = run_mix(mix, paths, args)
            baseline = baseline or row["wall"]
            print(
                f"{mix.name:42} {row['ok']:>4} {row['failed']:>6} {row['duplicates']:>4} {row['requests']:>8} "
                f"{row['retries']:>7} {row['warned']:>6} {row['wall']:>7.1f} {row['wall'] / baseline:>7.2f}",
                flush=True,
            )
            for (kind, message), count in row["errors"]:
                print(f"{'':42}   {count} x {kind}: {message}")


if __name__ == "__main__":
    main()
