"""Lexicon files: they load, carry a version, and match the spelling variants real articles use."""

from __future__ import annotations

import pytest

from extractor.rules.lexicon import (
    EVENT_TYPES,
    LANGUAGES,
    NOT_A_TRIGGER,
    compile_terms,
    lexicon_sha256,
    lexicon_version,
    load_lexicon,
)
from extractor.text.fold import fold


def categories(language: str, event_type: str, text: str) -> list[str]:
    return [hit.category for hit in load_lexicon(language).triggers[event_type].find(fold(text).text)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_triggers_for_every_type_and_cues(language: str) -> None:
    lexicon = load_lexicon(language)
    assert set(lexicon.triggers) == set(EVENT_TYPES)
    for event_type, terms in lexicon.triggers.items():
        assert terms.terms, (language, event_type)
    assert {"planned", "signed", "destination", "titles"} <= set(lexicon.cues)


def test_version_and_hash() -> None:
    assert lexicon_version().isdigit()
    assert len(lexicon_sha256()) == 64


@pytest.mark.parametrize(
    ("language", "event_type", "text", "expected"),
    [
        # Persian: ZWNJ, a space or nothing between the parts; ezafe and plural endings.
        ("fa", "strategic_dialogue", "گفت‌وگوی راهبردی", ["dialogue"]),
        ("fa", "strategic_dialogue", "گفت و گوهای راهبردی", ["dialogue"]),
        ("fa", "strategic_dialogue", "گفتوگوی راهبردی", ["dialogue"]),
        ("fa", "investment", "سرمایه گذاری", ["investment"]),
        ("fa", "investment", "سرمايه‌گذاري", ["investment"]),  # Arabic yeh
        # Arabic: proclitics, the article, endings, hamza forms.
        ("ar", "strategic_dialogue", "والحوارات الإستراتيجية", ["dialogue"]),
        ("ar", "agreement", "بمذكرة التفاهم", ["mou"]),
        ("ar", "agreement", "الاتفاق على العمل", []),  # "agreeing on", not a document
        # Urdu: with or without the space, heh forms.
        ("ur", "agreement", "مفاہمتی یادداشتوں", ["mou"]),
        ("ur", "visit", "سرکاری دورے", ["visit"]),
        # Chinese: simplified and traditional script alike.
        ("zh", "strategic_dialogue", "战略对话", ["dialogue"]),
        ("zh", "strategic_dialogue", "戰略對話", ["dialogue"]),
        ("zh", "agreement", "諒解備忘錄", ["mou"]),
        # French and English: accents and case fold away; the longest term wins.
        ("fr", "agreement", "Déclaration conjointe", ["joint_statement"]),
        ("fr", "visit", "visite d'Etat", ["visit"]),
        ("en", "agreement", "Memorandum of Understanding", ["mou"]),
        ("en", "agreement", "joint statement", ["joint_statement"]),
    ],
)
def test_spelling_variants(language: str, event_type: str, text: str, expected: list[str]) -> None:
    assert categories(language, event_type, text) == expected


def test_a_trailing_star_is_a_stem_and_words_keep_their_boundaries() -> None:
    terms = compile_terms({"x": ["financement*", "aid"]}, {})
    assert [h.category for h in terms.find("financements et aide")] == ["x"]
    assert terms.find("paid") == []


def test_not_a_trigger_phrases_win_and_vanish() -> None:
    terms = compile_terms({"agreement": ["agreement"], NOT_A_TRIGGER: ["agreement to"]}, {})
    assert terms.find("an agreement to meet") == []
    assert [h.category for h in terms.find("the agreement was signed")] == ["agreement"]
