"""Compound amounts and ambiguous currency words.

Chinese 兆/亿/万 compounds, number words glued to scale words (Urdu, Persian,
Arabic), Chinese currency names before the number, and whose rupees an
article means.  Sentences are written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.mentions.money import find_money, rupee_code
from extractor.mentions.numerals import CARDINALS, SCALES, parse_chinese

from .conftest import assert_slices

B = 1_000_000_000

_DIGITS = "零一二三四五六七八九"
_BIG = [(10**12, "兆"), (10**8, "亿"), (10**4, "万")]


def _section(n: int) -> str:
    """Chinese numeral for 0 < n < 10^4, with 零 for skipped places ('一千零五')."""
    out, gap = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if gap and out else "") + _DIGITS[digit] + unit
            gap = False
        else:
            gap = True
    return out


def _chinese(n: int) -> str:
    """A Chinese numeral in the usual grouping by 兆, 亿 and 万 (n < 10^16)."""
    out, rest = "", n
    for value, unit in _BIG:
        group, rest = divmod(rest, value)
        if group:
            out += _section(group) + unit
    return out + (_section(rest) if rest else "")


@given(st.integers(min_value=1, max_value=10**16 - 1))
def test_parse_chinese_reads_every_grouped_numeral(n: int) -> None:
    assert parse_chinese(_chinese(n)) == n


@given(st.lists(st.integers(min_value=0, max_value=9999), min_size=3, max_size=3).filter(lambda g: g[0] > 0))
def test_digit_groups_with_chinese_units_keep_every_unit(groups: list[int]) -> None:
    # '新台币1兆6,200亿元': digit groups separated by big units, all read.
    text = "".join(f"{g:,}{unit}" for g, (_, unit) in zip(groups, _BIG, strict=True) if g)
    expected = sum(g * value for g, (value, _) in zip(groups, _BIG, strict=True))
    sentence = f"预算为新台币{text}元。"
    found = find_money(sentence, lang="zh")
    assert_slices(sentence, found)
    assert [(m.text, m.amount, m.currency) for m in found] == [(f"新台币{text}元", expected, "TWD")]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三亿五千万", 350_000_000),
        ("一万亿", 10**12),
        ("一兆零五亿", 10**12 + 5 * 10**8),
        ("二〇〇", 200),  # digits one after another are positional
        ("二○○", 200),  # a white circle for zero
        ("一千零一", 1001),
    ],
)
def test_parse_chinese_cases(numeral: str, value: int) -> None:
    assert parse_chinese(numeral) == value


ZH = [
    ("公司获得新台币2兆3,500亿元贷款", [("新台币2兆3,500亿元", 2_350 * B, "TWD")]),
    ("合同总值約新臺幣兩兆五千億元", [("約新臺幣兩兆五千億元", 2_500 * B, "TWD")]),  # traditional
    ("银行发放人民币四千五百亿元", [("人民币四千五百亿元", 450 * B, "CNY")]),
    ("基金规模为美元120亿", [("美元120亿", 12 * B, "USD")]),
    ("双方签署了港币80亿元的合约", [("港币80亿元", 8 * B, "HKD")]),
    ("工程耗资3,000亿日元", [("3,000亿日元", 300 * B, "JPY")]),
    ("投资令吉50亿", [("令吉50亿", 5 * B, "MYR")]),
    ("全年支出2.1兆元新台币", [("2.1兆元新台币", 2_100 * B, "TWD")]),  # unit, then the currency named
    ("政府拨款3兆元", [("3兆元", 3_000 * B, "TWD")]),  # 兆 for 10^12 is Taiwanese usage
    ("政府拨款3万亿元", [("3万亿元", 3_000 * B, "CNY")]),
    ("已投入10亿美元2个项目", [("10亿美元", B, "USD")]),  # a name after a number stays its suffix
]


@pytest.mark.parametrize(("sentence", "expected"), ZH)
def test_chinese_compounds_and_prefix_currencies(sentence: str, expected: list[tuple]) -> None:
    found = find_money(sentence, lang="zh")
    assert_slices(sentence, found)
    assert [(m.text, m.amount, m.currency) for m in found] == expected


GLUED = [
    ("ur", "حکومت نے تینارب بیس کروڑ روپے مختص کیے", "تینارب بیس کروڑ روپے", 3_200_000_000, "PKR"),
    ("ur", "بینک کو پانچارب ڈالر ملے", "پانچارب ڈالر", 5 * B, "USD"),
    ("ur", "منصوبے پر سات لاکھ روپے لگے", "سات لاکھ روپے", 700_000, "PKR"),
    ("fa", "دولت هفت\u200cمیلیارد دلار اختصاص داد", "هفت\u200cمیلیارد دلار", 7 * B, "USD"),
    ("fa", "وامی به ارزش دومیلیون یورو", "دومیلیون یورو", 2_000_000, "EUR"),
    ("fa", "قراردادی به مبلغ چهار میلیارددلار", "چهار میلیارددلار", 4 * B, "USD"),
    ("ar", "تبرعت الحكومة بخمسةمليارات دولار", None, None, None),  # 'بـ' glued too: not a number word
    ("ar", "قدم البنك مليار وسبعمائة مليون دولار", "مليار وسبعمائة مليون دولار", 1_700_000_000, "USD"),
    ("ar", "بلغت القيمة ستةمليارات دولار", "ستةمليارات دولار", 6 * B, "USD"),
]


@pytest.mark.parametrize(("lang", "sentence", "text", "amount", "currency"), GLUED)
def test_number_words_glued_to_scales(lang: str, sentence: str, text: str | None, amount: int, currency: str) -> None:
    found = find_money(sentence, lang=lang)
    assert_slices(sentence, found)
    if text is None:
        assert found == []
    else:
        assert [(m.text, m.amount, m.currency) for m in found] == [(text, amount, currency)]


def test_words_that_only_look_glued_stay_words() -> None:
    # 'تجارب' (experiences) ends like 'ارب' but 'تج' is no number word.
    assert find_money("تجارب روپے", lang="ur") == []


_UR_UNITS = {w: int(v) for w, v in CARDINALS["ur"].items() if v == int(v) and 1 <= v <= 99}
_UR_SCALES = {w: int(v) for w, (v, _) in SCALES["ur"].items() if w in ("ہزار", "لاکھ", "کروڑ", "ارب")}


@given(st.sampled_from(sorted(_UR_UNITS)), st.sampled_from(sorted(_UR_SCALES)))
def test_glued_urdu_reads_like_spaced(word: str, scale: str) -> None:
    spaced = find_money(f"کل {word} {scale} ڈالر", lang="ur")
    glued = find_money(f"کل {word}{scale} ڈالر", lang="ur")
    assert [m.amount for m in glued] == [m.amount for m in spaced] == [_UR_UNITS[word] * _UR_SCALES[scale]]


RUPEES = [
    ("en", "India approved a plan worth Rs 9,000 crore for the navy.", "INR"),
    ("en", "New Delhi and Paris agreed. India will pay 500 crore rupees.", "INR"),
    ("en", "Pakistan's cabinet cleared Rs 12 billion for Karachi.", "PKR"),
    ("en", "Sri Lanka received Rs 3 billion in aid.", "LKR"),
    ("ur", "حکومت نے 20 ارب روپے جاری کیے", "PKR"),  # Urdu names nobody: Pakistan's rupee
    ("ur", "بھارت نے 20 ارب روپے جاری کیے", "INR"),  # only India named
    ("ur", "پاکستان اور بھارت میں بھارت نے 20 ارب روپے جاری کیے", "PKR"),  # Pakistan named: Urdu's default
]


@pytest.mark.parametrize(("lang", "sentence", "currency"), RUPEES)
def test_rupees_follow_the_country_the_article_names(lang: str, sentence: str, currency: str) -> None:
    found = find_money(sentence, lang=lang)
    assert [m.currency for m in found] == [currency]


def test_undecidable_rupees_are_not_guessed() -> None:
    # No rupee country named in English, or India and Pakistan named equally often.
    assert find_money("The board approved Rs 40 crore.", lang="en") == []
    assert rupee_code("India and Pakistan each pledged Rs 5 crore.", "en") is None


def test_rupees_of_one_article_read_the_same_in_every_sentence() -> None:
    text = "India signed the deal. The first tranche is Rs 700 crore."
    start = text.index("The first")
    # The rules coder passes one sentence as a span of the whole article.
    assert [m.currency for m in find_money(text, start, lang="en")] == ["INR"]
    assert rupee_code(text, "en") == "INR"


def test_rupee_symbols_and_codes_are_not_ambiguous() -> None:
    assert [m.currency for m in find_money("It costs ₹500 crore.", lang="en")] == ["INR"]
    assert [m.currency for m in find_money("It costs PKR 5 billion.", lang="en")] == ["PKR"]
