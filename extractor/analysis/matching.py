"""Deciding which events are "the same event": one set of rules for eval, diff and merge.

Two events can match when they have the same type and
- money figures (investments): the same currency and amounts at most 2 % apart;
- every other type: parties (gold: countries) with a Jaccard index of at least 0.5.

Among several candidates the best score wins; `subkind` (the field the type's
`subkind` class variable names: agreement kind, figure kind, visitor, round)
only breaks ties so that, say, a predicted action plan pairs
with the gold action plan rather than with the joint statement of the same parties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from extractor.schemas import fields_class

AMOUNT_TOLERANCE = 0.02
MIN_JACCARD = 0.5

Score = tuple[float, ...]


@dataclass(frozen=True)
class MatchKey:
    """What matching looks at, taken from a stored event or a gold event."""

    type: str
    parties: frozenset[str]
    amount: float | None = None
    currency: str | None = None
    subkind: str | None = None


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are identical, so 1.0."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def relative_gap(a: float, b: float) -> float:
    """How far apart two positive amounts are, relative to the larger one."""
    return abs(a - b) / max(abs(a), abs(b)) if a or b else 0.0


def amounts_agree(a: float, b: float, tolerance: float = AMOUNT_TOLERANCE) -> bool:
    return relative_gap(a, b) <= tolerance + 1e-12


def subkind_value(fields: Mapping[str, Any], path: str | None) -> Any:
    """The value at a dotted path ("visitor.name_en"); a plain value stops the walk.

    Gold files give a nested object as a plain value (a visit's `visitor` is
    the name), so a non-object on the way is the value itself.
    """
    if path is None:
        return None
    value: Any = fields
    for part in path.split("."):
        if not isinstance(value, Mapping):
            break
        value = value.get(part)
    return value


def _subkind(fields: Mapping[str, Any]) -> str | None:
    value = subkind_value(fields, fields_class(fields.get("type", "")).subkind)
    return None if value is None else str(value).strip().lower()


def is_money_figure(event_type: str) -> bool:
    """Whether events of this type are matched by currency and amount rather than parties."""
    return fields_class(event_type).money_figure


def key_of_event(event: BaseModel | Mapping[str, Any]) -> MatchKey:
    """The key of a stored event (a model or its JSON dump)."""
    fields = event.model_dump(mode="json") if isinstance(event, BaseModel) else event
    return MatchKey(
        type=fields["type"],
        parties=frozenset(fields.get("parties") or ()),
        amount=fields.get("amount"),
        currency=fields.get("currency"),
        subkind=_subkind(fields),
    )


def key_of_gold(gold: Mapping[str, Any]) -> MatchKey:
    """The key of a gold event: gold says `countries` where results say `parties`."""
    return MatchKey(
        type=gold["type"],
        parties=frozenset(gold.get("countries") or ()),
        amount=gold.get("amount"),
        currency=gold.get("currency"),
        subkind=_subkind(gold),
    )


def match_score(a: MatchKey, b: MatchKey) -> Score | None:
    """None when the rules forbid a match; otherwise a score where higher is better."""
    if a.type != b.type:
        return None
    tie_break = 1.0 if a.subkind is not None and a.subkind == b.subkind else 0.0
    if is_money_figure(a.type):
        if a.currency != b.currency or a.amount is None or b.amount is None:
            return None
        if not amounts_agree(a.amount, b.amount):
            return None
        return (1.0 - relative_gap(a.amount, b.amount), tie_break)
    overlap = jaccard(a.parties, b.parties)
    if overlap < MIN_JACCARD:
        return None
    return (overlap, tie_break)


def greedy_assign(scored: Iterable[tuple[Score, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs, best score first; equal scores go to the lowest indices.

    Greedy rather than optimal assignment: articles hold a handful of events,
    and a rule a reader can follow by hand matters more than a global optimum.
    """
    pairs: list[tuple[int, int]] = []
    used_left: set[int] = set()
    used_right: set[int] = set()
    for _score, i, j in sorted(scored, key=lambda item: (tuple(-s for s in item[0]), item[1], item[2])):
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def match_keys(left: Sequence[MatchKey], right: Sequence[MatchKey]) -> list[tuple[int, int]]:
    """Pair events of two lists (e.g. an old and a new run of one article)."""
    scored = []
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            score = match_score(a, b)
            if score is not None:
                scored.append((score, i, j))
    return greedy_assign(scored)
