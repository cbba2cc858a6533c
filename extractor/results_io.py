"""Reading and writing result files (JSON Lines, one `ArticleResult` per line)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from pydantic import ValidationError

from extractor.errors import UserError
from extractor.schemas import ArticleResult, error_lines

K = TypeVar("K")
V = TypeVar("V")


def newest_wins(items: Iterable[tuple[K, V]]) -> dict[K, V]:
    """One value per key, the last one given winning, in the order of those last ones.

    The one rule for a result file that holds an article twice (resumed, appended to,
    interrupted): its later line is the more recent run of that article."""
    latest: dict[K, V] = {}
    for key, value in items:
        latest.pop(key, None)
        latest[key] = value
    return latest


def result_line(result: ArticleResult) -> str:
    """One compact JSON line; non-ASCII kept readable (Persian quotes stay Persian)."""
    return result.model_dump_json(exclude_none=False) + "\n"


def write_result(stream: IO[str], result: ArticleResult) -> None:
    stream.write(result_line(result))
    # Flushed per line: a crash or Ctrl-C loses nothing already finished.
    stream.flush()


def iter_result_lines(path: str | Path) -> Iterator[tuple[int, str | None]]:
    """Yield (line number, text) of the non-blank lines; a missing file is the user's mistake.

    Lines are decoded one by one, so a corrupted line is reported as that line
    (text None) rather than ending the read.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such result file; give the JSONL written by 'extractor run -o'")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
                continue
            if line.strip():
                yield number, line


def parse_result(line: str) -> ArticleResult:
    return ArticleResult.model_validate_json(line)


def read_results(path: str | Path) -> Iterator[ArticleResult]:
    """Yield every result of a file; a malformed line is a user error naming the line."""
    for number, line in iter_result_lines(path):
        if line is None:
            raise UserError(f"{path}:{number}: not valid UTF-8; run 'extractor validate {path}' for details")
        try:
            yield parse_result(line)
        except ValidationError as exc:
            raise UserError(
                f"{path}:{number}: not a valid result line ({error_lines(exc)[0]}); "
                f"run 'extractor validate {path}' for details"
            ) from None
