"""Tying each event to the article's own words.

Every quote the model gave is located in the article (exact, then on folded
text, then fuzzy). An event none of whose quotes is found is rejected, not
silently kept; `keep_ungrounded` keeps it, marked `grounded: false`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from extractor.reader import Article
from extractor.schemas import EVENT_TYPES, Evidence, RejectedEvent
from extractor.text.align import Alignment, ArticleAligner


@dataclass
class Grounded:
    events: list[BaseModel]
    rejected: list[RejectedEvent]


class Grounder:
    """Aligns quotes against one article's body; offsets are into the file as read."""

    def __init__(self, article: Article) -> None:
        self._text = article.text
        self._offset = article.body_start
        self._aligner = ArticleAligner(article.body)
        self._found: dict[str, Alignment | None] = {}

    def _align(self, quote: str) -> Alignment | None:
        # Each quote is checked during validation and then located for storage:
        # align it once (a fuzzy search over a long article is the costly part).
        if quote not in self._found:
            self._found[quote] = self._aligner.align(quote)
        return self._found[quote]

    def contains(self, quote: str) -> bool:
        return self._align(quote) is not None

    def locate(self, quote: str) -> Evidence:
        found = self._align(quote)
        if found is None:
            return Evidence(quote=quote)
        start, end = found.start + self._offset, found.end + self._offset
        # The stored quote is always the article's own span, whatever the model wrote
        # (other digits' script, another spelling, a slight paraphrase): evidence is
        # the text's words, and text[start:end] == quote holds for every match kind.
        return Evidence(quote=self._text[start:end], start=start, end=end, match=found.match)

    def ground(self, answer_events: Sequence[BaseModel], *, keep_ungrounded: bool = False) -> Grounded:
        events: list[BaseModel] = []
        rejected: list[RejectedEvent] = []
        for answer in answer_events:
            # The answer's own values, not a dump of them: validated already, they pass
            # into the stored variant as they are (nested models included), unchanged.
            fields = dict(answer.__dict__)
            evidence = [self.locate(q) for q in fields.pop("evidence")]
            grounded = any(e.match is not None for e in evidence)
            if not grounded and not keep_ungrounded:
                reason = "no evidence quote was found in the article text"
                rejected.append(RejectedEvent(reason=reason, event=answer.model_dump(mode="json")))
                continue
            # Quotes that were not found stay visible, without offsets, next to found ones.
            stored = EVENT_TYPES[fields["type"]].model_validate({**fields, "evidence": evidence, "grounded": grounded})
            events.append(stored)
        return Grounded(events, rejected)
