from __future__ import annotations

from typing import Any

from extractor.reader import parse_article
from extractor.rules import code_article


def code(body: str, published: str | None = None) -> list[dict[str, Any]]:
    """The rules coder's answer for an article with this body, as plain dicts."""
    header = f" date {published} test\n" if published else ""
    article = parse_article((header + body).encode(), path="t.txt", article_id="t")
    return [e.model_dump(mode="json") for e in code_article(article).events]


def of_type(events: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == event_type]
