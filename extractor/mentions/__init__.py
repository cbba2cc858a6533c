"""Deterministic mention layer: money, dates and countries with exact offsets.

Mentions are searched in the article body only, but every offset points into
``Article.text`` (the whole file), so ``article.text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from extractor.article import Article
from extractor.mentions.countries import CountryMention, find_countries
from extractor.mentions.dates import DateMention, find_dates
from extractor.mentions.language import detect_language
from extractor.mentions.money import MoneyMention, find_money

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


class Mentions:
    """The mentions of one article, each kind found on first use.

    Finding them is the costliest CPU step of the pipeline, and repair needs
    money only for investment events: an article without one never pays for it.
    """

    def __init__(self, article: Article) -> None:
        self._article = article
        self.article_id = article.article_id
        self.language = detect_language(article.body)
        self.published = article.published.isoformat() if article.published else None

    @cached_property
    def money(self) -> list[MoneyMention]:
        text, start = self._article.text, self._article.body_start
        return sorted(find_money(text, start, lang=self.language), key=lambda m: m.start)

    @cached_property
    def dates(self) -> list[DateMention]:
        article = self._article
        return find_dates(article.text, article.body_start, lang=self.language, published=article.published)

    @cached_property
    def countries(self) -> list[CountryMention]:
        return find_countries(self._article.text, self._article.body_start, lang=self.language)

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
    return Mentions(article)
