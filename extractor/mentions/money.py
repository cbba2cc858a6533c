"""Money amounts with a currency, in fa, ar, ur, zh, fr and en.

Grammar, on folded tokens (see `_terms`):

    [qualifier] [prefix currency] AMOUNT [of/de] [currency] [post-qualifier]

AMOUNT is digits or number words, with scale words ('30 میلیارد',
'twenty-five billion', 'ایک ارب 10 کروڑ', '16.2亿', 'ثلاثة مليارات').
A money mention needs a currency: a bare number (a year, a count, a phone
number, a percentage) is never money.  One exception, for the common
'28 milliards de USD (sur un total de 46 milliards)': an amount with a scale
word and no currency inherits the currency of a money mention earlier in the
same sentence, when it is closed by punctuation (so '... $5bn and 20 thousand
jobs' does not turn the jobs into dollars).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from itertools import chain, compress
from operator import not_
from typing import Literal, NamedTuple

from extractor.mentions import numerals as N
from extractor.mentions._terms import PhraseTable, Token, fold_term, pieces, tokenize
from extractor.mentions.countries import find_countries
from extractor.mentions.currencies import LANGUAGES, RUPEE, Currency, currency_table
from extractor.text.fold import Folded, fold

Qualifier = Literal["exact", "more_than", "less_than", "about", "up_to"]

# Qualifiers written before the amount.
_PRE: dict[str, dict[str, Qualifier]] = {
    "en": {
        **dict.fromkeys(
            [
                "more than",
                "over",
                "above",
                "in excess of",
                "upwards of",
                "at least",
                "no less than",
                "not less than",
            ],
            "more_than",
        ),
        **dict.fromkeys(
            [
                "about",
                "around",
                "approximately",
                "approx.",
                "roughly",
                "nearly",
                "almost",
                "some",
                "close to",
                "an estimated",
                "estimated",
            ],
            "about",
        ),
        **dict.fromkeys(["up to", "as much as", "as high as", "at most"], "up_to"),
        **dict.fromkeys(["less than", "under", "below", "fewer than"], "less_than"),
    },
    "fr": {
        **dict.fromkeys(["plus de", "plus d'", "au moins", "pas moins de", "au-delà de", "plus de de"], "more_than"),
        **dict.fromkeys(
            ["environ", "près de", "quelque", "autour de", "presque", "approximativement", "pratiquement"],
            "about",
        ),
        **dict.fromkeys(["jusqu'à", "jusqu'à hauteur de", "à hauteur de"], "up_to"),
        **dict.fromkeys(["moins de", "moins d'"], "less_than"),
    },
    "fa": {
        **dict.fromkeys(["بیش از", "بیشتر از", "افزون بر", "دست کم", "حداقل"], "more_than"),
        **dict.fromkeys(["حدود", "حدودا", "حدوداً", "نزدیک به", "تقریبا", "تقریباً", "قریب به", "در حدود"], "about"),
        **dict.fromkeys(["تا", "حداکثر", "تا سقف"], "up_to"),
        **dict.fromkeys(["کمتر از"], "less_than"),
    },
    "ar": {
        **dict.fromkeys(
            [
                "أكثر من",
                "ما يزيد على",
                "ما يزيد عن",
                "يزيد على",
                "يزيد عن",
                "أزيد من",
                "ما لا يقل عن",
                "لا يقل عن",
                "أكثر من",
            ],
            "more_than",
        ),
        **dict.fromkeys(
            [
                "حوالي",
                "حوالى",
                "نحو",
                "قرابة",
                "زهاء",
                "ما يقارب",
                "يقارب",
                "تقريبا",
                "تقريباً",
                "ما يناهز",
                "يناهز",
            ],
            "about",
        ),
        **dict.fromkeys(["حتى", "ما يصل إلى", "يصل إلى", "تصل إلى"], "up_to"),
        **dict.fromkeys(["أقل من"], "less_than"),
    },
    "ur": {
        **dict.fromkeys(["تقریباً", "تقریبا", "لگ بھگ", "قریب", "کم و بیش"], "about"),
    },
    "zh": {
        **dict.fromkeys(["超过", "超", "逾", "多于", "高于", "不少于", "至少"], "more_than"),
        **dict.fromkeys(["约", "大约", "约合", "近", "将近", "接近", "大概"], "about"),
        # 最多 caps a figure ("at most"); 高达/多达 ("as much as") only stress how large a stated
        # figure is, so they leave it exact.
        **dict.fromkeys(["最多"], "up_to"),
        **dict.fromkeys(["不到", "不足", "少于", "低于"], "less_than"),
    },
}
# Qualifiers written after the currency: '5 ارب ڈالر سے زائد', '30亿美元以上'.
_POST: dict[str, dict[str, Qualifier]] = {
    "ur": {
        "سے زائد": "more_than",
        "سے زیادہ": "more_than",
        "سے کم": "less_than",
        "تک": "up_to",
        "کے قریب": "about",
    },
    "zh": {"以上": "more_than", "左右": "about", "以下": "less_than"},
}
# Words between amount and currency: '28 milliards de USD', "millions d'euros".
_OF: dict[str, set[str]] = {"fr": {"de", "d'"}, "en": {"of"}}

_ZHAO = "兆"
_SENTENCE_END = re.compile(r"[.!?؟。！？\n]")
_CLOSERS = set(")]}.,;:!?،؛。，；)")
_INHERIT_WINDOW = 120  # characters between the two amounts


class Kind(Enum):
    NUM = "num"
    HUNDRED = "hundred"
    SCALE = "scale"
    JOIN = "join"
    MORE = "more"
    OF = "of"
    PRE = "pre"
    POST = "post"
    CUR = "cur"
    OTHER = "other"  # any other token: `_lex` makes no lexeme of it (the reference reading in the tests does)


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    value: Decimal | None = None
    word: bool = False  # a spelled-out number (may add to another: 'twenty-five')
    scaled: bool = False  # a number that carries its own scale ('三十亿')
    bare: str | None = None  # scale usable without a number (numerals.BARE / DUAL)
    before_scale_only: bool = False  # English 'a' in 'a billion'
    qualifier: Qualifier | None = None
    currency: Currency | None = None

    @property
    def number(self) -> Decimal:
        """The value of a NUM or SCALE entry, which always has one."""
        assert self.value is not None, f"{self.kind} entry without a value"
        return self.value


class _Lexeme(NamedTuple):
    # A named tuple, not a frozen dataclass: made for every number and money word.
    entry: _Entry
    start: int  # folded offsets
    end: int


@dataclass(frozen=True)
class MoneyMention:
    text: str
    start: int
    end: int
    amount: int | float
    currency: str
    qualifier: Qualifier


def _langs(lang: str | None) -> tuple[str, ...]:
    # English last, so that with an unknown language 'billion' means 10^9.
    return (lang,) if lang in LANGUAGES else ("fr", "fa", "ar", "ur", "zh", "en")


@lru_cache(maxsize=8)
def _table(lang: str | None) -> PhraseTable[_Entry]:
    entries: dict[str, _Entry] = {}

    def put(term: str, entry: _Entry) -> None:
        entries[fold_term(term)] = entry

    for each in _langs(lang):
        for word, value in N.CARDINALS.get(each, {}).items():
            put(word, _Entry(Kind.NUM, Decimal(str(value)), word=True))
        for word in N.ONE_BEFORE_SCALE.get(each, ()):
            put(word, _Entry(Kind.NUM, Decimal(1), word=True, before_scale_only=True))
        for word in N.HUNDREDS.get(each, ()):
            put(word, _Entry(Kind.HUNDRED, Decimal(100), word=True))
        for word, (value, bare) in N.SCALES.get(each, {}).items():
            if each != "zh":  # Chinese scales are read as numeral runs
                put(word, _Entry(Kind.SCALE, Decimal(int(value)), bare=bare))
        for word in N.JOINERS.get(each, ()):
            put(word, _Entry(Kind.JOIN))
        for word in N.MORE_INSIDE.get(each, ()):
            put(word, _Entry(Kind.MORE))
        for word in _OF.get(each, ()):
            put(word, _Entry(Kind.OF))
        for word, qualifier in _PRE.get(each, {}).items():
            put(word, _Entry(Kind.PRE, qualifier=qualifier))
        for word, qualifier in _POST.get(each, {}).items():
            put(word, _Entry(Kind.POST, qualifier=qualifier))
    for term, currency in currency_table(lang).items():
        entries[term] = _Entry(Kind.CUR, currency=currency)
    return PhraseTable(entries)


# Languages whose number words are sometimes written glued to the next word
# ('چھےارب' in Urdu, 'پنج‌میلیارد' in Persian once ZWNJ is folded away,
# 'وخمسمائة' in Arabic, where 'and' is always glued).
_GLUING = {"ur", "fa", "ar", None}
_GLUED_PARTS = (Kind.NUM, Kind.HUNDRED, Kind.SCALE, Kind.JOIN, Kind.CUR)


@lru_cache(maxsize=1 << 16)
def _glued(word: str, lang: str | None) -> tuple[tuple[int, int, _Entry], ...]:
    """`_split_glued` once per distinct word: splitting tries every prefix of a word, and
    an article repeats most of its words (bounded, so a long batch cannot grow it forever)."""
    return tuple(_split_glued(word, _table(lang).entries, lang) or ())


def _split_glued(word: str, entries: dict[str, _Entry], lang: str | None) -> list[tuple[int, int, _Entry]] | None:
    """Parts (start, end, entry) of a word that is number words run together ('چھےارب' = چھے + ارب).

    Only an exact cover by known parts counts, and it must contain a scale or
    hundred word: a word merely starting like a number ('تجارب') never splits,
    and two bare number words glued together are too ambiguous to read
    (but a joiner glued to one number word is plain Arabic: 'وخمسمائة').
    """
    if lang not in _GLUING or not word[0].isalpha() or len(word) < 4:
        return None
    parts = _cover(word, entries, 0)
    if parts is None:
        return None
    anded = parts[0][2].kind is Kind.JOIN and len(parts) == 2  # 'وخمسمائة' = and 500
    if not anded and not any(e.kind in (Kind.SCALE, Kind.HUNDRED) for _, _, e in parts):
        return None
    # A currency may only close the run, after a scale ('میلیارددلار').
    for position, (_, _, entry) in enumerate(parts):
        if entry.kind is Kind.CUR and (position != len(parts) - 1 or parts[position - 1][2].kind is not Kind.SCALE):
            return None
    return parts


def _cover(word: str, entries: dict[str, _Entry], at: int, depth: int = 0) -> list[tuple[int, int, _Entry]] | None:
    """Split ``word[at:]`` into at most three known parts, longest first."""
    if depth == 3:
        return None
    for end in range(len(word), at, -1):
        entry = entries.get(word[at:end])
        if entry is None or entry.kind not in _GLUED_PARTS:
            continue
        if end == len(word):
            return [(at, end, entry)] if depth else None  # the whole word is no split
        rest = _cover(word, entries, end, depth + 1)
        if rest is not None:
            return [(at, end, entry), *rest]
    return None


_ZH_CHARS = frozenset(chain(N.ZH_DIGITS, N.ZH_UNITS, N.ZH_BIG))


@dataclass(frozen=True)
class _Lexicon:
    """A language's phrase table and where its lexemes can start, built once."""

    table: PhraseTable[_Entry]
    starts: frozenset[str]  # first tokens of the table's phrases
    # The token texts of every beginning (two tokens or more) of a phrase: a phrase is
    # read only as far as some phrase goes ('中非' of '中非法郎' in '中非合作').
    prefixes: frozenset[tuple[str, ...]]
    glues: bool  # words may be number words run together (see `_split_glued`)
    # Tokens that make a lexeme only as the head of a longer phrase ('در' of 'در حدود',
    # '中' of '中非法郎'), with the tokens that may follow them: skipped at once otherwise.
    heads: dict[str, frozenset[str]]
    # Tokens that are a whole phrase and start no longer one ('و', 'de', 'of', '$'):
    # their lexeme needs no look at the tokens after them.
    simple: dict[str, _Entry]
    # Pieces (words, symbols, spaces) seen to make no lexeme in any context, so the
    # next article skips them in C (cleared when large: a long batch meets ever new words).
    plain: set[str] = field(default_factory=set)


_PLAIN_PIECES = 1 << 16


@lru_cache(maxsize=8)
def _lexicon(lang: str | None) -> _Lexicon:
    table = _table(lang)
    cut = [[token.text for token in tokenize(key)] for key in table.entries]
    starts = frozenset(tokens[0] for tokens in cut)
    # First token -> the second tokens of the phrases of several tokens it starts.
    seconds: dict[str, set[str]] = {}
    for tokens in cut:
        if len(tokens) > 1:
            seconds.setdefault(tokens[0], set()).add(tokens[1])
    glues = lang in _GLUING
    heads = {
        first: frozenset(following)
        for first, following in seconds.items()
        if first not in table.entries
        and not first[0].isdigit()
        and not N.ZH_NUMERAL.fullmatch(first)
        and not (glues and len(first) >= 4 and _glued(first, lang))
    }
    simple = {
        text: entry
        for text, entry in table.entries.items()
        if text in starts and text not in seconds and not text[0].isdigit() and not N.ZH_NUMERAL.fullmatch(text)
    }
    return _Lexicon(
        table=table,
        starts=starts,
        prefixes=frozenset(tuple(tokens[:size]) for tokens in cut for size in range(2, len(tokens) + 1)),
        glues=glues,
        heads=heads,
        simple=simple,
    )


class _Pieces(NamedTuple):
    """The folded text cut as `_terms.pieces` cuts it: tokens and single spaces."""

    folded: str
    texts: tuple[str, ...]
    offsets: tuple[int, ...]  # where piece i starts; one more: the end of the text

    def next_token(self, index: int) -> int:
        """Index of the first token after piece ``index`` (len(texts) when none)."""
        texts = self.texts
        index += 1
        while index < len(texts) and texts[index].isspace():
            index += 1
        return index

    def followed_by(self, index: int, seconds: frozenset[str]) -> bool:
        """Whether the token after piece ``index`` is one of ``seconds``, with at most one space between."""
        following = self.next_token(index)
        return (
            following < len(self.texts)
            and self.offsets[following] - self.offsets[index + 1] <= 1
            and self.texts[following] in seconds
        )


def _lex(folded: str, lang: str | None) -> list[_Lexeme]:
    """The lexemes of the folded text that are numbers, currencies or money words, in order.

    Pieces read as nothing (most words) make no lexeme: a mention never spans one,
    and the text it leaves between two lexemes keeps them apart (`_adjacent`).  The
    pieces are shared with the other finders (`_terms.pieces`, cached), and the test
    for plain pieces runs in C, so Python only sees the few that may start a lexeme.
    """
    lexicon = _lexicon(lang)
    heads, simple, plain = lexicon.heads, lexicon.simple, lexicon.plain
    text_pieces = _Pieces(folded, *pieces(folded))
    texts, offsets = text_pieces.texts, text_pieces.offsets
    out: list[_Lexeme] = []
    resume = 0  # pieces before this one belong to a lexeme already made
    for index in compress(range(len(texts)), map(not_, map(plain.__contains__, texts))):
        text = texts[index]
        seconds = heads.get(text)
        if index < resume or (seconds is not None and not text_pieces.followed_by(index, seconds)):
            continue
        entry = simple.get(text)
        if entry is None:
            resume = _lex_token(text_pieces, index, lexicon, lang, out)
        else:
            out.append(_Lexeme(entry, offsets[index], offsets[index + 1]))
            resume = index + 1
    return out


def _lex_token(text_pieces: _Pieces, index: int, lexicon: _Lexicon, lang: str | None, out: list[_Lexeme]) -> int:
    """Append the lexemes of the token that is piece ``index``; return the index of the next piece to read."""
    folded, texts, offsets = text_pieces
    text, start = texts[index], offsets[index]
    if text[0].isdigit():
        last = _merge_digit_groups(text_pieces, index, lang)
        entry = _number(folded[start : offsets[last + 1]])
        if entry is not None:
            out.append(_Lexeme(entry, start, offsets[last + 1]))
        return last + 1
    if text[0] in _ZH_CHARS and N.ZH_NUMERAL.fullmatch(text):
        # A run of numeral tokens with nothing between them: '三十亿', '二○二六'.
        last = index
        while last + 1 < len(texts) and N.ZH_NUMERAL.fullmatch(texts[last + 1]):
            last += 1
        out.append(_Lexeme(_chinese_entry(folded[start : offsets[last + 1]]), start, offsets[last + 1]))
        return last + 1
    if text in lexicon.starts:
        hit = _phrase_at(text_pieces, index, lexicon)
        if hit is not None:
            entry, last = hit
            out.append(_Lexeme(entry, start, offsets[last + 1]))
            return last + 1
    parts = _glued(text, lang) if lexicon.glues and len(text) >= 4 else ()
    if parts:
        out.extend(_Lexeme(entry, start + a, start + b) for a, b, entry in parts)
    elif text not in lexicon.starts:
        if len(lexicon.plain) >= _PLAIN_PIECES:
            lexicon.plain.clear()
        lexicon.plain.add(text)
    return index + 1


def _phrase_at(text_pieces: _Pieces, index: int, lexicon: _Lexicon) -> tuple[_Entry, int] | None:
    """The table's longest phrase starting with the token at piece ``index``: (entry, index of its last piece)."""
    folded, texts, offsets = text_pieces
    table = lexicon.table
    indexes = [index]
    words: tuple[str, ...] = (texts[index],)
    while (following := text_pieces.next_token(indexes[-1])) < len(texts):
        words += (texts[following],)
        # `match_at` joins only tokens with at most one space between them.
        if offsets[following] - offsets[indexes[-1] + 1] > 1 or words not in lexicon.prefixes:
            break
        indexes.append(following)
    if len(indexes) == 1:
        entry = table.entries.get(texts[index])
        return None if entry is None else (entry, index)
    tokens = [Token(texts[i], offsets[i], offsets[i + 1]) for i in indexes]
    hit = table.match_at(folded, tokens, 0)
    if hit is None:
        return None
    used, entry = hit
    return entry, indexes[used - 1]


@lru_cache(maxsize=4096)
def _number(digits: str) -> _Entry | None:
    """The NUM entry of a digit token; None for separators that make no number ('33.5,44.3')."""
    try:
        return _Entry(Kind.NUM, N.parse_digits(digits))
    except ArithmeticError:
        return None


def _merge_digit_groups(text_pieces: _Pieces, index: int, lang: str | None) -> int:
    """French writes '28 000 000': glue 3-digit groups that follow a 1-3 digit head; the last piece's index."""
    texts = text_pieces.texts
    head = texts[index]
    last = index
    if lang in ("fr", None) and head.isdigit() and len(head) <= 3:
        while (
            last + 2 < len(texts) and texts[last + 1] == " " and len(texts[last + 2]) == 3 and texts[last + 2].isdigit()
        ):
            last += 2
    return last


@lru_cache(maxsize=4096)
def _chinese_entry(run: str) -> _Entry:
    # Units alone scale a digit number before them ('5千亿'); 十 alone is ten.
    units = {"百": 100, "千": 1000, **N.ZH_BIG}
    if all(char in units for char in run):
        value = 1
        for char in run:
            value *= units[char]
        return _Entry(Kind.SCALE, Decimal(value))
    return _Entry(Kind.NUM, Decimal(N.parse_chinese(run)), scaled=any(c in N.ZH_BIG for c in run))


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    end: int  # index of the first lexeme after the amount
    has_scale: bool
    more: bool


def _parse_amount(lexemes: list[_Lexeme], first: int, folded: str) -> _Amount | None:
    """Longest valid amount starting at ``lexemes[first]``.

    Groups are 'number scale' pairs summed in decreasing order ('ایک ارب 10
    کروڑ' = 10^9 + 10^8); consecutive rising scales multiply ('万亿',
    'هزار میلیارد').  A snapshot is kept after each valid prefix so that a
    trailing joiner or a rising second group ('5 million and 10 million') is
    left out instead of spoiling the whole amount.
    """
    terms: list[Decimal] = []
    current: Decimal | None = None
    current_word = False
    last_scale = Decimal(0)
    prev: Kind | None = None
    has_scale = more = False
    best: _Amount | None = None
    index = first
    while index < len(lexemes):
        lex = lexemes[index]
        entry = lex.entry
        if index > first and not _adjacent(folded, lexemes[index - 1], lex):
            break
        if entry.kind is Kind.NUM:
            if current is None and (prev is None or prev in (Kind.JOIN, Kind.SCALE)):
                if entry.before_scale_only and not _next_is(lexemes, index, folded, Kind.SCALE):
                    break
                if prev is Kind.SCALE and not entry.word and lexemes[index - 1].entry.bare == N.DUAL:
                    break
                current, current_word = entry.number, entry.word
                has_scale = has_scale or entry.scaled
            elif (
                current is not None
                and entry.word
                and current_word
                and prev in (Kind.NUM, Kind.JOIN, Kind.HUNDRED)
                and N.places_disjoint(float(current), float(entry.number))
            ):
                current += entry.number
            else:
                break
        elif entry.kind is Kind.HUNDRED:
            if current is None and prev is not None and prev is not Kind.JOIN:
                break
            current = (current or Decimal(1)) * 100
            current_word = True
        elif entry.kind is Kind.SCALE:
            if prev is Kind.SCALE and terms and entry.number > last_scale:
                terms[-1] *= entry.number
            elif current is not None:
                terms.append(current * entry.number)
                current = None
            elif entry.bare and prev in (None, Kind.JOIN):
                terms.append(entry.number * (2 if entry.bare == N.DUAL else 1))
            else:
                break
            if len(terms) >= 2 and terms[-1] >= terms[-2]:
                break
            last_scale = entry.number
            has_scale = True
        elif entry.kind is Kind.JOIN:
            if prev not in (Kind.NUM, Kind.SCALE, Kind.HUNDRED):
                break
            prev = Kind.JOIN
            index += 1
            continue
        elif entry.kind is Kind.MORE and prev is Kind.NUM:
            more = True
        else:
            break
        prev = entry.kind
        index += 1
        # A plain digit number trailing a scale group ('1 billion 10') is not
        # part of the amount; spelled-out remainders are ('one thousand five hundred').
        if current is not None and terms and not current_word:
            continue
        if current is not None and terms and current >= terms[-1]:
            continue
        best = _Amount(sum(terms, Decimal(0)) + (current or 0), index, has_scale, more)
    return best


def _adjacent(folded: str, left: _Lexeme, right: _Lexeme) -> bool:
    """`_terms.joinable` for lexemes: only nothing or one space between them."""
    gap = right.start - left.end
    return gap <= 0 or (gap == 1 and folded[left.end] == " ")


def _next_is(lexemes: list[_Lexeme], index: int, folded: str, kind: Kind) -> bool:
    return (
        index + 1 < len(lexemes)
        and lexemes[index + 1].entry.kind is kind
        and _adjacent(folded, lexemes[index], lexemes[index + 1])
    )


def find_money(text: str, start: int = 0, end: int | None = None, lang: str | None = None) -> list[MoneyMention]:
    """Money mentions in ``text[start:end]``, with offsets into ``text``."""
    end = len(text) if end is None else end
    folded = fold(text[start:end])
    lexemes = _lex(folded.text, lang)
    found: list[MoneyMention] = []
    index = 0
    while index < len(lexemes):
        if lexemes[index].entry.kind not in _OPENERS:
            index += 1
            continue
        mention, next_index = _money_at(lexemes, index, folded, text, start, found, lang)
        if mention is None:
            index += 1
        else:
            found.append(mention)
            index = next_index
    return found


# The lexemes a mention can begin with: a qualifier, a currency before the number,
# or the amount itself.  At any other lexeme `_money_at` finds nothing.
# A tuple: `in` compares members by identity first, without hashing an Enum in Python.
_OPENERS = (Kind.PRE, Kind.CUR, Kind.NUM, Kind.HUNDRED, Kind.SCALE)


def _money_at(
    lexemes: list[_Lexeme],
    index: int,
    folded: Folded,
    text: str,
    offset: int,
    found: list[MoneyMention],
    lang: str | None,
) -> tuple[MoneyMention | None, int]:
    f = folded.text
    qualifier: Qualifier | None = None
    currency: Currency | None = None
    first = index
    if (
        lexemes[index].entry.kind is Kind.PRE
        and index + 1 < len(lexemes)
        and _adjacent(f, lexemes[index], lexemes[index + 1])
    ):
        qualifier = lexemes[index].entry.qualifier
        index += 1
    lex = lexemes[index]
    if (
        lex.entry.kind is Kind.CUR
        and lex.entry.currency is not None
        and lex.entry.currency.prefix
        and _code_ok(lex, folded, text, offset)
        and _next_is(lexemes, index, f, Kind.NUM)
    ):
        currency = lex.entry.currency
        index += 1
    amount = _parse_amount(lexemes, index, f)
    if amount is None:
        return None, first + 1
    last = amount.end - 1
    after = amount.end
    if currency is None:
        probe = after
        if (
            probe < len(lexemes)
            and lexemes[probe].entry.kind is Kind.OF
            and _adjacent(f, lexemes[probe - 1], lexemes[probe])
        ):
            probe += 1
        if probe < len(lexemes) and _is_suffix_currency(lexemes, probe, folded, text, offset):
            currency = lexemes[probe].entry.currency
            last, after = probe, probe + 1
            named = lexemes[after].entry.currency if after < len(lexemes) else None
            if (
                currency is not None
                and currency.unit
                and named is not None
                and not named.unit
                and _adjacent(f, lexemes[last], lexemes[after])
            ):
                # '1.6兆元新台币': the unit takes the currency named right after it.
                currency, last, after = named, after, after + 1
    elif (
        after < len(lexemes)
        and _repeats(currency, lexemes[after].entry)
        and _adjacent(f, lexemes[last], lexemes[after])
    ):
        # '新台币1兆元', '人民币100亿元': the unit after the number belongs to the
        # currency named before it.
        last, after = after, after + 1
    if currency is None and not _may_inherit(found, amount):
        return None, first + 1
    if after < len(lexemes) and lexemes[after].entry.kind is Kind.POST and _adjacent(f, lexemes[last], lexemes[after]):
        qualifier = qualifier or lexemes[after].entry.qualifier
        last, after = after, after + 1
    if amount.more and qualifier is None:
        qualifier = "more_than"
    start, end = folded.span_to_original(lexemes[first].start, lexemes[last].end)
    start, end = start + offset, end + offset
    if currency is None:
        currency = _inherited(found, amount, start, end, text)
        if currency is None:
            return None, first + 1
    code = currency.code
    if currency.unit and _ZHAO in f[lexemes[first].start : lexemes[last].end]:
        # 兆 for 10^12 is Taiwanese usage (the mainland writes 万亿), so a bare
        # '1.6兆元' is in New Taiwan dollars.
        code = "TWD"
    if currency.family == RUPEE:
        code = rupee_code(text, lang) or ""
        if not code:  # the article does not say whose rupees: no guess
            return None, first + 1
    value = amount.value * currency.factor
    return (
        MoneyMention(
            text=text[start:end],
            start=start,
            end=end,
            amount=int(value) if value == value.to_integral_value() else float(value),
            currency=code,
            qualifier=qualifier or "exact",
        ),
        after,
    )


# Whose rupees: 'Rs', 'rupees', 'روپے' are written in India, Pakistan, Sri
# Lanka and Nepal alike.
_RUPEE_BY_COUNTRY = {"IND": "INR", "PAK": "PKR", "LKA": "LKR", "NPL": "NPR"}
# Urdu is Pakistan's national language: its rupee unless the article names
# another rupee country and not Pakistan.
_RUPEE_BY_LANGUAGE = {"ur": "PKR"}


@lru_cache(maxsize=4)
def rupee_code(text: str, lang: str | None) -> str | None:
    """The rupee of an article, from the rupee countries it names; None when undecidable.

    The one rupee country named, or the one named strictly most often; for a
    tie or none, the language's country (Urdu: Pakistan) if it has one, else
    None.  ``text`` is the whole article (callers pass it with a span), so
    every sentence of one article reads its rupees the same way.
    """
    counts = Counter(_RUPEE_BY_COUNTRY[m.iso3] for m in find_countries(text, lang=lang) if m.iso3 in _RUPEE_BY_COUNTRY)
    default = _RUPEE_BY_LANGUAGE.get(lang or "")
    if default is not None and (counts[default] or not counts):
        return default
    ranked = counts.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return default


def _repeats(named: Currency, entry: _Entry) -> bool:
    """A currency word after the number that repeats the one named before it."""
    other = entry.currency
    return entry.kind is Kind.CUR and other is not None and (other.unit or other.code == named.code)


def _code_ok(lex: _Lexeme, folded: Folded, text: str, offset: int) -> bool:
    """ISO codes count only in capitals: 'USD 5 billion', not 'all 5 of them'."""
    assert lex.entry.currency is not None
    if not lex.entry.currency.upper:
        return True
    start, end = folded.span_to_original(lex.start, lex.end)
    return text[offset + start : offset + end].isupper()


def _is_suffix_currency(lexemes: list[_Lexeme], index: int, folded: Folded, text: str, offset: int) -> bool:
    lex = lexemes[index]
    if lex.entry.kind is not Kind.CUR or not _adjacent(folded.text, lexemes[index - 1], lex):
        return False
    if not _code_ok(lex, folded, text, offset):
        return False
    # A prefix currency right before a number belongs to that number: in
    # '2026 $5bn' the '$' is not the currency of 2026.
    return not (lex.entry.currency and lex.entry.currency.leads and _next_is(lexemes, index, folded.text, Kind.NUM))


def _may_inherit(found: list[MoneyMention], amount: _Amount) -> bool:
    """An amount without a currency can borrow one only with a scale word, after a mention."""
    return bool(found) and amount.has_scale


def _inherited(found: list[MoneyMention], amount: _Amount, start: int, end: int, text: str) -> Currency | None:
    if not _may_inherit(found, amount):
        return None
    previous = found[-1]
    between = text[previous.end : start]
    if len(between) > _INHERIT_WINDOW or _SENTENCE_END.search(between):
        return None
    rest = text[end:].lstrip()
    if rest and rest[0] not in _CLOSERS:
        return None
    return Currency(previous.currency)
