"""Client-side rate limits shared by every request of a run (--rpm, --tpm).

A sliding-window log, not a token bucket: a bucket starts full and refills
while it drains, so `--rpm 20` let 40 requests through in 59.9 s. Here every
grant is remembered for a window (60 s) and a request goes out only when the
grants of the last window leave room for it, so the limit holds in every
rolling window, not just on average.

Token counts are only known after an answer, so each request reserves an
estimate of its prompt tokens up front and the rest is debited when the answer
reports its usage.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

# Characters per token, on the low side for non-Latin scripts, so the estimate
# errs toward waiting rather than toward a 429.
_CHARS_PER_TOKEN = 3

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class SlidingWindow:
    """At most `limit` units granted in any `window` seconds."""

    def __init__(
        self, limit: float, window: float = 60.0, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        if not limit > 0:
            raise ValueError(f"a rate limit must be positive, not {limit}")
        self.limit = float(limit)
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._grants: deque[tuple[float, float]] = deque()
        self._used = 0.0
        self._turn = asyncio.Lock()  # first come, first served: a big request is not starved

    def _expire(self, now: float) -> None:
        while self._grants and self._grants[0][0] <= now - self.window:
            self._used -= self._grants.popleft()[1]

    async def acquire(self, amount: float = 1.0) -> None:
        amount = min(float(amount), self.limit)  # one request bigger than the budget still goes, alone
        async with self._turn:
            while True:
                now = self._clock()
                self._expire(now)
                if self._used + amount <= self.limit + 1e-9:
                    self._grants.append((now, amount))
                    self._used += amount
                    return
                # Wait until enough old grants leave the window.
                freed, until = self._used, now
                for granted_at, granted in self._grants:
                    freed -= granted
                    until = granted_at + self.window
                    if freed + amount <= self.limit:
                        break
                await self._sleep(max(until - now, 0.0) + 1e-3)


class RateLimits:
    def __init__(
        self,
        rpm: float | None = None,
        tpm: float | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._requests = SlidingWindow(rpm, clock=clock, sleep=sleep) if rpm else None
        self._tokens = SlidingWindow(tpm, clock=clock, sleep=sleep) if tpm else None

    @property
    def active(self) -> bool:
        return bool(self._requests or self._tokens)

    @staticmethod
    def estimate_tokens(messages: list[dict[str, str]]) -> int:
        return sum(len(m.get("content") or "") for m in messages) // _CHARS_PER_TOKEN + 1

    @staticmethod
    def estimate_tokens_of_body(body_chars: int) -> int:
        return body_chars // _CHARS_PER_TOKEN + 1

    async def before_request(self, estimated_tokens: int) -> None:
        if self._requests:
            await self._requests.acquire()
        if self._tokens:
            await self._tokens.acquire(estimated_tokens)

    async def after_response(self, estimated_tokens: int, used_tokens: int) -> None:
        extra = used_tokens - estimated_tokens
        if self._tokens and extra > 0:
            await self._tokens.acquire(extra)
