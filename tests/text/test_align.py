"""align(): exact, then normalised, then fuzzy grounding of quotes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extractor.text.align import FUZZY_THRESHOLD, ArticleAligner, align
from extractor.text.fold import fold

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PERSIAN = (SEEDS / "000_c22ab6cdf68cea9e.txt").read_text(encoding="utf-8")
ARABIC = (SEEDS / "001_8da5f88bb0eafb19.txt").read_text(encoding="utf-8")


def test_exact_quote() -> None:
    quote = "از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد"
    result = align(quote, PERSIAN)
    assert result is not None and result.match == "exact"
    assert PERSIAN[result.start : result.end] == quote


def test_zwnj_and_digit_script_differences_are_normalized() -> None:
    # The article has 'گفتوگوی' without ZWNJ; the model adds it and writes ASCII digits.
    result = align("هفتمین دور گفت\u200cوگوی راهبردی", PERSIAN)
    assert result is not None and result.match == "normalized"
    assert PERSIAN[result.start : result.end] == "هفتمین دور گفتوگوی راهبردی"
    money = align("بیش از 30 میلیارد دلار", PERSIAN)
    assert money is not None and PERSIAN[money.start : money.end] == "بیش از ۳۰ میلیارد دلار"


def test_spacing_differences_are_normalized() -> None:
    # 'گفت و گو' (with spaces) in the text, 'گفتوگو' in the quote.
    result = align("در جریان هفتمین گفتوگوی راهبردی", PERSIAN)
    assert result is not None and result.match == "normalized"
    assert PERSIAN[result.start : result.end] == "در جریان هفتمین گفت و گوی راهبردی"


def test_arabic_letter_variants_are_normalized() -> None:
    # Model output with Persian yeh/keheh for Arabic text.
    result = align("الممر الاقتصادی الصینی-الباکستانی", ARABIC)
    assert result is not None and result.match == "normalized"
    assert ARABIC[result.start : result.end] == "الممر الاقتصادي الصيني-الباكستاني"


def test_fuzzy_quote_with_a_small_change() -> None:
    quote = "سرمایه گذاری چین در قالب آن بیش از سی میلیارد دلار"  # 'سی' for '۳۰'
    result = align(quote, PERSIAN)
    assert result is not None and result.match == "fuzzy"
    assert result.score >= FUZZY_THRESHOLD
    assert "میلیارد دلار" in PERSIAN[result.start : result.end]
    assert PERSIAN[result.start] != " " and PERSIAN[result.end - 1] != " "


def test_threshold_can_be_raised() -> None:
    quote = "سرمایه گذاری چین در قالب آن بیش از سی میلیارد دلار"
    assert align(quote, PERSIAN, threshold=99.5) is None


def test_short_quotes_never_fuzzy_match() -> None:
    assert align("چینx", PERSIAN) is None
    assert align("", PERSIAN) is None and align("   ", PERSIAN) is None


def test_unrelated_quote_is_not_aligned() -> None:
    assert align("The European Central Bank raised interest rates today.", PERSIAN) is None


def test_article_aligner_reuses_one_folding() -> None:
    aligner = ArticleAligner(ARABIC)
    quotes = ["في بكين", "من 3 إلى 5 يناير", "يوم الاثنين"]
    for quote in quotes:
        result = aligner.align(quote)
        assert result is not None and ARABIC[result.start : result.end] == quote


def test_two_hundred_kb_article_with_fifty_quotes_is_fast() -> None:
    rng = random.Random(4)
    text = (PERSIAN + ARABIC) * 30
    text = text[:200_000]
    quotes = []
    for _ in range(50):
        start = rng.randrange(0, len(text) - 120)
        quote = text[start : start + 80]
        kind = rng.randrange(3)
        if kind == 1:
            quote = quote.replace("ی", "ي").replace("ک", "ك")
        elif kind == 2:
            quote = quote[:30] + "x" + quote[31:]
        quotes.append(quote)
    # How fast this is, is bench/grounding.py's to measure; here only that it works at size.
    aligner = ArticleAligner(text)
    results = [aligner.align(q) for q in quotes]
    assert all(r is not None for r in results)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_substring_aligns_exactly_to_itself(data: st.DataObject) -> None:
    text = PERSIAN + "\n" + ARABIC
    start = data.draw(st.integers(0, len(text) - 10))
    end = data.draw(st.integers(start + 8, min(len(text), start + 200)))
    quote = text[start:end]
    assume(quote.strip() == quote and quote)
    result = align(quote, text)
    assert result is not None and result.match == "exact"
    assert text[result.start : result.end] == quote


_NOISE = {
    "ی": "ي",
    "ک": "ك",
    "ه": "ة",
    "ا": "أ",
    "0": "۰",
    "2": "۲",
    "5": "٥",
}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_perturbed_substring_aligns_normalized(data: st.DataObject) -> None:
    text = PERSIAN + "\n" + ARABIC
    start = data.draw(st.integers(0, len(text) - 30))
    end = data.draw(st.integers(start + 20, min(len(text), start + 150)))
    original = text[start:end].strip()
    quote = "".join(_NOISE.get(c, c) for c in original)
    quote = quote.replace(" ", " \u200c", 1) + "\u064e"  # ZWNJ and a fatha
    assume(quote.strip() != original and original)
    result = align(quote, text)
    assert result is not None and result.match in ("exact", "normalized")
    assert fold(text[result.start : result.end]).text.strip() == fold(quote).text.strip()


@pytest.mark.parametrize("text", ["", "abc"])
def test_degenerate_texts(text: str) -> None:
    assert align("something long enough", text) is None
