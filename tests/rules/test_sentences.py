"""Sentence splitting for every script: spans are exact and terminators are each script's own."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.rules.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks ended. Both sides signed it! Why?", ["The talks ended.", "Both sides signed it!", "Why?"]),
        ("Trade rose 15.8 percent. Next.", ["Trade rose 15.8 percent.", "Next."]),
        ("The U.S. delegation left. Then rain.", ["The U.S. delegation left.", "Then rain."]),
        ("وزیر به تهران رفت. سپس به مسکو رفت؟ بله", ["وزیر به تهران رفت.", "سپس به مسکو رفت؟", "بله"]),
        ("وزیراعظم ریاض پہنچے۔ انہوں نے ملاقات کی۔", ["وزیراعظم ریاض پہنچے۔", "انہوں نے ملاقات کی۔"]),
        ("وصل الوزير؛ ثم غادر.وأوضح المصدر", ["وصل الوزير؛", "ثم غادر.", "وأوضح المصدر"]),
        ("双方签署协议。会谈顺利！还有吗？好", ["双方签署协议。", "会谈顺利！", "还有吗？", "好"]),
        ("Le président est arrivé.\nIl a signé", ["Le président est arrivé.", "Il a signé"]),
        ("« Nous avons signé. » Puis il partit.", ["« Nous avons signé. »", "Puis il partit."]),
    ],
)
def test_terminators_of_each_script(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_point_into_the_text_after_a_start() -> None:
    text = " date 2026-01-05 x\nFirst one. Second one."
    sentences = split_sentences(text, start=19)
    assert [(s.text, text[s.start : s.end]) for s in sentences] == [
        ("First one.", "First one."),
        ("Second one.", "Second one."),
    ]


@given(st.text(alphabet=st.sampled_from(list("ab .۔؟。！？؛\n1١")), max_size=60))
def test_spans_are_exact_ordered_and_trimmed(text: str) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end
