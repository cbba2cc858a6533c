"""fold(): normalisation for matching with an exact offset map back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text.fold import _fold_slowly, fold

# Letters from the scripts we handle plus the troublemakers fold must absorb.
ALPHABET = st.sampled_from(
    list("abcXYZ éßİ 0123 ۰۱۲۳ ٠١٢٣ ０１ ٬٫,.")
    + list("يىكةأإآٱؤئیکهاوبپچژگ")
    + [
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u202a",
        "\u202c",
        "\u2066",
        "\u2069",
        "\u064e",
        "\u0651",
        "\u0640",
        "\u00a0",
        "\n",
        "\t",
        "ﷺ",
        "ﬁ",
        "中",
        "国",
        "亿",
        "–",
    ]
)
TEXTS = st.text(alphabet=ALPHABET, max_size=60)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("گفت\u200cوگو", "گفتوگو"),  # ZWNJ removed
        ("علي", "علی"),  # Arabic yeh -> Persian yeh
        ("مستشفى", "مستشفی"),  # alef maksura -> Persian yeh
        ("كتاب", "کتاب"),  # Arabic kaf -> keheh
        ("مدرسة", "مدرسه"),  # teh marbuta -> heh
        ("أإآٱ", "اااا"),  # hamza/madda/wasla forms -> alef
        ("مؤتمر", "موتمر"),
        ("رئيس", "رییس"),
        ("مُحَمَّد", "محمد"),  # harakat removed
        ("عـــربي", "عربی"),  # tatweel removed
        ("\u200fسلام\u200e", "سلام"),  # bidi marks removed
        ("\u202bنص\u202c \u2067x\u2069", "نص x"),
        ("۱۲۳٬۴۵۶٫۷", "123,456.7"),  # Persian digits and separators
        ("٢٠٢٦", "2026"),  # Arabic-Indic digits
        ("２０２６年", "2026年"),  # full-width digits (NFKC)
        ("a \u00a0\n\t b", "a b"),  # whitespace runs collapsed
        ("Straße", "strasse"),  # casefold expands
        ("ÉTÉ", "ete"),  # accents removed (NFKD + mark removal)
        ("پاکستانی ہے", "پاکستانی هے"),  # Urdu heh goal -> heh
        ("2025–2029", "2025-2029"),  # dashes unified
        ("«CPEC»", '"cpec"'),
    ],
)
def test_fold_examples(raw: str, folded: str) -> None:
    assert fold(raw).text == folded


def test_origin_maps_expansions_to_their_source() -> None:
    result = fold("aﷺb")
    assert result.text.startswith("a") and result.text.endswith("b")
    assert result.origin[0] == 0 and result.origin[-2] == 2 and result.origin[-1] == 3
    # Every character of the expansion comes from original offset 1.
    assert set(result.origin[1:-2]) == {1}
    assert result.span_to_original(1, 3) == (1, 2)


def test_span_excludes_dropped_neighbours() -> None:
    text = "x\u200fسلام\u200fy"
    result = fold(text)
    start = result.text.index("سلام")
    assert result.span_to_original(start, start + 4) == (2, 6)
    assert text[2:6] == "سلام"


def test_space_free_variant_matches_split_words() -> None:
    assert fold("گفت و گو", spaces=False).text == fold("گفت\u200cوگو", spaces=False).text == "گفتوگو"


def test_span_to_original_rejects_bad_spans() -> None:
    with pytest.raises(ValueError):
        fold("abc").span_to_original(2, 1)


@settings(max_examples=300)
@given(TEXTS)
def test_origin_is_monotonic_and_complete(text: str) -> None:
    result = fold(text)
    assert len(result.origin) == len(result.text) + 1
    assert result.origin[-1] == len(text)
    assert all(a <= b for a, b in zip(result.origin, result.origin[1:], strict=False))
    assert all(0 <= o <= len(text) for o in result.origin)


@settings(max_examples=300)
@given(TEXTS)
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text).text
    assert fold(once).text == once
    assert fold(text, spaces=False).text == fold(once, spaces=False).text


@settings(max_examples=300)
@given(TEXTS, st.data())
def test_spans_map_back_to_original_slices(text: str, data: st.DataObject) -> None:
    result = fold(text)
    n = len(result.text)
    fstart = data.draw(st.integers(0, n))
    fend = data.draw(st.integers(fstart, n))
    start, end = result.span_to_original(fstart, fend)
    assert 0 <= start <= end <= len(text)
    span = result.text[fstart:fend]
    # Re-folding the original slice gives back (at least) the folded span;
    # a span may cut an expansion ('s' of 'ß'), then the slice holds it whole.
    refolded = fold(text[start:end]).text
    assert span.strip() in refolded or span.strip() == ""


@given(TEXTS, st.booleans())
def test_the_whole_string_folding_equals_the_character_by_character_reference(text: str, spaces: bool) -> None:
    fast = fold.__wrapped__(text, spaces=spaces)
    slow = _fold_slowly(text, spaces)
    assert (fast.text, fast.origin, fast.ends) == (slow.text, slow.origin, slow.ends)


@pytest.mark.parametrize("odd", ["㎏", "ﷺ", "ǅ", "\u0670", "\u2060"])  # expand ('kg', ...) or vanish
def test_a_character_first_seen_mid_text_is_mapped_like_the_reference(odd: str) -> None:
    # Odd characters are learnt while folding; the first text to hold one must map right too.
    text = f"ab {odd}cd  {odd}\n{odd}"
    for spaces in (True, False):
        fast = fold.__wrapped__(text, spaces=spaces)
        assert (fast.text, fast.origin) == (_fold_slowly(text, spaces).text, _fold_slowly(text, spaces).origin)


@given(TEXTS)
def test_ends_are_the_original_characters_ends(text: str) -> None:
    folded = fold(text)
    assert folded.ends == tuple(o + 1 for o in folded.origin[:-1])
    assert len(folded.ends) == len(folded.text)
