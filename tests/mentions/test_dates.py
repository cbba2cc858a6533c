"""Date mentions: absolute dates, ranges, other calendars, weekdays, missing years."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

import dateparser
import pytest
from dateparser.search import search_dates
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.mentions import dates
from extractor.mentions._terms import alternation, fold_term, tokenize
from extractor.mentions.calendars import WEEKDAY_PREFIXES
from extractor.mentions.dates import find_dates
from extractor.text.fold import fold

from .conftest import assert_slices

PUB = date(2026, 1, 5)  # a Monday

# (language, sentence, published, expected [(text, date_start, date_end)])
CASES = [
    # Persian
    (
        "fa",
        "برای حضور در آن از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد",
        None,
        [("از سوم تا پنجم ژانویه ۲۰۲۶", "2026-01-03", "2026-01-05")],
    ),
    ("fa", "این نشست در ۱۴ دی ۱۴۰۴ برگزار شد", None, [("۱۴ دی ۱۴۰۴", "2026-01-04", None)]),
    ("fa", "وزیر روز دوشنبه به پکن رفت", PUB, [("روز دوشنبه", "2026-01-05", None)]),
    ("fa", "دوشنبه گذشته توافق شد", PUB, [("دوشنبه گذشته", "2025-12-29", None)]),
    ("fa", "دیروز اعلام شد", PUB, [("دیروز", "2026-01-04", None)]),
    ("fa", "۱۴ دی اعلام شد", PUB, [("۱۴ دی", "2026-01-04", None)]),  # solar year from published
    ("fa", "دو روز پیش", PUB, [("دو روز پیش", "2026-01-03", None)]),
    # Arabic
    (
        "ar",
        "الذي زار الصين من 3 إلى 5 يناير 2026 بدعوة",
        None,
        [("من 3 إلى 5 يناير 2026", "2026-01-03", "2026-01-05")],
    ),
    ("ar", "عقد الاجتماع في 4 يناير", PUB, [("4 يناير", "2026-01-04", None)]),
    ("ar", "صدر البيان يوم الاثنين", PUB, [("يوم الاثنين", "2026-01-05", None)]),
    ("ar", "قال الوزير اليوم السبت", date(2026, 1, 3), [("اليوم السبت", "2026-01-03", None)]),
    ("ar", "التقى الجانبان الأحد الماضي", PUB, [("الأحد الماضي", "2026-01-04", None)]),
    ("ar", "في 15 رمضان 1447 هـ", None, [("15 رمضان 1447 ه", "2026-03-04", None)]),
    ("ar", "في 9 كانون الثاني 2026", None, [("9 كانون الثاني 2026", "2026-01-09", None)]),
    ("ar", "بين 3 و5 يناير 2026", None, [("بين 3 و5 يناير 2026", "2026-01-03", "2026-01-05")]),
    ("ar", "منذ يومين", PUB, [("منذ يومين", "2026-01-03", None)]),
    # Urdu
    ("ur", "اسحاق ڈار 3 جنوری 2026 کو بیجنگ پہنچے", None, [("3 جنوری 2026", "2026-01-03", None)]),
    ("ur", "3 سے 5 جنوری تک دورہ", PUB, [("3 سے 5 جنوری", "2026-01-03", "2026-01-05")]),
    ("ur", "پیر کو مذاکرات ہوئے", PUB, [("پیر کو", "2026-01-05", None)]),
    # Chinese
    ("zh", "2026年1月5日，双方举行会谈", None, [("2026年1月5日", "2026-01-05", None)]),
    ("zh", "达尔于1月3日至5日访华", PUB, [("1月3日至5日", "2026-01-03", "2026-01-05")]),
    ("zh", "昨天发表联合声明", PUB, [("昨天", "2026-01-04", None)]),
    ("zh", "双方星期一签署协议", PUB, [("星期一", "2026-01-05", None)]),
    ("zh", "2026年1月计划", None, [("2026年1月", "2026-01-01", "2026-01-31")]),
    # French
    (
        "fr",
        "Il s'est rendu en Chine du 3 au 5 janvier 2026.",
        None,
        [("du 3 au 5 janvier 2026", "2026-01-03", "2026-01-05")],
    ),
    ("fr", "le 1er janvier 2026", None, [("1er janvier 2026", "2026-01-01", None)]),
    ("fr", "lundi dernier", PUB, [("lundi dernier", "2025-12-29", None)]),
    ("fr", "il y a 3 jours", PUB, [("il y a 3 jours", "2026-01-02", None)]),
    # English
    (
        "en",
        "He visited China from 3 to 5 January.",
        PUB,
        [("from 3 to 5 January", "2026-01-03", "2026-01-05")],
    ),
    ("en", "on January 3, 2026", None, [("January 3, 2026", "2026-01-03", None)]),
    (
        "en",
        "from 30 December to 2 January 2026",
        None,
        [("from 30 December to 2 January 2026", "2025-12-30", "2026-01-02")],
    ),
    ("en", "January 3-5, 2026", None, [("January 3-5, 2026", "2026-01-03", "2026-01-05")]),
    ("en", "the third of January 2026", None, [("third of January 2026", "2026-01-03", None)]),
    ("en", "On Sunday, the ministers met", PUB, [("On Sunday", "2026-01-04", None)]),
    ("en", "next Monday", PUB, [("next Monday", "2026-01-12", None)]),
    ("en", "in January 2026", None, [("January 2026", "2026-01-01", "2026-01-31")]),
    ("en", "signed on 2026-01-04", None, [("2026-01-04", "2026-01-04", None)]),
    ("en", "5 January", date(2025, 12, 20), [("5 January", "2026-01-05", None)]),  # nearest to published
]


@pytest.mark.parametrize(("lang", "sentence", "published", "expected"), CASES)
def test_dates(lang: str, sentence: str, published: date | None, expected: list[tuple]) -> None:
    found = find_dates(sentence, lang=lang, published=published)
    assert_slices(sentence, found)
    assert [(d.text, d.date_start, d.date_end) for d in found] == expected


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("ar", "منذ 3 أيام"),
        ("ar", "منذ ثلاثة أيام"),
        ("fa", "۳ روز پیش"),
        ("ur", "تین دن پہلے"),
        ("en", "three days ago"),
        ("fr", "il y a trois jours"),
        ("zh", "三天前"),
    ],
)
def test_days_ago(lang: str, phrase: str) -> None:
    found = find_dates(phrase, lang=lang, published=PUB)
    assert [(d.text, d.date_start) for d in found] == [(phrase, "2026-01-02")]
    assert find_dates(phrase, lang=lang)[0].date_start is None  # needs the publication date


def test_bare_years_are_not_date_mentions() -> None:
    for lang, sentence in [
        ("fa", "از سال ۲۰۲۶ برنامه ها"),
        ("fa", "دوره ۲۰۲۵ تا ۲۰۲۹"),
        ("ar", "(2025–2029)"),
    ]:
        assert find_dates(sentence, lang=lang) == []


def test_missing_year_uses_the_single_year_written_in_the_article() -> None:
    text = "التقيا في 4 يناير. وستقام الاحتفالات في عام 2026 ضمن خطة (2025–2029)."
    found = find_dates(text, lang="ar")
    assert [(d.text, d.date_start) for d in found] == [("4 يناير", "2026-01-04")]


def test_missing_year_without_context_keeps_month_and_day() -> None:
    found = find_dates("التقيا في 4 يناير", lang="ar")
    assert [(d.text, d.date_start, d.date_end, d.month, d.day) for d in found] == [("4 يناير", None, None, 1, 4)]


def test_ambiguous_context_years_are_not_used() -> None:
    found = find_dates("في 4 يناير. في عام 2025 وفي عام 2026", lang="ar")
    assert found[0].date_start is None


def test_weekday_without_any_reference_is_unresolved() -> None:
    found = find_dates("صدر البيان يوم الاثنين", lang="ar")
    assert [(d.text, d.date_start) for d in found] == [("يوم الاثنين", None)]


def test_weekday_falls_back_to_latest_date_in_article(arabic_seed) -> None:  # noqa: ANN001
    found = find_dates(arabic_seed.text, arabic_seed.body_start, lang="ar", published=None)
    assert_slices(arabic_seed.text, found)
    assert [(d.text, d.date_start, d.date_end) for d in found] == [
        ("4 يناير", "2026-01-04", None),
        ("من 3 إلى 5 يناير", "2026-01-03", "2026-01-05"),
        ("يوم الاثنين", "2026-01-05", None),  # the Monday on or before 5 Jan
    ]


def test_arabic_alithnayn_alone_means_the_two() -> None:
    assert find_dates("اتفق الاثنين على التعاون", lang="ar", published=PUB) == []


def test_urdu_hafta_alone_means_week() -> None:
    assert find_dates("ہفتہ بھر جاری رہا", lang="ur", published=PUB) == []


# --- what dateparser gets wrong, and that our layer gets right -------------------

BASE = datetime(2026, 1, 5)
SETTINGS = {"RELATIVE_BASE": BASE, "PREFER_DATES_FROM": "past"}


def test_dateparser_loses_persian_ordinal_range() -> None:
    text = "از سوم تا پنجم ژانویه ۲۰۲۶"
    assert dateparser.parse(text, languages=["fa"], settings=SETTINGS) is None
    hits = search_dates(text, languages=["fa"], settings=SETTINGS) or []
    assert all(d.date() != date(2026, 1, 3) for _, d in hits)  # never finds the 3rd
    found = find_dates(text, lang="fa")
    assert [(d.date_start, d.date_end) for d in found] == [("2026-01-03", "2026-01-05")]


def test_dateparser_reads_solar_year_as_gregorian() -> None:
    hits = search_dates("۱۴ دی ۱۴۰۴", languages=["fa"], settings=SETTINGS) or []
    assert all(d.year != 2026 for _, d in hits)
    assert find_dates("۱۴ دی ۱۴۰۴", lang="fa")[0].date_start == "2026-01-04"


def test_dateparser_keeps_only_the_end_of_an_arabic_range() -> None:
    hits = search_dates("من 3 إلى 5 يناير", languages=["ar"], settings=SETTINGS) or []
    assert [d.date() for _, d in hits] == [date(2026, 1, 5)]
    found = find_dates("من 3 إلى 5 يناير", lang="ar", published=PUB)
    assert [(d.date_start, d.date_end) for d in found] == [("2026-01-03", "2026-01-05")]


def test_dateparser_weekday_skips_the_publication_day() -> None:
    # Published on a Monday, 'Monday' in a news story is that day; dateparser says a week earlier.
    assert dateparser.parse("Monday", languages=["en"], settings=SETTINGS).date() == date(2025, 12, 29)
    assert find_dates("Monday", lang="en", published=PUB)[0].date_start == "2026-01-05"


def test_dateparser_misreads_chinese_month_day() -> None:
    hits = search_dates("1月5日", languages=["zh"], settings=SETTINGS) or []
    assert all(d.date() != date(2026, 1, 5) for _, d in hits)
    assert find_dates("1月5日", lang="zh", published=PUB)[0].date_start == "2026-01-05"


def test_dateparser_cannot_read_spelled_out_counts() -> None:
    assert dateparser.parse("دو روز پیش", languages=["fa"], settings=SETTINGS) is None
    assert find_dates("دو روز پیش", lang="fa", published=PUB)[0].date_start == "2026-01-03"


# --- the matcher tries each pattern only where a match can start ----------------
# Reference: every pattern's `finditer` over whole anchor windows, as the finder ran
# before it learnt where matches start.  The generated text is date vocabulary,
# digits, CJK date characters and punctuation in random order, with filler long
# enough to split the text into several windows.

_LANGS = [None, "fa", "ar", "ur", "zh", "fr", "en"]
# Slots of date phrases, in the orders the patterns read them, with what mostly
# joins them; each slot of a phrase may be left out, or noise take its place.
_SPACED = [" "] * 20 + ["", ",", ", ", "-", "/", "،"]
_GLUED = [""] * 20 + [" ", "-", "/"]
_ORDERS = [
    (["start", "day", "month", "year", "conn", "day", "of", "month", "year"], _SPACED),
    (["start", "month", "day", "conn", "day", "year", "yearword", "year"], _SPACED),
    (["start", "day", "conn", "day", "of", "month", "year"], _SPACED),
    (["pre", "before", "weekday", "after", "ko", "dayword", "day", "month"], _SPACED),
    (["ago", "number", "ago", "weekday", "ko"], _SPACED),
    (["year", "年", "number", "月", "number", "日", "conn", "number", "月", "number", "号", "ago"], _GLUED),
    (["number", "ago", "number", "天前"], _GLUED),
    (["number", "number", "number", "number"], ["/", "-", "-", "/", " ", "年", "月", "日"]),
]
_FIXED = {
    "start": dates._STARTERS,
    "conn": dates._CONNECTORS,
    "yearword": dates._YEAR_WORDS,
    "pre": [w for words in WEEKDAY_PREFIXES.values() for w in words],
    "of": ["", "", "", "of", "de", "من", "the", "le"],
    "ko": ["کو"],
    "number": ["1", "3", "05", "12", "31", "99", "2026", "一", "十二", "两"],
    "year": ["2026", "1404", "1447", "1999", "9999", "2026 م", "1404ش", "1447 ه"],
    "ago": ["il y a", "days ago", "( days ago", "jours", "منذ", "قبل", "ایام", "یومین", "روز پیش", "( دن پهلے", "天前"],
    "年": ["年"],
    "月": ["月"],
    "日": ["日", "号", ""],
    "号": ["日", "号"],
    "天前": ["天前"],
}
_NOISE = ["", "ab", "x", "و", "3", "2026", "1.5", "3,5", "2026-01-05", "5/1/2026", "(", "'", "_", "12a"]


def _slots(lang: str | None) -> dict[str, list[str]]:
    grammar = dates._grammar(lang)
    slots = {name: [fold_term(w) for w in words] for name, words in _FIXED.items()}
    slots["day"] = ["1", "3", "12", "31", "32", "1er", "3rd", *grammar.days]
    slots["month"] = [name for names in grammar.months.values() for name in names]
    slots["weekday"] = list(grammar.weekdays)
    slots["before"] = list(grammar.before) or [""]
    slots["after"] = list(grammar.after) or [""]
    slots["dayword"] = list(grammar.day_words)
    return slots


@st.composite
def _texts(draw: st.DrawFn) -> tuple[str | None, str]:
    lang = draw(st.sampled_from(_LANGS))
    slots = _slots(lang)
    pieces: list[str] = []
    for order, glue in draw(st.lists(st.sampled_from(_ORDERS), min_size=1, max_size=4)):
        for slot in order:
            kept = draw(st.integers(0, 9))
            if kept < 8:
                pieces.append(draw(st.sampled_from(slots[slot])) + draw(st.sampled_from(glue)))
            elif kept == 8:
                pieces.append(draw(st.sampled_from(_NOISE)) + draw(st.sampled_from(glue)))
    # Long filler splits the text into several anchor windows.
    for at, filler in draw(
        st.lists(st.tuples(st.integers(0, 50), st.text("xy ", min_size=100, max_size=300)), max_size=3)
    ):
        pieces.insert(at, filler)
    return lang, fold("".join(pieces)).text


def _found(pattern: dates._Pattern, match: re.Match[str]) -> tuple:
    return pattern.kind, pattern.cal, match.span(), match.groupdict()


@cache
def _plain_grammar(lang: str | None) -> dates._Grammar:
    """The grammar with every word list written by `_terms.alternation`, a boundary per word."""
    return dates._build_grammar(lang, alternation)


# The anchors of the numeric dates: a digit next to '-' or '/' and a digit, or to a date sign.
_DIGIT_ANCHOR = re.compile(r"\d[-/]\d|\d[年月日号天]|[年月日号天]\d")


def _plain_windows(folded: str, grammar: dates._Grammar) -> list[tuple[int, int]]:
    tokens = tokenize(folded)
    spans = [(tokens[i].start, tokens[j - 1].end) for i, j, _ in grammar.anchors.scan(folded, tokens)]
    return dates._merged(spans + [m.span() for m in _DIGIT_ANCHOR.finditer(folded)], len(folded))


@settings(max_examples=300, deadline=None)
@given(_texts())
# Without spelled-out counts (zh) the count of 'days ago' may be empty.
@example(("zh", "昨天 ( days ago, ( روز پیش"))
@example(("zh", "2026年12月30日至1月2日, 十二天前, 5/1/2026"))
def test_matches_are_those_of_every_pattern_over_every_window(case: tuple[str | None, str]) -> None:
    lang, folded = case
    grammar, reference = dates._grammar(lang), _plain_grammar(lang)
    windows = _plain_windows(folded, reference)
    plain = [_found(p, m) for p in reference.patterns for lo, hi in windows for m in p.regex.finditer(folded, lo, hi)]
    index = dates._StartIndex(folded, grammar)
    assert dates._windows(folded, grammar, index) == windows
    assert [_found(p, m) for p, m in dates._matches(folded, grammar, index)] == plain
    # The years written in the article, looked for over the whole text.
    years = [int(m.group(1) or m.group(2)) for m in reference.year_context.regex.finditer(folded)]
    context = dates._context_years(folded, grammar, [], index)
    for cal, (low, high) in dates._YEAR_RANGE.items():
        assert context[cal] == {y for y in years if low <= y <= high}


# Words with and without a letter at each edge ('年' is a letter without boundaries).
_EDGES = ["a", "b", "ab", "ba", ".a", ".b", "年a", "a.", "b.", "a年", ".", "..", "年", ".年", "a.b", ".a.", "年b年"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_EDGES), max_size=8), st.lists(st.sampled_from([*_EDGES, " "]), max_size=12))
def test_compact_alternation_matches_as_one_boundary_per_word(terms: list[str], pieces: list[str]) -> None:
    text = "".join(pieces)
    for shape in ("{}", "(?:{}) ?[a年]", "(?:{})-?(?:{})"):
        compact = re.compile(shape.format(*[dates._compact_alternation(terms)] * shape.count("{}")))
        plain = re.compile(shape.format(*[alternation(terms)] * shape.count("{}")))
        assert [m.span() for m in compact.finditer(text)] == [m.span() for m in plain.finditer(text)]
