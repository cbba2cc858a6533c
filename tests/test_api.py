"""The public Python API: one article, a batch, the tools over results, errors by fault."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import extractor
from extractor.testing import FakeOpenAI, Reply


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def endpoint(server: FakeOpenAI) -> dict[str, str]:
    return {"base_url": server.base_url, "model": "fake-model"}


def test_extract_a_string_of_text_needs_no_file(server: FakeOpenAI) -> None:
    result = extractor.extract("Pakistan and China held talks in Beijing on Monday.", **endpoint(server))
    assert isinstance(result, extractor.ArticleResult)
    assert result.status == "ok"
    assert result.source.path == "<text>"
    assert len(server.chat_requests) == 1


def test_extract_a_path(server: FakeOpenAI, tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("Pakistan and China held talks in Beijing.", encoding="utf-8")
    result = extractor.extract(article, **endpoint(server))
    assert (result.article_id, result.source.path) == ("story", str(article))


def test_a_str_is_text_even_when_it_names_a_file(
    server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "story.txt").write_text("Pakistan and China held talks in Beijing.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = extractor.extract("story.txt", **endpoint(server), raise_on_failure=False)
    assert result.source.path == "<text>"
    assert "story.txt" in server.chat_requests[0]["messages"][-1]["content"]
    assert "Beijing" not in server.chat_requests[0]["messages"][-1]["content"]


def test_aextract_runs_on_the_callers_loop(server: FakeOpenAI) -> None:
    result = asyncio.run(extractor.aextract("China and Pakistan signed an agreement.", **endpoint(server)))
    assert result.status == "ok"


@pytest.mark.parametrize(
    ("reply", "error", "kind"),
    [
        (Reply.status(400), extractor.RequestRefused, "request"),
        (Reply.status(500), extractor.TransportError, "transport"),
    ],
)
def test_a_failed_article_raises_the_error_of_its_kind(
    server: FakeOpenAI, reply: Reply, error: type[Exception], kind: str
) -> None:
    server.responder = lambda body: reply
    with pytest.raises(error) as raised:
        extractor.extract("Some article text.", **endpoint(server), max_retries=0, cache=False)
    assert isinstance(raised.value, extractor.ExtractorError)
    assert raised.value.result.error.kind == kind
    result = extractor.extract(
        "Some article text.", **endpoint(server), max_retries=0, cache=False, raise_on_failure=False
    )
    assert result.status == "failed" and result.error.kind == kind


def test_an_unreadable_text_is_an_article_error(server: FakeOpenAI) -> None:
    with pytest.raises(extractor.ArticleError, match="empty"):
        extractor.extract("   ", **endpoint(server))


def test_a_bad_setting_is_a_user_error_before_any_request(server: FakeOpenAI) -> None:
    with pytest.raises(extractor.UserError, match="temperature"):
        extractor.extract("text", **endpoint(server), temperature=float("nan"))
    with pytest.raises(extractor.UserError, match="unknown setting"):
        extractor.extract("text", **endpoint(server), temprature=0.1)
    assert server.chat_requests == []


def test_extract_batch_yields_writes_and_counts(server: FakeOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(3):
        (folder / f"a{index}.txt").write_text(f"Article {index}: China and Pakistan met.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    batch = extractor.extract_batch([folder], output=out, **endpoint(server))
    ids = [result.article_id for result in batch]
    assert ids == ["a0", "a1", "a2"]
    assert [json.loads(line)["article_id"] for line in out.read_text(encoding="utf-8").splitlines()] == ids
    assert batch.summary is not None and batch.summary["articles"]["ok"] == 3
    assert batch.stats.ok == 3


def test_aextract_batch(server: FakeOpenAI, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("China and Pakistan met.", encoding="utf-8")

    async def collect() -> list[str]:
        return [r.status async for r in extractor.aextract_batch([article], **endpoint(server))]

    assert asyncio.run(collect()) == ["ok"]


def test_tools_over_results_take_files_or_results(tmp_path: Path) -> None:
    fixture = Path("tests/analysis/fixtures/seeds_results.jsonl")
    results = extractor.load_results(fixture)
    assert len(extractor.merge(fixture)) == len(extractor.merge(list(results.values())))
    assert not extractor.diff(fixture, results).has_changes
    evaluation = extractor.evaluate(fixture, "tests/analysis/gold")
    assert evaluation.to_json()["micro"]["f1"] == 1.0
    assert extractor.export(fixture, tmp_path / "events.csv") == sum(len(r.events) for r in results.values())
    assert extractor.report(fixture, title="T").startswith("<!DOCTYPE html>")


def test_blocking_calls_inside_a_running_loop_name_the_async_twin(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("China and Pakistan met.", encoding="utf-8")

    async def in_a_notebook() -> None:
        with pytest.raises(extractor.UserError, match="aextract"):
            extractor.extract("China and Pakistan met.", backend="rules")
        with pytest.raises(extractor.UserError, match="aextract_batch"):
            list(extractor.extract_batch([article], backend="rules"))

    asyncio.run(in_a_notebook())


def test_extract_batch_without_output_prints_nothing(
    server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("China and Pakistan met.", encoding="utf-8")
    results = list(extractor.extract_batch([article], **endpoint(server)))
    assert [r.status for r in results] == ["ok"]
    assert capsys.readouterr().out == ""
    list(extractor.extract_batch([article], output="-", **endpoint(server)))
    assert json.loads(capsys.readouterr().out)["article_id"] == "a"
