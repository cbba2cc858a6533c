"""Analysis of result files: scoring against gold, diffing runs, merging, reports, export.

This module holds the two loaders every analysis needs; the rest live in one
module per job (matching, evaluate, diffing, merging, report, export).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import ArticleError
from extractor.reader import STDIN, decode_article, sha256_of
from extractor.results_io import newest_wins, read_results
from extractor.schemas import ArticleResult, Source


def results_by_article(path: str | Path) -> dict[str, ArticleResult]:
    """The results of a file keyed by article id, in file order.

    A file that was resumed or appended to may hold an article twice; the last
    line wins because it is the most recent run of that article.
    """
    return newest_wins((result.article_id, result) for result in read_results(path))


@dataclass(frozen=True)
class SourceText:
    """The article text a result refers to, or why it could not be used."""

    text: str | None
    problem: str | None = None
    missing: bool = False  # no file at that path: nothing to check against (not a bad line)


def default_roots(results: Iterable[ArticleResult]) -> list[str]:
    """Where a run's articles may be read from when the user names no `--articles-root`: the
    folders of the results' sources. A relative path that climbs (`../..`) adds no folder."""
    roots: dict[str, None] = {}
    for result in results:
        path = result.source.path
        if path in (STDIN, "<text>") or _climbs(path):
            continue
        roots[os.path.dirname(os.path.realpath(path))] = None
    return list(roots)


def _climbs(path: str) -> bool:
    return not os.path.isabs(path) and os.path.normpath(path).split(os.sep)[0] == os.pardir


def read_source_text(source: Source, roots: Sequence[str] | None = None) -> SourceText:
    """The text of the article a result refers to, or why it is not shown.

    Only a file under one of `roots` (None: anywhere) whose bytes still hash to the
    result's sha256 is read: a result line cannot make a tool show another file
    (`../../etc/passwd`), and offsets are only meaningful for the exact bytes processed.
    A relative path resolves against the current folder, then against each root.
    """
    if source.path in (STDIN, "<text>"):
        return SourceText(None, "the article was not read from a file")
    if source.sha256 is None:
        return SourceText(None, f"article {source.path} has no sha256 in the result: its text is not shown")
    path = _locate(source.path, roots)
    if path is None:
        return SourceText(None, f"article file {source.path} not found", missing=True)
    if roots is not None and not _under(path, roots):
        return SourceText(None, f"article file {source.path} is outside the article roots: its text is not shown")
    raw = path.read_bytes()
    if sha256_of(raw) != source.sha256:
        return SourceText(None, f"article file {source.path} changed since the run (sha256 differs)")
    try:
        return SourceText(decode_article(raw))
    except ArticleError as error:
        return SourceText(None, f"article file {source.path}: {error}")


def _locate(given: str, roots: Sequence[str] | None) -> Path | None:
    candidates = [Path(given)]
    if roots and not os.path.isabs(given):
        candidates += [Path(root) / given for root in roots]
    for candidate in candidates:
        if candidate.is_file():
            return Path(os.path.realpath(candidate))
    return None


def _under(path: Path, roots: Sequence[str]) -> bool:
    return any(path.is_relative_to(os.path.realpath(root)) for root in roots)
