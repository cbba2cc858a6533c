"""Reading articles: files, folders of `.txt` files, or standard input.

The `Article` itself is a domain type (`extractor.article`); this module is the one
place that turns bytes into it: decoding, hashing, splitting the header line.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from extractor.article import Article, Unreadable
from extractor.errors import ArticleError, UserError

# Scrapers prefix articles with a line such as " date 2026-01-05 پخش زنده".
_HEADER = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})[^\n]*(?:\n|\Z)")
STDIN = "-"


def parse_article(raw: bytes, *, path: str, article_id: str, max_chars: int | None = None) -> Article:
    """Decode and split one article; raise `ArticleError` for what cannot be read."""
    text = decode_article(raw)
    if max_chars is not None and len(text) > max_chars:
        raise ArticleError(
            f"the article has {len(text):,} characters, more than --max-article-chars {max_chars:,}; "
            "raise the limit to read it whole"
        )
    published, body_start = _split_header(text)
    if not _has_visible_text(text, body_start):
        raise ArticleError("the file holds only a header line, no article text" if body_start else "the file is empty")
    return Article(
        article_id=article_id,
        path=path,
        text=text,
        body_start=body_start,
        published=published,
        sha256=sha256_of(raw),
    )


def decode_article(raw: bytes) -> str:
    """The article's text: UTF-8 only (offsets are code points of exactly this text).

    The one place that decides what an article's bytes mean, for the run and for
    the tools that re-read an article later (validate, report)."""
    if not raw or raw.isspace():  # not raw.strip(): that copies a 20 MB file to find it is not empty
        raise ArticleError("the file is empty")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(raw):
        raise ArticleError("the file is UTF-16 text, not UTF-8; re-save it as UTF-8")
    if b"\x00" in raw:
        raise ArticleError("the file is binary (it contains NUL bytes), not UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"the file is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from exc


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: text whose every other byte is NUL, and that decodes."""
    head = raw[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    even, odd = head[0::2], head[1::2]
    if not (even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)):
        return False
    encoding = "utf-16-be" if even.count(0) > odd.count(0) else "utf-16-le"
    try:
        head.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _has_visible_text(text: str, start: int = 0) -> bool:
    # A byte-order mark or bidi marks alone are not an article. Read in place (islice):
    # slicing would copy a 20 MB body just to find its first letter.
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in islice(text, start, None))


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
    """Turn the command line's paths into the ordered list of inputs, or fail as a user error.

    A `.txt` entry of a folder that is a dangling or looping symlink is kept: reading it
    fails, so it gets a `failed`/`input` line instead of vanishing from the run.
    """
    inputs: list[str] = []
    for given in paths:
        if given == STDIN:
            inputs.append(STDIN)
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*.txt") if p.is_file() or p.is_symlink())
            if not found:
                raise UserError(f"{given}: folder holds no .txt files; point at a folder of articles")
            inputs.extend(found)
        elif path.is_file():
            inputs.append(str(path))
        elif path.is_symlink():
            raise UserError(f"{given}: a symlink to nothing (dangling or looping); check the path")
        else:
            raise UserError(f"{given}: no such file or folder; check the path")
    return inputs


@dataclass(frozen=True)
class Input:
    """One input of a run: the path as given, and its article id, unique within the run."""

    path: str
    article_id: str


def plan_inputs(paths: list[str]) -> list[Input]:
    """The run's inputs with unique article ids (see `article_ids`)."""
    sources = expand_paths(paths)
    ids = article_ids(sources)
    return [Input(source, article_id) for source, article_id in zip(sources, ids, strict=True)]


def article_ids(sources: list[str]) -> list[str]:
    """An id per input, unique within the run: the file's stem when no other input shares it,
    else its path relative to the inputs' common folder, without the suffix
    (`sub1/news.txt` and `sub2/news.txt` are `sub1/news` and `sub2/news`, not both `news`).

    The same path given twice is one article twice (a later line replaces the first).
    """
    resolved = [_resolved(source) for source in sources]
    stems: dict[str, set[str]] = {}
    for source, real in zip(sources, resolved, strict=True):
        stems.setdefault(_stem(source), set()).add(real)
    folders = [os.path.dirname(real) for source, real in zip(sources, resolved, strict=True) if source != STDIN]
    root = os.path.commonpath(folders) if folders else ""
    ids = []
    for source, real in zip(sources, resolved, strict=True):
        stem = _stem(source)
        if source == STDIN or len(stems[stem]) == 1:
            ids.append(stem)
        else:
            relative = Path(os.path.relpath(real, root)).with_suffix("")
            ids.append(relative.as_posix())
    return ids


def _stem(source: str) -> str:
    return "stdin" if source == STDIN else Path(source).stem


def _resolved(source: str) -> str:
    if source == STDIN:
        return STDIN
    # abspath, not realpath: two symlinks to one file are still two inputs the user named.
    return os.path.abspath(source)


def read_one(source: str, article_id: str | None = None, *, max_chars: int | None = None) -> Article | Unreadable:
    """Read one input; never raises: a bad or vanished file becomes an `Unreadable`."""
    article_id = article_id or _stem(source)
    if source == STDIN:
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:  # gone, unreadable, or a dangling/looping symlink
            why = "a symlink to nothing (dangling or looping)" if Path(source).is_symlink() else exc.strerror
            return Unreadable(article_id, source, None, ArticleError(f"cannot read the file ({why})"))
    return article_from_bytes(raw, path=source, article_id=article_id, max_chars=max_chars)


def article_from_bytes(raw: bytes, *, path: str, article_id: str, max_chars: int | None = None) -> Article | Unreadable:
    """An `Article`, or an `Unreadable` saying why not: never raises for bad content."""
    try:
        return parse_article(raw, path=path, article_id=article_id, max_chars=max_chars)
    except ArticleError as error:
        return Unreadable(article_id, path, sha256_of(raw), error)


def sha256_of(raw: bytes) -> str:
    """The one hash of an article's bytes: result lines, the cache key and resume compare it."""
    return hashlib.sha256(raw).hexdigest()


def iter_articles(sources: list[str]) -> Iterator[Article | Unreadable]:
    """Stream the inputs one at a time so memory stays flat in their number."""
    for source, article_id in zip(sources, article_ids(sources), strict=True):
        yield read_one(source, article_id)
