"""Language identification among fa, ar, ur, zh, fr, en."""

from __future__ import annotations

import pytest

from extractor.mentions.language import detect_language


def test_seeds(persian_seed, arabic_seed) -> None:  # noqa: ANN001
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
