"""The fast token and phrase matching equals the straightforward one it replaced.

`_terms.tokenize`, `PhraseTable.match_at` / `match_piece` and `find_countries` were
rewritten for speed (pieces cut by one regex, a trie of phrases, memoised
Arabic-script peeling, only candidate tokens visited). The plain versions are
kept here as references, and hypothesis checks that both agree on texts built
from the tables' own words, clitics, endings and awkward spacing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.article import Article
from extractor.mentions import countries as countries_module
from extractor.mentions._terms import PhraseTable, Token, fold_term, joinable, pieces, tokenize
from extractor.mentions.countries import CountryMention, find_countries
from extractor.mentions.country_aliases import ALIASES, EXTRA_CASE_SENSITIVE, NOT_COUNTRIES
from extractor.mentions.country_words import capitals, english_words
from extractor.mentions.currencies import LANGUAGES, currency_table
from extractor.text.fold import fold

# The tokenizer as first written: a lookahead per letter, tried in this order.
_OLD_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"
    r"|\d+(?:[.,]\d+)*"
    r"|(?:(?![\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])[^\W\d_])+"
    r"|\S"
)


def old_tokenize(folded: str) -> tuple[Token, ...]:
    return tuple(Token(m.group(), m.start(), m.end()) for m in _OLD_TOKEN.finditer(folded))


def old_match_at(table: PhraseTable[Any], folded: str, tokens: Sequence[Token], index: int) -> tuple[int, Any] | None:
    """Build every candidate string up to the longest phrase and look each up."""
    if tokens[index].text not in table.first_tokens:
        return None
    candidates = [tokens[index].text]
    for nxt in range(index + 1, min(index + table.max_tokens, len(tokens))):
        if not joinable(folded, tokens[nxt - 1], tokens[nxt]):
            break
        candidates.append(candidates[-1] + folded[tokens[nxt - 1].end : tokens[nxt].end])
    for used in range(len(candidates), 0, -1):
        value = table.entries.get(candidates[used - 1])
        if value is not None:
            return used, value
    return None


def old_find_countries(text: str, start: int = 0, end: int | None = None, lang: str | None = None) -> list[Any]:
    """Every token in turn: phrase lookup, then clitic peeling."""
    end = len(text) if end is None else end
    folded = fold(text[start:end])
    tokens = old_tokenize(folded.text)
    table = countries_module._table()
    spans: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        hit = old_match_at(table, folded.text, tokens, index)
        if hit is not None:
            used, name = hit
            if countries_module._case_ok(name, folded, text, start, tokens[index].start, tokens[index + used - 1].end):
                if name.iso3:
                    spans.append((tokens[index].start, tokens[index + used - 1].end, name.iso3))
                index += used
                continue
        peeled = countries_module._peel(tokens[index].text, table, derive=lang in ("ar", None))
        if peeled is not None:
            spans.append((tokens[index].start + peeled[0], tokens[index].end, peeled[1]))
        index += 1
    spans.extend(countries_module._chinese_pairs(folded.text))
    return countries_module._to_mentions(spans, folded, text, start)


@lru_cache(maxsize=1)
def _names() -> list[str]:
    """Country words as written: CLDR names, demonyms, capitals, aliases, non-countries."""
    names = {name for lang in LANGUAGES for name in Locale.parse(lang).territories.values()}
    names |= set(english_words()) | set(capitals()) | set(EXTRA_CASE_SENSITIVE) | set(NOT_COUNTRIES)
    names |= {alias for aliases in ALIASES.values() for alias in aliases}
    return sorted(names)


_GLUE = st.sampled_from(["", "", " ", " ", " ", "  ", "\n", "\u200c", ",", "-", ".", "、", "'"])
_CLITICS = st.sampled_from(["", "", "و", "ب", "ل", "لل", "ال", "وال", "فب", "ک"])
_ENDINGS = st.sampled_from(["", "", "ی", "ية", "یه", "ها", "یان", "ین", "s", "ese"])
_NOISE = st.sampled_from(
    ["the", "of", "and", "republic", "中", "巴", "美", "东", "2026", "1.5", "US", "us", "du", "a", "b", "c", "u", "s"]
)


@st.composite
def _word(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        name = draw(st.sampled_from(_names()))
        if draw(st.integers(0, 3)) == 0:
            name = name.lower() if draw(st.booleans()) else name.upper()
        return draw(_CLITICS) + name + draw(_ENDINGS)
    return draw(_NOISE)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_word(), max_size=12))
    return "".join(word + draw(_GLUE) for word in words)


def _as_tuples(found: list[CountryMention]) -> list[tuple[str, int, int, str]]:
    return [(m.text, m.start, m.end, m.iso3) for m in found]


@settings(max_examples=400, deadline=None)
@given(_texts(), st.sampled_from([None, "fa", "ar", "ur", "zh", "fr", "en"]))
def test_find_countries_equals_the_token_by_token_reference(text: str, lang: str | None) -> None:
    assert _as_tuples(find_countries(text, lang=lang)) == _as_tuples(old_find_countries(text, lang=lang))


@settings(max_examples=100, deadline=None)
@given(_texts(), _texts(), _texts())
def test_find_countries_in_a_span_equals_the_reference(before: str, inside: str, after: str) -> None:
    text = before + inside + after
    span = (len(before), len(before) + len(inside))
    assert _as_tuples(find_countries(text, *span)) == _as_tuples(old_find_countries(text, *span))


def test_find_countries_equals_the_reference_on_real_articles(persian_seed: Article, arabic_seed: Article) -> None:
    for article in (persian_seed, arabic_seed):
        for lang in (None, "fa", "ar"):
            found = find_countries(article.text, article.body_start, lang=lang)
            assert found  # the seeds name countries: the comparison is not vacuous
            assert _as_tuples(found) == _as_tuples(old_find_countries(article.text, article.body_start, lang=lang))


_ANY_TEXT = st.text(
    alphabet=st.sampled_from(
        list("ab Z é0123.,-_ \n\t\u00a0\u3000") + list("中国亿ア・゠") + list("بپی۱٢") + ["\u200c", "²", "½", "Ⅻ", "〇"]
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(_ANY_TEXT)
def test_tokenize_equals_the_first_tokenizer(text: str) -> None:
    # On any text, folded or not: the tokenizer must not depend on folding having happened.
    assert tokenize(text) == old_tokenize(text)
    parts, offsets = pieces(text)
    assert "".join(parts) == text
    assert [text[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)] == list(parts)


@lru_cache(maxsize=1)
def _tables() -> list[PhraseTable[Any]]:
    # Phrases that share prefixes, are glued or spaced, end in symbols or are CJK.
    made_up = ["a", "a b", "a b c", "ab", "a-b", "a.b.", "u.s.", "1.5 a", "中国", "中", "$", "x  y", " a", "a\nb"]
    currencies = {fold_term(term): code for term, code in currency_table(None).items()}
    return [countries_module._table(), PhraseTable(currencies), PhraseTable(dict.fromkeys(made_up, True))]


@st.composite
def _table_texts(draw: st.DrawFn) -> tuple[PhraseTable[Any], str]:
    table = draw(st.sampled_from(_tables()))
    keys = sorted(table.entries)
    words = draw(st.lists(st.sampled_from(keys) | _NOISE, max_size=10))
    return table, "".join(word + draw(_GLUE) for word in words)


@settings(max_examples=300, deadline=None)
@given(_table_texts())
def test_match_at_equals_the_candidate_string_lookup(case: tuple[PhraseTable[Any], str]) -> None:
    table, text = case
    folded = fold(text).text
    tokens = tokenize(folded)
    parts, offsets = pieces(folded)
    starts = [i for i, part in enumerate(parts) if not part.isspace()]
    for index in range(len(tokens)):
        expected = old_match_at(table, folded, tokens, index)
        assert table.match_at(folded, tokens, index) == expected
        by_piece = table.match_piece(parts, starts[index])
        if expected is None:
            assert by_piece is None
        else:
            assert by_piece is not None and by_piece[1] == expected[1]
            assert offsets[by_piece[0]] == tokens[index + expected[0] - 1].end


def test_the_peeling_memo_forgets_when_full_and_still_answers_the_same(
    persian_seed: Article, arabic_seed: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(countries_module, "_PEEL_MEMO_SIZE", 50)  # smaller than one article's words
    monkeypatch.setattr(countries_module, "_peel_memo", {True: {}, False: {}})
    monkeypatch.setattr(countries_module, "_peel_hits", {True: {}, False: {}})
    for article in (persian_seed, arabic_seed, persian_seed):
        found = find_countries(article.text, article.body_start)
        assert _as_tuples(found) == _as_tuples(old_find_countries(article.text, article.body_start))
        # Emptied before the article's words went in: it holds this article's words only.
        assert len(countries_module._peel_memo[True]) == len(set(pieces(fold(article.body).text)[0]))
