"""Client-side rate limits shared by every request of a run (--rpm, --tpm).

A sliding-window log, not a token bucket: a bucket starts full and refills
while it drains, so `--rpm 20` let 40 requests through in 59.9 s. Here every
grant is remembered for a window (60 s) and a request goes out only when the
grants of the last window leave room for it, so the limit holds in every
rolling window, not just on average.

Token counts are only known after an answer, so each request reserves an
estimate of its prompt tokens up front and the answer's usage settles it:
an over-estimate (Persian or Chinese text has fewer characters per token than
the estimate assumes) is credited back to the reservation, a shortfall is
debited at once without waiting. An answer that already arrived is never held
up; the next request waits instead.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# Characters per token, on the low side for non-Latin scripts, so the estimate
# errs toward waiting rather than toward a 429.
_CHARS_PER_TOKEN = 3

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Grant:
    at: float
    amount: float


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
        self._grants: deque[Grant] = deque()
        self._used = 0.0
        self._turn = asyncio.Lock()  # first come, first served: a big request is not starved

    def _expire(self, now: float) -> None:
        while self._grants and self._grants[0].at <= now - self.window:
            self._used -= self._grants.popleft().amount

    async def acquire(self, amount: float = 1.0) -> Grant:
        amount = min(float(amount), self.limit)  # one request bigger than the budget still goes, alone
        async with self._turn:
            while True:
                now = self._clock()
                self._expire(now)
                if self._used + amount <= self.limit + 1e-9:
                    return self._grant(now, amount)
                # Wait until enough old grants leave the window.
                freed, until = self._used, now
                for grant in self._grants:
                    freed -= grant.amount
                    until = grant.at + self.window
                    if freed + amount <= self.limit:
                        break
                await self._sleep(max(until - now, 0.0) + 1e-3)

    def _grant(self, now: float, amount: float) -> Grant:
        grant = Grant(now, amount)
        self._grants.append(grant)
        self._used += amount
        return grant

    def settle(self, grant: Grant, actual: float) -> None:
        """Correct a reservation to what was really used, without waiting.

        A shortfall is debited now (it may push the window over its limit: the
        next `acquire` waits for it); an over-estimate is credited back to the
        reservation itself, so it leaves the window when the reservation does.
        """
        now = self._clock()
        self._expire(now)
        if actual > grant.amount:
            self._grant(now, actual - grant.amount)
        elif actual < grant.amount and grant.at > now - self.window:  # still counted
            self._used -= grant.amount - actual
            grant.amount = actual


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

    async def before_request(self, estimated_tokens: int) -> Grant | None:
        """Wait for room; the token reservation to settle with `after_response`."""
        if self._requests:
            await self._requests.acquire()
        if self._tokens:
            return await self._tokens.acquire(estimated_tokens)
        return None

    def after_response(self, reservation: Grant | None, used_tokens: int) -> None:
        """Settle a reservation with the answer's usage; never waits (the answer is already here)."""
        if self._tokens and reservation is not None and used_tokens > 0:
            self._tokens.settle(reservation, used_tokens)
