"""Deterministic mention layer: money, dates and countries with exact offsets.

Mentions are searched in the article body only, but every offset points into
``Article.text`` (the whole file), so ``article.text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractor.mentions.countries import CountryMention, find_countries
from extractor.mentions.dates import DateMention, find_dates
from extractor.mentions.language import detect_language
from extractor.mentions.money import MoneyMention, find_money
from extractor.reader import Article

__all__ = [
    "CountryMention",
    "DateMention",
    "Mentions",
    "MoneyMention",
    "detect_language",
    "find_countries",
    "find_dates",
    "find_mentions",
    "find_money",
]


@dataclass(frozen=True)
class Mentions:
    article_id: str
    language: str | None
    published: str | None
    money: list[MoneyMention]
    dates: list[DateMention]
    countries: list[CountryMention]

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready record; key set and order are part of the contract."""
        return {
            "article_id": self.article_id,
            "language": self.language,
            "published": self.published,
            "money": [
                {
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "amount": m.amount,
                    "currency": m.currency,
                    "qualifier": m.qualifier,
                }
                for m in self.money
            ],
            "dates": [
                {
                    "text": d.text,
                    "start": d.start,
                    "end": d.end,
                    "date_start": d.date_start,
                    "date_end": d.date_end,
                }
                for d in self.dates
            ],
            "countries": [{"text": c.text, "start": c.start, "end": c.end, "iso3": c.iso3} for c in self.countries],
        }


def find_mentions(article: Article) -> Mentions:
    """All mentions in the article body, sorted by start, offsets into ``article.text``."""
    text, start = article.text, article.body_start
    language = detect_language(article.body)
    return Mentions(
        article_id=article.article_id,
        language=language,
        published=article.published.isoformat() if article.published else None,
        money=sorted(find_money(text, start, lang=language), key=lambda m: m.start),
        dates=find_dates(text, start, lang=language, published=article.published),
        countries=find_countries(text, start),
    )
