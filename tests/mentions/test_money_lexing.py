"""The money finder's fast lexing finds exactly what reading every token finds.

`money._lex` reads the shared pieces of the folded text (`_terms.pieces`), skips
the plain ones with a set test in C and looks at the tokens after the few that
may start a lexeme.  The reference below is the straightforward reading it
replaced: tokenize the whole text with `_terms.tokenize`, read every token (a
lexeme for each, OTHER for plain words) and try a mention at every lexeme.
Generated text mixes amounts in several digit scripts and separators, money
phrases of the six languages (qualifiers, currencies before and after, number,
scale and joining words), words glued together, Chinese numerals and noise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.mentions import money
from extractor.mentions import numerals as N
from extractor.mentions._terms import Token, joinable, tokenize
from extractor.mentions.currencies import LANGUAGES, currency_table
from extractor.mentions.money import Kind, MoneyMention, _Entry, _Lexeme, find_money
from extractor.text.fold import fold


def _reference_lex(folded: str, lang: str | None) -> list[_Lexeme]:
    table = money._table(lang)
    tokens = tokenize(folded)
    out: list[_Lexeme] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.text[0].isdigit():
            end = index + 1
            if lang in ("fr", None) and token.text.isdigit() and len(token.text) <= 3:
                while (
                    end < len(tokens)
                    and len(tokens[end].text) == 3
                    and tokens[end].text.isdigit()
                    and folded[tokens[end - 1].end : tokens[end].start] == " "
                ):
                    end += 1
            try:
                entry = _Entry(Kind.NUM, N.parse_digits(folded[token.start : tokens[end - 1].end]))
            except ArithmeticError:
                entry = _Entry(Kind.OTHER)
            out.append(_Lexeme(entry, token.start, tokens[end - 1].end))
            index = end
            continue
        if N.ZH_NUMERAL.fullmatch(token.text):
            end = index + 1
            while (
                end < len(tokens)
                and N.ZH_NUMERAL.fullmatch(tokens[end].text)
                and tokens[end].start == tokens[end - 1].end
            ):
                end += 1
            run = folded[token.start : tokens[end - 1].end]
            out.append(_Lexeme(money._chinese_entry(run), token.start, tokens[end - 1].end))
            index = end
            continue
        hit = table.match_at(folded, tokens, index)
        if hit is None:
            parts = money._split_glued(token.text, table.entries, lang) or [(0, len(token.text), _Entry(Kind.OTHER))]
            out.extend(_Lexeme(entry, token.start + a, token.start + b) for a, b, entry in parts)
            index += 1
        else:
            used, entry = hit
            out.append(_Lexeme(entry, token.start, tokens[index + used - 1].end))
            index += used
    return out


def _reference_find_money(text: str, lang: str | None) -> list[MoneyMention]:
    folded = fold(text)
    lexemes = _reference_lex(folded.text, lang)
    found: list[MoneyMention] = []
    index = 0
    while index < len(lexemes):
        mention, next_index = money._money_at(lexemes, index, folded, text, 0, found, lang)
        if mention is None:
            index += 1
        else:
            found.append(mention)
            index = next_index
    return found


_SCRIPTS = {"ascii": "0123456789", "persian": "۰۱۲۳۴۵۶۷۸۹", "arabic": "٠١٢٣٤٥٦٧٨٩", "fullwidth": "０１２３４５６７８９"}


@st.composite
def _amounts(draw: st.DrawFn) -> str:
    """Digits of one script, grouped by thousands separators, spaces or signs that make no group ('-', '/')."""
    digits = _SCRIPTS[draw(st.sampled_from(sorted(_SCRIPTS)))]
    groups = draw(st.lists(st.integers(0, 999), min_size=1, max_size=4))
    separator = draw(st.sampled_from(["", ",", ".", " ", " ", "٬", "٫", "-", "/"]))
    head = str(groups[0]) + "".join(separator + f"{g:03d}" for g in groups[1:])
    if draw(st.booleans()):
        head += draw(st.sampled_from([".", ",", "٫"])) + str(draw(st.integers(0, 99)))
    return head.translate(str.maketrans("0123456789", digits))


def _vocabulary() -> list[str]:
    words: set[str] = set()
    tables: list[Mapping[str, Iterable[str]]] = [N.CARDINALS, N.SCALES, money._PRE, money._POST]
    tables += [N.HUNDREDS, N.JOINERS, N.ONE_BEFORE_SCALE, N.MORE_INSIDE, money._OF]
    for table in tables:
        for each in table.values():
            words.update(each)
    currencies = sorted(currency_table(None))
    words.update(currencies[:: max(1, len(currencies) // 150)])  # a spread of CLDR names and codes
    words.update(["USD", "EUR", "Rs", "Rs.", "$", "€", "£", "¥", "US$", "all", "top", "دلار", "ڈالر", "美元", "元"])
    return sorted(words)


_WORDS = _vocabulary()
# Currencies as articles write them, per language (the tables also hold every CLDR name).
_CURRENCIES = {
    "en": ["$", "US$", "USD", "dollars", "euros", "€", "yuan", "rupees", "Rs", "riyals", "£"],
    "fr": ["dollars", "euros", "€", "EUR", "yuans", "roupies", "$"],
    "fa": ["دلار", "یورو", "ریال", "تومان", "یوان", "$"],
    "ar": ["دولار", "دولارات", "يورو", "ريال", "روبية", "$"],
    "ur": ["ڈالر", "ڈالرز", "روپے", "یورو", "Rs"],
    "zh": ["美元", "元", "人民币", "欧元", "新台币", "港元", "卢比", "¥"],
}


@st.composite
def _phrases(draw: st.DrawFn, language: str | None) -> str:
    """[qualifier] [currency] amount [scales] [of] [currency] [qualifier after], in one language."""
    lang = language if language is not None and draw(st.integers(0, 3)) else draw(st.sampled_from(LANGUAGES))
    words = st.sampled_from
    gap = st.sampled_from([" ", " ", " ", "", "\u200c"])
    parts: list[str] = []
    if money._PRE.get(lang) and draw(st.booleans()):
        parts.append(draw(words(sorted(money._PRE[lang]))))
    if draw(st.booleans()):
        parts.append(draw(words(_CURRENCIES[lang])))
    number_words = sorted({*N.CARDINALS.get(lang, {}), *N.HUNDREDS.get(lang, ()), *N.ONE_BEFORE_SCALE.get(lang, ())})
    hundreds = sorted(N.HUNDREDS.get(lang, ())) or number_words or ["1"]
    amount = draw(
        st.one_of(_amounts(), words(number_words), words(hundreds), _ZH) if number_words else st.one_of(_amounts(), _ZH)
    )
    parts.append(amount)
    for _ in range(draw(st.integers(0, 2))):
        if draw(st.booleans()) and N.JOINERS.get(lang):
            parts.append(draw(words(sorted(N.JOINERS[lang]))))
            parts.append(draw(st.one_of(_amounts(), words(number_words)) if number_words else _amounts()))
        parts.append(draw(words(sorted(N.SCALES[lang]))))
    if money._OF.get(lang) and draw(st.booleans()):
        parts.append(draw(words(sorted(money._OF[lang]))))
    if draw(st.booleans()):
        parts.append(draw(words(_CURRENCIES[lang])))
    if money._POST.get(lang) and draw(st.booleans()):
        parts.append(draw(words(sorted(money._POST[lang]))))
    return "".join(part + draw(gap) for part in parts)


_NOISE = st.text(
    alphabet=st.sampled_from(
        list("abcxyzABéèçادلرنیکهوبتمسچ۔،ـ\u200c\u064eكيةھہے中国的年月日美元亿万两〇○-.,;:()'\"%/")
    ),
    min_size=1,
    max_size=6,
)
_ZH = st.text(
    alphabet=st.sampled_from(sorted(N.ZH_DIGITS) + sorted(N.ZH_UNITS) + sorted(N.ZH_BIG) + ["多", "余", "元"]),
    min_size=1,
    max_size=5,
)
_GAP = st.sampled_from(["", " ", " ", " ", "  ", "\n", ", ", ". ", "\u200c", "-", " (", ") "])


@st.composite
def _texts(draw: st.DrawFn, lang: str | None) -> str:
    piece = st.one_of(_phrases(lang), _phrases(lang), _amounts(), st.sampled_from(_WORDS), _NOISE, _ZH)
    pieces = draw(st.lists(st.tuples(piece, _GAP), min_size=1, max_size=10))
    return "".join(piece + gap for piece, gap in pieces)


_LANGS = st.sampled_from([*LANGUAGES, None])


@settings(max_examples=400, deadline=None)
@given(st.data(), _LANGS)
def test_lexemes_are_those_of_every_token(data: st.DataObject, lang: str | None) -> None:
    text = data.draw(_texts(lang))
    folded = fold(text).text
    expected = [lexeme for lexeme in _reference_lex(folded, lang) if lexeme.entry.kind is not Kind.OTHER]
    assert money._lex(folded, lang) == expected


@settings(max_examples=400, deadline=None)
@given(st.data(), _LANGS)
def test_mentions_are_those_of_trying_every_lexeme(data: st.DataObject, lang: str | None) -> None:
    text = data.draw(_texts(lang))
    assert find_money(text, lang=lang) == _reference_find_money(text, lang)


@given(st.text(alphabet=" a,\n", max_size=10), st.data())
def test_adjacent_lexemes_are_joinable_tokens(text: str, data: st.DataObject) -> None:
    left_end = data.draw(st.integers(0, len(text)))
    right_start = data.draw(st.integers(left_end, len(text)))
    left, right = _Lexeme(_Entry(Kind.OTHER), 0, left_end), _Lexeme(_Entry(Kind.OTHER), right_start, len(text))
    expected = joinable(text, Token("", 0, left_end), Token("", right_start, len(text)))
    assert money._adjacent(text, left, right) == expected
