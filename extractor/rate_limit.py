"""Client-side rate limits shared by every request of a run (--rpm, --tpm).

Token counts are only known after an answer, so each request reserves an
estimate of its prompt tokens up front and the rest is debited when the answer
reports its usage: over a minute the budget holds, request by request it is
approximate.
"""

from __future__ import annotations

from aiolimiter import AsyncLimiter

# Characters per token, on the low side for non-Latin scripts, so the estimate
# errs toward waiting rather than toward a 429.
_CHARS_PER_TOKEN = 3


class RateLimits:
    def __init__(self, rpm: float | None = None, tpm: float | None = None) -> None:
        self._requests = AsyncLimiter(rpm, 60) if rpm else None
        self._tokens = AsyncLimiter(tpm, 60) if tpm else None
        self._tpm = tpm or 0

    @property
    def active(self) -> bool:
        return bool(self._requests or self._tokens)

    @staticmethod
    def estimate_tokens(messages: list[dict[str, str]]) -> int:
        return sum(len(m.get("content") or "") for m in messages) // _CHARS_PER_TOKEN + 1

    async def before_request(self, estimated_tokens: int) -> None:
        if self._requests:
            await self._requests.acquire()
        if self._tokens:
            await self._tokens.acquire(min(estimated_tokens, self._tpm))

    async def after_response(self, estimated_tokens: int, used_tokens: int) -> None:
        extra = used_tokens - estimated_tokens
        if self._tokens and extra > 0:
            await self._tokens.acquire(min(extra, self._tpm))
