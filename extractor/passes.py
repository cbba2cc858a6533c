"""Extraction passes: asking again for what the first reading missed.

One reading of an article finds most events, rarely all (langextract's
`extraction_passes` exists for this). With `--passes N`, passes 2..N send the
same article (or chunk) with a system prompt that lists the events already
found and asks only for the ones missed; every pass's events are grounded and
repaired like the first's, and the union is deduplicated by the in-article
rules, so an event found twice is kept once. Every pass's requests count in
`usage`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from pydantic import BaseModel

from extractor.prompting import Prompt

__all__ = ["MAX_LISTED", "missed_prompt", "pass_key"]

# Events named in a later pass's prompt at most; the list is context, not the answer.
MAX_LISTED = 50


def missed_prompt(prompt: Prompt, found: Sequence[BaseModel]) -> Prompt:
    """`prompt` with the events already found listed, asking for the missed ones only."""
    listed = [f"- {getattr(e, 'type', 'event')}: {getattr(e, 'summary_en', '')}" for e in found[:MAX_LISTED]]
    seen = "\n".join(listed) if listed else "(none)"
    note = (
        "An earlier reading of this article found these events:\n"
        f"{seen}\n"
        "Read the article again and report only events that are NOT in this list, with their own "
        "quotes. Return an empty list if nothing was missed."
    )
    return replace(prompt, system=f"{prompt.system}\n\n{note}")


def pass_key(unit_sha256: str, number: int, prompt: Prompt) -> str:
    """What stands for the article in the answer key of pass `number` (2, 3, ...): the pass prompt
    differs from the first with what was found, so its answer is cached under its own key."""
    digest = hashlib.sha256(f"{unit_sha256}\0pass {number}\0{prompt.system}".encode())
    return digest.hexdigest()
