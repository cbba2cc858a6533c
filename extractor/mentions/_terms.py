"""Shared helpers: build boundary-aware regexes over folded text.

Every mention finder works on `fold(text)` so that letter variants, digit
scripts and ZWNJ never matter, then maps folded spans back to the original.
Vocabulary is written naturally (with hamzas, Arabic yeh, ...) and folded here,
so tables stay readable and always agree with the folding of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

from extractor.text.fold import fold

V = TypeVar("V")

# A letter of any script, excluding digits and underscore.
LETTER = r"[^\W\d_]"
# Scripts written without spaces: terms there are matched as plain substrings.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def fold_term(term: str) -> str:
    """Fold a vocabulary term exactly as article text is folded."""
    return fold(term).text.strip()


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def _needs_boundary(char: str) -> bool:
    return char.isalpha() and not is_cjk(char)


def term_pattern(term: str) -> str:
    """Regex for one folded term, with word boundaries only on its letter edges.

    Edges that are symbols ('$'), apostrophes ("d'") or CJK characters get no
    boundary, so '$30', "d'euros" and '16.2亿美元' still match.
    """
    pattern = re.escape(term)
    if _needs_boundary(term[0]):
        pattern = f"(?<!{LETTER}){pattern}"
    if _needs_boundary(term[-1]):
        pattern = f"{pattern}(?!{LETTER})"
    return pattern


def alternation(terms: Iterable[str]) -> str:
    """Longest-first alternation so that 'ڈالرز' wins over 'ڈالر', '万亿' over '万'."""
    unique = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
    # An empty table must match nothing, not the empty string.
    return "|".join(term_pattern(t) for t in unique) or "(?!)"


def spacing_variants(term: str) -> set[str]:
    """A folded term plus its space-free form ('اسلام اباد' / 'اسلاماباد')."""
    folded = fold_term(term)
    return {folded, folded.replace(" ", "")} if " " in folded else {folded}


# --- tokens and phrase lookup --------------------------------------------------
# Matching goes through tokens plus a dictionary instead of one huge regex
# alternation: with thousands of CLDR names a regex alternation is tried at
# every character, while a dictionary lookup per token stays linear.

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"  # one CJK character
    r"|\d+(?:[.,]\d+)*"  # a number with separators
    r"|(?:(?![\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])[^\W\d_])+"  # a word
    r"|\S"  # any other symbol
)


class Token(NamedTuple):
    # A named tuple, not a frozen dataclass: every article makes hundreds of tokens,
    # and a tuple is built several times faster.
    text: str
    start: int  # offsets in the folded text
    end: int


@lru_cache(maxsize=32)
def tokenize(folded: str) -> tuple[Token, ...]:
    # Cached: money and dates tokenize the same folded body.
    make = Token._make
    return tuple(make((m.group(), m.start(), m.end())) for m in _TOKEN.finditer(folded))


def joinable(folded: str, left: Token, right: Token) -> bool:
    """True when only nothing or one space separates two tokens."""
    return right.start - left.end <= 1 and folded[left.end : right.start] in ("", " ")


class PhraseTable(Generic[V]):
    """Folded multi-token phrases -> values, looked up longest-first per token."""

    def __init__(self, entries: dict[str, V]) -> None:
        self.entries = {k: v for k, v in entries.items() if k}
        tokenized = [tokenize(k) for k in self.entries]
        self.max_tokens = max((len(t) for t in tokenized), default=0)
        # Most tokens start no phrase; knowing the first tokens lets them be
        # skipped without building any candidate string.
        self._first_tokens = frozenset(t[0].text for t in tokenized if t)

    def match_at(self, folded: str, tokens: Sequence[Token], index: int) -> tuple[int, V] | None:
        """Longest phrase starting at ``tokens[index]``: (tokens used, value)."""
        if tokens[index].text not in self._first_tokens:
            return None
        candidates = [tokens[index].text]
        for nxt in range(index + 1, min(index + self.max_tokens, len(tokens))):
            if not joinable(folded, tokens[nxt - 1], tokens[nxt]):
                break
            candidates.append(candidates[-1] + folded[tokens[nxt - 1].end : tokens[nxt].end])
        for used in range(len(candidates), 0, -1):
            value = self.entries.get(candidates[used - 1])
            if value is not None:
                return used, value
        return None

    def scan(self, folded: str, tokens: Sequence[Token]) -> Iterator[tuple[int, int, V]]:
        """Non-overlapping longest matches as (first token, end token, value)."""
        index = 0
        while index < len(tokens):
            hit = self.match_at(folded, tokens, index)
            if hit is None:
                index += 1
                continue
            used, value = hit
            yield index, index + used, value
            index += used
