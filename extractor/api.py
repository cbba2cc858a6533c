"""The public API: one article, a batch, and the tools over results. The CLI calls these.

import extractor
result = extractor.extract("Wang Yi met Ishaq Dar in Beijing ...", base_url=..., model=...)
for result in extractor.extract_batch(["articles/"], output="results.jsonl", resume=True):
    ...
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from extractor.analysis import results_by_article
from extractor.analysis.diffing import DEFAULT_IGNORE, RunDiff, diff_runs
from extractor.analysis.evaluate import Evaluation, load_gold
from extractor.analysis.evaluate import evaluate as _evaluate
from extractor.analysis.export import event_rows, output_format, write_table
from extractor.analysis.merging import DATE_TOLERANCE_DAYS, merge_results
from extractor.analysis.report import render_report
from extractor.analysis.validation import Validation, validate_file
from extractor.article import Article, Unreadable
from extractor.backends import get_backend
from extractor.batch import Batch, PathLike
from extractor.config import open_extractor
from extractor.errors import UserError, error_for_kind, refuse_running_loop
from extractor.options import Options
from extractor.preflight import check_endpoint
from extractor.reader import article_from_bytes, read_one
from extractor.schemas import ArticleResult

Results = PathLike | Iterable[ArticleResult] | Mapping[str, ArticleResult]


def extract(text_or_path: str | os.PathLike[str], *, raise_on_failure: bool = True, **settings: Any) -> ArticleResult:
    """Extract the events of one article: its text (a `str`, always: never read as a file
    name, even when it names one), or its file (a `pathlib.Path` or other `os.PathLike`).
    `settings` are `Options` fields: backend, base_url, model,
    max_tokens, temperature, max_retries, timeout, cache, keep_ungrounded, ...

    A failed article raises the `ExtractorError` subclass of its `error.kind`
    (`ArticleError`, `AnswerInvalid`, `ModelError`, `TransportError`, `RequestRefused`,
    `InternalError`) with the result line as `.result`; `raise_on_failure=False` returns it.
    Inside a running event loop (a notebook), use `aextract`.
    """
    refuse_running_loop("extractor.extract", "await extractor.aextract(...)")
    return asyncio.run(aextract(text_or_path, raise_on_failure=raise_on_failure, **settings))


async def aextract(
    text_or_path: str | os.PathLike[str], *, raise_on_failure: bool = True, **settings: Any
) -> ArticleResult:
    """`extract` on the caller's event loop."""
    options = Options.from_kwargs(settings)
    backend = get_backend(options.backend_name)
    with backend.endpoint(options.backend_options) as endpoint:
        if options.check_endpoint:
            await asyncio.to_thread(check_endpoint, endpoint)
        config = options.run_config(endpoint)
        item = _one_article(text_or_path, options.max_article_chars)
        async with open_extractor(config) as extractor:
            result = await extractor.extract(item)
    if raise_on_failure and result.error is not None:
        raise error_for_kind(result.error.kind, result.error.message, result=result)
    return result


def _one_article(text_or_path: str | os.PathLike[str], max_chars: int) -> Article | Unreadable:
    if isinstance(text_or_path, os.PathLike):
        path = os.fspath(text_or_path)
        if not Path(path).is_file():
            raise UserError(f"{path}: no such file; give an article file or its text as a str")
        return read_one(path, max_chars=max_chars)
    if not isinstance(text_or_path, str):
        raise UserError(f"give the article's text as a str or its file as a Path, not {type(text_or_path).__name__}")
    # A str is the article's text, whatever it says: guessing "a file if one has this name"
    # would read a file whenever a one-line text happened to name one. A file is a Path.
    return article_from_bytes(text_or_path.encode("utf-8"), path="<text>", article_id="text", max_chars=max_chars)


def extract_batch(
    inputs: PathLike | Sequence[PathLike],
    *,
    output: PathLike | None = None,
    resume: bool = False,
    summary: PathLike | None = None,
    prices: PathLike | None = None,
    progress: bool = False,
    **settings: Any,
) -> Batch:
    """Extract many articles (files, folders of `.txt`, or "-" for stdin).

    Returns a `Batch`: iterate it to run, one `ArticleResult` per input, each already
    written to `output` (a JSONL file; None: nothing written). `resume=True` continues
    `output`, skipping articles already ok there. After the run, `.summary` holds the
    statistics (and `summary=` a path writes them as JSON). A failed article is a failed
    line, not an exception; only the caller's mistakes raise `UserError`, at this call,
    before anything is written. `settings` are `Options` fields (concurrency, engine, cache, ...).
    """
    options = Options.from_kwargs(settings)
    return Batch(
        inputs, output=output, resume=resume, summary=summary, prices=prices, options=options, progress=progress
    )


def aextract_batch(
    inputs: PathLike | Sequence[PathLike],
    *,
    output: PathLike | None = None,
    resume: bool = False,
    summary: PathLike | None = None,
    prices: PathLike | None = None,
    progress: bool = False,
    **settings: Any,
) -> AsyncIterator[ArticleResult]:
    """`extract_batch` as an async iterator on the caller's event loop."""
    batch = extract_batch(
        inputs, output=output, resume=resume, summary=summary, prices=prices, progress=progress, **settings
    )
    return batch.aiter()


# -- tools over results ------------------------------------------------------------------


def load_results(results: Results) -> dict[str, ArticleResult]:
    """Results by article id (a file's newest line per article winning)."""
    if isinstance(results, str | os.PathLike):
        return results_by_article(Path(results))
    if isinstance(results, Mapping):
        return dict(results)
    return {result.article_id: result for result in results}


def evaluate(results: Results, gold: PathLike | Mapping[str, list[dict[str, Any]]]) -> Evaluation:
    """Precision, recall and F1 against gold events (a folder of <article_id>.json files)."""
    gold_events = load_gold(Path(gold)) if isinstance(gold, str | os.PathLike) else dict(gold)
    return _evaluate(gold_events, load_results(results))


def diff(old: Results, new: Results, *, ignore: Iterable[str] = (), compare_all: bool = False) -> RunDiff:
    """What changed between two runs, by article and event."""
    ignored = list(ignore) + ([] if compare_all else list(DEFAULT_IGNORE))
    return diff_runs(load_results(old), load_results(new), ignored)


def merge(results: Results, *, date_tolerance: int = DATE_TOLERANCE_DAYS) -> list[dict[str, Any]]:
    """One canonical event per real-world event, across articles and languages."""
    if date_tolerance < 0:
        raise UserError("--date-tolerance must be 0 or more days")
    return merge_results(load_results(results).values(), date_tolerance)


def report(results: Results, *, title: str = "Events", articles_root: Sequence[PathLike] | None = None) -> str:
    """A self-contained HTML page: summary, canonical events, highlighted article texts.

    Article texts are read only from under `articles_root` (default: the folders of the
    results' own sources), and only when their sha256 matches the result."""
    loaded = list(load_results(results).values())
    roots = None if articles_root is None else [os.fspath(root) for root in articles_root]
    return render_report(loaded, merge_results(loaded), title, articles_root=roots)


def validate(path: PathLike, *, articles_root: Sequence[PathLike] | None = None, text_check: bool = True) -> Validation:
    """Check a result file line by line: the schema, and that evidence offsets slice the articles
    (found under `articles_root`, default the folders of the results' sources). `.ok` is False
    when a line is invalid or an article with evidence could not be found."""
    roots = None if articles_root is None else [os.fspath(root) for root in articles_root]
    return validate_file(os.fspath(path), articles_root=roots, text_check=text_check)


def export(results: Results, path: PathLike) -> int:
    """One flat row per event, to a .csv or .parquet file (by suffix); returns the row count."""
    output_format(Path(path))
    return write_table(event_rows(load_results(results).values()), Path(path))
