"""Country mentions -> ISO 3166-1 alpha-3, in the six languages.

Names come from CLDR (babel `Locale(lang).territories`) for every country, so
the table is complete without hand typing; alpha-2 codes are converted with
pycountry.  `country_words` adds, for every country, English demonyms and
capitals (countryinfo) and capitals in all six languages (CLDR time-zone
cities); a small hand-kept data file (`country_aliases`) adds what no package
has (French adjectives, short forms, irregular adjectives).  Words from the
packages that start with a capital letter ('Spanish', 'Malé', 'Victoria')
match only when capitalized in the text.  A country name always wins over a
capital or demonym spelled the same ('عمان' is Oman, not Amman).

Matching is token based on folded text: whole words for spaced scripts,
single characters for Chinese (tokens are characters there), with Arabic
clitics ('و', 'ب', 'ل', 'ال') and nisba endings ('ی', 'ية') peeled off.  In
Arabic (or unknown-language) text a nisba adjective also names a country
whose name ends in -ا or -يا: 'الإسباني' -> إسبانيا, 'الفرنسية' -> فرنسا.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count

import pycountry
from babel import Locale

from extractor.mentions._terms import PhraseTable, pieces, spacing_variants
from extractor.mentions.country_aliases import (
    ALIASES,
    CASE_SENSITIVE,
    EXTRA_CASE_SENSITIVE,
    NOT_COUNTRIES,
    ZH_NOT_AFTER_PAIR,
    ZH_PARTNERS,
)
from extractor.mentions.country_words import capitals, english_words
from extractor.mentions.currencies import LANGUAGES
from extractor.text.fold import Folded, fold

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_LATIN_LOWER = re.compile(r"[a-zà-ÿ'-]+")
_PREFIXES = ("و", "ف")  # conjunctions, before prepositions
_PREPOSITIONS = ("ب", "ل", "ک")
_SUFFIXES = ("یون", "یین", "یان", "یه", "ها", "ی")  # nisba and plural endings, folded


@dataclass(frozen=True)
class CountryMention:
    text: str
    start: int
    end: int
    iso3: str


@dataclass(frozen=True)
class _Name:
    iso3: str  # "" for a place that only contains a country's name ('Maryland')
    case_sensitive: bool = False  # only in capitals: 'US', 'UAE'
    capitalized: bool = False  # only with a capital first letter: 'Spanish', 'Malé'
    # Whether an Arabic-script ending may be peeled off: not from a capital
    # ('آتن' Athens must not match Urdu 'اتنی', 'so much').
    endings: bool = True


@lru_cache(maxsize=1)
def _table() -> PhraseTable[_Name]:
    entries: dict[str, _Name] = {}
    for lang in LANGUAGES:
        for alpha2, name in Locale.parse(lang).territories.items():
            country = pycountry.countries.get(alpha_2=alpha2) if len(alpha2) == 2 else None
            if country is not None:
                for variant in spacing_variants(name):
                    entries[variant] = _Name(country.alpha_3)
    for words, endings in ((english_words(), True), (capitals(), False)):
        for word, iso3 in words.items():
            for variant in spacing_variants(word):
                # A country's name wins over a capital or demonym spelled the same.
                entries.setdefault(variant, _Name(iso3, capitalized=word[:1].isupper(), endings=endings))
    for iso3, aliases in ALIASES.items():
        for alias in aliases:
            for variant in spacing_variants(alias) | _plural(alias):
                entries[variant] = _Name(iso3, alias in CASE_SENSITIVE)
    for alias, iso3 in EXTRA_CASE_SENSITIVE.items():
        for variant in spacing_variants(alias):
            entries[variant] = _Name(iso3, True)
    for place in NOT_COUNTRIES:
        for variant in spacing_variants(place):
            entries[variant] = _Name("")
    return PhraseTable(entries)


def _plural(alias: str) -> set[str]:
    """A lower-case Latin adjective's plural ('britannique' -> 'britanniques')."""
    if not _LATIN_LOWER.fullmatch(alias) or alias.endswith(("s", "x")):
        return set()
    return spacing_variants(alias + "s")


def find_countries(text: str, start: int = 0, end: int | None = None, lang: str | None = None) -> list[CountryMention]:
    """Country mentions in ``text[start:end]``, offsets into ``text``, sorted by start.

    ``lang`` (ISO 639-1), when known, turns off rules of other languages.
    """
    end = len(text) if end is None else end
    folded = fold(text[start:end])
    parts, offsets = pieces(folded.text)
    table = _table()
    derive = lang in ("ar", None)
    words = frozenset(parts)
    peeled = _peeled_words(words, derive)
    # Only a token that starts a name or peels to one can add a mention: find those
    # with set operations and a C-level filter, then walk them in text order.
    wanted = words.intersection(table.first_tokens).union(peeled)
    spans: list[tuple[int, int, str]] = []  # folded start, end, iso3
    if wanted:
        taken = 0  # pieces before this one belong to an earlier match
        for index in compress(count(), map(wanted.__contains__, parts)):
            if index < taken:
                continue
            hit = table.match_piece(parts, index)
            if hit is not None and _case_ok(hit[1], folded, text, start, offsets[index], offsets[hit[0]]):
                taken, name = hit
                if name.iso3:  # a place like 'Maryland' takes its tokens and names no country
                    spans.append((offsets[index], offsets[taken], name.iso3))
                continue
            found = peeled.get(parts[index])
            if found is not None:
                head, iso3 = found
                spans.append((offsets[index] + head, offsets[index + 1], iso3))
    spans.extend(_chinese_pairs(folded.text))
    return _to_mentions(spans, folded, text, start)


def _case_ok(name: _Name, folded: Folded, text: str, offset: int, fstart: int, fend: int) -> bool:
    if not (name.case_sensitive or name.capitalized):
        return True
    s, e = folded.span_to_original(fstart, fend)
    original = text[offset + s : offset + e]
    if name.case_sensitive:
        return original == original.upper()
    return original[:1].isupper()


# Word -> what `_peel` makes of it, per value of ``derive``: an article repeats its
# words and articles share most of theirs, so each word is peeled once per process.
# Bounded: cleared when it holds more words than a long run's vocabulary needs.
_PEEL_MEMO_SIZE = 200_000
_peel_memo: dict[bool, dict[str, tuple[int, str] | None]] = {True: {}, False: {}}
_peel_hits: dict[bool, dict[str, tuple[int, str]]] = {True: {}, False: {}}


def _peeled_words(words: frozenset[str], derive: bool) -> dict[str, tuple[int, str]]:
    """Of ``words``, those `_peel` reads as a country: word -> (clitics' length, iso3)."""
    memo, hits = _peel_memo[derive], _peel_hits[derive]
    unknown = words.difference(memo)
    if unknown:
        if len(memo) + len(unknown) > _PEEL_MEMO_SIZE:
            memo.clear()
            hits.clear()
            unknown = words
        table = _table()
        for word in unknown:
            found = memo[word] = _peel(word, table, derive=derive)
            if found is not None:
                hits[word] = found
    # (keys & words walks the article's words, not every hit of the run)
    return {word: hits[word] for word in hits.keys() & words}


def _peel(word: str, table: PhraseTable[_Name], *, derive: bool) -> tuple[int, str] | None:
    """Arabic-script clitics and endings: 'والصين', 'بباكستان', 'للصين', 'چینی', 'الصينية'.

    Returns the length of the leading clitics (the span keeps the name and its
    ending, not them) and the country. With ``derive``, a stem that lost an
    ending may also name a country in -ا or -یا (folded): Arabic 'الإسباني' ->
    'اسبانیا', 'الفرنسية' -> 'فرنسا'.
    """
    if not _ARABIC_SCRIPT.match(word) or len(word) < 3:
        return None
    for head, body in _prefix_splits(word):
        for stem in _suffix_stems(body):
            bare = stem[2:] if stem.startswith("ال") else stem
            candidates = [stem, "ال" + stem, bare]
            if derive and stem != body and len(bare) >= 3:
                candidates += [bare + "ا", bare + "یا"]
            for candidate in candidates:
                name = table.entries.get(candidate) if len(candidate) >= 2 else None
                if name is not None and (name.endings or stem == body):
                    return len(head), name.iso3
    return None


def _prefix_splits(word: str) -> list[tuple[str, str]]:
    splits = [("", word)]
    for conj in ("", *_PREFIXES):
        if conj and not word.startswith(conj):
            continue
        rest = word[len(conj) :]
        if conj:
            splits.append((conj, rest))
        for prep in _PREPOSITIONS:
            if rest.startswith(prep) and len(rest) > 3:
                splits.append((conj + prep, rest[1:]))
        if rest.startswith("لل"):  # 'للصين' = ل + الصين with the alif dropped: keep it whole
            splits.append((conj, "ا" + rest[1:]))
    return splits


def _suffix_stems(word: str, depth: int = 2) -> list[str]:
    """The word and its stems without up to two endings ('چینیها' -> 'چینی' -> 'چین')."""
    stems = [word]
    if depth == 0:
        return stems
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stems.extend(_suffix_stems(word[: -len(suffix)], depth - 1))
    return stems


_CHINESE_PAIR = re.compile(f"中([{''.join(ZH_PARTNERS)}])(?![{ZH_NOT_AFTER_PAIR}])")


def _chinese_pairs(folded: str) -> list[tuple[int, int, str]]:
    """'中巴经济走廊' names both China and Pakistan, one character each."""
    spans: list[tuple[int, int, str]] = []
    if "中" not in folded:
        return spans
    for match in _CHINESE_PAIR.finditer(folded):
        spans.append((match.start(), match.start() + 1, "CHN"))
        spans.append((match.start(1), match.end(1), ZH_PARTNERS[match.group(1)]))
    return spans


def _to_mentions(spans: list[tuple[int, int, str]], folded: Folded, text: str, offset: int) -> list[CountryMention]:
    mentions: list[CountryMention] = []
    taken_until = -1
    for fstart, fend, iso3 in sorted(spans, key=lambda s: (s[0], -s[1])):
        if fstart < taken_until:  # overlapping: keep the earlier, longer match
            continue
        taken_until = fend
        s, e = folded.span_to_original(fstart, fend)
        mentions.append(CountryMention(text[offset + s : offset + e], offset + s, offset + e, iso3))
    return mentions
