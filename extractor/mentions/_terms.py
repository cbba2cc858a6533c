"""Shared helpers: build boundary-aware regexes over folded text.

Every mention finder works on `fold(text)` so that letter variants, digit
scripts and ZWNJ never matter, then maps folded spans back to the original.
Vocabulary is written naturally (with hamzas, Arabic yeh, ...) and folded here,
so tables stay readable and always agree with the folding of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache, partial
from itertools import accumulate, compress
from operator import not_
from typing import Any, Generic, NamedTuple, TypeVar

from extractor.text.fold import fold

V = TypeVar("V")

# A letter of any script, excluding digits and underscore.
LETTER = r"[^\W\d_]"
# Scripts written without spaces: terms there are matched as plain substrings.
_CJK_RANGES = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_RANGES}]")


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

# The alternatives start with disjoint characters, so their order does not matter
# except for the catch-all last; a word is one character class, not a lookahead per
# letter, which makes the scan about twice as fast.
_TOKEN = re.compile(
    rf"[^\W\d_{_CJK_RANGES}]+"  # a word (letters of scripts written with spaces)
    rf"|[{_CJK_RANGES}]"  # one CJK character
    r"|\d+(?:[.,]\d+)*"  # a number with separators
    r"|\S"  # any other symbol
)
# Tokens and, between them, single whitespace characters: the pieces tile the text.
_PIECE = re.compile(r" |" + _TOKEN.pattern + r"|\s")  # the plain space first: the commonest piece


class Token(NamedTuple):
    # A named tuple, not a frozen dataclass: every article makes hundreds of tokens,
    # and a tuple is built several times faster.
    text: str
    start: int  # offsets in the folded text
    end: int


# The key under which a trie node keeps its phrase's value: no piece is empty.
_VALUE = ""
_new_token = partial(tuple.__new__, Token)  # Token._make without a Python-level call


@lru_cache(maxsize=32)
def pieces(folded: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """``folded`` cut into tokens and single whitespace characters, and their offsets.

    ``offsets[i]`` is where piece ``i`` starts, ``offsets[-1] == len(folded)``. Built
    by one `findall` and `accumulate`, both in C: a finder that needs only a few
    tokens' offsets gets them without making a `Token` per word.
    """
    parts = tuple(_PIECE.findall(folded))
    return parts, tuple(accumulate(map(len, parts), initial=0))


@lru_cache(maxsize=32)
def tokenize(folded: str) -> tuple[Token, ...]:
    # Cached: money, dates and countries tokenize the same folded body.
    parts, offsets = pieces(folded)
    is_token = map(not_, map(str.isspace, parts))
    return tuple(map(_new_token, compress(zip(parts, offsets[:-1], offsets[1:], strict=True), is_token)))


def joinable(folded: str, left: Token, right: Token) -> bool:
    """True when only nothing or one space separates two tokens."""
    return right.start - left.end <= 1 and folded[left.end : right.start] in ("", " ")


class PhraseTable(Generic[V]):
    """Folded multi-token phrases -> values, looked up longest-first per token.

    The phrases are kept as a trie over their pieces (tokens and the single spaces
    between them): a lookup walks the text's pieces only as far as some phrase
    goes, usually one step, instead of building and looking up a candidate string
    per phrase length.
    """

    def __init__(self, entries: dict[str, V]) -> None:
        self.entries = {k: v for k, v in entries.items() if k}
        tokenized = [tokenize(k) for k in self.entries]
        self.max_tokens = max((len(t) for t in tokenized), default=0)
        self.first_tokens = frozenset(t[0].text for t in tokenized if t)
        self._trie: dict[str, Any] = {}
        for key, value in self.entries.items():
            parts = _PIECE.findall(key)
            # A phrase with other space than one ' ' between tokens, or around them,
            # can never match (see `joinable`): it gets no path.
            if value is None or any(p.isspace() and p != " " for p in parts) or "  " in key:
                continue
            if parts[0].isspace() or parts[-1].isspace():
                continue
            node = self._trie
            for part in parts:
                node = node.setdefault(part, {})
            node[_VALUE] = value

    def match_at(self, folded: str, tokens: Sequence[Token], index: int) -> tuple[int, V] | None:
        """Longest phrase starting at ``tokens[index]``: (tokens used, value)."""
        node = self._trie.get(tokens[index].text)
        if node is None:
            return None
        best = None
        used = 1
        while True:
            value = node.get(_VALUE)
            if value is not None:
                best = used, value
            nxt = index + used
            if nxt >= len(tokens):
                break
            token = tokens[nxt]
            gap = token.start - tokens[nxt - 1].end
            if gap:
                node = node.get(folded[token.start - gap : token.start]) if gap == 1 else None
                if node is None:
                    break
            node = node.get(token.text)
            if node is None:
                break
            used += 1
        return best

    def match_piece(self, parts: Sequence[str], index: int) -> tuple[int, V] | None:
        """`match_at` over `pieces`: the longest phrase starting at token ``parts[index]``.

        Returns (index of the piece after the phrase, value).
        """
        node = self._trie.get(parts[index])
        if node is None:
            return None
        best = None
        end = index + 1
        size = len(parts)
        while True:
            value = node.get(_VALUE)
            if value is not None:
                best = end, value
            if end >= size:
                break
            node = node.get(parts[end])
            if node is None:
                break
            end += 1
        return best

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
