"""The rules coder as a second opinion on a model (`--prefilter rules`, `--cross-check rules`).

- Prefilter: an article in which no trigger of any event type occurs is not sent to
  the model; at scale most articles carry no event of these types.
- Cross-check: each model event is paired with a rules event by the same matching
  rules as `extractor eval` and `extractor diff` (same type; money by currency and
  amount within 2 %, other types by parties with a Jaccard index of at least 0.5). A
  paired model event is `agreed`, an unpaired one `model_only`; rules events no model
  event pairs with are returned as candidates, for a reviewer to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel

from extractor.analysis.matching import key_of_event, match_keys
from extractor.reader import Article
from extractor.rules.coder import has_trigger

# Name -> "may this article hold an event?"; the names are what --prefilter accepts.
PREFILTERS: dict[str, Callable[[Article], bool]] = {"rules": has_trigger}
CROSS_CHECKS = ("rules",)


def cross_check(
    model_events: Sequence[BaseModel], rules_events: Sequence[BaseModel]
) -> tuple[list[BaseModel], list[BaseModel]]:
    """(model events marked agreed/model_only, rules events no model event matches)."""
    pairs = match_keys([key_of_event(e) for e in model_events], [key_of_event(e) for e in rules_events])
    agreed = {i for i, _ in pairs}
    used = {j for _, j in pairs}
    marked = [
        event.model_copy(update={"cross_check": "agreed" if i in agreed else "model_only"})
        for i, event in enumerate(model_events)
    ]
    return marked, [event for j, event in enumerate(rules_events) if j not in used]
