"""Reading articles: files, folders of `.txt` files, or standard input.

Offsets everywhere in this project refer to `Article.text`, the decoded file as
read, including a scraper header line if there is one. The model only ever sees
`Article.body`, which starts at `Article.body_start`.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extractor.errors import ArticleError, UserError

# Scrapers prefix articles with a line such as " date 2026-01-05 پخش زنده".
_HEADER = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})[^\n]*(?:\n|\Z)")
STDIN = "-"


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


def parse_article(raw: bytes, *, path: str, article_id: str) -> Article:
    """Decode and split one article; raise `ArticleError` for what cannot be read."""
    if not raw.strip():
        raise ArticleError("the file is empty")
    if b"\x00" in raw:
        raise ArticleError("the file is binary (it contains NUL bytes), not UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"the file is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from exc
    published, body_start = _split_header(text)
    if not _has_visible_text(text[body_start:]):
        raise ArticleError("the file holds only a header line, no article text" if body_start else "the file is empty")
    return Article(
        article_id=article_id,
        path=path,
        text=text,
        body_start=body_start,
        published=published,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _has_visible_text(text: str) -> bool:
    # A byte-order mark or bidi marks alone are not an article.
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def _split_header(text: str) -> tuple[date | None, int]:
    match = _HEADER.match(text)
    if not match:
        return None, 0
    try:
        published = date.fromisoformat(match.group(1))
    except ValueError:
        published = None
    return published, match.end()


def expand_paths(paths: list[str]) -> list[str]:
    """Turn the command line's paths into the ordered list of inputs, or fail as a user error."""
    inputs: list[str] = []
    for given in paths:
        if given == STDIN:
            inputs.append(STDIN)
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*.txt") if p.is_file())
            if not found:
                raise UserError(f"{given}: folder holds no .txt files; point at a folder of articles")
            inputs.extend(found)
        elif path.is_file():
            inputs.append(str(path))
        else:
            raise UserError(f"{given}: no such file or folder; check the path")
    return inputs


def read_one(source: str) -> Article | Unreadable:
    """Read one input; never raises: a bad or vanished file becomes an `Unreadable`."""
    if source == STDIN:
        raw, article_id = sys.stdin.buffer.read(), "stdin"
    else:
        article_id = Path(source).stem
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:  # gone or unreadable since the batch started
            return Unreadable(article_id, source, None, ArticleError(f"cannot read the file ({exc.strerror})"))
    return article_from_bytes(raw, path=source, article_id=article_id)


def article_from_bytes(raw: bytes, *, path: str, article_id: str) -> Article | Unreadable:
    """An `Article`, or an `Unreadable` saying why not: never raises for bad content."""
    try:
        return parse_article(raw, path=path, article_id=article_id)
    except ArticleError as error:
        return Unreadable(article_id, path, hashlib.sha256(raw).hexdigest(), error)


def iter_articles(sources: list[str]) -> Iterator[Article | Unreadable]:
    """Stream the inputs one at a time so memory stays flat in their number."""
    for source in sources:
        yield read_one(source)
