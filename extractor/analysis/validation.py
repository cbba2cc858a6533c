"""Checking a result file: every line against the schema, and every evidence offset against
the article it came from, when that article can be found (and saying which could not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from extractor.analysis import default_roots, read_source_text
from extractor.results_io import iter_result_lines, parse_result, read_results
from extractor.schemas import ArticleResult, error_lines


@dataclass
class Validation:
    lines: int = 0
    problems: dict[int, list[str]] = field(default_factory=dict)  # line number -> what is wrong
    # Articles with evidence that could not be found: their offsets were not checked.
    missing: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len(self.problems)

    @property
    def ok(self) -> bool:
        """Valid, and nothing left unchecked: a check that could not run is not a pass."""
        return not self.problems and not self.missing


def validate_file(path: str | Path, *, articles_root: list[str] | None = None, text_check: bool = True) -> Validation:
    roots = articles_root if articles_root is not None else _roots_of(path)
    validation = Validation()
    missing: dict[str, None] = {}
    for number, line in iter_result_lines(path):
        validation.lines += 1
        problems = line_problems(line, roots, missing, text_check=text_check)
        if problems:
            validation.problems[number] = problems
    validation.missing = list(missing)
    return validation


def _roots_of(path: str | Path) -> list[str]:
    try:
        return default_roots(read_results(path))
    except Exception:  # a bad line: the line-by-line pass says which and why
        return []


def line_problems(
    line: str | None, roots: list[str] | None, missing: dict[str, None], *, text_check: bool = True
) -> list[str]:
    if line is None:
        return ["not valid UTF-8"]
    try:
        result = parse_result(line)
    except ValidationError as exc:
        return error_lines(exc)
    return offset_problems(result, roots, missing) if text_check else []


def offset_problems(result: ArticleResult, roots: list[str] | None, missing: dict[str, None]) -> list[str]:
    """Evidence offsets must slice the article to the quote. A line with no evidence (a
    failed line: empty, binary or UTF-16 input, a model fault) needs no article."""
    if not any(event.evidence for event in result.events):
        return []
    source = read_source_text(result.source, roots)
    if source.missing:
        missing[result.source.path] = None
        return []
    if source.text is None:
        return [str(source.problem)]
    text = source.text
    problems = []
    for i, event in enumerate(result.events):
        for j, evidence in enumerate(event.evidence):
            if evidence.match == "exact" and text[evidence.start : evidence.end] != evidence.quote:
                problems.append(f"events.{i}.evidence.{j}: text[{evidence.start}:{evidence.end}] is not the quote")
            elif evidence.match is not None and not (
                evidence.start is not None
                and evidence.end is not None
                and 0 <= evidence.start <= evidence.end <= len(text)
            ):
                problems.append(f"events.{i}.evidence.{j}: offsets outside the article")
    return problems
