"""Language identification among fa, ar, ur, zh, fr, en."""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractor.article import Article
from extractor.mentions import language
from extractor.mentions.language import detect_language
from extractor.reader import read_one

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted((ROOT / "corpus" / "dev" / "articles").glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))


def lingua_on_the_whole_sample(text: str) -> str | None:
    """What detect_language answered before its shortcuts: all six languages on the full sample."""
    if not text.strip():
        return None
    found = language._detector().detect_language_of(text[: language._SAMPLE_CHARS])
    return None if found is None else language._LANGUAGES[found]


@lru_cache(maxsize=1)
def bodies() -> list[str]:
    out = []
    for path in ARTICLES:
        article = read_one(str(path))
        assert isinstance(article, Article)
        out.append(article.body)
    return out


def test_seeds(persian_seed: Article, arabic_seed: Article) -> None:
    assert detect_language(persian_seed.body) == "fa"
    assert detect_language(arabic_seed.body) == "ar"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("پاکستان اور چین کے درمیان اقتصادی راہداری کے دوسرے مرحلے پر بات چیت ہوئی۔", "ur"),
        ("وزرای خارجه چین و پاکستان در پکن دیدار کردند و بر تقویت همکاری تأکید کردند.", "fa"),
        ("اتفقت باكستان والصين على تطوير الممر الاقتصادي.", "ar"),
        ("中国和巴基斯坦外长在北京举行第七轮战略对话。", "zh"),
        ("La Chine et le Pakistan ont renforcé leur coopération économique.", "fr"),
        ("China and Pakistan agreed to upgrade the economic corridor.", "en"),
    ],
)
def test_six_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_empty_text() -> None:
    assert detect_language("   ") is None


def test_real_articles_read_from_many_starting_points_decide_as_the_whole_sample() -> None:
    # Every article, and what is left of it after dropping its first 0, 61, 122, ...
    # characters: many different openings of real text, in all six languages.
    seen = set()
    for body in bodies():
        for start in range(0, max(1, len(body) - 150), 61):
            text = body[start:]
            expected = lingua_on_the_whole_sample(text)
            assert detect_language.__wrapped__(text) == expected, text[:80]
            seen.add(expected)
    assert seen == {"fa", "ar", "ur", "zh", "fr", "en"}


_LATIN_NAMES = ["Donald Trump", "IAEA", "Reuters", "Antony Blinken", "the White House", "CPEC", "Xi Jinping"]
_ARABIC_NAMES = ["محمد بن سلمان", "عباس عراقچی", "شهباز شریف", "الرياض", "إسحاق دار"]


@pytest.mark.parametrize("names_per_article", [1, 4, 10])
def test_articles_quoting_names_in_another_script_decide_as_before(names_per_article: int) -> None:
    # A Persian article quoting English names, a French one with Arabic names, ...
    rng = random.Random(names_per_article)
    for body in bodies():
        lang = lingua_on_the_whole_sample(body)
        names = _ARABIC_NAMES if lang in ("fr", "en") else _LATIN_NAMES
        words = body.split(" ")
        for _ in range(names_per_article):
            words.insert(rng.randrange(min(len(words), 60)), rng.choice(names))
        text = " ".join(words)
        assert detect_language.__wrapped__(text) == lingua_on_the_whole_sample(text) == lang


@pytest.mark.parametrize("opening", [100, 250, 400])
def test_an_opening_paragraph_in_another_language_decides_as_before(opening: int) -> None:
    # One article's opening, then another article in another language: the short
    # parts must not let the opening decide what the whole sample would not.
    texts = bodies()
    langs = [lingua_on_the_whole_sample(body) for body in texts]
    compared = 0
    for i, first in enumerate(texts):
        for j, second in enumerate(texts):
            if langs[i] != langs[j] and (i + j) % 4 == 0:
                text = first[:opening] + "\n" + second
                assert detect_language.__wrapped__(text) == lingua_on_the_whole_sample(text), text[:80]
                compared += 1
    assert compared > 50


def test_the_short_parts_are_the_start_and_the_end_of_the_sample_in_whole_words() -> None:
    sample = " ".join(f"w{i}" for i in range(300))[: language._SAMPLE_CHARS]
    first, last = language._spread(sample)
    assert sample.startswith(first) and sample.endswith(last)
    assert first.split()[-1] in sample.split() and last.split()[0] in sample.split()
    assert language._QUICK_CHARS <= len(first) + len(last) <= language._QUICK_CHARS + 4 * language._WIDEN
    # Text without spaces is cut, not widened to the whole sample.
    assert [len(part) for part in language._spread("x" * 1000)] == [language._QUICK_CHARS // 2] * 2


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("中国和美国 signed an agreement today", "zh"),  # Han, but not 'mostly' Han: lingua decides
        ("中国 and the United States signed a deal", "en"),
        ("中国 اتفقت باكستان والصين على تطوير الممر", "ar"),
        ("双方签署了 CPEC 第二阶段的合作协议。", "zh"),
    ],
)
def test_han_with_other_scripts(text: str, lang: str) -> None:
    assert detect_language.__wrapped__(text) == lingua_on_the_whole_sample(text) == lang


# --- the script shortcuts -------------------------------------------------------


@lru_cache(maxsize=1)
def _words_by_script() -> dict[str, list[str]]:
    """Words of the development articles, by script: hypothesis builds one-script texts from them."""
    words: dict[str, set[str]] = {"han": set(), "arabic": set(), "latin": set()}
    for body in bodies():
        words["han"].update(re.findall("[\u4e00-\u9fff]", body))
        words["arabic"].update(re.findall("[\u0600-\u06ff]+", body))
        words["latin"].update(re.findall("[A-Za-zÀ-ÿ]+", body))
    return {script: sorted(found) for script, found in words.items()}


@st.composite
def _one_script_texts(draw: st.DrawFn) -> str:
    script = draw(st.sampled_from(["arabic", "latin", "han"]))
    words = draw(st.lists(st.sampled_from(_words_by_script()[script]), min_size=1, max_size=400))
    return " ".join(words)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_one_script_texts())
def test_on_one_script_the_short_sample_decides_as_the_whole_sample_where_lingua_is_sure(text: str) -> None:
    top = language._detector().compute_language_confidence_values(text[: language._SAMPLE_CHARS])[0]
    assume(top.value >= 0.9)
    assert detect_language.__wrapped__(text) == language._LANGUAGES[top.language]


@st.composite
def _mostly_han_texts(draw: st.DrawFn) -> str:
    han = draw(st.lists(st.sampled_from(_words_by_script()["han"]), min_size=1, max_size=200))
    others = draw(st.lists(st.sampled_from(_words_by_script()["latin"] + _words_by_script()["arabic"]), max_size=20))
    pieces = han + others
    draw(st.randoms()).shuffle(pieces)
    return " ".join(pieces)


@settings(max_examples=150, deadline=None)
@given(_mostly_han_texts())
def test_mostly_han_text_is_chinese_for_lingua_too(text: str) -> None:
    sample = text[: language._SAMPLE_CHARS]
    if language._mostly_han(sample):
        assert lingua_on_the_whole_sample(text) == "zh"
        assert detect_language.__wrapped__(text) == "zh"
    else:
        assert detect_language.__wrapped__(text) == lingua_on_the_whole_sample(text)
