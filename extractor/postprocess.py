"""Checking an answer against its text, in this process or in worker processes.

After the model answers, the CPU work is: locating every quote (grounding),
finding the money, dates and countries the text states (mentions), correcting
or rejecting events by them (repair). With realistic
answers that is most of an article's CPU time, and on an event loop it delays
the next requests. `--workers N` runs it in N processes, so the event loop only
sends requests and parses answers (and, on a machine with a second core,
post-processing runs beside it).

Workers are started with "spawn" (never fork a process that runs an event loop
and HTTP connections) and warmed up once (imports, lingua's models, compiled
patterns), so the first articles do not pay for it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field

from pydantic import BaseModel

from extractor.article import Article
from extractor.grounding import Grounded, Grounder
from extractor.mentions import Mentions, find_mentions
from extractor.repair import Repaired, repair
from extractor.schemas import RejectedEvent

__all__ = ["Checked", "check", "check_in", "open_workers"]


@dataclass
class Checked:
    events: list[BaseModel]
    rejected: list[RejectedEvent]
    warnings: list[str] = field(default_factory=list)


def check(unit: Article, answers: list[BaseModel], keep_ungrounded: bool, grounder: Grounder | None = None) -> Checked:
    """Ground the answer's events in `unit` and repair them against its mentions."""
    grounded, mentions = _ground(unit, answers, keep_ungrounded, grounder or Grounder(unit))
    return _repair(unit, grounded, mentions)


def _ground(
    unit: Article, answers: list[BaseModel], keep_ungrounded: bool, grounder: Grounder
) -> tuple[Grounded, Mentions | None]:
    grounded = grounder.ground(answers, keep_ungrounded=keep_ungrounded)
    # Mentions are the costliest CPU step; an answer with no events needs none.
    return grounded, find_mentions(unit) if grounded.events else None


def _repair(unit: Article, grounded: Grounded, mentions: Mentions | None) -> Checked:
    repaired = repair(grounded.events, mentions, unit) if mentions else Repaired([], [])
    return Checked(repaired.events, grounded.rejected + repaired.rejected, repaired.warnings)


async def check_in(
    workers: Executor | None, unit: Article, answers: list[BaseModel], keep_ungrounded: bool, grounder: Grounder
) -> Checked:
    """`check`, in a worker process when there are workers (the grounder's alignments stay here).

    In this process it lets the event loop run between its steps: an answer that came in
    meanwhile is read, and its slot given to the next request, a few milliseconds sooner
    than after the whole check (at 250 ms latency that is what the slots' turnover waits on)."""
    if workers is None:
        await asyncio.sleep(0)
        grounded, mentions = _ground(unit, answers, keep_ungrounded, grounder)
        await asyncio.sleep(0)
        return _repair(unit, grounded, mentions)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(workers, check, unit, answers, keep_ungrounded)


class Workers(ProcessPoolExecutor):
    """Worker processes started at once, warming up while the first requests are under way:
    a pool starts a process only when a task is submitted, so the first answers waited for a
    process to import the package and load lingua's models (about a second of CPU)."""

    def __init__(self, count: int) -> None:
        super().__init__(max_workers=count, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up)
        # Each submission that finds no idle process starts one.
        for _ in range(count):
            self.submit(_nothing)


def open_workers(count: int) -> Workers | None:
    """`count` worker processes warming up, or None for 0 (check in this process)."""
    return Workers(count) if count >= 1 else None


def _nothing() -> None:
    pass


def _warm_up() -> None:
    """Load what the first check would: lingua's models, the country and date tables."""
    sample = Article("warm-up", "warm-up", "China and Pakistan met in Beijing on 4 January 2026.", 0, None, "")
    mentions = find_mentions(sample)
    _ = (mentions.money, mentions.dates, mentions.countries)
