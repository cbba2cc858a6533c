"""Scoring a result file against gold event files (format: docs/gold-format.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.analysis import read_source_text
from extractor.analysis.matching import greedy_assign, is_money_figure, key_of_event, key_of_gold, match_score
from extractor.errors import UserError
from extractor.schemas import ArticleResult
from extractor.schemas import events as _events

# Attributes scored on matched pairs, and only where the gold event has the key
# (a gold null is a claim too: "the text gives no date"): these common ones plus
# every type's `scored_fields`.
COMMON_ATTRIBUTES = ("date_start", "date_end", "status", "parties")
# The order reports list attributes in, as it was before types declared their
# scored fields; attributes not named here follow, in EVENT_FIELDS order.
_REPORT_ORDER = (
    "date_start",
    "date_end",
    "round",
    "status",
    "parties",
    "amount",
    "currency",
    "qualifier",
    "kind",
    "agreement_status",
)


def scored_attributes() -> tuple[str, ...]:
    """Every attribute eval scores, in report order (read from the event types at call time)."""
    names = list(COMMON_ATTRIBUTES)
    for fields in _events.EVENT_FIELDS:
        names += [n for n in fields.scored_fields if n not in names]
    known = [n for n in _REPORT_ORDER if n in names]
    return (*known, *(n for n in names if n not in _REPORT_ORDER))


ATTRIBUTES = scored_attributes()
GoldEvents = dict[str, list[dict[str, Any]]]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        # Zero division counts as 0.0 so the JSON always holds numbers.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class AttributeCount:
    correct: int = 0
    total: int = 0

    def as_dict(self) -> dict[str, float | int]:
        accuracy = self.correct / self.total if self.total else 0.0
        return {"correct": self.correct, "total": self.total, "accuracy": round(accuracy, 4)}


@dataclass
class Grounding:
    """Evidence quotes found verbatim in their article."""

    found: int = 0
    total: int = 0
    # How many quotes were checked against the article file, and how many had to
    # rely on the stored match kind because the file was not available.
    checked_in_text: int = 0
    from_match_field: int = 0

    def as_dict(self) -> dict[str, float | int]:
        rate = self.found / self.total if self.total else 0.0
        return {
            "rate": round(rate, 4),
            "found": self.found,
            "total": self.total,
            "checked_in_text": self.checked_in_text,
            "from_match_field": self.from_match_field,
        }


@dataclass(frozen=True)
class EvalError:
    article_id: str
    kind: str  # "miss" or "false_alarm"
    type: str
    detail: str


@dataclass
class Evaluation:
    micro: Counts = field(default_factory=Counts)
    per_type: dict[str, Counts] = field(default_factory=dict)
    # By the article's language as the result line states it ("?" when unknown).
    per_language: dict[str, Counts] = field(default_factory=dict)
    attributes: dict[str, AttributeCount] = field(default_factory=dict)
    grounding: Grounding = field(default_factory=Grounding)
    errors: list[EvalError] = field(default_factory=list)
    unscored_articles: list[str] = field(default_factory=list)
    # --cross-check runs: per label (agreed, model_only, candidate), how many events and how
    # many of them match a gold event (for candidates: one the model's events missed).
    cross_check: dict[str, AttributeCount] = field(default_factory=dict)

    def count(self, event_type: str, kind: str, language: str | None = None) -> None:
        per_type = self.per_type.setdefault(event_type, Counts())
        per_language = self.per_language.setdefault(language or "?", Counts())
        for counts in (self.micro, per_type, per_language):
            setattr(counts, kind, getattr(counts, kind) + 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "micro": self.micro.as_dict(),
            "per_type": {name: c.as_dict() for name, c in sorted(self.per_type.items())},
            "per_language": {name: c.as_dict() for name, c in sorted(self.per_language.items())},
            "attributes": {
                name: self.attributes[name].as_dict() for name in scored_attributes() if name in self.attributes
            },
            "grounding": self.grounding.as_dict(),
            "errors": [vars(error) for error in self.errors],
            "unscored_articles": self.unscored_articles,
            "cross_check": self.cross_check_json(),
        }

    def cross_check_json(self) -> dict[str, Any]:
        if not self.cross_check:
            return {}
        labels = {name: {"events": c.total, "match_gold": c.correct} for name, c in sorted(self.cross_check.items())}
        checked = sum(self.cross_check[n].total for n in ("agreed", "model_only") if n in self.cross_check)
        agreed = self.cross_check["agreed"].total if "agreed" in self.cross_check else 0
        return {"agreement_rate": round(agreed / checked, 4) if checked else 0.0, **labels}


def load_gold(directory: str | Path) -> GoldEvents:
    """Gold events keyed by article id (the file name without `.json`)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise UserError(f"--gold {directory}: no such folder; give the folder of <article_id>.json gold files")
    files = sorted(folder.glob("*.json"))
    if not files:
        raise UserError(f"--gold {directory}: no .json files in it; give the folder of gold files")
    return {path.stem: _gold_events(path) for path in files}


def _gold_events(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); fix the gold file") from None
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not all(isinstance(e, dict) and "type" in e for e in events):
        raise UserError(
            f"{path}: needs an 'events' list of objects with a 'type'; the format is in docs/gold-format.md"
        )
    return events


def evaluate(gold: GoldEvents, results: Mapping[str, ArticleResult]) -> Evaluation:
    """Match every gold article's events to the predictions and count."""
    evaluation = Evaluation()
    for article_id in sorted(gold):
        result = results.get(article_id)
        predicted = result.events if result is not None and result.status == "ok" else []
        language = result.source.language if result is not None else None
        matched = _score_article(evaluation, article_id, gold[article_id], predicted, _why_nothing(result), language)
        if result is not None and result.status == "ok":
            _count_cross_check(evaluation, gold[article_id], result, matched)
    evaluation.unscored_articles = sorted(set(results) - set(gold))
    evaluation.grounding = grounding(results.values())
    return evaluation


def _why_nothing(result: ArticleResult | None) -> str:
    if result is None:
        return " (article absent from results)"
    if result.status == "failed":
        assert result.error is not None
        return f" (article failed: {result.error.kind}: {result.error.message})"
    return ""


def _score_article(
    evaluation: Evaluation,
    article_id: str,
    gold_events: list[dict[str, Any]],
    predicted: list[Any],
    why: str,
    language: str | None = None,
) -> dict[int, int]:
    """Counts the article; returns the pairs made, predicted index -> gold index."""
    gold_keys = [key_of_gold(g) for g in gold_events]
    pred_dumps = [event.model_dump(mode="json") for event in predicted]
    pred_keys = [key_of_event(d) for d in pred_dumps]
    scored = []
    for i, pk in enumerate(pred_keys):
        for j, gk in enumerate(gold_keys):
            score = match_score(pk, gk)
            if score is not None:
                # Last resort tie-break: credit a required gold event over an optional one.
                scored.append((score + (float(_required(gold_events[j])),), i, j))
    pairs = greedy_assign(scored)
    matched_pred = {i for i, _ in pairs}
    matched_gold = {j for _, j in pairs}
    for i, j in pairs:
        if _required(gold_events[j]):
            evaluation.count(gold_events[j]["type"], "tp", language)
        _score_attributes(evaluation, pred_dumps[i], gold_events[j])
    for j, gold_event in enumerate(gold_events):
        if j not in matched_gold and _required(gold_event):
            evaluation.count(gold_event["type"], "fn", language)
            evaluation.errors.append(EvalError(article_id, "miss", gold_event["type"], describe_gold(gold_event) + why))
    for i, dump in enumerate(pred_dumps):
        if i not in matched_pred:
            evaluation.count(dump["type"], "fp", language)
            evaluation.errors.append(EvalError(article_id, "false_alarm", dump["type"], describe_event(i, dump)))
    return dict(pairs)


def _count_cross_check(
    evaluation: Evaluation, gold_events: list[dict[str, Any]], result: ArticleResult, matched: dict[int, int]
) -> None:
    for i, event in enumerate(result.events):
        label = getattr(event, "cross_check", None)
        if label is not None:
            count = evaluation.cross_check.setdefault(label, AttributeCount())
            count.total += 1
            count.correct += i in matched
    if not result.candidates:
        return
    missed = [j for j in range(len(gold_events)) if j not in set(matched.values())]
    candidate_keys = [key_of_event(e) for e in result.candidates]
    scored = [
        (score, i, j)
        for i, ck in enumerate(candidate_keys)
        for j in missed
        if (score := match_score(ck, key_of_gold(gold_events[j]))) is not None
    ]
    count = evaluation.cross_check.setdefault("candidate", AttributeCount())
    count.total += len(result.candidates)
    count.correct += len(greedy_assign(scored))


def _required(gold_event: Mapping[str, Any]) -> bool:
    return bool(gold_event.get("required", True))


def _score_attributes(evaluation: Evaluation, predicted: dict[str, Any], gold_event: Mapping[str, Any]) -> None:
    for name in scored_attributes():
        gold_name = "countries" if name == "parties" else name
        if gold_name not in gold_event:
            continue
        count = evaluation.attributes.setdefault(name, AttributeCount())
        count.total += 1
        if _same_value(name, predicted.get(name), gold_event[gold_name]):
            count.correct += 1


def _same_value(name: str, predicted: Any, gold: Any) -> bool:
    if name == "parties":
        return sorted(predicted or []) == sorted(gold or [])
    if name == "amount" and predicted is not None and gold is not None:
        # Exact up to float noise: the 2 % tolerance is for matching, not for accuracy.
        return abs(float(predicted) - float(gold)) <= 1e-9 * max(abs(float(gold)), 1.0)
    return predicted == gold


def grounding(results: Any) -> Grounding:
    """Share of evidence quotes found verbatim in the article, over every ok result given."""
    counts = Grounding()
    for result in results:
        if result.status != "ok" or not result.events:
            continue
        text = read_source_text(result.source).text
        for event in result.events:
            for evidence in event.evidence:
                counts.total += 1
                if text is not None:
                    counts.checked_in_text += 1
                    found = evidence.quote in text
                else:
                    counts.from_match_field += 1
                    found = evidence.match == "exact"
                counts.found += found
    return counts


def describe_gold(gold_event: Mapping[str, Any]) -> str:
    parts = [f"gold {gold_event.get('id', '?')}", ";".join(sorted(gold_event.get("countries") or [])) or "-"]
    # Identifying fields where the gold event has them; a field no type has is never there.
    for name in ("round", "kind", "amount", "currency", "visitor", "date_start", "title_en"):
        if gold_event.get(name) is not None:
            parts.append(f"{name}={gold_event[name]}")
    return " ".join(parts)


def describe_event(index: int, dump: Mapping[str, Any]) -> str:
    parties = ";".join(dump.get("parties") or []) or "-"
    extra = ""
    if is_money_figure(dump["type"]):
        extra = f" amount={dump.get('amount')} {dump.get('currency')}"
    return f"event {index} {parties}{extra}: {dump.get('summary_en', '')}"


def format_text(evaluation: Evaluation) -> str:
    """The human-readable report `extractor eval` prints."""
    lines = [f"{'type':<20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    rows = sorted(evaluation.per_type.items()) + [("micro", evaluation.micro)]
    for name, c in rows:
        lines.append(f"{name:<20} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4d} {c.fp:4d} {c.fn:4d}")
    lines.append("")
    lines.append(f"{'language':<20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, c in sorted(evaluation.per_language.items()):
        lines.append(f"{name:<20} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4d} {c.fp:4d} {c.fn:4d}")
    lines.append("")
    lines.append("attribute accuracy on matched events:")
    for name in scored_attributes():
        if name in evaluation.attributes:
            a = evaluation.attributes[name].as_dict()
            lines.append(f"  {name:<18} {a['correct']}/{a['total']} = {a['accuracy']:.3f}")
    g = evaluation.grounding.as_dict()
    lines.append("")
    lines.append(f"grounding: {g['found']}/{g['total']} evidence quotes found verbatim = {g['rate']:.3f}")
    if evaluation.cross_check:
        report = evaluation.cross_check_json()
        lines.append("")
        lines.append(f"cross-check with the rules coder: agreement rate {report['agreement_rate']:.3f}")
        for name in ("agreed", "model_only", "candidate"):
            if name in report:
                c = report[name]
                lines.append(f"  {name:<11} {c['events']:4d} events, {c['match_gold']:4d} match a gold event")
    if evaluation.unscored_articles:
        lines.append(f"not scored (no gold file): {', '.join(evaluation.unscored_articles)}")
    if evaluation.errors:
        lines.append("")
        lines.append("errors:")
        for e in evaluation.errors:
            lines.append(f"  {e.kind:<11} {e.article_id} {e.type}: {e.detail}")
    return "\n".join(lines)
