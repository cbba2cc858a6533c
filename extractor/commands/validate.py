"""`extractor validate FILE.jsonl`: check a result file against the schemas and the articles."""

from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import ValidationError

from extractor.analysis import read_source_text
from extractor.results_io import iter_result_lines, parse_result
from extractor.schemas import ArticleResult, error_lines

NAME = "validate"
HELP = "check a result file against the schemas; print each bad line and why"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.jsonl")


def run(args: argparse.Namespace) -> int:
    bad = total = 0
    for number, line in iter_result_lines(args.file):
        total += 1
        problems = line_problems(line)
        for problem in problems:
            print(f"{args.file}:{number}: {problem}")
        bad += bool(problems)
    print(f"{total} lines, {total - bad} valid, {bad} invalid")
    return 1 if bad else 0


def line_problems(line: str | None) -> list[str]:
    if line is None:
        return ["not valid UTF-8"]
    try:
        result = parse_result(line)
    except ValidationError as exc:
        return error_lines(exc)
    return offset_problems(result)


def offset_problems(result: ArticleResult) -> list[str]:
    """Evidence offsets must slice the article to the quote, when the article is at hand."""
    if not Path(result.source.path).is_file():
        return []  # nothing to check against
    source = read_source_text(result.source)
    if source.text is None:
        return [str(source.problem)]
    text = source.text
    problems = []
    for i, event in enumerate(result.events):
        for j, evidence in enumerate(event.evidence):
            if evidence.match == "exact" and text[evidence.start : evidence.end] != evidence.quote:
                problems.append(f"events.{i}.evidence.{j}: text[{evidence.start}:{evidence.end}] is not the quote")
            elif evidence.match is not None and not 0 <= evidence.start <= evidence.end <= len(text):
                problems.append(f"events.{i}.evidence.{j}: offsets outside the article")
    return problems
