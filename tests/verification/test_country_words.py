"""Countries, not just codes: adjectives, demonyms and capitals in six languages and English."""

from __future__ import annotations

import pytest

from extractor.mentions.countries import find_countries
from extractor.mentions.country_words import capitals, english_words

# Sentences written for these tests: (language, sentence, expected alpha-3 codes in order).
SENTENCES = [
    ("ar", "قال الوزير الإسباني في مدريد إن بريطانيا ستدعم الفريق الإنجليزي", ["ESP", "ESP", "GBR", "GBR"]),
    ("ar", "وأكدت الحكومة الفرنسية والشركات الألمانية دعمها", ["FRA", "DEU"]),
    ("ar", "والتقى الوفد الروسي بنظيره التركي في أنقرة", ["RUS", "TUR", "TUR"]),
    ("fa", "وزیر اسپانیایی در مادرید با همتای ایتالیایی دیدار کرد", ["ESP", "ESP", "ITA"]),
    ("fa", "هیئت انگلیسی و دیپلمات‌های آلمانی به بغداد رفتند", ["GBR", "DEU", "IRQ"]),
    ("ur", "ہسپانوی وزیر نے میڈرڈ میں برطانوی سفیر سے ملاقات کی", ["ESP", "ESP", "GBR"]),
    ("ur", "فرانسیسی اور جرمن کمپنیاں قاہرہ میں", ["FRA", "DEU", "EGY"]),
    ("zh", "西班牙外长在马德里会见英国大使", ["ESP", "ESP", "GBR"]),
    ("zh", "德方代表团抵达开罗", ["DEU", "EGY"]),
    ("fr", "Le ministre espagnol a reçu à Madrid les diplomates britanniques", ["ESP", "ESP", "GBR"]),
    ("fr", "Les entreprises allemandes et italiennes investissent à Alger", ["DEU", "ITA", "DZA"]),
    ("en", "The Spanish envoy met British and Kenyan officials in Nairobi", ["ESP", "GBR", "KEN", "KEN"]),
    ("en", "Talks in Madrid and Canberra involved Polish and Vietnamese delegates", ["ESP", "AUS", "POL", "VNM"]),
]


@pytest.mark.parametrize(("lang", "sentence", "codes"), SENTENCES)
def test_adjectives_demonyms_and_capitals(lang: str, sentence: str, codes: list[str]) -> None:
    assert [m.iso3 for m in find_countries(sentence, lang=lang)] == codes


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "A male nurse from Victoria met Douglas in Hamilton."),  # small states' capitals, people's names
        ("en", "They polish the silver dish."),  # a demonym in lower case is an ordinary word
        ("ur", "اتنی بڑی رقم کسی نے نہیں دی"),  # 'so much', not Athens (آتن) with an ending
        ("fa", "این کار را آهسته‌تر انجام می‌دهد و کند است"),  # no -ا derivation outside Arabic
        ("fr", "Le mâle a mangé"),
    ],
)
def test_ordinary_words_are_not_countries(lang: str, sentence: str) -> None:
    assert find_countries(sentence, lang=lang) == []


def test_every_country_has_english_words_and_most_have_capitals_in_six_languages() -> None:
    words = english_words()
    assert words["Spanish"] == "ESP" and words["Madrid"] == "ESP" and words["Kingdom of Spain"] == "ESP"
    assert len(set(words.values())) >= 200
    names = capitals()
    for name in ("مدريد", "مادرید", "میڈرڈ", "马德里", "Londres", "Le Caire", "طهران"):
        assert name in names
    assert len(set(names.values())) >= 120


def test_a_word_naming_two_countries_is_left_out() -> None:
    assert "Dominican" not in english_words()
    assert "Congolese" not in english_words()


def test_a_country_name_wins_over_a_capital_spelled_the_same() -> None:
    # 'عمان' is Oman's name and, without its shadda, Amman's.
    assert [m.iso3 for m in find_countries("زار الوزير عمان", lang="ar")] == ["OMN"]
