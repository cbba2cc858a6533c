"""Scoring the noisy model's raw answers and the pipeline's output against the same gold.

`measure(behaviour)` runs `extractor run` in-process against the noisy model
served on 127.0.0.1, then scores with the project's own eval
(`extractor.analysis.evaluate`): once the model's first answer as it came
(raw), once the result lines (pipeline). It also judges every correction the
pipeline recorded on an event matched to a gold event: *right* when it turned
a value that differed from the gold into the gold value, *harmful* when it
turned the gold value into something else.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from extractor.analysis.evaluate import Evaluation, GoldEvents, evaluate
from extractor.analysis.matching import greedy_assign
from extractor.schemas import ArticleResult, Source
from extractor.testing.noisy_model import Behaviour, GoldArticle, NoiseRates, NoisyModel, load_articles

__all__ = ["ACCURACY_FIELDS", "Measurement", "default_articles", "measure", "score_raw"]

ACCURACY_FIELDS = ("amount", "currency", "qualifier", "parties", "date_start", "date_end")
# A correction's field -> the gold key holding the right value.
# Quotes this alike (rapidfuzz ratio) tell the same gold event.
_SAME_QUOTE = 80.0
_GOLD_KEY = {
    "parties": "countries",
    "host_country_iso3": "location_country",
    "location.country_iso3": "location_country",
}


def default_articles(repo: Path) -> list[GoldArticle]:
    """The seeds and the development corpus, with their gold."""
    return load_articles(
        [
            (repo / "seeds", repo / "tests" / "analysis" / "gold"),
            (repo / "corpus" / "dev" / "articles", repo / "corpus" / "dev" / "gold"),
        ]
    )


@dataclass
class Measurement:
    behaviour: str
    raw: Evaluation
    pipeline: Evaluation
    right: int = 0
    harmful: int = 0
    neutral: int = 0
    failed_articles: list[str] = field(default_factory=list)
    harmful_cases: list[str] = field(default_factory=list)
    # field -> [right in the raw answer, right in the output, gold events with the field]
    fields: dict[str, list[int]] = field(default_factory=dict)

    def accuracy(self, name: str) -> str:
        raw, out, total = self.fields.get(name, [0, 0, 0])
        return f"{raw}->{out}/{total}"


# --- raw answers, scored as if they were result lines ------------------------------------


class _RawEvidence:
    def __init__(self, quote: str) -> None:
        self.quote = quote
        self.match = None


class _RawEvent:
    """An answer event as the model gave it, with the interface eval reads."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self._fields = dict(fields)
        quotes = fields.get("evidence") or []
        self.evidence = [_RawEvidence(str(q)) for q in quotes] if isinstance(quotes, list) else []
        self.corrections: list[Any] = []

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        dump = dict(self._fields)
        if not isinstance(dump.get("parties"), list):
            dump["parties"] = []
        amount = dump.get("amount")
        if amount is not None and not isinstance(amount, int | float):
            dump["amount"] = None  # a string is not a number: it matches nothing
        return dump


class _RawResult:
    status = "ok"
    error = None
    prefiltered = False

    # Rule-coder cross-check candidates: a raw answer has none.
    candidates: list[Any] = []  # noqa: RUF012 -- never mutated

    def __init__(self, article: GoldArticle, path: str, events: list[dict[str, Any]]) -> None:
        self.article_id = article.article_id
        self.source = Source(path=path)
        self.events = [_RawEvent(e) for e in events]


def score_raw(model: NoisyModel, gold: GoldEvents, paths: Mapping[str, str]) -> Evaluation:
    results = {
        aid: _RawResult(article, paths[aid], [d.event for d in model.first_answer(aid)])
        for aid, article in model.articles.items()
    }
    return evaluate(gold, results)  # type: ignore[arg-type]


# --- corrections, judged against the gold ----------------------------------------------------


def _gold_value(gold: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    key = _GOLD_KEY.get(name, name)
    if key not in gold:
        return False, None
    return True, gold[key]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(abs(float(b)), 1.0)
    return a == b


def pair_by_quotes(dumps: list[dict[str, Any]], gold_events: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Output event index -> gold event index, paired by their quotes.

    Not by eval's rules: a harmful correction (an amount changed) would otherwise
    unpair the event it spoiled and hide itself.
    """
    scored = []
    for i, dump in enumerate(dumps):
        quotes = [e["quote"] for e in dump["evidence"]]
        for j, g in enumerate(gold_events):
            if g["type"] != dump["type"]:
                continue
            likeness = max((fuzz.ratio(q, gq) for q in quotes for gq in g["evidence"]), default=0.0)
            if likeness >= _SAME_QUOTE:
                scored.append(((likeness,), i, j))
    return greedy_assign(scored)


def field_accuracy(
    measurement: Measurement, model: NoisyModel, gold: GoldEvents, results: Mapping[str, ArticleResult]
) -> None:
    """Per field, over every gold event that has it: right in the raw answer, right in the output.

    A gold event the answer (or the output) lacks counts as wrong, so both sides
    share one denominator.
    """
    for aid, gold_events in gold.items():
        by_origin: dict[int, dict[str, Any]] = {}
        for drafted in model.first_answer(aid):
            if drafted.origin is not None:
                by_origin.setdefault(gold_events.index(_gold_of(drafted.origin, gold_events)), drafted.event)
        result = results.get(aid)
        dumps = [e.model_dump(mode="json") for e in result.events] if result and result.status == "ok" else []
        output = {j: dumps[i] for i, j in pair_by_quotes(dumps, gold_events)}
        for j, g in enumerate(gold_events):
            for name in ACCURACY_FIELDS:
                known, right = _gold_value(g, name)
                if not known:
                    continue
                counts = measurement.fields.setdefault(name, [0, 0, 0])
                counts[2] += 1
                if j in by_origin and _same(by_origin[j].get(name), right):
                    counts[0] += 1
                if j in output and _same(output[j].get(name), right):
                    counts[1] += 1


def _gold_of(origin: dict[str, Any], gold_events: list[dict[str, Any]]) -> dict[str, Any]:
    from extractor.testing.noisy_model import answer_from_gold

    return next(g for g in gold_events if answer_from_gold(g) == origin)


def judge_corrections(measurement: Measurement, gold: GoldEvents, results: Mapping[str, ArticleResult]) -> None:
    for aid, result in results.items():
        if result.status != "ok":
            measurement.failed_articles.append(aid)
            continue
        gold_events = gold.get(aid, [])
        dumps = [e.model_dump(mode="json") for e in result.events]
        scored = pair_by_quotes(dumps, gold_events)
        for i, j in scored:
            for correction in dumps[i].get("corrections") or []:
                known, right = _gold_value(gold_events[j], correction["field"])
                if not known:
                    measurement.neutral += 1
                    continue
                was, now = _same(correction["model_value"], right), _same(correction["text_value"], right)
                if now and not was:
                    measurement.right += 1
                elif was and not now:
                    measurement.harmful += 1
                    measurement.harmful_cases.append(
                        f"{aid} {correction['field']}: {correction['model_value']!r} -> {correction['text_value']!r}"
                        f" (gold {right!r})"
                    )
                else:
                    measurement.neutral += 1


# --- one behaviour, end to end --------------------------------------------------------------


def measure(
    behaviour: Behaviour,
    articles: Sequence[GoldArticle],
    paths: Mapping[str, str],
    *,
    rates: NoiseRates | None = None,
    seed: int = 0,
    **settings: Any,
) -> Measurement:
    """Run the pipeline on `articles` (files at `paths`) against the noisy model; score raw and output.

    `settings` are extra `extractor.extract_batch` settings (max_retries, mode, ...).
    """
    from extractor.api import extract_batch

    model = NoisyModel(articles, behaviour, rates, seed)
    gold: GoldEvents = {a.article_id: a.gold for a in articles}
    with tempfile.TemporaryDirectory() as tmp, model.server() as server:
        batch = extract_batch(
            [paths[a.article_id] for a in articles],
            output=Path(tmp) / "results.jsonl",
            base_url=server.base_url,
            model=f"noisy-{behaviour}",
            cache=False,
            **settings,
        )
        results = {result.article_id: result for result in batch}
    measurement = Measurement(behaviour, score_raw(model, gold, paths), evaluate(gold, results))
    judge_corrections(measurement, gold, results)
    field_accuracy(measurement, model, gold, results)
    return measurement


def as_json(measurement: Measurement) -> dict[str, Any]:
    return json.loads(
        json.dumps(
            {
                "behaviour": measurement.behaviour,
                "raw": measurement.raw.to_json()["micro"],
                "pipeline": measurement.pipeline.to_json()["micro"],
                "corrections": {
                    "right": measurement.right,
                    "harmful": measurement.harmful,
                    "neutral": measurement.neutral,
                },
                "fields": {
                    name: dict(zip(("raw", "pipeline", "total"), c, strict=True))
                    for name, c in measurement.fields.items()
                },
                "failed_articles": measurement.failed_articles,
            }
        )
    )
