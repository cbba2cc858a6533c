"""Analysis of result files: scoring against gold, diffing runs, merging, reports, export.

This module holds the two loaders every analysis needs; the rest live in one
module per job (matching, evaluate, diffing, merging, report, export).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from extractor.results_io import read_results
from extractor.schemas import ArticleResult, Source


def results_by_article(path: str | Path) -> dict[str, ArticleResult]:
    """The results of a file keyed by article id, in file order.

    A file that was resumed or appended to may hold an article twice; the last
    line wins because it is the most recent run of that article.
    """
    results: dict[str, ArticleResult] = {}
    for result in read_results(path):
        results.pop(result.article_id, None)
        results[result.article_id] = result
    return results


@dataclass(frozen=True)
class SourceText:
    """The article text a result refers to, or why it could not be used."""

    text: str | None
    problem: str | None = None


def read_source_text(source: Source) -> SourceText:
    """Read `source.path` (relative paths resolve against the current directory).

    Offsets in a result are only meaningful for the exact bytes that were
    processed, so a sha256 mismatch makes the text unusable rather than wrong.
    """
    path = Path(source.path)
    if source.path == "-" or not path.is_file():
        return SourceText(None, f"article file {source.path} not found")
    raw = path.read_bytes()
    if source.sha256 and hashlib.sha256(raw).hexdigest() != source.sha256:
        return SourceText(None, f"article file {source.path} changed since the run (sha256 differs)")
    try:
        return SourceText(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return SourceText(None, f"article file {source.path} is not UTF-8")
