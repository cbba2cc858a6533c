"""A fifth event type needs only its classes in schemas/events.py (and a prompt).

The test plays the developer's one-module change: it takes `SanctionFields`
(the plugin package's, tests/plugins/sanction_plugin) and registers it the way
`schemas/events.py` holds its registries (the EVENT_FIELDS tuple, the answer and
stored variants, the discriminated union of a result line), without touching
any other module. Repair, export, matching, merge, eval, diff and the report
must then handle sanctions with real outcomes. tests/test_plugins.py does the
same through an installed plugin and the commands.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Annotated, Any, Union

import extractor.schemas.events as events
import pytest
from extractor.schemas import ArticleResult
from pydantic import BaseModel, Field, create_model

from extractor.analysis import export, matching
from extractor.analysis.diffing import diff_runs
from extractor.analysis.evaluate import evaluate, format_text
from extractor.analysis.merging import merge_results
from extractor.analysis.report import render_report
from extractor.mentions import find_mentions
from extractor.reader import parse_article
from extractor.repair import repair
from tests.plugins.sanction_plugin.event_type import SanctionFields


@pytest.fixture
def result_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[ArticleResult]]:
    """Register the sanction type; returns a result-line model whose events include it."""
    monkeypatch.setattr(events, "EVENT_FIELDS", (*events.EVENT_FIELDS, SanctionFields))
    answer, stored = events.variants(SanctionFields)
    monkeypatch.setitem(events.ANSWER_TYPES, "sanction", answer)
    monkeypatch.setitem(events.EVENT_TYPES, "sanction", stored)
    event_union = Annotated[Union[tuple(events.EVENT_TYPES.values())], Field(discriminator="type")]  # noqa: UP007
    model = create_model(
        "ArticleResultWithSanctions",
        __base__=ArticleResult,
        events=(list[event_union], Field(default_factory=list)),  # type: ignore[valid-type]
    )
    yield model


def sanction(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "sanction",
        "status": "occurred",
        "summary_en": "The United States sanctioned Iran's oil exports.",
        "date_start": "2025-03-12",
        "parties": ["IRN", "USA"],
        "target_country_iso3": "IRN",
        "measures": ["oil export ban", "asset freeze"],
        "joined_by": ["GBR", "FRA"],
        "announced_by": {"name_en": "Marco Rubio", "title_en": "Secretary of State", "country_iso3": "USA"},
        "evidence": [{"quote": "sanctions on Iran"}],
    }
    return {**base, **fields}


def result(model: type[ArticleResult], article_id: str, *evts: dict[str, Any]) -> ArticleResult:
    return model.model_validate(
        {
            "article_id": article_id,
            "source": {"path": f"{article_id}.txt", "language": "en"},
            "status": "ok",
            "events": list(evts),
        }
    )


def test_registered_type_validates_and_keeps_its_fields(result_model: type[ArticleResult]) -> None:
    line = result(result_model, "a1", sanction())
    [event] = line.events
    assert isinstance(event, SanctionFields) and event.measures == ["oil export ban", "asset freeze"]
    assert '"target_country_iso3":"IRN"' in line.model_dump_json()
    # The class variables are not fields: the stored line has no trace of them.
    assert "subkind" not in line.model_dump()["events"][0]


def test_export_rows_and_files_carry_the_new_fields(result_model: type[ArticleResult], tmp_path: Any) -> None:
    columns = dict(export.columns())
    # The existing layout is untouched, the new columns come after it.
    assert tuple(columns)[: len(export.COLUMN_NAMES)] == export.COLUMN_NAMES
    new = {"target_country_iso3", "measures", "joined_by", "announced_by_name", "announced_by_country"}
    assert new <= set(columns)
    [row] = export.event_rows([result(result_model, "a1", sanction())])
    assert tuple(row) == tuple(columns)
    assert row["type"] == "sanction" and row["parties"] == "IRN;USA"
    assert row["target_country_iso3"] == "IRN"
    assert row["measures"] == "oil export ban | asset freeze"
    assert row["joined_by"] == "GBR;FRA"  # codes, like parties
    assert row["announced_by_name"] == "Marco Rubio" and row["announced_by_country"] == "USA"
    assert row["amount"] is None and row["visitor_name"] is None

    path = tmp_path / "events.csv"
    assert export.write_table([row], path) == 1
    with path.open(encoding="utf-8") as handle:
        [written] = list(csv.DictReader(handle))
    assert written["measures"] == "oil export ban | asset freeze"
    assert written["announced_by_title"] == "Secretary of State"

    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    parquet = tmp_path / "events.parquet"
    export.write_table([row], parquet)
    assert pq.read_table(parquet).to_pylist()[0]["target_country_iso3"] == "IRN"


def test_matching_uses_the_declared_subkind(result_model: type[ArticleResult]) -> None:
    key = matching.key_of_event(sanction())
    assert key.subkind == "irn"
    # Matched by parties (not a money figure); the subkind only breaks ties.
    same = matching.key_of_event(sanction(parties=["USA", "IRN"]))
    other_target = matching.key_of_event(sanction(target_country_iso3="PRK"))
    assert matching.match_score(key, same) == (1.0, 1.0)
    assert matching.match_score(key, other_target) == (1.0, 0.0)
    assert matching.match_score(key, matching.key_of_event(sanction(parties=["CHN", "PRK", "RUS"]))) is None


def test_two_articles_merge_into_one_canonical_sanction(result_model: type[ArticleResult]) -> None:
    results = [
        result(result_model, "a1", sanction()),
        result(result_model, "a2", sanction(date_start="2025-03-13", measures=["oil export ban"])),
        result(result_model, "a3", sanction(parties=["PRK", "USA"], target_country_iso3="PRK")),
    ]
    merged = merge_results(results)
    by_sources = {tuple(s["article_id"] for s in e["sources"]): e for e in merged}
    assert set(by_sources) == {("a1", "a2"), ("a3",)}
    canonical = by_sources[("a1", "a2")]
    assert canonical["type"] == "sanction" and canonical["target_country_iso3"] == "IRN"
    assert canonical["announced_by"]["name_en"] == "Marco Rubio"
    assert [c["article_ids"] for c in canonical["conflicts"]["measures"]] == [["a1"], ["a2"]]
    assert canonical["merge_rule"].startswith("2 events from 2 articles; same type sanction")

    page = render_report(results, merged, "sanctions")
    assert "target_country_iso3: IRN" in page and "announced_by: Marco Rubio" in page


def test_eval_counts_a_matched_sanction_and_scores_its_field(result_model: type[ArticleResult]) -> None:
    gold = {
        "a1": [{"id": "g1", "type": "sanction", "countries": ["IRN", "USA"], "target_country_iso3": "IRN"}],
        "a2": [{"id": "g2", "type": "sanction", "countries": ["PRK", "USA"], "target_country_iso3": "PRK"}],
    }
    results = {
        "a1": result(result_model, "a1", sanction()),
        "a2": result(result_model, "a2", sanction(parties=["PRK", "USA"], target_country_iso3="IRN")),
    }
    evaluation = evaluate(gold, results)
    counts = evaluation.per_type["sanction"]
    assert (counts.tp, counts.fp, counts.fn) == (2, 0, 0)
    report = evaluation.to_json()
    assert report["attributes"]["target_country_iso3"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert "target_country_iso3" in format_text(evaluation)


def test_diff_pairs_sanctions_by_content(result_model: type[ArticleResult]) -> None:
    old = {"a1": result(result_model, "a1", sanction())}
    new = {"a1": result(result_model, "a1", sanction(measures=["asset freeze"]))}
    [article] = diff_runs(old, new, ["usage", "cached"]).articles
    [change] = article.changed
    assert change.type == "sanction"
    assert {c.path for c in change.changes} == {"measures"}
    assert not article.added and not article.removed


def test_repair_fills_parties_from_the_evidence(result_model: type[ArticleResult]) -> None:
    text = "The United States announced new sanctions on Iran over its oil exports on 12 March 2025.\n"
    article = parse_article(text.encode("utf-8"), path="a1.txt", article_id="a1")
    quote = "The United States announced new sanctions on Iran"
    start = article.text.find(quote)
    stored = events.EVENT_TYPES["sanction"].model_validate(
        sanction(
            # Repair fills an empty list only (issue 9: a list the model gave is not added to).
            parties=[],
            evidence=[{"quote": quote, "start": start, "end": start + len(quote), "match": "exact"}],
        )
    )
    outcome = repair([stored], find_mentions(article), article)
    assert not outcome.rejected  # not a money figure: no money mention needed
    [event] = outcome.events
    assert isinstance(event, SanctionFields)
    assert event.parties == ["IRN", "USA"]
    assert [(c.field, c.text_value) for c in event.corrections] == [("parties", ["IRN", "USA"])]


def test_stored_variant_inherits_the_class_variables(result_model: type[ArticleResult]) -> None:
    stored = events.EVENT_TYPES["sanction"]
    assert issubclass(stored, BaseModel)
    assert events.fields_class("sanction") is SanctionFields
    assert stored.subkind == "target_country_iso3" and stored.fills_parties_from_evidence
    assert not stored.money_figure and stored.must_agree == ()
