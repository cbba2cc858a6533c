from __future__ import annotations

import json
from typing import Any

import pytest
from extractor.schemas import (
    EVENT_TYPES,
    QUOTE_CHECK,
    ArticleEvents,
    ArticleResult,
    Evidence,
    result_json_schema_text,
)
from pydantic import ValidationError

from tests.conftest import REPO


def answer(**event: Any) -> dict[str, Any]:
    base = {"status": "occurred", "summary_en": "Something happened.", "evidence": ["quoted words"]}
    return {"events": [base | event]}


def investment(**fields: Any) -> dict[str, Any]:
    event = {
        "type": "investment",
        "amount": 30e9,
        "currency": "USD",
        "amount_text": "۳۰ میلیارد دلار",
        "qualifier": "more_than",
        "figure_kind": "investment",
    }
    return answer(**(event | fields))


def errors_of(data: dict[str, Any], **context: Any) -> str:
    with pytest.raises(ValidationError) as info:
        ArticleEvents.model_validate(data, context=context or None)
    return str(info.value)


def test_event_union_is_discriminated_on_type() -> None:
    parsed = ArticleEvents.model_validate(investment(currency="usd"))
    event = parsed.events[0]
    assert event.type == "investment"
    assert event.currency == "USD"  # codes are upper-cased before they are checked
    assert event.model_dump(mode="json")["amount"] == 30000000000  # whole amounts stay integers


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (investment(currency="DOLLARS"), "not an ISO 4217 currency code"),
        (investment(amount=0), "amount must be a positive number"),
        (investment(amount=-5), "amount must be a positive number"),
        (answer(type="visit", visitor={"name_en": "Ishaq Dar"}, host_country_iso3="CN"), "alpha-3"),
        (answer(type="agreement", kind="mou", agreement_status="signed", parties=["XXX"]), "alpha-3"),
        (
            answer(type="strategic_dialogue", date_start="2026-01-05", date_end="2026-01-03"),
            "date_end 2026-01-03 is before date_start 2026-01-05",
        ),
        (answer(type="parade"), "does not match any of the expected tags"),
        (answer(type="strategic_dialogue", evidence=[]), "at least 1 item"),
    ],
)
def test_validators_reject_with_messages_a_model_can_act_on(data: dict[str, Any], message: str) -> None:
    assert message in errors_of(data)


def test_quotes_are_checked_against_the_article_when_a_check_is_given() -> None:
    data = answer(type="strategic_dialogue", evidence=["in the text", "invented words"])
    message = errors_of(data, **{QUOTE_CHECK: lambda q: q == "in the text"})
    assert "not in the article: ['invented words']" in message
    assert "do not translate or paraphrase" in message
    # Without a check the same answer is structurally valid.
    assert ArticleEvents.model_validate(data).events[0].evidence == ["in the text", "invented words"]


def test_evidence_offsets_come_with_a_match_kind() -> None:
    assert Evidence(quote="q", start=3, end=4, match="exact").end == 4
    assert Evidence(quote="not found").match is None
    with pytest.raises(ValidationError):
        Evidence(quote="q", start=3, end=4)
    with pytest.raises(ValidationError):
        Evidence(quote="q", start=5, end=4, match="exact")


def test_result_status_and_error_go_together() -> None:
    base = {"article_id": "a", "source": {"path": "a.txt"}}
    with pytest.raises(ValidationError, match="failed result needs an error"):
        ArticleResult.model_validate(base | {"status": "failed"})
    with pytest.raises(ValidationError, match="failed result needs an error"):
        ArticleResult.model_validate(base | {"status": "ok", "error": {"kind": "model", "message": "x"}})


def test_the_model_is_never_asked_for_offsets_or_corrections() -> None:
    schema = json.dumps(ArticleEvents.model_json_schema())
    assert '"start"' not in schema and '"corrections"' not in schema
    for event_type in EVENT_TYPES.values():
        assert {"evidence", "corrections", "grounded"} <= set(event_type.model_fields)


def test_committed_json_schema_is_up_to_date() -> None:
    committed = (REPO / "schemas" / "json" / "result.schema.json").read_text(encoding="utf-8")
    assert committed == result_json_schema_text(), (
        "schemas/json/result.schema.json is stale: run `extractor schema > schemas/json/result.schema.json`"
    )


def test_error_lines_say_where_and_what_without_urls_or_input() -> None:
    from extractor.schemas import error_lines

    with pytest.raises(ValidationError) as info:
        ArticleEvents.model_validate(investment(currency="DOLLARS", amount=0))
    lines = error_lines(info.value)
    assert [line.split(":")[0] for line in lines] == ["events.0.investment.amount", "events.0.investment.currency"]
    assert "not an ISO 4217 currency code" in lines[1]
    assert not any("https://" in line or "input_value" in line for line in lines)
    with pytest.raises(ValidationError) as info:
        ArticleResult.model_validate_json("[]")
    # An error about the whole input is named by the caller's word for it.
    assert error_lines(info.value) == ["line: Input should be an object"]
    assert error_lines(info.value, whole="answer") == ["answer: Input should be an object"]
