"""Requests in flight adapted to what the endpoint can take (AIMD), shared by a whole run.

A 429 or 503 is the endpoint pushing back on the run, not on one request: the
number of requests allowed in flight is halved (at most once per `settle`
seconds, since the requests already under way were sent before the signal), and
each success raises it by 1/limit, i.e. by about one per round of requests, up
to the configured maximum. A Retry-After pauses every request of the run, not
just the one that got it: the others would only collect their own 429s.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager


class AdaptiveGate:
    def __init__(
        self,
        maximum: int | None,
        *,
        minimum: int = 1,
        settle: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum) if maximum else math.inf
        self.settle = settle
        self._clock = clock
        self._sleep = sleep
        self._in_flight = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._paused_until = -math.inf
        self._last_decrease = -math.inf
        # Failed attempts since the last success, run-wide: tells bad luck from an endpoint down.
        self.failure_streak = 0
        # Counters for benchmarks and the summary.
        self.decreases = 0
        self.lowest = self.limit

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def capacity(self) -> float:
        """Requests allowed in flight now (whole requests; at least `minimum`)."""
        return max(math.floor(self.limit), self.minimum) if self.maximum else math.inf

    async def wait_if_paused(self) -> None:
        while (left := self._paused_until - self._clock()) > 0:
            await self._sleep(left)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        while self._in_flight >= self.capacity:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._wake()

    def push_back(self, pause: float = 0.0) -> None:
        """The endpoint refused for load (429/503, or is unreachable): fewer in flight, and pause if asked."""
        now = self._clock()
        if pause > 0:
            self._paused_until = max(self._paused_until, now + pause)
        if self.maximum and now - self._last_decrease >= self.settle:
            self.limit = max(float(self.minimum), self.limit / 2)
            self._last_decrease = now
            self.decreases += 1
            self.lowest = min(self.lowest, self.limit)

    def failed(self) -> None:
        """An attempt failed (any retryable fault)."""
        self.failure_streak += 1

    @property
    def failing_broadly(self) -> bool:
        """A whole round of requests failed with no success between: the endpoint is down or
        overloaded, not unlucky. Backoff then grows per attempt; otherwise it stays short."""
        return self.failure_streak >= min(self.capacity, 8)

    def recovered(self) -> None:
        """A request succeeded: let one more in flight per round of successes."""
        self.failure_streak = 0
        if self.maximum and self.limit < self.maximum:
            self.limit = min(float(self.maximum), self.limit + 1 / self.limit)
            self._wake()

    def _wake(self) -> None:
        # Wake everyone and let each recheck: simple, and cannot lose a wake-up to a
        # waiter cancelled after it was chosen.
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
