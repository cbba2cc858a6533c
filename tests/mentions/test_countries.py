"""Country mentions -> ISO 3166-1 alpha-3."""

from __future__ import annotations

import pytest

from extractor.mentions.countries import find_countries

from .conftest import assert_slices

CASES = [
    (
        "fa",
        "گفت و گوی راهبردی وزرای خارجه چین و پاکستان در پکن",
        [("چین", "CHN"), ("پاکستان", "PAK"), ("پکن", "CHN")],
    ),
    ("fa", "کریدور اقتصادی چین – پاکستان (CPEC)", [("چین", "CHN"), ("پاکستان", "PAK")]),
    ("fa", "از اسلام آباد و اسلام‌آباد", [("اسلام آباد", "PAK"), ("اسلام\u200cآباد", "PAK")]),
    ("fa", "سرمایه گذاران چینی و ایرانیها", [("چینی", "CHN"), ("ایرانیها", "IRN")]),
    ("ar", "الممر الاقتصادي الصيني-الباكستاني", [("الصيني", "CHN"), ("الباكستاني", "PAK")]),
    ("ar", "اتفقت باكستان والصين في بكين", [("باكستان", "PAK"), ("الصين", "CHN"), ("بكين", "CHN")]),
    ("ar", "زار إسلام آباد وللصين والهند", [("إسلام آباد", "PAK"), ("للصين", "CHN"), ("الهند", "IND")]),
    (
        "ar",
        "الشركات الصينية في المملكة العربية السعودية",
        [("الصينية", "CHN"), ("المملكة العربية السعودية", "SAU")],
    ),
    (
        "ur",
        "پاکستان اور چین کے درمیان اسلام آباد میں مذاکرات",
        [("پاکستان", "PAK"), ("چین", "CHN"), ("اسلام آباد", "PAK")],
    ),
    ("ur", "چینی وزیر خارجہ بیجنگ واپس گئے", [("چینی", "CHN"), ("بیجنگ", "CHN")]),
    (
        "zh",
        "中巴经济走廊是中国和巴基斯坦的合作项目",
        [("中", "CHN"), ("巴", "PAK"), ("中国", "CHN"), ("巴基斯坦", "PAK")],
    ),
    (
        "zh",
        "中方在北京会见巴方，伊斯兰堡表示欢迎",
        [("中方", "CHN"), ("北京", "CHN"), ("巴方", "PAK"), ("伊斯兰堡", "PAK")],
    ),
    ("zh", "中美洲和中东的局势", []),  # Central America / Middle East are not CHN+USA
    ("zh", "印度尼西亚和印度", [("印度尼西亚", "IDN"), ("印度", "IND")]),
    (
        "fr",
        "La Chine et le Pakistan; les investisseurs chinois à Pékin",
        [("Chine", "CHN"), ("Pakistan", "PAK"), ("chinois", "CHN"), ("Pékin", "CHN")],
    ),
    ("fr", "les États-Unis et l'Arabie saoudite", [("États-Unis", "USA"), ("Arabie saoudite", "SAU")]),
    (
        "en",
        "Chinese and Pakistani officials met in Beijing and Islamabad",
        [("Chinese", "CHN"), ("Pakistani", "PAK"), ("Beijing", "CHN"), ("Islamabad", "PAK")],
    ),
    ("en", "the US said; let us go to the United States", [("US", "USA"), ("United States", "USA")]),
    ("en", "Sino-Pakistani ties", [("Sino", "CHN"), ("Pakistani", "PAK")]),
]


@pytest.mark.parametrize(("lang", "sentence", "expected"), CASES)
def test_countries(lang: str, sentence: str, expected: list[tuple[str, str]]) -> None:
    found = find_countries(sentence)
    assert_slices(sentence, found)
    assert [(c.text, c.iso3) for c in found] == expected


def test_all_cldr_countries_resolve_to_alpha3() -> None:
    # A few countries only present through CLDR (no curated alias).
    found = find_countries("Kenya, Pérou, 智利, بوليفيا, ناروے, ایسلند")
    assert [c.iso3 for c in found] == ["KEN", "PER", "CHL", "BOL", "NOR", "ISL"]


def test_words_containing_country_names_do_not_match() -> None:
    assert find_countries("machine chinés") == []
    assert find_countries("ماشین") == []


def test_seed_countries(persian_seed, arabic_seed) -> None:  # noqa: ANN001
    for article in (persian_seed, arabic_seed):
        found = find_countries(article.text, article.body_start)
        assert_slices(article.text, found)
        assert {c.iso3 for c in found} == {"CHN", "PAK"}
        assert all(c.start >= article.body_start for c in found)
    texts = {c.text for c in find_countries(arabic_seed.text)}
    assert {"باكستان", "الصين", "بكين", "الصيني", "الباكستاني"} <= texts
    texts = {c.text for c in find_countries(persian_seed.text, persian_seed.body_start)}
    assert {"چین", "پاکستان", "پکن", "اسلام آباد"} <= texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A US state whose name holds Mali's: 馬里蘭 (traditional) folds to 马里兰.
        ("會議在美國馬里蘭州舉行,马里总统出席", [("美國", "USA"), ("马里", "MLI")]),
        ("Talks in Maryland and New Mexico; Mali and Mexico sent envoys.", [("Mali", "MLI"), ("Mexico", "MEX")]),
        ("Le président du Mali au Nouveau-Mexique, puis au Mexique.", [("Mali", "MLI"), ("Mexique", "MEX")]),
        ("وصل الوفد إلى نيو مكسيكو ثم إلى المكسيك", [("المكسيك", "MEX")]),
    ],
)
def test_a_place_containing_a_country_name_is_not_that_country(text: str, expected: list[tuple[str, str]]) -> None:
    found = find_countries(text)
    assert [(c.text, c.iso3) for c in found] == expected
    assert_slices(text, found)
