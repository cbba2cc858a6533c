"""The article: the unit everything in this project works on.

Offsets everywhere refer to `Article.text`, the decoded file as read, including a
scraper header line if there is one. The model only ever sees `Article.body`,
which starts at `Article.body_start`. `extractor.reader` makes articles from bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from extractor.errors import ArticleError


@dataclass(frozen=True)
class Article:
    article_id: str
    path: str
    text: str
    body_start: int
    published: date | None
    sha256: str

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True)
class Unreadable:
    """An input that could not be turned into an `Article`; it still gets a result line."""

    article_id: str
    path: str
    sha256: str | None
    error: ArticleError
