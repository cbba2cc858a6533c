"""Fold text for matching, keeping an exact map back to the original offsets.

Folding is done one original character at a time, so every folded character
knows which original character produced it.  This matters because NFKC and case
folding change lengths ('ﷺ' expands to many letters, 'ß' becomes 'ss') and
because removed characters (ZWNJ, harakat, bidi marks) leave no trace.

What folding does, per character:
  * NFKC, case folding, then NFKD and removal of every combining mark.  This
    drops Arabic harakat (fatha, shadda, ...), the hamza carried by أ إ ؤ ئ
    (so they become ا و ی), and Latin accents ('é' -> 'e'), which makes
    matching accent-insensitive in French as well.
  * Arabic/Urdu letter variants unified to one Persian form (see `_LETTERS`).
  * Format characters (Unicode category Cf) removed: ZWNJ, ZWJ, LRM, RLM, ALM,
    LRE..PDF, LRI..PDI, BOM, soft hyphen, and tatweel.
  * Digits of every script -> ASCII; Arabic separators ٬ ٫ -> ',' '.'.
  * Dashes -> '-', typographic quotes -> '"' or "'", Arabic punctuation -> ASCII.
  * Traditional Chinese characters -> simplified (OpenCC's character table), so
    戰略對話 and 战略对话, 億 and 亿, 中國 and 中国 are one text for every matcher.
  * Runs of whitespace -> one ' ' (or no space at all with ``spaces=False``,
    the variant used to match 'گفت و گو' against 'گفتوگو').
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Letter variants folded to a single form.  Persian forms win because most of
# our Arabic-script input is Persian; the choice is arbitrary but must be
# consistent.  Hamza-carrying letters are handled by mark removal already.
_LETTERS = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک
    "\u06aa": "\u06a9",  # ڪ swash kaf -> ک
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06c3": "\u0647",  # ۃ Urdu teh marbuta goal -> ه
    "\u06c1": "\u0647",  # ہ Urdu heh goal -> ه
    "\u06be": "\u0647",  # ھ heh doachashmee -> ه
    "\u06d5": "\u0647",  # ە ae -> ه (also what ۀ decomposes to)
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u0672": "\u0627",
    "\u0673": "\u0627",
    "\u0621": "",  # standalone hamza ء: often present or absent at will
    "\u066a": "%",  # ٪ Arabic percent sign
    "\u060c": ",",  # ، Arabic comma
    "\u061b": ";",  # ؛ Arabic semicolon
    "\u061f": "?",  # ؟ Arabic question mark
    "\u066b": ".",  # ٫ Arabic decimal separator
    "\u066c": ",",  # ٬ Arabic thousands separator
    "\u06d4": ".",  # ۔ Urdu full stop
    "\u0640": "",  # ـ tatweel (category Lm, so not caught by the Cf rule)
    "\u00ab": '"',
    "\u00bb": '"',
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u2032": "'",
}


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> Any:
    import opencc  # loaded on the first Chinese character only

    return opencc.OpenCC("t2s")


def _simplified(char: str) -> str:
    """One character in simplified script; character by character, so offsets map one to one."""
    converted = _traditional_to_simplified().convert(char)
    return converted if len(converted) == 1 else char


def _step(char: str) -> str:
    """One pass of the per-character pipeline."""
    out = []
    for ch in unicodedata.normalize("NFKC", char).casefold():
        for piece in unicodedata.normalize("NFKD", ch):
            category = unicodedata.category(piece)
            if category in ("Mn", "Me", "Cf"):
                continue
            if category == "Nd":
                out.append(str(unicodedata.decimal(piece)))
            elif category == "Pd":
                out.append("-")
            elif piece.isspace():
                out.append(" ")
            elif "\u3400" <= piece <= "\u9fff" or "\uf900" <= piece <= "\ufaff":
                out.append(_simplified(piece))
            else:
                out.append(_LETTERS.get(piece, piece))
    # Recompose what NFKD split and no mark removal touched (e.g. Hangul).
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """Fold one character; iterated to a fixed point so that folding is idempotent."""
    result = _step(char)
    for _ in range(4):
        again = "".join(_step(c) for c in result)
        if again == result:
            break
        result = again
    return result


@dataclass(frozen=True)
class Folded:
    """A folded string plus, per folded character, where it came from.

    ``origin[j]`` is the offset of the original character that produced folded
    character ``j``; ``origin[len(text)]`` is ``len(original)``.  ``ends[j]`` is
    the end offset of that original character (``origin[j] + 1``), used so that
    spans never swallow characters dropped after their last character.
    """

    text: str
    origin: tuple[int, ...]

    @property
    def ends(self) -> tuple[int, ...]:
        # Derived, not stored: building a second tuple per text cost a third of folding.
        return tuple(o + 1 for o in self.origin[:-1])

    def span_to_original(self, fstart: int, fend: int) -> tuple[int, int]:
        """Map a folded span [fstart, fend) to the smallest original span producing it."""
        if not 0 <= fstart <= fend <= len(self.text):
            raise ValueError(f"span ({fstart}, {fend}) outside folded text of length {len(self.text)}")
        start = self.origin[fstart]
        if fstart == fend:
            return start, start
        return start, self.origin[fend - 1] + 1  # ends[fend - 1]


class _Pieces(dict[int, str]):
    """Code point -> its folding, filled on first use: a `str.translate` table.

    An article repeats few distinct characters, and `str.translate` applies a
    table in C: folding a text is then one pass, not a Python loop per character.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        # Fast path for plain ASCII, where folding is just lower-casing.
        ascii_plain = char.isascii() and (char.isalnum() or char in ",.-$%")
        piece = char.lower() if ascii_plain else fold_char(char)
        if len(piece) != 1:
            # Recorded before the table has it: whoever finds the entry finds its oddness.
            _ODD_CHARS.add(char)
        self[code] = piece
        return piece


_PIECES = _Pieces()
# Characters seen so far that do not fold to exactly one character (they vanish,
# like ZWNJ and harakat, or expand, like 'ﷺ'); it only grows.
_ODD_CHARS: set[str] = set()
_odd_runs_cache: list[tuple[int, re.Pattern[str]]] = [(0, re.compile("(?!)"))]
# Runs of spaces in the folded text: collapsed to their first space, or dropped.
_SPACE_RUN = re.compile(" {2,}")
_SPACES = re.compile(" +")


def _odd_runs() -> re.Pattern[str]:
    """Stretches of odd characters: a character class of `_ODD_CHARS`, recompiled when it grows.

    A regex search in C tells whether a text has any, where a second `translate`
    to per-character lengths cost as much as the folding itself.
    """
    size, pattern = _odd_runs_cache[0]
    if size != len(_ODD_CHARS):
        chars = sorted(_ODD_CHARS.copy())
        pattern = re.compile("[" + "".join(re.escape(c) for c in chars) + "]+")
        _odd_runs_cache[0] = (len(chars), pattern)
    return pattern


@lru_cache(maxsize=32)
def fold(text: str, *, spaces: bool = True) -> Folded:
    """Fold ``text`` for matching (see module docstring); pure and idempotent.

    Cached: the grounder and each mention finder fold the same article body, and
    a pure function's result can be shared (`Folded` is frozen).

    With ``spaces=False`` every whitespace is dropped, so that word splits that
    differ only by spacing ('گفت و گو' / 'گفتوگو') compare equal.

    Built from whole-string operations (a `str.translate` table, regexes for
    the characters that vanish or expand and for the spaces) rather than a Python
    loop per character: folding is on every article's path. `_fold_slowly` is the
    character-by-character reference it must equal.
    """
    joined = text.translate(_PIECES)  # first: it records every odd character of the text
    size = len(text)
    origin: list[int] | range = range(size)
    odd = _odd_runs()
    if odd.search(text) is not None:
        # Some characters vanish (ZWNJ, harakat) or expand ('ﷺ'): map around them
        # in stretches, not character by character.
        origin = _stretches(text, odd)
    # A space run keeps its first space (none with spaces=False); removed characters
    # left no trace in `joined`, so spaces they separated are one run, as they should be.
    runs = list((_SPACE_RUN if spaces else _SPACES).finditer(joined))
    if runs:
        keep = 1 if spaces else 0
        kept: list[int] = []
        parts: list[str] = []
        position = 0
        for run in runs:
            cut = run.start() + keep
            kept.extend(origin[position:cut])
            parts.append(joined[position:cut])
            position = run.end()
        kept.extend(origin[position:])
        parts.append(joined[position:])
        joined, origin = "".join(parts), kept
    return Folded(joined, (*origin, size))


def _stretches(text: str, odd: re.Pattern[str]) -> list[int]:
    """origin of the folded characters, around the runs of odd characters."""
    origin: list[int] = []
    previous = 0
    for run in odd.finditer(text):
        start, stop = run.span()
        origin.extend(range(previous, start))
        for index in range(start, stop):
            origin.extend([index] * len(_PIECES[ord(text[index])]))
        previous = stop
    origin.extend(range(previous, len(text)))
    return origin


def _fold_slowly(text: str, spaces: bool) -> Folded:
    """Character by character: the reference the fast path must equal."""
    chars: list[str] = []
    origin: list[int] = []
    last_space = False
    for index, char in enumerate(text):
        for piece in _PIECES[ord(char)]:
            if piece == " ":
                if last_space or not spaces:
                    continue
                last_space = True
            else:
                last_space = False
            chars.append(piece)
            origin.append(index)
    origin.append(len(text))
    return Folded("".join(chars), tuple(origin))
