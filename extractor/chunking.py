"""Splitting a long article into chunks a model reads well.

A long report or transcript overflows a context window, and even when it fits,
models find fewer events deep in a long input. An article whose body exceeds a
token budget is therefore cut into chunks at sentence boundaries, in every
script the tool reads (`.` before a space, `۔`, `؟`, `؛`, `。`, `！`, `？`, `!`, `?`,
line and paragraph breaks), each chunk repeating the last sentences of the one
before it (`overlap`), so an event told across a boundary is whole in one chunk.

Boundaries are content-defined: after at least half the budget, a chunk ends at
the first sentence whose hash says "anchor" (about one sentence in
`ANCHOR_EVERY`), and at the budget at the latest. An edit in the middle of a
long article therefore moves the boundaries of the chunk it falls in (and
perhaps the next), not of every chunk after it, so with per-chunk cache keys a
changed article re-asks only the changed chunks.

Chunks are produced lazily, as offsets into the article's text: nothing copies
the whole text, so a 20 MB file costs its own text plus the chunks in flight.

Tokens are counted with the model's tokenizer when one is available offline
(`bpe-openai` embeds OpenAI's encodings; `tiktoken` would download them on first
use, so it is not used), else estimated per script from characters per token
measured with OpenAI's o200k encoding on the development corpus, rounded down
so the estimate errs towards smaller chunks (0.97 to 1.42 times the true count
per article there; tests/test_chunking.py checks it when bpe-openai is installed).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TypeVar

from pydantic import BaseModel

from extractor.article import Article
from extractor.prompting import Prompt
from extractor.schemas import ErrorInfo, RejectedEvent, Usage

__all__ = [
    "ANCHOR_EVERY",
    "CHUNKS_IN_FLIGHT",
    "LANGUAGE_SAMPLE",
    "Read",
    "gap_note",
    "read_in_chunks",
    "shift",
    "split",
    "DEFAULT_MAX_CHUNK_TOKENS",
    "Chunk",
    "ChunkSettings",
    "TokenCounter",
    "chunk_article",
    "default_max_chunk_tokens",
    "estimate_tokens",
    "headline",
    "plan_chunks",
    "sentence_spans",
    "token_counter",
]

# Without a known context window: small enough for an 8k-token local model with
# the prompt (about 1,000 tokens) and a 2,048-token answer.
DEFAULT_MAX_CHUNK_TOKENS = 3000
MIN_CHUNK_TOKENS = 100  # below this a chunk holds a sentence or two: no context left
# Even a model with a huge window finds fewer events deep in a long input.
RECALL_CAP_TOKENS = 8000
# Context windows of model families whose size is public, by name prefix (longest first wins).
CONTEXT_WINDOWS = {
    "gpt-4o": 128_000,
    "gpt-4.1": 1_000_000,
    "gpt-4-turbo": 128_000,
    "gpt-4": 8_192,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4": 200_000,
    "gpt-5": 400_000,
}
PROMPT_TOKENS = 1500  # system prompt + schema + headline, rounded up
ANCHOR_EVERY = 8
# Chunks of one article asked at once (the client's own limit still bounds all requests);
# bounds the chunk texts and request bodies held in memory for a huge article.
CHUNKS_IN_FLIGHT = 8
# Language detection reads the start of a long article, not all of it.
LANGUAGE_SAMPLE = 20_000
DEFAULT_OVERLAP = 2  # sentences

# A sentence ends after terminal punctuation of any supported script (a full stop
# only before whitespace, so '16.2' and 'U.S' stay whole), or at a line break;
# the whitespace after it belongs to the sentence it ends.
_SENTENCE_END = re.compile(r"(?:[.!?](?=\s)|[\u06d4\u061f\u061b\u3002\uff01\uff1f]|\n)\s*")

# Characters per token with OpenAI's o200k encoding, measured on corpus/dev and
# the seeds (min over articles of each script, rounded down): Arabic script
# 2.9-3.7 -> 2.8; CJK 1.07-1.41 -> 1.0; ASCII (English, French) 3.96-5.38 -> 3.8;
# other letters (accented Latin, Cyrillic...) are counted at 2 per token.
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
CHARS_PER_TOKEN = {"arabic": 2.8, "cjk": 1.0, "ascii": 3.8, "other": 2.0}

TokenCounter = Callable[[str], int]
T = TypeVar("T")


def estimate_tokens(text: str) -> int:
    """Tokens in `text` estimated from its characters per script (see CHARS_PER_TOKEN)."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    if ascii_chars == len(text):
        return int(ascii_chars / CHARS_PER_TOKEN["ascii"]) + 1
    arabic = len(_ARABIC.findall(text))
    cjk = len(_CJK.findall(text))
    other = len(text) - ascii_chars - arabic - cjk
    per = CHARS_PER_TOKEN
    return int(ascii_chars / per["ascii"] + arabic / per["arabic"] + cjk / per["cjk"] + other / per["other"]) + 1


@cache
def _bpe_counter(model: str) -> TokenCounter | None:
    try:
        import bpe_openai  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    try:
        encoding = bpe_openai.encoding_for_model(model)
    except Exception:  # an unknown model name: not an OpenAI tokenizer
        return None
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def token_counter(model: str | None) -> TokenCounter:
    """The model's own tokenizer when one is available offline, else the per-script estimate."""
    counter = _bpe_counter(model) if model else None
    return counter or estimate_tokens


def default_max_chunk_tokens(model: str | None, max_answer_tokens: int) -> int:
    """From the model's context window when it is known (capped for recall), else a safe value."""
    name = (model or "").lower().rsplit("/", 1)[-1]
    known = [prefix for prefix in CONTEXT_WINDOWS if name.startswith(prefix)]
    if not known:
        return DEFAULT_MAX_CHUNK_TOKENS
    window = CONTEXT_WINDOWS[max(known, key=len)]
    return max(MIN_CHUNK_TOKENS, min(RECALL_CAP_TOKENS, window - max_answer_tokens - PROMPT_TOKENS))


@dataclass(frozen=True)
class ChunkSettings:
    max_tokens: int = DEFAULT_MAX_CHUNK_TOKENS
    overlap: int = DEFAULT_OVERLAP  # whole sentences repeated from the chunk before
    counter: TokenCounter = estimate_tokens


@dataclass(frozen=True)
class Chunk:
    """`text[start:end]` of the article; `index` counts from 0."""

    index: int
    start: int
    end: int


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of every sentence of text[start:end], trailing whitespace included; lazily."""
    end = len(text) if end is None else end
    position = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() > position:
            yield position, match.end()
            position = match.end()
    if position < end:
        yield position, end


def _is_anchor(text: str, start: int, end: int) -> bool:
    sentence = text[start:end].strip()
    return bool(sentence) and zlib.crc32(sentence.encode("utf-8")) % ANCHOR_EVERY == 0


def _pieces(text: str, start: int, end: int, tokens: int, budget: int) -> Iterator[tuple[int, int, int]]:
    """A sentence longer than the budget, cut at spaces (or anywhere, if it has none)."""
    size = max(1, int((end - start) * budget / tokens * 0.9))
    position = start
    while position < end:
        stop = min(position + size, end)
        if stop < end:
            space = text.rfind(" ", position + size // 2, stop)
            stop = space + 1 if space >= 0 else stop
        yield position, stop, max(1, tokens * (stop - position) // (end - start))
        position = stop


def plan_chunks(text: str, start: int, settings: ChunkSettings) -> Iterator[Chunk]:
    """Chunks of text[start:] under the token budget, at sentence boundaries, overlapping; lazily."""
    budget, count = settings.max_tokens, settings.counter
    current: list[tuple[int, int, int]] = []  # (start, end, tokens) of the chunk's sentences
    used = carried = index = 0  # carried: sentences repeated from the chunk before
    for s_start, s_end in sentence_spans(text, start):
        tokens = count(text[s_start:s_end])
        pieces = [(s_start, s_end, tokens)] if tokens <= budget else list(_pieces(text, s_start, s_end, tokens, budget))
        for piece in pieces:
            if len(current) > carried and used + piece[2] > budget:
                yield Chunk(index, current[0][0], current[-1][1])
                index += 1
                current = _overlap(current, settings.overlap, budget)
                used, carried = sum(p[2] for p in current), len(current)
            current.append(piece)
            used += piece[2]
            if used >= budget // 2 and _is_anchor(text, piece[0], piece[1]):
                yield Chunk(index, current[0][0], current[-1][1])
                index += 1
                current = _overlap(current, settings.overlap, budget)
                used, carried = sum(p[2] for p in current), len(current)
    if len(current) > carried:
        yield Chunk(index, current[0][0], current[-1][1])


def _overlap(current: list[tuple[int, int, int]], overlap: int, budget: int) -> list[tuple[int, int, int]]:
    """The last `overlap` sentences, within half the budget, never the whole chunk."""
    kept: list[tuple[int, int, int]] = []
    used = 0
    for piece in reversed(current[1:]):
        if len(kept) >= overlap or used + piece[2] > budget // 2:
            break
        kept.insert(0, piece)
        used += piece[2]
    return kept


def headline(article: Article, limit: int = 200) -> str:
    """The article's first non-empty line, cut at `limit` characters: context for every chunk."""
    for start, end in sentence_spans(article.text, article.body_start):
        line = article.text[start:end].strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def chunk_article(article: Article, chunk: Chunk, context: str) -> Article:
    """A chunk as an article of its own (offsets into the chunk; add `chunk.start` for the article's).

    Its sha256 covers the chunk's text, the publication date and the context, so the
    answer cache keys each chunk by what the model sees of it.
    """
    text = article.text[chunk.start : chunk.end]
    digest = hashlib.sha256(f"{article.published}\0{context}\0{text}".encode()).hexdigest()
    return replace(article, text=text, body_start=0, sha256=digest)


# --- reading an article chunk by chunk ------------------------------------------------


@dataclass
class Read:
    """What reading one unit (a whole article, or a chunk) gave: events with offsets into the unit."""

    events: list[BaseModel]
    rejected: list[RejectedEvent]
    usage: Usage
    notes: list[str] = field(default_factory=list)
    cached: bool = False
    error: ErrorInfo | None = None  # the unit gave nothing (its first pass failed)
    # Parts that failed while others answered ("pass 2 of 3", "chunk 4 of 9 (...)"): their
    # events are missing, so the line is partial (see `gap_note`); the good parts are kept.
    gaps: list[tuple[str, ErrorInfo]] = field(default_factory=list)


ReadUnit = Callable[[Article, Prompt], Awaitable[Read]]


def split(article: Article, settings: ChunkSettings | None) -> Iterator[Chunk] | None:
    """The article's chunks, lazily; None when it fits in one request (or chunking is off)."""
    if settings is None or len(article.text) - article.body_start <= settings.max_tokens:
        return None  # no tokenizer gives fewer than one character per token
    chunks = plan_chunks(article.text, article.body_start, settings)
    first, second = next(chunks, None), next(chunks, None)
    if first is None or second is None:
        return None
    return itertools.chain((first, second), chunks)


async def read_in_chunks(
    article: Article, chunks: Iterator[Chunk], read: ReadUnit, prompt: Prompt, limit: int = CHUNKS_IN_FLIGHT
) -> Read:
    """Read every chunk (at most `limit` at once), with offsets mapped back to the whole article.

    Each chunk is its own request, with the article's headline (and, as for any
    article, its publication date) in the prompt. Events are returned in chunk
    order, not deduplicated: the overlap gives duplicates by design, and the
    caller dedupes the union with the in-article rules.
    """
    context = headline(article)
    chunk_prompt = replace(prompt, excerpt_of=context)
    union = _Union()

    # `limit` readers share the lazy plan: a chunk is planned and its text sliced only when a
    # reader is free, and what stays of it after its answer is its events. (A task per chunk
    # would hold thousands of tasks for a 20 MB article.)
    async def reader() -> None:
        for chunk in chunks:
            union.add(chunk, await read(chunk_article(article, chunk, context), chunk_prompt))

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(limit):
                group.create_task(reader())
    except ExceptionGroup as failed:  # the article's error line names the first cause, not the group
        raise failed.exceptions[0] from None
    return union.result()


class _Union:
    """The chunks' reads in one, folded as each chunk is answered and put in chunk order at the
    end. A failed chunk (or a failed later pass of one) costs its own events only (a gap names
    it); only when every chunk failed is the article failed, with the first chunk's error."""

    def __init__(self) -> None:
        self.total = 0
        self.usage = Usage()
        self.cached = True
        # (chunk index, item): chunks finish in any order, the result lists them in chunk order.
        self.events: list[tuple[int, BaseModel]] = []
        self.rejected: list[tuple[int, RejectedEvent]] = []
        self.notes: list[tuple[int, str]] = []
        self.failures: list[tuple[Chunk, ErrorInfo]] = []
        self.gaps: list[tuple[Chunk, str, ErrorInfo]] = []

    def add(self, chunk: Chunk, read: Read) -> None:
        self.total += 1
        self.events.extend((chunk.index, shift(event, chunk.start)) for event in read.events)
        self.rejected.extend((chunk.index, rejected) for rejected in read.rejected)
        self.notes.extend((chunk.index, note) for note in read.notes)
        self.usage = self.usage.add(read.usage)
        self.cached = self.cached and read.cached
        if read.error is not None:
            self.failures.append((chunk, read.error))
        self.gaps.extend((chunk, part, error) for part, error in read.gaps)

    def result(self) -> Read:
        def first(pairs: list[tuple[int, T]]) -> list[T]:
            return [item for _, item in sorted(pairs, key=lambda pair: pair[0])]  # stable

        union = Read(events=[], rejected=first(self.rejected), usage=self.usage, cached=self.cached)
        seen: set[str] = set()
        for event in first(self.events):
            # The same event read twice in an overlap, with the same spans: keep one
            # (dedup would merge them anyway, but with every field listed twice).
            if (dump := event.model_dump_json()) not in seen:
                seen.add(dump)
                union.events.append(event)
        for note in first(self.notes):
            if note not in union.notes:
                union.notes.append(note)
        failures = sorted(self.failures, key=lambda failure: failure[0].index)
        if failures and len(failures) == self.total:
            chunk, error = failures[0]
            union.error = error.model_copy(update={"message": f"{self._where(chunk)}: {error.message}"})
            return union
        union.gaps = [(self._where(chunk), error) for chunk, error in failures]
        for chunk, part, error in sorted(self.gaps, key=lambda gap: gap[0].index):
            union.gaps.append((f"{self._where(chunk)}, {part}", error))
        return union

    def _where(self, chunk: Chunk) -> str:
        return f"chunk {chunk.index + 1} of {self.total} (characters {chunk.start}-{chunk.end})"


def gap_note(where: str, error: ErrorInfo) -> str:
    """The warning that says a part of the article failed and its events are missing."""
    return f"{where} failed, its events are missing: {error.kind}: {error.message}"


def shift(event: BaseModel, offset: int) -> BaseModel:
    """The event with its evidence offsets moved by `offset` (from a chunk's text to the article's)."""
    evidence = [
        e.model_copy(update={"start": e.start + offset, "end": e.end + offset})
        if e.start is not None and e.end is not None
        else e
        for e in getattr(event, "evidence", [])
    ]
    return event.model_copy(update={"evidence": evidence})
