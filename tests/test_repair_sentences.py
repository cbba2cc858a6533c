"""repair's sentence bounds (found by bisect over the sentence ends of the body) are the bounds
of the plain scan they replaced, for any text, body start and span."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.reader import Article
from extractor.repair import _SENTENCE_END, _Context

Span = tuple[int, int]


def scanned(text: str, body_start: int, start: int, end: int) -> Span:
    """The reference: scan from the body's start up to the span, then search on from it."""
    s_start = max(body_start, 0)
    for match in _SENTENCE_END.finditer(text, s_start, start):
        s_start = match.end()
    found = _SENTENCE_END.search(text, max(start, end - 1))
    return s_start, found.end() if found else len(text)


class _NoMentions:
    countries: list[object] = []


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab 1.\n\t!?\u061f\u06d4\u3002\uff01\uff1f\u00a0", max_size=60),
    data=st.data(),
)
def test_sentence_bounds_match_the_scan(text: str, data: st.DataObject) -> None:
    body_start = data.draw(st.integers(0, len(text)))
    context = _Context(Article("a", "a.txt", text, body_start, None, ""), _NoMentions())  # type: ignore[arg-type]
    for _ in range(4):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        assert context.sentence(start, end) == scanned(text, body_start, start, end)


def test_a_full_stop_right_before_the_span_ends_the_sentence_before_it() -> None:
    text = "One.Two three. Four"
    context = _Context(Article("a", "a.txt", text, 0, None, ""), _NoMentions())  # type: ignore[arg-type]
    assert context.sentence(4, 7) == scanned(text, 0, 4, 7) == (4, 14)
