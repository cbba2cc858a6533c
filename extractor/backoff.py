"""How long to wait before sending a request again.

The server's word (Retry-After, retry-after-ms) wins, within sane bounds: a
value that is negative, not a number or absurdly large is clamped, and the
clamping is reported so a user can see the endpoint misbehaving. Without a
word from the server, exponential backoff with full jitter, so that many
requests refused at once do not all come back at once.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Wait:
    seconds: float
    # Set when the server's value was unusable or clamped: goes to the article's warnings.
    note: str | None = None
    from_server: bool = False


def server_wait(headers: Mapping[str, str] | None, *, ceiling: float, now: float | None = None) -> Wait | None:
    """The wait the server asked for, clamped to [0, ceiling]; None when it said nothing usable."""
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 1e-3), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        raw = raw.strip()
        try:
            asked = float(raw) * scale
        except ValueError:
            if name == "retry-after-ms":
                return _clamped(raw, None, ceiling)
            try:
                when = email.utils.parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                return _clamped(raw, None, ceiling)
            asked = when.timestamp() - (time.time() if now is None else now)
            if asked < 0:  # a date in the past: "now", not a fault
                return Wait(0.0, from_server=True)
        return _clamped(f"{name}: {raw}", asked, ceiling)
    return None


def _clamped(shown: str, asked: float | None, ceiling: float) -> Wait:
    if asked is None or math.isnan(asked):
        return Wait(0.0, f"the endpoint sent an unreadable {shown!r}; used our own backoff", from_server=False)
    if asked < 0:
        return Wait(0.0, f"the endpoint asked to wait a negative time ({shown}); waited 0 s", from_server=True)
    if asked > ceiling:
        return Wait(ceiling, f"the endpoint asked to wait {shown}; waited {ceiling:g} s at most", from_server=True)
    return Wait(asked, from_server=True)


def jittered(attempt: int, *, initial: float, maximum: float) -> float:
    """Full-jitter exponential backoff for the `attempt`-th retry (1-based)."""
    return random.uniform(0, min(maximum, initial * 2 ** min(attempt, 30)))
