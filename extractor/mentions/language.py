"""Language identification restricted to the six languages we handle.

Lingua decides; its cost grows with the text, so it is asked as little as will
give the same answer:

1. a sample that is mostly Han characters is Chinese: lingua's own rules count
   every Han character as a Chinese word and return Chinese for such a text,
   so it is not asked;
2. lingua first reads two short parts of the usual sample, its first and last
   `_QUICK_CHARS` / 2 characters; when it is sure (`_SURE`) of the same
   language in both, that is the answer. Reading one short opening instead
   was as fast but let an opening paragraph in another language decide alone;
3. only otherwise does it read the usual sample of `_SAMPLE_CHARS`.

Detectors restricted to one script's languages (fa/ar/ur, en/fr) were tried and
left out: lingua's rules already narrow the candidates to the text's script,
and on 300 characters they were no faster. `tests/mentions/test_language.py`
checks that this decides as lingua on the whole sample does, on the development
articles read from many starting points, with names in another script, and with
an opening paragraph in another language.
"""

from __future__ import annotations

import re
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
# ... and a few sentences from its start and its end usually do too: lingua is
# asked about those first, and its answer kept when it is this sure of the same
# language in both (relative confidence among the candidates); on the
# development articles it always is.
_QUICK_CHARS = 400
_QUICK_PARTS = 2
_WIDEN = 20
_SURE = 0.999
# Han ideographs (CJK unified, extension A, compatibility).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Words of any other letters (kana included: not Chinese).
_OTHER_WORD = re.compile("[^\\W\\d_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Mostly Han: at least this many Han characters per other word (lingua needs one).
_HAN_PER_WORD = 4


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
    sample = text[:_SAMPLE_CHARS]
    if _mostly_han(sample):
        return "zh"
    if len(sample) > _QUICK_CHARS:
        quick = _quick_language(sample)
        if quick is not None:
            return _LANGUAGES[quick]
    language = _detector().detect_language_of(sample)
    return None if language is None else _LANGUAGES[language]


def _mostly_han(sample: str) -> bool:
    han = len(_HAN.findall(sample))
    return han > 0 and han >= _HAN_PER_WORD * len(_OTHER_WORD.findall(sample))


def _quick_language(sample: str) -> Language | None:
    """The language lingua is sure of in every part of `_spread`, or None."""
    found = set()
    for part in _spread(sample):
        values = _detector().compute_language_confidence_values(part)
        if not values or values[0].value < _SURE:
            return None
        found.add(values[0].language)
    return found.pop() if len(found) == 1 else None


def _spread(sample: str) -> list[str]:
    """About `_QUICK_CHARS` of ``sample`` in `_QUICK_PARTS` parts spread from its start to its end.

    Each part is widened to whole words (by at most `_WIDEN` characters each side,
    for text without spaces), so lingua sees few cut words.
    """
    size = _QUICK_CHARS // _QUICK_PARTS
    last = len(sample) - size
    parts = []
    for index in range(_QUICK_PARTS):
        start = last * index // (_QUICK_PARTS - 1)
        end = start + size
        if start > 0:
            start = sample.rfind(" ", max(0, start - _WIDEN), start) + 1 or start
        space = sample.find(" ", end, end + _WIDEN)
        parts.append(sample[start : end if space < 0 else space])
    return parts
