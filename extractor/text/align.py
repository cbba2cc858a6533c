"""Ground quotes in article text: exact, then normalised, then fuzzy.

The pipeline asks a model for verbatim evidence; models drop ZWNJ, swap
Arabic/Persian letter forms, change digit scripts or paraphrase slightly.  The
aligner finds where a quote sits in the ORIGINAL text despite that, trying the
cheapest and most trustworthy method first:

1. exact   -- ``str.find`` on the original text;
2. normalized -- ``str.find`` on the folded text (see `fold`), then on a
   space-free folding (so 'گفت و گو' matches 'گفتوگو'), mapped back through
   the offset map;
3. fuzzy   -- ``rapidfuzz.fuzz.partial_ratio_alignment`` on the folded text,
   accepted only at or above a threshold and only for quotes long enough that
   a fuzzy hit means something.

A normalized or fuzzy match whose digits differ from the span it matched is no
match: a quote with a changed number ('2024' for '2025', '3' for '5 billion')
is not evidence for the article's number, however close the rest of it is.
Digits are compared after folding (any script -> ASCII), in order; a quote
with no digits at all (a number written in words) is not checked.

`ArticleAligner` folds the article once and serves many quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from extractor.text.fold import Folded, fold

# Minimum partial_ratio score (0-100) for a fuzzy match.  90 tolerates about one
# edit in ten characters: typos and dropped particles, not paraphrase.
FUZZY_THRESHOLD = 90.0
# Quotes shorter than this (in folded characters) never fuzzy-match: a short
# string is within a couple of edits of too many places in a long article.
MIN_FUZZY_CHARS = 8

MatchKind = Literal["exact", "normalized", "fuzzy"]

# Folded text has ASCII digits only.
_DIGITS = re.compile(r"[0-9]")


@dataclass(frozen=True)
class Alignment:
    """Where a quote sits in the original text: ``text[start:end]``."""

    start: int
    end: int
    match: MatchKind
    score: float


class ArticleAligner:
    """Fold an article once, then align any number of quotes against it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: Folded | None = None
        self._squeezed: Folded | None = None

    @property
    def folded(self) -> Folded:
        """Built on first use: exact quotes, and answers with no events, never need it."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def squeezed(self) -> Folded:
        """Space-free folding, built only when a quote needs it."""
        if self._squeezed is None:
            self._squeezed = fold(self.text, spaces=False)
        return self._squeezed

    def align(
        self,
        quote: str,
        *,
        threshold: float = FUZZY_THRESHOLD,
        min_fuzzy_chars: int = MIN_FUZZY_CHARS,
    ) -> Alignment | None:
        """Locate ``quote``; None when it is empty or nothing is close enough."""
        stripped = quote.strip()
        if not stripped:
            return None
        found = self.text.find(stripped)
        if found >= 0:
            return Alignment(found, found + len(stripped), "exact", 100.0)

        needle = fold(stripped).text.strip()
        if not needle:
            return None
        hit = _find_folded(self.folded, needle)
        if hit is None:
            hit = _find_folded(self.squeezed, needle.replace(" ", ""))
        if hit is not None:
            if not self._same_digits(needle, hit[0], hit[1]):
                return None
            return Alignment(hit[0], hit[1], "normalized", 100.0)

        if len(needle) < min_fuzzy_chars:
            return None
        result = fuzz.partial_ratio_alignment(needle, self.folded.text, score_cutoff=threshold)
        if result is None or result.dest_end <= result.dest_start:
            return None
        start, end = self.folded.span_to_original(result.dest_start, result.dest_end)
        # partial_ratio happily includes a neighbouring space; trim it.
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if not self._same_digits(needle, start, end):
            return None
        return Alignment(start, end, "fuzzy", float(result.score))

    def _same_digits(self, needle: str, start: int, end: int) -> bool:
        """Whether a folded quote states the same digits as ``text[start:end]`` (see the module doc)."""
        wanted = _DIGITS.findall(needle)
        return not wanted or wanted == _DIGITS.findall(fold(self.text[start:end]).text)


def _find_folded(folded: Folded, needle: str) -> tuple[int, int] | None:
    if not needle:
        return None
    position = folded.text.find(needle)
    if position < 0:
        return None
    return folded.span_to_original(position, position + len(needle))


def align(
    quote: str,
    text: str,
    *,
    threshold: float = FUZZY_THRESHOLD,
    min_fuzzy_chars: int = MIN_FUZZY_CHARS,
) -> Alignment | None:
    """Align one quote against one text; use `ArticleAligner` for many quotes."""
    return ArticleAligner(text).align(quote, threshold=threshold, min_fuzzy_chars=min_fuzzy_chars)
