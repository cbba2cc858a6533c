"""Reading and writing result files (JSON Lines, one `ArticleResult` per line)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from extractor.errors import UserError
from schemas import ArticleResult


def result_line(result: ArticleResult) -> str:
    """One compact JSON line; non-ASCII kept readable (Persian quotes stay Persian)."""
    return result.model_dump_json(exclude_none=False) + "\n"


def write_result(stream: IO[str], result: ArticleResult) -> None:
    stream.write(result_line(result))
    # Flushed per line: a crash or Ctrl-C loses nothing already finished.
    stream.flush()


def iter_result_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of the non-blank lines; a missing file is the user's mistake."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such result file; give the JSONL written by 'extractor run -o'")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def parse_result(line: str) -> ArticleResult:
    return ArticleResult.model_validate_json(line)


def read_results(path: str | Path) -> Iterator[ArticleResult]:
    """Yield every result of a file; a malformed line is a user error naming the line."""
    for number, line in iter_result_lines(path):
        try:
            yield parse_result(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise UserError(
                f"{path}:{number}: not a valid result line ({where}: {first['msg']}); "
                f"run 'extractor validate {path}' for details"
            ) from None


def load_json(path: str | Path) -> object:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
