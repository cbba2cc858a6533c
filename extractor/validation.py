"""Validating a model's answer event by event (issue 9, item 1).

One bad field used to fail the whole answer, and after the re-asks the whole
article: every good event in it was lost. Here each event is coerced
(`extractor.coerce`) and validated on its own:

- the valid events are kept as soon as they arrive;
- a re-ask names only the events that failed, by their index in the last
  answer, with their field errors, and asks for the whole answer again;
- the events of the new answer are paired with those of the previous one
  (same type, alike quotes or summary, else the same position among its
  type), so a fixed event replaces its failed version, a repeated valid
  event is not counted twice, and a failed event the model left out is
  *withdrawn*;
- after the last re-ask, an event whose only fault is a quote not found in
  the article is kept (grounding then rejects it with its reason, or keeps
  it marked under --keep-ungrounded); every other failing event goes to
  `rejected` with its field errors.

An answer is unusable as a whole only when it is not JSON, has no `events`
list, or was cut off; `Unusable` says which.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz

from extractor.coerce import coerce_event
from extractor.schemas import ANSWER_TYPES, ArticleEvents, RejectedEvent, checking_quotes, error_lines

__all__ = ["AnswerSession", "CheckedEvent", "Unusable", "check_event", "events_of"]

# Two events of one type are the same event across attempts when their quotes or
# summaries are at least this alike (rapidfuzz ratio, 0-100).
SAME_EVENT = 70.0
_QUOTE_FAULT = "not in the article"


class Unusable(Exception):
    """The answer as a whole cannot be read: not JSON, no events list."""


def events_of(text: str | None) -> list[Any]:
    """The raw events of an answer's JSON text; `Unusable` when there is no such list."""
    if not text or not text.strip():
        raise Unusable("the answer was empty; answer with a JSON object holding an 'events' list")
    try:
        data = json.loads(_json_part(text))
    except ValueError:
        raise Unusable("the answer was not JSON; answer with a JSON object holding an 'events' list") from None
    if isinstance(data, list):
        data = {"events": data}
    # The schema the model is given defaults `events` to an empty list: an object without it is "no events".
    events = data.get("events", []) if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise Unusable("the answer has no 'events' list; answer with a JSON object holding an 'events' list")
    return events


def _json_part(text: str) -> str:
    """The JSON inside a markdown code block or surrounding prose, as models in md_json mode write it."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        return stripped
    if "```" in stripped:
        inner = stripped.split("```", 2)[1]
        return inner.removeprefix("json").strip()
    start, end = stripped.find("{"), stripped.rfind("}")
    return stripped[start : end + 1] if 0 <= start < end else stripped


@dataclass
class CheckedEvent:
    raw: Any
    event: BaseModel | None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.event is not None

    @property
    def only_quotes_wrong(self) -> bool:
        return bool(self.errors) and all(_QUOTE_FAULT in e for e in self.errors)


def check_event(raw: Any, quote_check: Callable[[str], bool] | None) -> CheckedEvent:
    """Coerce then validate one event of an answer."""
    with checking_quotes(quote_check):
        return _checked(raw)


def _checked(raw: Any) -> CheckedEvent:
    """`check_event`, with the quote check already in place (one block for a whole answer)."""
    if not isinstance(raw, dict):
        return CheckedEvent(raw, None, ["the event is not a JSON object"])
    model = ANSWER_TYPES.get(str(raw.get("type")))
    if model is None:
        known = ", ".join(ANSWER_TYPES)
        return CheckedEvent(raw, None, [f"type: {raw.get('type')!r} is not an event type; use one of {known}"])
    given = {k: v for k, v in raw.items() if k != "corrections"}  # the model does not write our records
    coerced, corrections = coerce_event(given)
    coerced["corrections"] = corrections  # as they are: validated records need no round trip
    try:
        return CheckedEvent(raw, model.model_validate(coerced))
    except ValidationError as exc:
        return CheckedEvent(raw, None, field_errors(exc))


def field_errors(exc: ValidationError) -> list[str]:
    """Pydantic's errors as 'field: message' (the project's one wording), without the 'Value error, ' prefix."""
    return [line.replace(": Value error, ", ": ", 1) for line in error_lines(exc, whole="event")]


@dataclass
class _Slot:
    """One event of the article across attempts."""

    checked: CheckedEvent
    accepted: bool
    withdrawn: bool = False


class AnswerSession:
    """The events of one article across the first answer and its re-asks."""

    def __init__(self, quote_check: Callable[[str], bool] | None) -> None:
        self._quote_check = quote_check
        self._slots: list[_Slot] = []
        self._last: list[_Slot] = []  # the latest answer's events, in its order
        self.answers = 0

    def take(self, raw_events: list[Any]) -> None:
        """Check a (first or re-asked) answer and merge it into what is kept."""
        with checking_quotes(self._quote_check):
            checked = [_checked(raw) for raw in raw_events]
        pairs = _pair(self._last, checked) if self.answers else {}
        latest: list[_Slot] = []
        for k, item in enumerate(checked):
            slot = pairs.get(k)
            if slot is None:
                slot = _Slot(item, accepted=item.ok)
                self._slots.append(slot)
            elif not slot.accepted:  # a re-asked event: its new version counts
                slot.checked, slot.accepted = item, item.ok
            latest.append(slot)
        if self.answers:
            for slot in self.pending:
                if all(slot is not s for s in latest):
                    slot.withdrawn = True
        self._last = latest
        self.answers += 1

    @property
    def pending(self) -> list[_Slot]:
        return [s for s in self._slots if not s.accepted and not s.withdrawn]

    def reask_text(self) -> str:
        lines = ["Some events of your answer are invalid; the others are accepted as they are."]
        pending = {id(s) for s in self.pending}
        for index, slot in enumerate(self._last):
            if id(slot) in pending:
                raw = slot.checked.raw
                label = f"{raw.get('type')}: {str(raw.get('summary_en', ''))[:80]}" if isinstance(raw, dict) else ""
                lines.append(f"events[{index}] ({label})")
                lines.extend(f"  - events[{index}].{error}" for error in slot.checked.errors)
        lines.append(
            "Answer again with the complete list of events: correct the fields named above, leave out an "
            "event the article does not state, and keep the other events unchanged."
        )
        return "\n".join(lines)

    def finish(self, reasks: int) -> tuple[ArticleEvents, list[RejectedEvent], list[str]]:
        """The valid events, the rejected ones with their reasons, and the warnings."""
        events: list[BaseModel] = []
        rejected: list[RejectedEvent] = []
        failed = withdrawn = 0
        for slot in self._slots:
            if slot.accepted:
                assert slot.checked.event is not None
                events.append(slot.checked.event)
                continue
            unchecked = check_event(slot.checked.raw, None)
            if not slot.withdrawn and slot.checked.only_quotes_wrong and unchecked.ok:
                # Grounding decides about quotes: it rejects the event with its own
                # reason, or keeps it marked under --keep-ungrounded.
                assert unchecked.event is not None
                events.append(unchecked.event)
                continue
            raw = slot.checked.raw if isinstance(slot.checked.raw, dict) else {"value": slot.checked.raw}
            if slot.withdrawn:
                withdrawn += 1
                reason = "the model left this event out when re-asked about its errors"
            else:
                failed += 1
                reason = f"failed validation after {reasks} re-ask(s)"
            rejected.append(RejectedEvent(reason=reason, event=raw, errors=slot.checked.errors))
        warnings = []
        if failed:
            warnings.append(f"{failed} event(s) still invalid after the re-asks were rejected; the others are kept")
        if withdrawn:
            warnings.append(f"{withdrawn} invalid event(s) were left out by the model when re-asked; rejected")
        if any(s.checked.only_quotes_wrong for s in self._slots if not s.withdrawn and not s.accepted):
            warnings.append("re-asks exhausted on quotes not found in the article; kept the last answer")
        return ArticleEvents(events=events), rejected, warnings


def _pair(previous: list[_Slot], checked: list[CheckedEvent]) -> dict[int, _Slot]:
    """New event index -> the slot of the previous answer's event it restates."""
    scored: list[tuple[float, int, int]] = []
    for k, item in enumerate(checked):
        for i, slot in enumerate(previous):
            likeness = _likeness(slot.checked.raw, item.raw, i == k)
            if likeness is not None:
                scored.append((likeness, k, i))
    pairs: dict[int, _Slot] = {}
    used: set[int] = set()
    for _score, k, i in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if k in pairs or i in used:
            continue
        pairs[k] = previous[i]
        used.add(i)
    return pairs


def _likeness(old: Any, new: Any, same_position: bool) -> float | None:
    if not isinstance(old, dict) or not isinstance(new, dict) or old.get("type") != new.get("type"):
        return None
    texts_old = _texts(old)
    texts_new = _texts(new)
    best = max((fuzz.ratio(a, b) for a in texts_old for b in texts_new), default=0.0)
    if best >= SAME_EVENT:
        return best
    return 1.0 if same_position else None  # last resort, below any real likeness


def _texts(event: dict[str, Any]) -> list[str]:
    quotes = event.get("evidence")
    texts = [str(q) for q in quotes] if isinstance(quotes, list) else []
    if isinstance(event.get("summary_en"), str):
        texts.append(event["summary_en"])
    return texts
