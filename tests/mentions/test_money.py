"""Money mentions: amounts, currencies and qualifiers in six languages."""

from __future__ import annotations

import pytest

from extractor.mentions.money import find_money

from .conftest import assert_slices

B = 1_000_000_000
M = 1_000_000

# (language, sentence, expected [(text, amount, currency, qualifier)])
CASES = [
    # Persian
    (
        "fa",
        "سرمایهگذاری چین در قالب آن بیش از ۳۰ میلیارد دلار تا پیش از آغاز فاز دوم بوده است",
        [("بیش از ۳۰ میلیارد دلار", 30 * B, "USD", "more_than")],
    ),
    (
        "fa",
        "چین سی میلیارد دلار در این کریدور سرمایه گذاری کرده است",
        [("سی میلیارد دلار", 30 * B, "USD", "exact")],
    ),
    (
        "fa",
        "قرارداد به ارزش حدود ۴٫۵ میلیارد یورو امضا شد",
        [("حدود ۴٫۵ میلیارد یورو", 4_500 * M, "EUR", "about")],
    ),
    (
        "fa",
        "بودجه ای معادل هزار میلیارد تومان تصویب شد",
        [("هزار میلیارد تومان", 10**13, "IRR", "exact")],
    ),  # 1 toman = 10 rials
    ("fa", "یک میلیارد و ۲۰۰ میلیون دلار وام", [("یک میلیارد و ۲۰۰ میلیون دلار", 1_200 * M, "USD", "exact")]),
    # Arabic
    (
        "ar",
        "وقّع البلدان اتفاقاً بقيمة ثلاثة مليارات دولار لتطوير ميناء غوادر",
        [("ثلاثة مليارات دولار", 3 * B, "USD", "exact")],
    ),
    (
        "ar",
        "تبلغ الاستثمارات أكثر من 62 مليار دولار أمريكي",
        [("أكثر من 62 مليار دولار أمريكي", 62 * B, "USD", "more_than")],
    ),
    ("ar", "قدمت الصين قرضاً بقيمة مليار دولار", [("مليار دولار", B, "USD", "exact")]),
    ("ar", "حصلت باكستان على ملياري دولار من الصين", [("ملياري دولار", 2 * B, "USD", "exact")]),
    ("ar", "بلغت قيمة المشروع حوالي ٤٬٥ مليار يوان", [("حوالي ٤٬٥ مليار يوان", 4_500 * M, "CNY", "about")]),
    ("ar", "خمسة وعشرين مليون دولار", [("خمسة وعشرين مليون دولار", 25 * M, "USD", "exact")]),
    # Urdu
    ("ur", "چین نے پاکستان میں 5 ارب ڈالرز کی سرمایہ کاری کی", [("5 ارب ڈالرز", 5 * B, "USD", "exact")]),
    (
        "ur",
        "منصوبے پر ایک ارب 10 کروڑ روپے لاگت آئے گی",
        [("ایک ارب 10 کروڑ روپے", 1_100 * M, "PKR", "exact")],
    ),
    (
        "ur",
        "سی پیک کے تحت 25 ارب ڈالر سے زائد کی سرمایہ کاری ہوئی",
        [("25 ارب ڈالر سے زائد", 25 * B, "USD", "more_than")],
    ),
    ("ur", "حکومت نے ڈیڑھ ارب روپے جاری کیے", [("ڈیڑھ ارب روپے", 1_500 * M, "PKR", "exact")]),
    # Chinese
    ("zh", "该项目总投资16.2亿美元", [("16.2亿美元", 1_620 * M, "USD", "exact")]),
    ("zh", "中方投资超过30亿元人民币", [("超过30亿元人民币", 3 * B, "CNY", "more_than")]),
    ("zh", "双边贸易额约三十亿美元", [("约三十亿美元", 3 * B, "USD", "about")]),
    ("zh", "项目投资达1万亿元", [("1万亿元", 10**12, "CNY", "exact")]),
    ("zh", "吸引投资30多亿美元", [("30多亿美元", 3 * B, "USD", "more_than")]),
    # French
    (
        "fr",
        "Pékin a déjà engagé 28 milliards de USD (sur un total prévu de 46 milliards).",
        [("28 milliards de USD", 28 * B, "USD", "exact"), ("46 milliards", 46 * B, "USD", "exact")],
    ),
    (
        "fr",
        "un prêt de plus de 1,5 milliard d'euros",
        [("plus de 1,5 milliard d'euros", 1_500 * M, "EUR", "more_than")],
    ),
    ("fr", "un contrat de 1 500 000 euros", [("1 500 000 euros", 1_500_000, "EUR", "exact")]),
    ("fr", "environ 3 millions de dollars", [("environ 3 millions de dollars", 3 * M, "USD", "about")]),
    # English
    (
        "en",
        "China pledged twenty-five billion dollars' worth of projects",
        [("twenty-five billion dollars", 25 * B, "USD", "exact")],
    ),
    ("en", "The fund holds up to $5bn.", [("up to $5bn", 5 * B, "USD", "up_to")]),
    ("en", "a loan of US$1.2 billion", [("US$1.2 billion", 1_200 * M, "USD", "exact")]),
    ("en", "Islamabad sought Rs 10 crore", [("Rs 10 crore", 100 * M, "PKR", "exact")]),
    (
        "en",
        "The club paid a transfer fee of €120 million for the striker",  # money, not state investment
        [("€120 million", 120 * M, "EUR", "exact")],
    ),
    ("en", "nearly 2.5 trillion yuan", [("nearly 2.5 trillion yuan", 2_500 * B, "CNY", "about")]),
    ("en", "a billion dollars", [("a billion dollars", B, "USD", "exact")]),
    ("en", "USD 5 billion", [("USD 5 billion", 5 * B, "USD", "exact")]),
]


@pytest.mark.parametrize(("lang", "sentence", "expected"), CASES)
def test_money(lang: str, sentence: str, expected: list[tuple]) -> None:
    found = find_money(sentence, lang=lang)
    assert_slices(sentence, found)
    assert [(m.text, m.amount, m.currency, m.qualifier) for m in found] == expected


def test_language_unknown_still_works() -> None:
    sentence = "بیش از ۳۰ میلیارد دلار"
    found = find_money(sentence)
    assert [(m.amount, m.currency, m.qualifier) for m in found] == [(30 * B, "USD", "more_than")]


TRAPS = [
    ("fa", "چین و پاکستان از سال ۲۰۲۶ برنامه ها را آغاز خواهند کرد"),  # a year
    ("fa", "برای دوره ۲۰۲۵ تا ۲۰۲۹"),  # a range of years
    ("ar", "خطة العمل (2025–2029)"),
    ("fa", "این کریدور میلیاردها دلار در عرصه راه جذب کرده"),  # no number: vague
    ("en", "billions of dollars were spent"),
    ("en", "growth reached 30% last year, 5 percent more"),  # percentages
    ("fa", "رشد ۳۰ درصدی"),
    ("en", "more than 5,000 people attended"),  # a count of people
    ("ar", "شارك أكثر من 3 آلاف شخص"),
    ("ur", "50 ہزار افراد"),
    ("en", "Call +92 51 9203061 or 0300-1234567"),  # a phone number
    ("zh", "2026年1月5日，一带一路"),
    ("en", "In 2026 the corridor employed 20 thousand workers"),
    ("en", "Invested $5bn, and created 20 thousand jobs"),  # no inheritance onto jobs
]


@pytest.mark.parametrize(("lang", "sentence"), TRAPS)
def test_not_money(lang: str, sentence: str) -> None:
    found = find_money(sentence, lang=lang)
    assert all(m.currency and m.amount >= 1000 for m in found)
    if "$5bn" in sentence:
        assert [m.text for m in found] == ["$5bn"]
    else:
        assert found == []


def test_prefix_currency_binds_to_following_number() -> None:
    sentence = "In 2026 $5bn was spent"
    assert [(m.text, m.amount) for m in find_money(sentence, lang="en")] == [("$5bn", 5 * B)]


def test_iso_codes_only_in_capitals() -> None:
    assert find_money("all 5 of them", lang="en") == []
    assert [m.currency for m in find_money("ALL 5 million", lang="en")] == ["ALL"]


def test_range_keeps_the_complete_amount() -> None:
    found = find_money("between 5 million and 10 million dollars", lang="en")
    assert [(m.text, m.amount) for m in found] == [("10 million dollars", 10 * M)]


def test_offsets_into_a_larger_text(persian_seed) -> None:  # noqa: ANN001
    found = find_money(persian_seed.text, persian_seed.body_start, lang="fa")
    assert_slices(persian_seed.text, found)
    assert [(m.text, m.amount, m.currency, m.qualifier) for m in found] == [
        ("بیش از ۳۰ میلیارد دلار", 30 * B, "USD", "more_than")
    ]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("双方签署的协议投资额高达120亿美元", "exact"),
        ("去年捐款多达3亿元人民币", "exact"),
        ("贷款最多40亿美元", "up_to"),
    ],
)
def test_chinese_emphasis_is_no_upper_bound(text: str, qualifier: str) -> None:
    """高达/多达 ('as much as') stress a stated figure; only 最多 ('at most') caps it."""
    [mention] = find_money(text, lang="zh")
    assert mention.qualifier == qualifier
