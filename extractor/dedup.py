"""In-article dedup: two events of one article that describe the same thing become one.

Models list one event twice (once per paragraph that mentions it, or once per
quote). The same rules as `extractor merge` decide (`extractor.analysis.merging`
in one-article mode): same type; parties with a Jaccard index of at least 0.5;
dates within two days, a null date compatible with any; no contradiction in
round, currency or amount (2 %); and, because both events come from one
article, the fields that name the thing -- agreement kind and title, visitor,
figure kind, round -- agree wherever both events give them.

The event kept is the first of the group, in the answer's order. It takes the
union of the group's evidence and corrections, and fills the fields it left
unknown (null, empty list) from the later events; it never overwrites a value
it gave. Each merge is reported as a `Merge`, whose `note` names the rule that
merged the events and the fields taken from the others; the pipeline puts the
notes in the article's warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from extractor.analysis.merging import (
    DATE_TOLERANCE_DAYS,
    PER_SOURCE_FIELDS,
    Merger,
    SourceEvent,
    merge_rule,
)

__all__ = ["Merge", "dedupe"]


@dataclass(frozen=True)
class Merge:
    """Events of one answer merged into one: positions are in the list given to `dedupe`."""

    kept: int
    merged: tuple[int, ...]
    event_type: str
    rule: str
    filled: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        others = ", ".join(str(i) for i in self.merged)
        filled = f"; took {', '.join(self.filled)} from the merged events" if self.filled else ""
        return (
            f"duplicate {self.event_type} events merged: event {self.kept} kept, event(s) {others} "
            f"folded into it with their evidence ({self.rule}){filled}"
        )


def dedupe(
    events: Sequence[BaseModel], date_tolerance: int = DATE_TOLERANCE_DAYS
) -> tuple[list[BaseModel], list[Merge]]:
    """The events with duplicates merged, in the answer's order, and what was merged."""
    # Events of different types never merge (the merger's first rule): only the events of
    # a type that occurs more than once go through it, and only they are dumped for it.
    types = [event.type for event in events]  # type: ignore[attr-defined]
    counts = Counter(types)
    alike = [index for index, name in enumerate(types) if counts[name] > 1]
    if not alike:
        return list(events), []
    dumps = {index: events[index].model_dump(mode="json") for index in alike}
    merger = Merger(date_tolerance, one_article=True)
    for index in alike:
        merger.add(SourceEvent.from_dump("", None, index, dumps[index]))
    kept: dict[int, BaseModel] = {index: event for index, event in enumerate(events) if index not in dumps}
    merges: list[Merge] = []
    for cluster in merger.clusters:
        first, *rest = sorted(m.event_index for m in cluster.members)
        if not rest:
            kept[first] = events[first]
            continue
        event, filled = _combine(events[first], [dumps[i] for i in (first, *rest)])
        kept[first] = event
        rule = merge_rule(cluster, date_tolerance, one_article=True)
        merges.append(Merge(first, tuple(rest), dumps[first]["type"], rule, filled))
    return [kept[i] for i in sorted(kept)], sorted(merges, key=lambda m: m.kept)


def _combine(first: BaseModel, dumps: list[dict[str, Any]]) -> tuple[BaseModel, tuple[str, ...]]:
    """The first event with the group's evidence and corrections, its unknowns filled from the rest."""
    combined = dict(dumps[0])
    evidence: list[dict[str, Any]] = []
    for dump in dumps:
        for item in dump.get("evidence", []):
            if item not in evidence:
                evidence.append(item)
    combined["evidence"] = evidence
    combined["corrections"] = [c for dump in dumps for c in dump.get("corrections", [])]
    combined["grounded"] = any(dump.get("grounded", True) for dump in dumps)
    base = type(first).model_validate(combined)
    filled: list[str] = []
    for dump in dumps[1:]:
        for name, value in dump.items():
            if name in PER_SOURCE_FIELDS or name == "type" or not _unknown(combined.get(name)) or _unknown(value):
                continue
            combined[name] = value
            filled.append(name)
    if not filled:
        return base, ()
    try:
        return type(first).model_validate(combined), tuple(filled)
    except ValidationError:
        # Filled values that do not fit together (a date_end before the kept
        # date_start): keep the first event's own values rather than guess.
        return base, ()


def _unknown(value: Any) -> bool:
    return value is None or value == [] or value == {}
