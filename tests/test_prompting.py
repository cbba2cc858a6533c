from __future__ import annotations

import pytest
from extractor.schemas import EVENT_TYPES

from extractor.errors import UserError
from extractor.prompting import available_versions, load_prompt
from extractor.reader import parse_article
from tests.conftest import SEEDS


def test_prompt_names_every_event_type_and_has_a_stable_hash() -> None:
    prompt = load_prompt("v1")
    for event_type in EVENT_TYPES:
        assert f"- {event_type}:" in prompt.system
    assert prompt.sha256 == load_prompt("v1").sha256
    assert len(prompt.sha256) == 64
    assert "v1" in available_versions()


def test_messages_hold_the_body_and_the_published_date_but_not_the_header() -> None:
    raw = (SEEDS / "000_c22ab6cdf68cea9e.txt").read_bytes()
    article = parse_article(raw, path="seed", article_id="seed")
    system, user = load_prompt().messages(article)
    assert system["role"] == "system" and user["role"] == "user"
    assert "(published 2026-01-05)" in user["content"]
    assert "پخش زنده" not in user["content"]
    assert article.body.strip() in user["content"]


def test_unknown_prompt_version_is_a_user_error() -> None:
    with pytest.raises(UserError, match="v999.*does not exist"):
        load_prompt("v999")
