"""Merging events reported by several articles into canonical events.

Rules (all must hold between a new event and every member of a canonical event):
- same type, and never two events of the same article (an article already
  lists its events separately) -- except in one-article mode, used by the
  in-article dedup (`extractor.dedup`), where all events come from one article
  and the events must instead name the same thing: the fields the type's
  `subkind` and `identity` class variables name (agreement kind and title,
  visitor, figure kind, round), when both events give them, agree (`same_name`);
- parties compatible: Jaccard >= 0.5;
- dates (date_start, else date_end) within `date_tolerance` days; a null date is
  compatible with any date;
- no contradiction: a `must_agree` field (a dialogue's round) both set and
  different, or money figures (investments) in different currencies or more
  than 2 % apart, never merge.

Speed: events are processed once, in (article_id, event index) order, and only
compared with canonical events found through a blocking index keyed by type,
party (plus currency and amount bucket for money figures) and date bucket, so the
cost grows with block sizes, not with the square of the whole set. An undated
event first tries canonical events with exactly its parties, which is where its
best possible match lives, and scans its parties' whole blocks only when none fits.

Among several compatible canonical events the best is the one with the highest
party Jaccard, then the same subkind (the type's `subkind` class variable:
agreement kind, figure kind, visitor, round), then the earliest created (for an
undated event with a perfect match: the first found in the index). Deterministic
for a given set of events, in any input order.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extractor.analysis.matching import (
    AMOUNT_TOLERANCE,
    MIN_JACCARD,
    amounts_agree,
    is_money_figure,
    jaccard,
    key_of_event,
    subkind_value,
)
from extractor.schemas import ArticleResult, fields_class

DATE_TOLERANCE_DAYS = 2
# Fields that hold evidence, not facts about the event: kept per source instead.
PER_SOURCE_FIELDS = ("evidence", "grounded", "corrections")
# Free text differs in every source; reporting it as a conflict would be noise.
NO_CONFLICT_FIELDS = ("summary_en",)
_AMOUNT_BUCKET = math.log(1 / (1 - AMOUNT_TOLERANCE))
_ALL_DATES = "*"
_UNDATED = "-"
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class SourceEvent:
    """One event of one article, with what merging compares precomputed."""

    article_id: str
    language: str | None
    event_index: int
    fields: dict[str, Any]
    parties: frozenset[str]
    day: int | None
    subkind: str | None

    @classmethod
    def from_dump(cls, article_id: str, language: str | None, index: int, fields: dict[str, Any]) -> SourceEvent:
        anchor = fields.get("date_start") or fields.get("date_end")
        return cls(
            article_id=article_id,
            language=language,
            event_index=index,
            fields=fields,
            parties=frozenset(fields.get("parties") or ()),
            day=date.fromisoformat(anchor).toordinal() if anchor else None,
            subkind=key_of_event(fields).subkind,
        )

    @property
    def type(self) -> str:
        return self.fields["type"]


@dataclass(slots=True)
class Cluster:
    """A canonical event being built: its members and the ranges the rules check."""

    number: int
    members: list[SourceEvent] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    party_sets: set[frozenset[str]] = field(default_factory=set)
    min_day: int | None = None
    max_day: int | None = None
    has_undated: bool = False
    # Values of the type's `must_agree` fields (a dialogue's round) the members give.
    agreed: dict[str, set[Any]] = field(default_factory=dict)
    min_amount: float | None = None
    max_amount: float | None = None
    indexed: set[tuple[Any, ...]] = field(default_factory=set)

    @property
    def subkind(self) -> str | None:
        return self.members[0].subkind

    def add(self, item: SourceEvent) -> None:
        self.members.append(item)
        self.articles.add(item.article_id)
        self.party_sets.add(item.parties)
        if item.day is None:
            self.has_undated = True
        else:
            self.min_day = item.day if self.min_day is None else min(self.min_day, item.day)
            self.max_day = item.day if self.max_day is None else max(self.max_day, item.day)
        for name in fields_class(item.type).must_agree:
            if item.fields.get(name) is not None:
                self.agreed.setdefault(name, set()).add(_hashable(item.fields[name]))
        amount = item.fields.get("amount")
        if amount is not None:
            self.min_amount = amount if self.min_amount is None else min(self.min_amount, amount)
            self.max_amount = amount if self.max_amount is None else max(self.max_amount, amount)


class Merger:
    """Adds events one at a time to the best compatible canonical event, or starts a new one."""

    def __init__(self, date_tolerance: int = DATE_TOLERANCE_DAYS, *, one_article: bool = False) -> None:
        self.date_tolerance = date_tolerance
        # One article's events (the in-article dedup): events of the same article may
        # merge, but only when they name the same thing (see `names_agree`).
        self.one_article = one_article
        self._bucket_days = max(date_tolerance, 1)
        self.clusters: list[Cluster] = []
        self._blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        self._exact: dict[tuple[Any, ...], list[int]] = defaultdict(list)

    def add(self, item: SourceEvent) -> Cluster:
        cluster = self._best(item)
        if cluster is None:
            cluster = Cluster(len(self.clusters))
            self.clusters.append(cluster)
        cluster.add(item)
        self._index(cluster, item)
        return cluster

    # --- blocking ------------------------------------------------------------------

    def _base_tokens(self, item: SourceEvent, probe: bool) -> list[tuple[Any, ...]]:
        parties = party_tokens(item.parties, probe)
        if not is_money_figure(item.type):
            return [(item.type, party) for party in parties]
        bucket = math.floor(math.log(item.fields["amount"]) / _AMOUNT_BUCKET)
        # Amounts within 2 % are at most one bucket apart, so a probe looks at three.
        buckets = (bucket - 1, bucket, bucket + 1) if probe else (bucket,)
        return [(item.type, item.fields["currency"], b, party) for b in buckets for party in parties]

    def _day_bucket(self, day: int) -> int:
        return day // self._bucket_days

    def _index(self, cluster: Cluster, item: SourceEvent) -> None:
        # A dated cluster is found through its date buckets; the undated bucket only
        # holds clusters without any date, else every dated event would scan it.
        if item.day is not None:
            day: Any = self._day_bucket(item.day)
        elif cluster.min_day is None:
            day = _UNDATED
        else:
            day = None
        for base in self._base_tokens(item, probe=False):
            if day is not None:
                self._put(self._blocks, cluster, base + (day,))
            self._put(self._blocks, cluster, base + (_ALL_DATES,))
        exact = _exact_key(item)
        self._put(self._exact, cluster, exact)
        self._put(self._exact, cluster, exact + (item.subkind,))

    @staticmethod
    def _put(index: dict[tuple[Any, ...], list[int]], cluster: Cluster, key: tuple[Any, ...]) -> None:
        # Each cluster appears once per key, so block lists stay as short as the blocks.
        if key not in cluster.indexed:
            cluster.indexed.add(key)
            index[key].append(cluster.number)

    def _candidates(self, item: SourceEvent) -> Iterator[int]:
        seen: set[int] = set()
        if item.day is None:
            suffixes: tuple[Any, ...] = (_ALL_DATES,)
        else:
            b = self._day_bucket(item.day)
            suffixes = (b - 1, b, b + 1, _UNDATED)
        for base in self._base_tokens(item, probe=True):
            for suffix in suffixes:
                for number in self._blocks.get(base + (suffix,), ()):
                    if number not in seen:
                        seen.add(number)
                        yield number

    # --- choosing --------------------------------------------------------------------

    def _best(self, item: SourceEvent) -> Cluster | None:
        if item.day is None:
            # Undated events would otherwise scan every date bucket of their parties;
            # a cluster with exactly their parties (and amount) and the same subkind
            # has the best score possible, so the first compatible one wins.
            exact = _exact_key(item)
            for key, perfect in ((exact + (item.subkind,), (1.0, 1.0)), (exact, (1.0, 0.0))):
                for number in self._exact.get(key, ()):
                    if self._score(self.clusters[number], item) == perfect:
                        return self.clusters[number]
        best: tuple[float, float, int] | None = None
        for number in self._candidates(item):
            score = self._score(self.clusters[number], item)
            if score is not None:
                ranked = (score[0], score[1], -number)
                if best is None or ranked > best:
                    best = ranked
        return None if best is None else self.clusters[-best[2]]

    def _score(self, cluster: Cluster, item: SourceEvent) -> tuple[float, float] | None:
        if cluster.members[0].type != item.type:
            return None
        if self.one_article:
            if not all(names_agree(member, item) for member in cluster.members):
                return None
        elif item.article_id in cluster.articles:
            return None
        overlap = min(jaccard(item.parties, parties) for parties in cluster.party_sets)
        if overlap < MIN_JACCARD:
            return None
        if item.day is not None and cluster.min_day is not None:
            assert cluster.max_day is not None
            if item.day < cluster.max_day - self.date_tolerance or item.day > cluster.min_day + self.date_tolerance:
                return None
        for name in fields_class(item.type).must_agree:
            value = item.fields.get(name)
            known = cluster.agreed.get(name)
            if value is not None and known and known != {_hashable(value)}:
                return None
        if is_money_figure(item.type):
            first = cluster.members[0].fields
            amount = item.fields["amount"]
            if item.fields["currency"] != first["currency"]:
                return None
            assert cluster.min_amount is not None and cluster.max_amount is not None
            if not (amounts_agree(amount, cluster.min_amount) and amounts_agree(amount, cluster.max_amount)):
                return None
        return overlap, float(item.subkind is not None and item.subkind == cluster.subkind)


def identity_paths(event_type: str) -> tuple[str, ...]:
    """The fields that name what an event is about: its subkind and the type's `identity` fields."""
    kind = fields_class(event_type)
    paths = (kind.subkind, *kind.identity)
    return tuple(dict.fromkeys(p for p in paths if p))


def same_name(a: Any, b: Any) -> bool:
    """Whether two values name the same thing: equal words, or one's words within the other's.

    'Wang Yi' and 'Foreign Minister Wang Yi' name one visitor; 'mou' and
    'joint_statement', or two titles sharing under half their words, do not.
    """
    left = frozenset(_WORD.findall(str(a).casefold()))
    right = frozenset(_WORD.findall(str(b).casefold()))
    if not left or not right:
        return str(a).casefold() == str(b).casefold()
    return left <= right or right <= left or jaccard(left, right) >= MIN_JACCARD


def names_agree(a: SourceEvent, b: SourceEvent) -> bool:
    """No identity field (see `identity_paths`) that both events give names two different things."""
    for path in identity_paths(a.type):
        left, right = subkind_value(a.fields, path), subkind_value(b.fields, path)
        if left is not None and right is not None and not same_name(left, right):
            return False
    return True


def party_tokens(parties: frozenset[str], probe: bool) -> list[tuple[str, ...]]:
    """Blocking tokens such that any two party sets with Jaccard >= 0.5 share one.

    Two sets of two or more parties at Jaccard >= 0.5 share at least two parties,
    hence a pair; a single party {A} is only compatible with {A} and {A, B}.
    Blocking by pairs rather than single parties keeps China's hundreds of
    partners out of each other's blocks.
    """
    ordered = sorted(parties)
    if not ordered:
        return [("none",)]
    if len(ordered) == 1:
        return [("one", ordered[0]), ("member", ordered[0])] if probe else [("one", ordered[0])]
    tokens: list[tuple[str, ...]] = [("pair", a, b) for a, b in itertools.combinations(ordered, 2)]
    if len(ordered) == 2:
        tokens += [("one", a) for a in ordered] if probe else [("member", a) for a in ordered]
    return tokens


def _hashable(value: Any) -> Any:
    """A set member for a field value (nested objects and lists compare as JSON)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _exact_key(item: SourceEvent) -> tuple[Any, ...]:
    if is_money_figure(item.type):
        return (item.type, item.parties, item.fields["currency"], item.fields["amount"])
    return (item.type, item.parties)


def source_events(results: Iterable[ArticleResult]) -> list[SourceEvent]:
    """Every event of the ok results."""
    items = []
    for result in results:
        if result.status != "ok":
            continue
        for index, event in enumerate(result.events):
            dump = event.model_dump(mode="json")
            items.append(SourceEvent.from_dump(result.article_id, result.source.language, index, dump))
    return items


def merge_events(items: Iterable[SourceEvent], date_tolerance: int = DATE_TOLERANCE_DAYS) -> list[dict[str, Any]]:
    """Canonical events as JSON-ready dicts, ordered by type then first source."""
    merger = Merger(date_tolerance)
    # Processing order decides ties, so fix it here: any input order gives the same output.
    for item in sorted(items, key=lambda item: (item.article_id, item.event_index)):
        merger.add(item)
    clusters = sorted(
        merger.clusters,
        key=lambda c: (c.members[0].type, c.members[0].article_id, c.members[0].event_index),
    )
    return [canonical_event(cluster, date_tolerance) for cluster in clusters]


def merge_results(results: Iterable[ArticleResult], date_tolerance: int = DATE_TOLERANCE_DAYS) -> list[dict[str, Any]]:
    return merge_events(source_events(results), date_tolerance)


# --- canonical values ---------------------------------------------------------------


def _vote_key(name: str, value: Any) -> str:
    if name == "parties" and isinstance(value, list):
        value = sorted(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _is_unknown(value: Any) -> bool:
    return value is None or value == [] or value == {}


def canonical_event(cluster: Cluster, date_tolerance: int = DATE_TOLERANCE_DAYS) -> dict[str, Any]:
    members = sorted(cluster.members, key=lambda m: (m.article_id, m.event_index))
    names: list[str] = []
    for member in members:
        names += [n for n in member.fields if n not in names and n not in PER_SOURCE_FIELDS]
    ident = hashlib.sha1("|".join(f"{m.article_id}#{m.event_index}" for m in members).encode("utf-8")).hexdigest()[:12]
    event: dict[str, Any] = {"type": members[0].type, "id": f"ce-{ident}"}
    conflicts: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        if name == "type":
            continue
        value, disagreement = _vote(name, members)
        event[name] = value
        if disagreement and name not in NO_CONFLICT_FIELDS:
            conflicts[name] = disagreement
    event["sources"] = [
        {
            "article_id": m.article_id,
            "language": m.language,
            "event_index": m.event_index,
            "evidence": m.fields.get("evidence", []),
        }
        for m in members
    ]
    event["conflicts"] = conflicts
    event["merge_rule"] = merge_rule(cluster, date_tolerance)
    return event


def _vote(name: str, members: list[SourceEvent]) -> tuple[Any, list[dict[str, Any]]]:
    """Majority value; ties go to the earliest article. Unknown values (null, []) do not vote.

    Returns the value and, when sources disagree, every value with its articles.
    """
    votes: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for member in members:
        value: Any = member.fields.get(name)
        if _is_unknown(value):
            continue
        key = _vote_key(name, value)
        values.setdefault(key, sorted(value) if name == "parties" else value)
        votes.setdefault(key, []).append(member.article_id)
    if not votes:
        return members[0].fields.get(name), []
    # dicts keep insertion order: first seen = earliest article, so the sort is stable on ties.
    ranked = sorted(votes, key=lambda key: -len(votes[key]))
    disagreement = [{"value": values[key], "article_ids": votes[key]} for key in ranked] if len(ranked) > 1 else []
    return values[ranked[0]], disagreement


def merge_rule(cluster: Cluster, date_tolerance: int = DATE_TOLERANCE_DAYS, *, one_article: bool = False) -> str:
    """A sentence saying why these sources were merged."""
    n = len(cluster.members)
    kind = cluster.members[0].type
    if n == 1:
        return f"single source: no compatible {kind} event in another article"
    overlap = min(jaccard(a, b) for a in cluster.party_sets for b in cluster.party_sets)
    parts = [
        f"{n} events of one article" if one_article else f"{n} events from {len(cluster.articles)} articles",
        f"same type {kind}",
        f"parties Jaccard >= {MIN_JACCARD} (lowest {overlap:.2f})",
    ]
    if cluster.min_day is None:
        parts.append("all undated (null dates are compatible)")
    else:
        assert cluster.max_day is not None
        spread = cluster.max_day - cluster.min_day
        undated = " and some undated" if cluster.has_undated else ""
        parts.append(f"dates within {date_tolerance} days (spread {spread} days){undated}")
    for name, values in cluster.agreed.items():
        parts.append(f"{name} {next(iter(values))} agrees")
    if is_money_figure(kind) and cluster.min_amount and cluster.max_amount:
        gap = 100 * (cluster.max_amount - cluster.min_amount) / cluster.max_amount
        currency = cluster.members[0].fields["currency"]
        parts.append(f"same currency {currency}, amounts within {AMOUNT_TOLERANCE:.0%} (gap {gap:.1f}%)")
    if one_article:
        for path in identity_paths(kind):
            given = [v for m in cluster.members if (v := subkind_value(m.fields, path)) is not None]
            if given:
                parts.append(f"{path} {given[0]!r} agrees" if len(given) > 1 else f"{path} given once")
    return "; ".join(parts)
