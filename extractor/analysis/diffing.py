"""Comparing two result files article by article, event by event.

Events are paired with the same rules as `eval` (type + parties or amount), so
two runs with different models or prompts compare by content, not by position.

Ignoring fields: each name is a dotted path, relative to the result line for
article fields (`usage`, `model.name`) and to the event for event fields
(`summary_en`, `evidence.start`); a name also covers everything below it
(`evidence` ignores quotes and offsets). By default `usage`, `cached` and `answer_key` are
ignored: they describe the run (cost, cache hits, a hash of its inputs), not its results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from extractor.analysis.matching import key_of_event, match_keys
from extractor.schemas import ArticleResult

# What describes a run rather than its results: cost, cache hits, and the hash of
# the request's inputs (a changed prompt or model shows in prompt_sha256 and model).
DEFAULT_IGNORE = ("usage", "cached", "answer_key")
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any


@dataclass
class EventChange:
    old_index: int
    new_index: int
    type: str
    changes: list[FieldChange]


@dataclass
class ArticleDiff:
    article_id: str
    change: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)
    added: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    removed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    changed: list[EventChange] = field(default_factory=list)

    @property
    def status_changed(self) -> bool:
        return any(change.path == "status" for change in self.fields)

    def is_empty(self) -> bool:
        return self.change == "changed" and not (self.fields or self.added or self.removed or self.changed)


@dataclass
class RunDiff:
    articles: list[ArticleDiff]
    compared: int
    ignored: list[str]

    @property
    def has_changes(self) -> bool:
        return bool(self.articles)

    def summary(self) -> dict[str, int]:
        by_change = [a.change for a in self.articles]
        return {
            "articles_compared": self.compared,
            "articles_added": by_change.count("added"),
            "articles_removed": by_change.count("removed"),
            "articles_changed": by_change.count("changed"),
            "articles_status_changed": sum(a.status_changed for a in self.articles),
            "events_added": sum(len(a.added) for a in self.articles),
            "events_removed": sum(len(a.removed) for a in self.articles),
            "events_changed": sum(len(a.changed) for a in self.articles),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "ignored": self.ignored,
            "articles": [_article_json(a) for a in self.articles],
        }


def is_ignored(path: str, ignore: Iterable[str]) -> bool:
    """True when `path` (list indices dropped) is an ignored name or lies below one."""
    plain = _INDEX.sub("", path)
    return any(plain == name or plain.startswith(name + ".") for name in ignore)


def diff_values(old: Any, new: Any, path: str, ignore: Iterable[str]) -> list[FieldChange]:
    """Field-by-field changes; lists of objects of equal length compare item by item."""
    if path and is_ignored(path, ignore):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else key
            changes += diff_values(old.get(key), new.get(key), sub, ignore)
        return changes
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and len(old) == len(new)
        and any(isinstance(item, dict) for item in old + new)
    ):
        changes = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            changes += diff_values(a, b, f"{path}[{index}]", ignore)
        return changes
    return [] if old == new else [FieldChange(path, old, new)]


def diff_runs(old: Mapping[str, ArticleResult], new: Mapping[str, ArticleResult], ignore: Iterable[str]) -> RunDiff:
    ignore = sorted(set(ignore))
    articles = []
    for article_id in sorted(set(old) | set(new)):
        if article_id not in new:
            articles.append(ArticleDiff(article_id, "removed", removed=list(enumerate(_dumps(old[article_id])))))
        elif article_id not in old:
            articles.append(ArticleDiff(article_id, "added", added=list(enumerate(_dumps(new[article_id])))))
        else:
            diff = diff_article(old[article_id], new[article_id], ignore)
            if not diff.is_empty():
                articles.append(diff)
    return RunDiff(articles, len(set(old) | set(new)), ignore)


def diff_article(old: ArticleResult, new: ArticleResult, ignore: list[str]) -> ArticleDiff:
    old_line, new_line = old.model_dump(mode="json"), new.model_dump(mode="json")
    for name in ("article_id", "events"):
        old_line.pop(name)
        new_line.pop(name)
    diff = ArticleDiff(old.article_id, "changed", fields=diff_values(old_line, new_line, "", ignore))
    if is_ignored("events", ignore):
        return diff
    old_events, new_events = _dumps(old), _dumps(new)
    pairs = match_keys([key_of_event(e) for e in old_events], [key_of_event(e) for e in new_events])
    for i, j in pairs:
        changes = diff_values(old_events[i], new_events[j], "", ignore)
        if changes:
            diff.changed.append(EventChange(i, j, old_events[i]["type"], changes))
    matched_old, matched_new = {i for i, _ in pairs}, {j for _, j in pairs}
    diff.removed = [(i, e) for i, e in enumerate(old_events) if i not in matched_old]
    diff.added = [(j, e) for j, e in enumerate(new_events) if j not in matched_new]
    return diff


def _dumps(result: ArticleResult) -> list[dict[str, Any]]:
    return [event.model_dump(mode="json") for event in result.events]


def _article_json(a: ArticleDiff) -> dict[str, Any]:
    return {
        "article_id": a.article_id,
        "change": a.change,
        "fields": [vars(c) for c in a.fields],
        "events_added": [{"index": i, "event": e} for i, e in a.added],
        "events_removed": [{"index": i, "event": e} for i, e in a.removed],
        "events_changed": [
            {
                "old_index": c.old_index,
                "new_index": c.new_index,
                "type": c.type,
                "changes": [vars(f) for f in c.changes],
            }
            for c in a.changed
        ],
    }


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _event_line(sign: str, index: int, event: Mapping[str, Any]) -> str:
    parties = ";".join(event.get("parties") or []) or "-"
    return f"    {sign} event {index} {event['type']} {parties}: {event.get('summary_en', '')}"


def format_text(diff: RunDiff) -> str:
    """What `extractor diff` prints: one block per changed article, then a summary line."""
    marks = {"added": "+", "removed": "-", "changed": "~"}
    lines = []
    for a in diff.articles:
        lines.append(f"{marks[a.change]} {a.article_id}" + ("" if a.change == "changed" else f" ({a.change})"))
        lines += [f"    {c.path}: {_short(c.old)} -> {_short(c.new)}" for c in a.fields]
        lines += [_event_line("-", i, e) for i, e in a.removed]
        lines += [_event_line("+", i, e) for i, e in a.added]
        for c in a.changed:
            lines.append(f"    ~ event {c.old_index} -> {c.new_index} {c.type}")
            lines += [f"        {f.path}: {_short(f.old)} -> {_short(f.new)}" for f in c.changes]
    s = diff.summary()
    lines.append(
        f"{s['articles_compared']} articles compared: {s['articles_added']} added, "
        f"{s['articles_removed']} removed, "
        f"{s['articles_changed']} changed ({s['articles_status_changed']} status changed); events: "
        f"{s['events_added']} added, {s['events_removed']} removed, {s['events_changed']} changed"
        + (f"; ignored: {', '.join(diff.ignored)}" if diff.ignored else "")
    )
    return "\n".join(lines)
