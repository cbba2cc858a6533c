"""Validation per event (fake server on 127.0.0.1): one bad event never costs the good ones."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import instructor
import pytest
from extractor.schemas import ArticleResult

from extractor.backends import Endpoint
from extractor.backends.base import parse_mode
from extractor.errors import UserError
from extractor.model_client import GenerationSettings, ModelClient
from extractor.modes import MODES
from extractor.pipeline import Extractor
from extractor.prompting import load_prompt
from extractor.reader import read_one
from extractor.testing import FakeOpenAI, Reply
from tests.conftest import dialogue_event as dialogue

ARTICLE = (
    "Pakistan and China held the seventh round of their strategic dialogue in Beijing on 4 January 2026. "
    "Both sides signed a memorandum on the economic corridor. "
    "Ishaq Dar visited Beijing from 3 to 5 January 2026."
)
PERSIAN = "هفتمین دور گفتوگوی راهبردی وزرای خارجه پاکستان و چین در پکن در ۱۴ دی ۱۴۰۴ برگزار شد."


def agreement(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "agreement",
        "status": "occurred",
        "summary_en": "Pakistan and China signed an MoU on the corridor.",
        "parties": ["CHN", "PAK"],
        "kind": "mou",
        "agreement_status": "signed",
        "evidence": ["Both sides signed a memorandum on the economic corridor"],
    } | overrides


def visit(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "visit",
        "status": "occurred",
        "summary_en": "Ishaq Dar visited China.",
        "date_start": "2026-01-03",
        "date_end": "2026-01-05",
        "parties": ["CHN", "PAK"],
        "visitor": {"name_en": "Ishaq Dar"},
        "host_country_iso3": "CHN",
        "evidence": ["Ishaq Dar visited Beijing from 3 to 5 January 2026"],
    } | overrides


def run(
    server: FakeOpenAI, path: Path, *, max_reasks: int = 2, mode: instructor.Mode = instructor.Mode.TOOLS
) -> ArticleResult:
    endpoint = Endpoint("openai", server.base_url, "test-dummy-key", "fake-model", mode)

    async def go() -> ArticleResult:
        client = ModelClient(endpoint, GenerationSettings(max_tokens=512, max_reasks=max_reasks))
        try:
            return await Extractor(client, load_prompt()).extract(read_one(str(path)))
        finally:
            await client.aclose()

    return asyncio.run(go())


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def reask_text(server: FakeOpenAI, index: int) -> str:
    messages = server.chat_requests[index]["messages"]
    return "\n".join(str(m.get("content")) for m in messages if m["role"] in ("tool", "user"))


def test_a_repeated_bad_event_is_rejected_alone_and_the_good_events_stay(server: FakeOpenAI, article: Path) -> None:
    answer = {"events": [dialogue(), agreement(kind="treaty"), visit()]}
    server.responder = lambda body: Reply.answer(answer)
    result = run(server, article)
    assert result.status == "ok" and result.error is None
    assert sorted(e.type for e in result.events) == ["strategic_dialogue", "visit"]
    (rejected,) = result.rejected
    assert rejected.event["kind"] == "treaty" and "after 2 re-ask(s)" in rejected.reason
    assert any(e.startswith("kind:") for e in rejected.errors)
    assert any("still invalid" in w for w in result.warnings)
    assert result.usage.requests == 3 and result.usage.reasks == 2
    # The re-ask names the failing event and field only.
    text = reask_text(server, 1)
    assert "events[1].kind" in text and "events[0]" not in text and "events[2]" not in text


def test_a_fixed_event_replaces_its_failed_version_and_valid_ones_are_not_doubled(
    server: FakeOpenAI, article: Path
) -> None:
    server.script(
        Reply.answer({"events": [dialogue(), agreement(kind="treaty")]}),
        Reply.answer({"events": [dialogue(), agreement()]}),
    )
    result = run(server, article)
    assert [e.type for e in result.events] == ["strategic_dialogue", "agreement"]
    assert result.events[1].kind == "mou"
    assert result.rejected == [] and result.usage.requests == 2


def test_an_event_the_model_leaves_out_when_reasked_is_rejected_as_withdrawn(server: FakeOpenAI, article: Path) -> None:
    server.script(
        Reply.answer({"events": [dialogue(), agreement(agreement_status="maybe")]}),
        Reply.answer({"events": [dialogue()]}),
    )
    result = run(server, article)
    assert [e.type for e in result.events] == ["strategic_dialogue"]
    (rejected,) = result.rejected
    assert "left this event out" in rejected.reason
    assert any(e.startswith("agreement_status") for e in rejected.errors)


def test_coercible_values_are_fixed_without_a_reask_and_recorded(server: FakeOpenAI, article: Path) -> None:
    spoiled = visit(parties=["CN", "Pakistan"], date_start="January 3, 2026", host_country_iso3="China")
    server.responder = lambda body: Reply.answer({"events": [spoiled]})
    result = run(server, article)
    (event,) = result.events
    assert event.parties == ["CHN", "PAK"] and event.host_country_iso3 == "CHN"
    assert event.date_start.isoformat() == "2026-01-03"
    recorded = {c.field: (c.model_value, c.text_value) for c in event.corrections}
    assert recorded["parties"] == (["CN", "Pakistan"], ["CHN", "PAK"])
    assert recorded["date_start"] == ("January 3, 2026", "2026-01-03")
    assert recorded["host_country_iso3"] == ("China", "CHN")
    assert result.usage.requests == 1


def test_persian_digits_and_names_are_coerced(server: FakeOpenAI, tmp_path: Path) -> None:
    path = tmp_path / "fa.txt"
    path.write_text(PERSIAN, encoding="utf-8")
    quote = "هفتمین دور گفتوگوی راهبردی وزرای خارجه پاکستان و چین در پکن"
    answer = dialogue(parties=["چین", "پاکستان"], date_start="۲۰۲۶-۰۱-۰۴", evidence=[quote])
    server.responder = lambda body: Reply.answer({"events": [answer]})
    result = run(server, path)
    (event,) = result.events
    assert event.parties == ["CHN", "PAK"] and event.date_start.isoformat() == "2026-01-04"
    assert {c.field for c in event.corrections} >= {"parties", "date_start"}


def test_an_invented_quote_still_goes_to_grounding_after_the_reasks(server: FakeOpenAI, article: Path) -> None:
    answer = {"events": [dialogue(), agreement(evidence=["They also signed a secret pact."])]}
    server.responder = lambda body: Reply.answer(answer)
    result = run(server, article, max_reasks=1)
    assert [e.type for e in result.events] == ["strategic_dialogue"]
    (rejected,) = result.rejected
    assert "no evidence quote was found" in rejected.reason


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply.invalid_json(), "not JSON"),
        (Reply.answer({"events": "none found"}), "no 'events' list"),
        (Reply.answer("[1, 2"), "not JSON"),
    ],
)
def test_only_an_unusable_answer_fails_the_article(
    server: FakeOpenAI, article: Path, reply: Reply, message: str
) -> None:
    server.responder = lambda body: reply
    result = run(server, article, max_reasks=1)
    assert result.status == "failed" and result.error is not None
    assert result.error.kind == "model" and message in result.error.message
    assert result.usage.requests == 2


def test_an_object_without_events_is_the_schemas_default_no_events(server: FakeOpenAI, article: Path) -> None:
    server.responder = lambda body: Reply.answer({})
    result = run(server, article)
    assert result.status == "ok" and result.events == [] and result.usage.requests == 1


def test_an_unusable_reask_answer_keeps_what_the_first_answer_gave(server: FakeOpenAI, article: Path) -> None:
    server.script(Reply.answer({"events": [dialogue(), agreement(kind="treaty")]}), Reply.invalid_json())
    result = run(server, article, max_reasks=1)
    assert result.status == "ok" and [e.type for e in result.events] == ["strategic_dialogue"]
    assert len(result.rejected) == 1


# --- --mode ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("tools", instructor.Mode.TOOLS),
        ("json_schema", instructor.Mode.JSON_SCHEMA),
        ("json", instructor.Mode.JSON),
        ("md_json", instructor.Mode.MD_JSON),
        ("TOOLS", instructor.Mode.TOOLS),
        ("MD_JSON", instructor.Mode.MD_JSON),
        ("tool_call", instructor.Mode.TOOLS),
        ("json_schema_mode", instructor.Mode.JSON_SCHEMA),
        ("md-json", instructor.Mode.MD_JSON),
    ],
)
def test_documented_mode_names_and_instructor_aliases_are_accepted(name: str, mode: instructor.Mode) -> None:
    assert parse_mode(name, instructor.Mode.TOOLS) is mode


def test_an_unknown_mode_names_the_documented_ones() -> None:
    with pytest.raises(UserError, match="tools, json_schema, json, md_json"):
        parse_mode("xml", instructor.Mode.TOOLS)


@pytest.mark.parametrize("name", list(MODES))
def test_every_documented_mode_extracts_end_to_end(server: FakeOpenAI, article: Path, name: str) -> None:
    server.responder = lambda body: Reply.answer({"events": [dialogue(parties=["CN", "PK"])]})
    result = run(server, article, mode=MODES[name])
    assert result.status == "ok", result.error
    assert [e.parties for e in result.events] == [["CHN", "PAK"]]


def test_run_help_and_readme_name_the_same_modes(capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in MODES:
        assert name in help_text and f"`{name}`" in readme


@pytest.fixture
def server() -> Any:
    with FakeOpenAI() as fake:
        yield fake
