"""The noisy model, and the pipeline measured with it on the seeds and the development corpus (issue 9).

The targets that hold are asserted; the ones not met yet are strict xfails that
carry the measured numbers, so they turn red the day they are met (and the
mark must go) instead of being faked.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from extractor.testing.noisy_model import BEHAVIOURS, NoiseRates, NoisyModel, answer_from_gold
from extractor.testing.noisy_score import Measurement, default_articles, measure
from tests.conftest import REPO

ARTICLES = default_articles(REPO)
PATHS = {
    path.stem: str(path.relative_to(REPO))
    for folder in (REPO / "seeds", REPO / "corpus" / "dev" / "articles")
    for path in folder.glob("*.txt")
}


@pytest.fixture(scope="module")
def measured() -> dict[str, Measurement]:
    import os

    here = os.getcwd()
    os.chdir(REPO)  # eval reads the article files by the relative paths in the result lines
    try:
        return {behaviour: measure(behaviour, ARTICLES, PATHS) for behaviour in BEHAVIOURS}
    finally:
        os.chdir(here)


# --- the model itself ------------------------------------------------------------------------


def test_it_knows_every_seed_and_dev_article_with_its_gold() -> None:
    ids = {a.article_id for a in ARTICLES}
    assert (
        len(ids) == 27 and "000_c22ab6cdf68cea9e" in ids and "05_ar_yemenfuture-qatar-egypt-investment-package" in ids
    )
    dated = [a for a in ARTICLES if a.published is not None]
    for article in dated:  # the ' date YYYY-MM-DD' header line is read as the publication date
        assert article.text.startswith(f" date {article.published.isoformat()}")


def test_perfect_answers_are_the_gold() -> None:
    model = NoisyModel(ARTICLES, "perfect")
    for article in ARTICLES:
        answer = [d.event for d in model.first_answer(article.article_id)]
        assert answer == [answer_from_gold(g) for g in article.gold]


def test_answers_are_seeded_and_repeatable() -> None:
    one, two = NoisyModel(ARTICLES, "repeats", seed=3), NoisyModel(ARTICLES, "repeats", seed=3)
    other = NoisyModel(ARTICLES, "repeats", seed=4)
    ids = [a.article_id for a in ARTICLES]
    first = [[d.event for d in one.first_answer(i)] for i in ids]
    assert first == [[d.event for d in two.first_answer(i)] for i in ids]
    assert first != [[d.event for d in other.first_answer(i)] for i in ids]


def test_every_stated_mistake_happens() -> None:
    model = NoisyModel(ARTICLES, "repeats")
    seen: Counter[str] = Counter()
    for article in ARTICLES:
        for drafted in model.first_answer(article.article_id):
            event = drafted.event
            if drafted.origin is None:
                seen["invented or false"] += 1
                continue
            gold = drafted.origin
            if any(len(p) == 2 for p in event["parties"]):
                seen["alpha-2"] += 1
            if any(len(p) > 3 for p in event["parties"]):
                seen["english name"] += 1
            if event.get("date_start") and event["date_start"] != gold["date_start"]:
                seen["date"] += 1
            if event["type"] == "investment":
                if not isinstance(event["amount"], int | float):
                    seen["amount as text"] += 1
                elif event["amount"] != gold["amount"]:
                    seen["scale"] += 1
                if event.get("currency") != gold["currency"]:
                    seen["currency"] += 1
                if event["qualifier"] != gold["qualifier"]:
                    seen["qualifier"] += 1
            if event["evidence"] != gold["evidence"]:
                seen["quote"] += 1
    for kind in ("invented or false", "alpha-2", "english name", "date", "amount as text", "scale", "currency"):
        assert seen[kind] > 0, (kind, seen)
    assert seen["qualifier"] > 0 and seen["quote"] > 0


def test_negatives_get_a_false_event_whose_quote_is_in_the_text() -> None:
    model = NoisyModel(ARTICLES, "repeats")
    negatives = [a for a in ARTICLES if not a.gold]
    assert len(negatives) == 5
    for article in negatives:
        (false,) = [d.event for d in model.first_answer(article.article_id)]
        assert all(q in article.body for q in false["evidence"])


def _request(article_body: str, *reasks: str) -> dict[str, object]:
    messages: list[dict[str, object]] = [
        {"role": "system", "content": "extract"},
        {"role": "user", "content": f"Article:\n{article_body}"},
    ]
    for text in reasks:
        messages += [{"role": "assistant", "content": "{}"}, {"role": "user", "content": text}]
    return {"model": "m", "messages": messages}


@pytest.mark.parametrize("behaviour", ["fixes", "repeats", "drops"])
def test_reask_behaviours(behaviour: str) -> None:
    rates = NoiseRates.none()
    article = next(a for a in ARTICLES if len(a.gold) >= 2)
    model = NoisyModel([article], behaviour, rates)  # type: ignore[arg-type]
    model.rates = NoiseRates(**{**rates.__dict__, "parties_alpha2": 1.0})
    first = json.loads(model.respond(_request(article.body)).arguments)["events"]
    assert all(len(p) == 2 for e in first for p in e["parties"])
    after = json.loads(model.respond(_request(article.body, "events[0].parties: not a code")).arguments)["events"]
    if behaviour == "fixes":
        assert after[0]["parties"] == answer_from_gold(article.gold[0])["parties"]
        assert after[1:] == first[1:]
    elif behaviour == "repeats":
        assert after == first
    else:
        assert after == first[1:]


def test_pydantic_locations_in_instructor_reasks_are_understood() -> None:
    article = next(a for a in ARTICLES if len(a.gold) >= 2)
    model = NoisyModel([article], "drops")
    reask = "events.1.investment.host_country_iso3\n  Value error, 'SA' is not ..."
    first = json.loads(model.respond(_request(article.body)).arguments)["events"]
    after = json.loads(model.respond(_request(article.body, reask)).arguments)["events"]
    assert after == first[:1] + first[2:]


# --- the pipeline, measured ------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_the_pipeline_is_never_worse_than_the_raw_answer(measured: dict[str, Measurement], behaviour: str) -> None:
    m = measured[behaviour]
    if behaviour == "perfect" and m.pipeline.micro.f1 < m.raw.micro.f1:
        pytest.xfail(f"perfect answers: repair spoils some (F1 {m.pipeline.micro.f1:.3f}); see the perfect-answer test")
    assert m.pipeline.micro.f1 >= m.raw.micro.f1, (m.raw.micro.as_dict(), m.pipeline.micro.as_dict())
    assert m.failed_articles == []


def test_a_model_that_repeats_its_mistakes_still_gets_075(measured: dict[str, Measurement]) -> None:
    assert measured["repeats"].pipeline.micro.f1 >= 0.75


@pytest.mark.xfail(
    strict=True,
    reason="not met yet (README table): precision below 0.95; the false events on the negatives quote the text",
)
def test_a_cooperative_model_gets_precision_095_and_f1_093(measured: dict[str, Measurement]) -> None:
    micro = measured["fixes"].pipeline.micro
    assert micro.precision >= 0.95 and micro.f1 >= 0.93, micro.as_dict()


def test_perfect_answers_stay_perfect(measured: dict[str, Measurement]) -> None:
    m = measured["perfect"]
    assert m.pipeline.micro.f1 == 1.0 and m.harmful == 0, (m.pipeline.micro.as_dict(), m.harmful_cases)


@pytest.mark.parametrize("behaviour", ["fixes", "repeats", "drops"])
def test_coercion_and_repair_fix_more_than_they_spoil(measured: dict[str, Measurement], behaviour: str) -> None:
    m = measured[behaviour]
    assert m.right > 2 * m.harmful, (m.right, m.harmful, m.harmful_cases)


def test_the_benchmark_runs_with_one_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "noisy_model.py"), "--behaviour", "repeats"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "repeats" in done.stdout and "raw F1" in done.stdout and "amount" in done.stdout
