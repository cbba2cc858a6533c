"""Language identification restricted to the six languages we handle."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_LANGUAGES = {
    Language.PERSIAN: "fa",
    Language.ARABIC: "ar",
    Language.URDU: "ur",
    Language.CHINESE: "zh",
    Language.FRENCH: "fr",
    Language.ENGLISH: "en",
}


# Lingua's cost grows with the text; a thousand characters of running text
# already tell Persian, Arabic and Urdu apart, so a long article is sampled.
_SAMPLE_CHARS = 1000


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    # Built once and lazily: building loads the language models, which is slow.
    return LanguageDetectorBuilder.from_languages(*_LANGUAGES).build()


@lru_cache(maxsize=32)
def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` among fa, ar, ur, zh, fr, en; None if undecidable.

    Cached: the pipeline and the mention finders ask about the same article body.
    """
    if not text.strip():
        return None
    language = _detector().detect_language_of(text[:_SAMPLE_CHARS])
    return None if language is None else _LANGUAGES[language]
