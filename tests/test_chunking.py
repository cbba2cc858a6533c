"""Long articles in chunks, and extraction passes, against the fake server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import instructor
import pytest
from extractor.schemas import ArticleResult

from extractor.backends import Endpoint
from extractor.cache import AnswerCache
from extractor.chunking import (
    Chunk,
    ChunkSettings,
    estimate_tokens,
    plan_chunks,
    sentence_spans,
    split,
)
from extractor.model_client import GenerationSettings, ModelClient
from extractor.pipeline import Extractor
from extractor.prompting import load_prompt
from extractor.reader import Article, parse_article
from extractor.testing import FakeOpenAI, Reply
from extractor.testing.gold_answers import GoldAnswers

REPO = Path(__file__).resolve().parent.parent
ARTICLES = sorted((REPO / "corpus" / "dev" / "articles").glob("*.txt")) + sorted((REPO / "seeds").glob("*.txt"))
GOLD = (REPO / "corpus" / "dev" / "gold", REPO / "tests" / "analysis" / "gold")


def _article(text: str, name: str = "long") -> Article:
    return parse_article(text.encode("utf-8"), path=f"{name}.txt", article_id=name)


def _extract(
    server: FakeOpenAI,
    article: Article,
    *,
    chunking: ChunkSettings | None = None,
    passes: int = 1,
    cache: AnswerCache | None = None,
) -> ArticleResult:
    endpoint = Endpoint("openai", server.base_url, "test-dummy-key", "fake-model", instructor.Mode.TOOLS)

    async def go() -> ArticleResult:
        client = ModelClient(endpoint, GenerationSettings(max_tokens=512, timeout=10), max_in_flight=4)
        try:
            extractor = Extractor(client, load_prompt(), cache=cache, chunking=chunking, passes=passes)
            return await extractor.extract(article)
        finally:
            await client.aclose()

    return asyncio.run(go())


@pytest.fixture
def gold_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(responder=GoldAnswers.from_folders(*GOLD)) as fake:
        yield fake


# --- sentence boundaries and chunk plans ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Talks began. They ended on 16.2 terms! Good? Yes",
            ["Talks began. ", "They ended on 16.2 terms! ", "Good? ", "Yes"],
        ),
        ("گفتگو آغاز شد. توافق امضا شد؟ بله", ["گفتگو آغاز شد. ", "توافق امضا شد؟ ", "بله"]),
        ("بدأت المحادثات؛ ووقعت الاتفاقية؟ نعم", ["بدأت المحادثات؛ ", "ووقعت الاتفاقية؟ ", "نعم"]),
        ("مذاکرات شروع ہوئے۔ معاہدہ ہوا۔", ["مذاکرات شروع ہوئے۔ ", "معاہدہ ہوا۔"]),
        ("会谈开始。双方签署协议！是吗？是", ["会谈开始。", "双方签署协议！", "是吗？", "是"]),
        ("Les pourparlers\n\nont repris à Paris.", ["Les pourparlers\n\n", "ont repris à Paris."]),
    ],
)
def test_sentences_end_at_the_punctuation_of_every_script(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def _corpus_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in ARTICLES)


def test_chunks_cover_the_text_under_the_budget_and_overlap_by_whole_sentences() -> None:
    text = _corpus_text()
    settings = ChunkSettings(max_tokens=400, overlap=2)
    chunks = list(plan_chunks(text, 0, settings))
    starts = {s for s, _ in sentence_spans(text)}
    ends = {e for _, e in sentence_spans(text)}
    assert len(chunks) > 10
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for chunk in chunks:
        assert chunk.start in starts and chunk.end in ends
        assert estimate_tokens(text[chunk.start : chunk.end]) <= settings.max_tokens + 2  # +1 per rounded count
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert before.start < after.start < before.end <= after.end  # overlapping, moving forward
        overlap = [s for s, e in sentence_spans(text, after.start, before.end)]
        assert 1 <= len(overlap) <= 2


def test_a_sentence_longer_than_the_budget_is_cut_at_spaces() -> None:
    text = "word " * 2000 + "end."
    chunks = list(plan_chunks(text, 0, ChunkSettings(max_tokens=100, overlap=0)))
    assert len(chunks) > 10
    assert "".join(text[c.start : c.end] for c in chunks) == text
    assert all(estimate_tokens(text[c.start : c.end]) <= 110 for c in chunks)


def test_an_edit_in_the_middle_moves_few_chunk_boundaries() -> None:
    text = _corpus_text()
    settings = ChunkSettings(max_tokens=400)
    before = [text[c.start : c.end] for c in plan_chunks(text, 0, settings)]
    middle = text.index("\n", len(text) // 2)
    edited = text[:middle] + " An inserted sentence about nothing at all." + text[middle:]
    after = [edited[c.start : c.end] for c in plan_chunks(edited, 0, settings)]
    changed = set(after) - set(before)
    assert 1 <= len(changed) <= 2, f"{len(changed)} of {len(after)} chunks changed"


def test_the_token_estimate_is_close_to_o200k_and_rarely_below_it() -> None:
    """The per-script estimate against OpenAI's o200k count, article by article (corpus/dev, seeds)."""
    bpe_openai = pytest.importorskip("bpe_openai")
    from extractor.chunking import token_counter

    encoding = bpe_openai.encoding_for_model("gpt-4o")
    assert token_counter("gpt-4o") is not estimate_tokens and token_counter("fake-model") is estimate_tokens
    ratios = []
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        ratios.append(estimate_tokens(text) / len(encoding.encode(text, disallowed_special=())))
    # Above 1 (smaller chunks than the budget allows) is safe; below, a chunk may overflow a little.
    assert min(ratios) >= 0.95 and max(ratios) <= 1.5, (min(ratios), max(ratios))


def test_a_short_article_is_not_split() -> None:
    article = _article(ARTICLES[0].read_text(encoding="utf-8"))
    assert split(article, ChunkSettings()) is None
    assert split(article, None) is None


def test_chunks_are_planned_only_as_readers_free_up_and_the_result_is_in_chunk_order() -> None:
    """What bounds a huge article's memory: at most `limit` chunks planned ahead of the answers."""
    from extractor.schemas import Usage

    from extractor.chunking import Read, read_in_chunks

    article = _article(_corpus_text())
    planned = split(article, ChunkSettings(max_tokens=300))
    assert planned is not None
    taken: list[int] = []
    finished: list[int] = []

    def plan() -> Iterator[Any]:
        for chunk in planned:
            taken.append(chunk.index)
            assert len(taken) - len(finished) <= 3, "planned ahead of the free readers"
            yield chunk

    async def read(unit: Article, prompt: Any) -> Read:
        index = len(finished) + 1
        await asyncio.sleep(0.001 * (index % 3))  # chunks finish out of order
        finished.append(index)
        return Read(events=[], rejected=[], usage=Usage(requests=1), notes=[unit.text[:20]])

    result = asyncio.run(read_in_chunks(article, plan(), read, load_prompt(), limit=3))
    chunks = list(plan_chunks(article.text, article.body_start, ChunkSettings(max_tokens=300)))
    assert len(taken) == len(chunks) == result.usage.requests > 20
    expected = []
    for chunk in chunks:
        note = article.text[chunk.start : chunk.end][:20]
        if note not in expected:
            expected.append(note)
    assert result.notes == expected  # in chunk order, whatever order the chunks finished in


# --- end to end against the fake server -----------------------------------------------


def _long_article(target: int = 300_000) -> tuple[str, list[str]]:
    """The corpus and seed articles concatenated, each repeated in a row to reach `target` characters.

    Repeated in a row, not interleaved: a chunk's language decides how its numbers
    read ('7,5' is 7.5 in Arabic, 75 in English), as an article's does, so every
    article needs chunks of its own language, as a real long article has.
    """
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    copies = -(-target // sum(len(text) + 2 for text in texts))
    parts = [text.strip() for text in texts for _ in range(copies)]
    return "\n\n".join(parts), texts


def _quotes_by_type(result: ArticleResult) -> set[tuple[str, str]]:
    return {(event.type, e.quote) for event in result.events for e in event.evidence if e.match is not None}


def test_a_300_kb_article_is_read_in_chunks_with_every_event_found_and_exact_offsets(
    gold_server: FakeOpenAI, tmp_path: Path
) -> None:
    long_text, texts = _long_article()
    assert len(long_text) >= 300_000
    article = _article(" date 2025-04-15\n" + long_text)
    settings = ChunkSettings(max_tokens=1500)
    cache = AnswerCache(tmp_path / "answers.sqlite")
    result = _extract(gold_server, article, chunking=settings, cache=cache)
    cache.close()

    assert result.status == "ok", result.error
    requests = len(gold_server.chat_requests)
    chunks = list(plan_chunks(article.text, article.body_start, settings))
    distinct = {article.text[c.start : c.end] for c in chunks}  # a repeated chunk is asked once
    assert len(chunks) > 100 and requests == len(distinct) == result.usage.requests
    # Every offset is exact for the file as read, whatever the match kind: grounding
    # stores the article's own span as the quote.
    evidence_items = [evidence for event in result.events for evidence in event.evidence]
    assert evidence_items
    for evidence in evidence_items:
        if evidence.match is None:  # ungrounded: no span to check, and none claimed
            assert evidence.start is None and evidence.end is None
            continue
        assert evidence.start is not None and evidence.end is not None
        assert article.text[evidence.start : evidence.end] == evidence.quote, evidence
    # Every event found in an article read whole is found in the long article read in chunks,
    # with every one of its grounded quotes (an event cut by a chunk boundary would lose some).
    found = _quotes_by_type(result)
    checked = 0
    for index, text in enumerate(texts):
        whole = _extract(gold_server, _article(text, f"a{index}"))
        assert whole.status == "ok"
        checked += len(whole.events)
        missing = []
        for event in whole.events:
            quotes = {(event.type, e.quote) for e in event.evidence if e.match is not None}
            if not quotes or not quotes <= found:
                missing.append(event.summary_en)
        assert not missing, f"{ARTICLES[index].name}: {missing}"
    assert checked >= 50  # the articles' events, every one of them found
    # Every chunk had the headline and the publication date as context.
    first_line = long_text.split("\n", 1)[0].strip()
    for body in gold_server.chat_requests[:requests]:
        user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        header = user.split("\n\n", 1)[0]
        assert "published 2025-04-15" in header and first_line[:40] in header
    # The overlap repeats events; in-article dedup merges them.
    assert any("duplicate" in warning for warning in result.warnings)


def test_a_changed_long_article_re_asks_only_the_changed_chunks(gold_server: FakeOpenAI, tmp_path: Path) -> None:
    long_text, _ = _long_article(60_000)
    cache = AnswerCache(tmp_path / "answers.sqlite")
    settings = ChunkSettings(max_tokens=1500)
    first = _extract(gold_server, _article(long_text), chunking=settings, cache=cache)
    asked = len(gold_server.chat_requests)
    middle = long_text.index("\n", len(long_text) // 2)
    edited = long_text[:middle] + " A sentence added later." + long_text[middle:]
    second = _extract(gold_server, _article(edited), chunking=settings, cache=cache)
    again = len(gold_server.chat_requests) - asked
    cache.close()
    assert first.status == second.status == "ok"
    assert asked > 10 and 1 <= again <= 2, f"{again} of {asked} chunks asked again"
    assert not second.cached and second.usage.requests == again


def test_passes_union_the_events_of_every_round_and_count_every_request(tmp_path: Path) -> None:
    text = (
        "China and Pakistan held their seventh strategic dialogue in Beijing on 4 January 2026. "
        "Pakistan's foreign minister visited China from 3 to 5 January."
    )
    dialogue: dict[str, Any] = {
        "type": "strategic_dialogue",
        "status": "occurred",
        "summary_en": "The seventh strategic dialogue.",
        "parties": ["CHN", "PAK"],
        "round": 7,
        "evidence": ["China and Pakistan held their seventh strategic dialogue in Beijing"],
    }
    visit: dict[str, Any] = {
        "type": "visit",
        "status": "occurred",
        "summary_en": "Pakistan's foreign minister visited China.",
        "parties": ["CHN", "PAK"],
        "visitor": {"name_en": "Ishaq Dar", "country_iso3": "PAK"},
        "host_country_iso3": "CHN",
        "evidence": ["Pakistan's foreign minister visited China from 3 to 5 January"],
    }
    with FakeOpenAI() as server:
        # Pass 1 finds the dialogue; pass 2 finds the visit it missed and repeats the dialogue.
        server.script(Reply.answer({"events": [dialogue]}), Reply.answer({"events": [visit, dialogue]}))
        result = _extract(server, _article(text, "passes"), passes=2)
        second_prompt = server.chat_requests[1]["messages"][0]["content"]
    assert result.status == "ok"
    assert sorted(event.type for event in result.events) == ["strategic_dialogue", "visit"]
    assert result.usage.requests == 2 and result.usage.prompt_tokens == 200
    assert "strategic_dialogue: The seventh strategic dialogue." in second_prompt


_DIALOGUE: dict[str, Any] = {
    "type": "strategic_dialogue",
    "status": "occurred",
    "summary_en": "The seventh strategic dialogue.",
    "parties": ["CHN", "PAK"],
    "round": 7,
    "evidence": ["China and Pakistan held their seventh strategic dialogue in Beijing"],
}
_TWO_EVENTS = (
    "China and Pakistan held their seventh strategic dialogue in Beijing on 4 January 2026. "
    "Pakistan's foreign minister visited China from 3 to 5 January."
)


@pytest.mark.parametrize(
    ("failure", "kind"),
    [(Reply.status(400), "request"), (Reply.truncated({"events": [_DIALOGUE]}), "model")],
)
def test_a_failed_later_pass_keeps_the_earlier_passes_events_and_marks_the_line_partial(
    failure: Reply, kind: str
) -> None:
    with FakeOpenAI() as server:
        server.script(Reply.answer({"events": [_DIALOGUE]}), failure)
        result = _extract(server, _article(_TWO_EVENTS, "passes"), passes=3)
        asked = len(server.chat_requests)
    assert result.status == "ok" and result.error is None and result.partial
    assert [event.type for event in result.events] == ["strategic_dialogue"]
    # Pass 3 is not asked after pass 2 failed; every request sent is counted.
    assert asked == 2 and result.usage.requests == 2
    failed = [w for w in result.warnings if w.startswith("pass 2 of 3 failed, its events are missing: ")]
    assert len(failed) == 1 and kind in failed[0], result.warnings


def test_a_failed_first_pass_still_fails_the_article() -> None:
    with FakeOpenAI() as server:
        server.script(Reply.status(400))
        result = _extract(server, _article(_TWO_EVENTS, "passes"), passes=2)
    assert result.status == "failed" and result.error is not None and result.error.kind == "request"
    assert not result.partial and result.usage.requests == 1


def _failing_later_passes(responder: GoldAnswers, marker: str) -> Any:
    """The gold answers, but a refused request for pass 2 or later of every chunk holding `marker`."""

    def respond(body: dict[str, Any]) -> Reply:
        system = body["messages"][0]["content"]
        user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        if "An earlier reading of this article found" in system and marker in user:
            return Reply.status(400)
        return responder(body)

    return respond


def test_a_failed_later_pass_of_a_chunk_keeps_that_chunks_first_pass_events() -> None:
    text = _three_articles()
    settings = ChunkSettings(max_tokens=300)
    chunks, marker = _chunks_and_last_marker(text, settings)
    last = chunks[-1]
    gold = GoldAnswers.from_folders(*GOLD)
    with FakeOpenAI(responder=gold) as server:
        once = _extract(server, _article(text), chunking=settings)
    with FakeOpenAI(responder=_failing_later_passes(gold, marker)) as server:
        result = _extract(server, _article(text), chunking=settings, passes=2)
        asked = len(server.chat_requests)
    assert once.status == "ok" and not once.partial and once.events
    assert result.status == "ok" and result.partial
    # The gold answers find everything in pass 1, so nothing of the failed chunk is lost.
    assert _quotes_by_type(result) == _quotes_by_type(once)
    assert asked == result.usage.requests == 2 * len(chunks)
    where = f"chunk {len(chunks)} of {len(chunks)} (characters {last.start}-{last.end}), pass 2 of 2 failed"
    assert (
        [w for w in result.warnings if "failed" in w]
        == [w for w in result.warnings if w.startswith(where) and "request" in w]
        != []
    )


# --- the command line -----------------------------------------------------------------


def test_run_reads_a_long_article_in_chunks_of_max_chunk_tokens_with_passes(
    gold_server: FakeOpenAI, tmp_path: Path
) -> None:
    from extractor.cli import main

    text = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in ARTICLES[:3])
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["run", str(path), "-o", str(out), "--base-url", gold_server.base_url, "--model", "fake-model"]
    assert main([*argv, "--quiet", "--no-cache", "--max-chunk-tokens", "300", "--passes", "2"]) == 0
    line = ArticleResult.model_validate_json(out.read_text(encoding="utf-8"))
    chunks = list(plan_chunks(text, 0, ChunkSettings(max_tokens=300)))
    assert len(chunks) >= 3
    assert line.usage.requests == len(gold_server.chat_requests) == 2 * len(chunks)  # every pass of every chunk
    assert line.events and all(
        text[e.start : e.end] == e.quote for event in line.events for e in event.evidence if e.match is not None
    )


def _three_articles() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in ARTICLES[:3])


def _failing(responder: GoldAnswers, marker: str | None) -> Any:
    """The gold answers, but a refused request (HTTP 400) for every chunk holding `marker` (None: all)."""

    def respond(body: dict[str, Any]) -> Reply:
        user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        if marker is None or marker in user:
            return Reply.status(400)
        return responder(body)

    return respond


def test_a_failed_chunk_costs_its_own_events_only_and_is_named_in_a_warning() -> None:
    text = _three_articles()
    settings = ChunkSettings(max_tokens=300)
    chunks, marker = _chunks_and_last_marker(text, settings)
    last = chunks[-1]
    gold = GoldAnswers.from_folders(*GOLD)
    with FakeOpenAI(responder=gold) as server:
        whole = _extract(server, _article(text), chunking=settings)
    with FakeOpenAI(responder=_failing(gold, marker)) as server:
        partial = _extract(server, _article(text), chunking=settings)
    assert whole.status == "ok" and whole.events
    assert partial.status == "ok" and partial.error is None and partial.partial
    assert partial.events, "the good chunks' events are kept"
    good = {(e.type, ev.quote) for e in whole.events for ev in e.evidence}
    assert {(e.type, ev.quote) for e in partial.events for ev in e.evidence} <= good
    where = f"chunk {len(chunks)} of {len(chunks)} (characters {last.start}-{last.end}) failed"
    failed = [w for w in partial.warnings if w.startswith(where)]
    assert len(failed) == 1 and "request" in failed[0], partial.warnings


def test_an_article_whose_every_chunk_failed_is_failed_with_the_first_error() -> None:
    text = _three_articles()
    settings = ChunkSettings(max_tokens=300)
    first = next(plan_chunks(text, 0, settings))
    with FakeOpenAI(responder=_failing(GoldAnswers.from_folders(*GOLD), None)) as server:
        result = _extract(server, _article(text), chunking=settings)
    assert result.status == "failed" and result.error is not None and not result.events
    assert result.error.kind == "request"
    assert result.error.message.startswith(
        f"chunk 1 of {len(list(plan_chunks(text, 0, settings)))} (characters {first.start}-{first.end}): "
    )


def test_resume_redoes_a_long_article_when_the_chunk_budget_or_the_passes_change(
    gold_server: FakeOpenAI, tmp_path: Path
) -> None:
    from extractor.cli import main

    path = tmp_path / "long.txt"
    path.write_text(_three_articles(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["run", str(path), "-o", str(out), "--base-url", gold_server.base_url, "--model", "fake-model"]
    argv += ["--quiet", "--no-cache", "--resume"]

    def asked(*flags: str) -> int:
        before = len(gold_server.chat_requests)
        assert main([*argv, *flags]) == 0
        return len(gold_server.chat_requests) - before

    assert asked("--max-chunk-tokens", "300") > 0
    assert asked("--max-chunk-tokens", "300") == 0  # the same settings: done
    assert asked("--max-chunk-tokens", "400") > 0  # another budget: other chunks
    assert asked("--max-chunk-tokens", "400", "--passes", "2") > 0  # another number of passes
    assert asked("--max-chunk-tokens", "400", "--passes", "2") == 0


def _chunks_and_last_marker(text: str, settings: ChunkSettings) -> tuple[list[Chunk], str]:
    """The article's chunks and the closing words of the last one, found in no other chunk."""
    chunks = list(plan_chunks(text, 0, settings))
    last = chunks[-1]
    marker = text[last.start : last.end].strip()[-30:]
    assert len(chunks) >= 3 and sum(marker in text[c.start : c.end] for c in chunks) == 1
    return chunks, marker


def _switchable(marker: str, failure: Reply) -> tuple[Any, list[bool]]:
    """The gold answers, with `failure` for the chunk holding `marker` while the switch is on."""
    gold = GoldAnswers.from_folders(*GOLD)
    failing = [True]

    def respond(body: dict[str, Any]) -> Reply:
        user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        return failure if failing[0] and marker in user else gold(body)

    return respond, failing


@pytest.mark.parametrize(("failure", "paid_for"), [(Reply.status(400), False), (Reply.truncated({"events": []}), True)])
def test_resume_reads_a_partial_article_again_asking_only_its_failed_chunk(
    failure: Reply, paid_for: bool, tmp_path: Path
) -> None:
    """A partial line is redone like a failed one: the cache answers the chunks that succeeded;
    a failure the model was paid for (cut off) is asked again only with --retry-failed."""
    from extractor.cli import main

    text = _three_articles()
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    respond, failing = _switchable(_chunks_and_last_marker(text, ChunkSettings(max_tokens=300))[1], failure)
    with FakeOpenAI(responder=respond) as server:
        argv = ["run", str(path), "-o", str(out), "--base-url", server.base_url, "--model", "fake-model"]
        argv += ["--quiet", "--cache", str(tmp_path / "answers.sqlite"), "--max-chunk-tokens", "300"]

        def run(*flags: str) -> tuple[int, ArticleResult]:
            before = len(server.chat_requests)
            assert main([*argv, *flags]) == 0
            line = ArticleResult.model_validate_json(out.read_text(encoding="utf-8"))
            return len(server.chat_requests) - before, line

        asked, first = run()
        assert asked > 3 and first.status == "ok" and first.partial
        failing[0] = False  # the endpoint (or the model) behaves now
        if paid_for:  # the cache remembers the cut-off answer: --resume alone pays nothing
            asked, again = run("--resume")
            assert asked == 0 and again.partial
        asked, whole = run("--resume", "--retry-failed")
        assert asked == 1 and whole.status == "ok" and not whole.partial
        assert not [w for w in whole.warnings if "failed" in w]
        assert _quotes_by_type(first) <= _quotes_by_type(whole)
        with FakeOpenAI(responder=GoldAnswers.from_folders(*GOLD)) as clean:
            never_failed = _extract(clean, _article(text), chunking=ChunkSettings(max_tokens=300))
        assert _quotes_by_type(whole) == _quotes_by_type(never_failed)
        asked, done = run("--resume")  # a whole line is done
        assert asked == 0 and done == whole


def test_resume_asks_only_the_failed_pass_of_a_partial_article(tmp_path: Path) -> None:
    from extractor.cli import main

    path = tmp_path / "a.txt"
    path.write_text(_TWO_EVENTS, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with FakeOpenAI() as server:
        server.script(Reply.answer({"events": [_DIALOGUE]}), Reply.status(400), Reply.answer({"events": []}))
        argv = ["run", str(path), "-o", str(out), "--base-url", server.base_url, "--model", "fake-model"]
        argv += ["--quiet", "--cache", str(tmp_path / "answers.sqlite"), "--passes", "2"]
        assert main(argv) == 0
        assert ArticleResult.model_validate_json(out.read_text(encoding="utf-8")).partial
        assert main([*argv, "--resume"]) == 0
        line = ArticleResult.model_validate_json(out.read_text(encoding="utf-8"))
        assert len(server.chat_requests) == 3  # pass 1 from the cache, pass 2 asked again
        system = server.chat_requests[2]["messages"][0]["content"]
    assert "An earlier reading" in system and line.status == "ok" and not line.partial
    assert [event.type for event in line.events] == ["strategic_dialogue"]


@pytest.mark.parametrize("flag", [["--prefilter", "rules"], ["--cross-check", "rules"], ["--keep-ungrounded"]])
def test_resume_redoes_a_line_when_a_setting_that_changes_it_changes_but_the_cache_still_answers(
    flag: list[str], gold_server: FakeOpenAI, tmp_path: Path
) -> None:
    """These settings change the line, not the model's answer: in the line key, not the cache key."""
    import json

    from extractor.cli import main

    path = tmp_path / "article.txt"
    path.write_text(ARTICLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    argv = ["run", str(path), "-o", str(out), "--base-url", gold_server.base_url, "--model", "fake-model"]
    argv += ["--quiet", "--cache", str(tmp_path / "answers.sqlite"), "--summary", str(summary)]

    def run(*flags: str) -> tuple[int, int, str | None]:
        """(requests, articles skipped as done, the line's key)"""
        before = len(gold_server.chat_requests)
        assert main([*argv, *flags]) == 0
        skipped = json.loads(summary.read_text(encoding="utf-8"))["articles"]["skipped_as_done"]
        line = ArticleResult.model_validate_json(out.read_text(encoding="utf-8"))
        return len(gold_server.chat_requests) - before, skipped, line.answer_key

    asked, _, plain = run()
    assert asked == 1
    asked, skipped, changed = run("--resume", *flag)
    assert (asked, skipped) == (0, 0) and changed != plain  # redone, from the cache
    assert run("--resume", *flag) == (0, 1, changed)  # the same settings: done
    assert run("--resume") == (0, 0, plain)  # and back


def test_the_chunk_overlap_is_in_the_line_key() -> None:
    from extractor.answer_key import LineSettings, line_key

    keys = {
        line_key("k", LineSettings(chunking=settings))
        for settings in (ChunkSettings(overlap=1), ChunkSettings(overlap=2), ChunkSettings(max_tokens=500))
    }
    assert len(keys) == 3 and line_key("k", LineSettings()) == "k"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"prefilter": "rules"},
        {"cross_check": "rules", "passes": 2},
        {"keep_ungrounded": True, "max_chunk_tokens": 400},
    ],
)
def test_resume_and_the_pipeline_key_a_line_alike(changes: dict[str, Any]) -> None:
    """--resume computes the line key from the run's settings before any pipeline exists; the
    pipeline computes it from itself: they must agree for every setting, or lines are redone
    forever (or kept stale)."""
    from extractor.config import RunConfig, line_settings, open_extractor

    endpoint = Endpoint("openai", "http://127.0.0.1:9/v1", "test-dummy-key", "fake-model", instructor.Mode.TOOLS)
    config = RunConfig(endpoint=endpoint, **changes)

    async def pipeline_settings() -> Any:
        async with open_extractor(config) as extractor:
            return extractor.line_settings

    built = asyncio.run(pipeline_settings())
    assert built == line_settings(config)
    assert (built.rules is not None) == ("prefilter" in changes or "cross_check" in changes)


@pytest.mark.parametrize("flag", [["--passes", "0"], ["--max-chunk-tokens", "10"]])
def test_bad_chunk_or_pass_settings_are_usage_errors(flag: list[str], tmp_path: Path) -> None:
    from extractor.cli import main

    path = tmp_path / "a.txt"
    path.write_text("An article.", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["run", str(path), "--quiet", *flag])
    assert exited.value.code == 2
