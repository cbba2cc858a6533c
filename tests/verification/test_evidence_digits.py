"""Evidence with wrong numbers is not evidence; the stored quote is the article's own span."""

from __future__ import annotations

import pytest
from extractor.schemas import ANSWER_TYPES

from extractor.grounding import Grounder
from extractor.reader import parse_article
from extractor.text.align import align

# Sentences written for these tests, one per language.
TEXTS = {
    "fa": "ایران و چین در سال ۱۴۰۳ توافق کردند که حجم تجارت را به ۲۵ میلیارد دلار برسانند.",
    "ar": "وقعت مصر والصين في عام ٢٠٢٤ اتفاقية لبناء محطة كهرباء بقيمة ٣ مليارات دولار.",
    "ur": "پاکستان اور ترکی نے ۲۰۲۵ میں ۱۲ معاہدوں پر دستخط کیے۔",
    "zh": "中国与埃及于2024年签署了价值30亿美元的电站建设协议。",
    "fr": "Le Maroc et la France ont signé en 2023 un accord de 4 milliards d'euros pour le rail.",
    "en": "Kenya and Japan agreed in 2022 to build a port worth 700 million dollars near Mombasa.",
}
# The same sentences with one digit changed (a model's slip): no longer evidence.
CHANGED = {
    "fa": "ایران و چین در سال ۱۴۰۳ توافق کردند که حجم تجارت را به ۲۶ میلیارد دلار برسانند",
    "ar": "وقعت مصر والصين في عام ٢٠٢٣ اتفاقية لبناء محطة كهرباء بقيمة ٣ مليارات دولار",
    "ur": "پاکستان اور ترکی نے ۲۰۲۵ میں ۱۳ معاہدوں پر دستخط کیے",
    "zh": "中国与埃及于2024年签署了价值50亿美元的电站建设协议",
    "fr": "Le Maroc et la France ont signé en 2023 un accord de 6 milliards d'euros pour le rail",
    "en": "Kenya and Japan agreed in 2021 to build a port worth 700 million dollars near Mombasa",
}
# Digits in another script, or a light paraphrase that keeps the numbers: still evidence.
KEPT = {
    "fa": "ایران و چین در سال 1403 توافق کردند که حجم تجارت را به 25 میلیارد دلار برسانند",
    "ar": "وقعت مصر والصين في عام 2024 اتفاقيه لبناء محطة كهرباء بقيمة 3 مليارات دولار",
    "ur": "پاکستان اور ترکی نے 2025 میں 12 معاہدوں پر دستخط کئے",
    "zh": "中国与埃及于２０２４年签署了价值３０亿美元的电站建设协议",
    "fr": "Le Maroc et la France ont signé en 2023 un accord de 4 milliards d’euros pour le rail",
    "en": "Kenya and Japan agreed in 2022 to build a port worth 700 million dollars close to Mombasa",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_a_changed_digit_is_not_evidence(lang: str) -> None:
    assert align(CHANGED[lang], TEXTS[lang]) is None


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_same_digits_in_any_script_are_evidence(lang: str) -> None:
    found = align(KEPT[lang], TEXTS[lang])
    assert found is not None and found.match in ("normalized", "fuzzy")


def test_number_in_words_is_not_checked_against_digits() -> None:
    # 'سی' (thirty) for '۳۰': the quote states no digits, so nothing contradicts the span.
    text = "سرمایه گذاری چین در این بندر بیش از ۳۰ میلیارد دلار بوده است."
    assert align("سرمایه گذاری چین در این بندر بیش از سی میلیارد دلار", text) is not None


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_stored_quote_is_the_articles_span(lang: str) -> None:
    article = parse_article(TEXTS[lang].encode("utf-8"), path=f"{lang}.txt", article_id=lang)
    grounder = Grounder(article)
    evidence = grounder.locate(KEPT[lang])
    assert evidence.start is not None and evidence.end is not None
    assert evidence.quote == article.text[evidence.start : evidence.end]
    assert evidence.quote != KEPT[lang]


def test_event_quoting_a_wrong_number_is_rejected() -> None:
    article = parse_article(TEXTS["en"].encode("utf-8"), path="en.txt", article_id="en")
    answer = ANSWER_TYPES["agreement"].model_validate(
        {
            "type": "agreement",
            "status": "occurred",
            "summary_en": "s",
            "parties": ["JPN", "KEN"],
            "kind": "agreement",
            "agreement_status": "agreed",
            "evidence": [CHANGED["en"]],
        }
    )
    grounded = Grounder(article).ground([answer])
    assert grounded.events == [] and len(grounded.rejected) == 1
