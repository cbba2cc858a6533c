"""Sentence spans for every script the project reads, with exact offsets.

A sentence ends at `.` `!` `?` (Latin), `۔` (Urdu), `؟` `؛` (Arabic script),
`。` `！` `？` (CJK), or a line break. A Latin full stop between digits (15.8)
or after a one-letter initial (U.S., J. Smith) does not end a sentence; one
glued to the next word (`باکستان.وأوضح`, as scraped pages have) does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A terminator run (with the closing quotes/brackets after it, French-spaced or not), or a line break.
_END = re.compile(r"[.!?۔؟؛。！？]+(?:[ \u00a0\u202f]?[\"'»”’)\]」』])*|\n")
_SPACE = " \t\r\n\u00a0\u200c\u200f\u200e\ufeff"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Non-empty sentences of `text[start:end]`, offsets into `text`, whitespace trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    begin = start
    for match in _END.finditer(text, start, end):
        if match.group() == "." and _not_an_ending(text, match.start(), start, end):
            continue
        _add(sentences, text, begin, match.end() if match.group() != "\n" else match.start())
        begin = match.end()
    _add(sentences, text, begin, end)
    return sentences


def _not_an_ending(text: str, dot: int, start: int, end: int) -> bool:
    before = text[dot - 1] if dot > start else ""
    after = text[dot + 1] if dot + 1 < end else ""
    if before.isdigit() and after.isdigit():  # a decimal point or a digit group: 15.8, 4.000
        return True
    # A one-letter initial: "U.S.", "J. Smith" (Latin only; Arabic-script letters never abbreviate so).
    return before.isascii() and before.isalpha() and (dot - 1 == start or not text[dot - 2].isalpha())


def _add(sentences: list[Sentence], text: str, begin: int, stop: int) -> None:
    while begin < stop and text[begin] in _SPACE:
        begin += 1
    while stop > begin and text[stop - 1] in _SPACE:
        stop -= 1
    if stop > begin:
        sentences.append(Sentence(begin, stop, text[begin:stop]))
