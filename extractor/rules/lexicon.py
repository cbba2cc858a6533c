"""Trigger lexicons: versioned TOML data files under `lexicons/`, compiled to regexes over folded text.

One file per language (`fa.toml`, `ar.toml`, ...). A term is written as a native
reader writes it; it is folded exactly as article text is (extractor.text.fold),
so Arabic/Persian letter variants, harakat, missing ZWNJ and digit scripts never
matter. In a term:

- a space (or ZWNJ) matches one space or none: `گفت و گو` matches `گفتوگو`,
  `سرمایه‌گذاری` matches `سرمایه گذاری`;
- a trailing `*` lets the word run on (`investiss*`);
- each word may carry the language's `[morphology]` prefixes and suffixes
  (Arabic proclitics and article, Persian ezafe and plural endings);
- a `not_a_trigger` category lists longer phrases in which a trigger word does not
  mean the event (they match first, and are dropped);
- Chinese terms are written in simplified script: folding maps traditional
  characters to simplified ones, in terms and in article text alike.

`_meta.toml` holds the lexicon version; the rules backend's model name is
`rules-<version>`, and a hash of every file enters the answer key.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from extractor.mentions._terms import fold_term, is_cjk

LANGUAGES = ("fa", "ar", "ur", "zh", "fr", "en")
EVENT_TYPES = ("strategic_dialogue", "agreement", "investment", "visit")
_LETTER = r"[^\W\d_]"
# A category of phrases that contain a trigger word but are not triggers ("agreed to", "الاتفاق على"):
# being longer, they win at the same place, and their hits are dropped.
NOT_A_TRIGGER = "not_a_trigger"
_LEFT = f"(?<!{_LETTER})"  # a word starts here
_SPLIT = re.compile(r"[ \u200c]+")


@dataclass(frozen=True)
class Hit:
    """A lexicon term found in folded text."""

    start: int  # folded offsets
    end: int
    category: str


@dataclass
class TermSet:
    """Terms of several categories; a hit says which category matched.

    Found in two steps, for speed: one regex of every term, with the word boundary they share
    factored out in front (a lookbehind inside each alternative would make the regex engine
    try every term at every character), finds where a term matches; then the terms, longest
    first, say which one it was.
    """

    scan: re.Pattern[str]
    terms: list[tuple[re.Pattern[str], str]]  # longest first

    def find(self, folded: str, start: int = 0, end: int | None = None) -> list[Hit]:
        end = len(folded) if end is None else end
        hits = []
        for match in self.scan.finditer(folded, start, end):
            category = self._category(folded, match.start(), match.end())
            if category is not None and category != NOT_A_TRIGGER:
                hits.append(Hit(match.start(), match.end(), category))
        return hits

    def any_in(self, folded: str, start: int = 0, end: int | None = None) -> bool:
        return self.scan.search(folded, start, len(folded) if end is None else end) is not None

    def _category(self, folded: str, start: int, end: int) -> str | None:
        for pattern, category in self.terms:
            match = pattern.match(folded, start)
            if match is not None and match.end() == end:
                return category
        return None


@dataclass
class Lexicon:
    language: str
    triggers: dict[str, TermSet]  # event type -> its trigger categories
    cues: dict[str, TermSet]  # cue name -> terms (category = cue name)
    exclude: dict[str, TermSet]  # event type (or "all") -> context that rules a sentence out
    ordinal_words: TermSet  # category = the number, as text
    ordinal_patterns: list[re.Pattern[str]] = field(default_factory=list)
    # Folded prefixes glued to a place name that say "to" ("لل" in "للدوحة").
    glued_destinations: frozenset[str] = frozenset()


def _word_pattern(word: str, morphology: dict[str, list[str]], first: bool, last: bool) -> str:
    stem = word.endswith("*")
    folded = fold_term(word.rstrip("*"))
    if not folded:
        return ""
    cjk = is_cjk(folded[0])
    core = re.escape(folded)
    if not cjk:
        prefixes = _alternation(morphology.get("prefixes", []))
        suffixes = _alternation(morphology.get("suffixes", []))
        if prefixes:
            core = f"(?:{prefixes})?{core}"
        if stem:
            core = f"{core}{_LETTER}*"
        elif suffixes:
            core = f"{core}(?:{suffixes})?"
        if first and folded[0].isalpha():
            core = f"{_LEFT}{core}"
        if last and (stem or folded[-1].isalpha()):
            core = f"{core}(?!{_LETTER})"
    return core


def _alternation(terms: Iterable[str]) -> str:
    folded = sorted({fold_term(t) for t in terms if t}, key=lambda t: (-len(t), t))
    return "|".join(re.escape(t) for t in folded if t)


def term_regex(term: str, morphology: dict[str, list[str]]) -> str:
    words = [w for w in _SPLIT.split(term.strip()) if w]
    parts = [_word_pattern(w, morphology, i == 0, i == len(words) - 1) for i, w in enumerate(words)]
    return " ?".join(p for p in parts if p)


def compile_terms(categories: dict[str, list[str]], morphology: dict[str, list[str]]) -> TermSet:
    """Every term of every category, the longest first, so 'joint statement' wins over 'statement'."""
    entries = {(term_regex(term, morphology), name) for name, terms in categories.items() for term in terms}
    ordered = sorted((e for e in entries if e[0]), key=lambda e: (-len(e[0]), e))
    # Terms that start a word share one boundary; the others (digits, Chinese) match anywhere.
    # The two sets never start at the same character, so their order does not matter.
    bounded = [regex.removeprefix(_LEFT) for regex, _ in ordered if regex.startswith(_LEFT)]
    free = [regex for regex, _ in ordered if not regex.startswith(_LEFT)]
    branches = ([f"{_LEFT}(?:{'|'.join(bounded)})"] if bounded else []) + free
    scan = re.compile("|".join(branches) or "(?!)")
    return TermSet(scan, [(re.compile(regex), name) for regex, name in ordered])


@cache
def load_lexicon(language: str) -> Lexicon:
    data = tomllib.loads(_read(f"{language}.toml"))
    morphology: dict[str, list[str]] = data.get("morphology", {})
    triggers = {event_type: compile_terms(data.get(event_type, {}), morphology) for event_type in EVENT_TYPES}
    cues = {name: compile_terms({name: terms}, morphology) for name, terms in data.get("cues", {}).items()}
    exclude = {name: compile_terms({name: terms}, {}) for name, terms in data.get("exclude", {}).items()}
    ordinals = data.get("ordinals", {})
    words: dict[str, list[str]] = {}
    for word, number in ordinals.get("words", {}).items():
        words.setdefault(str(number), []).append(word)
    return Lexicon(
        language=language,
        triggers=triggers,
        cues=cues,
        exclude=exclude,
        ordinal_words=compile_terms(words, morphology),
        ordinal_patterns=[re.compile(p) for p in ordinals.get("patterns", [])],
        glued_destinations=frozenset(fold_term(p) for p in data.get("glued_destinations", [])),
    )


@cache
def lexicon_version() -> str:
    return str(tomllib.loads(_read("_meta.toml"))["version"])


@cache
def lexicon_sha256() -> str:
    """Of every lexicon file: what, besides the code's version, decides the coder's answers."""
    digest = hashlib.sha256()
    for name in sorted(["_meta.toml", *(f"{lang}.toml" for lang in LANGUAGES)]):
        digest.update(name.encode() + b"\0" + _read(name).encode() + b"\0")
    return digest.hexdigest()


def _read(name: str) -> str:
    return (resources.files("extractor.rules") / "lexicons" / name).read_text(encoding="utf-8")
