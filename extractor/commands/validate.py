"""`extractor validate FILE.jsonl`: check a result file against the schemas and the articles."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from extractor.analysis import default_roots, read_source_text
from extractor.results_io import iter_result_lines, parse_result, read_results
from extractor.schemas import ArticleResult, error_lines

NAME = "validate"
HELP = "check a result file against the schemas and its articles; print each bad line and why"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.jsonl")
    parser.add_argument(
        "--articles-root",
        action="append",
        metavar="DIR",
        help="where the articles are (repeatable; default: the folders of the results' sources); "
        "relative source paths are also looked up under it",
    )
    parser.add_argument(
        "--no-text-check",
        action="store_true",
        help="check the schema only, not that evidence offsets slice the articles",
    )


def run(args: argparse.Namespace) -> int:
    roots = args.articles_root if args.articles_root is not None else _roots_of(args.file)
    bad = total = 0
    missing: dict[str, None] = {}
    for number, line in iter_result_lines(args.file):
        total += 1
        problems = line_problems(line, roots, missing, text_check=not args.no_text_check)
        for problem in problems:
            print(f"{args.file}:{number}: {problem}")
        bad += bool(problems)
    print(f"{total} lines, {total - bad} valid, {bad} invalid")
    if missing:
        # Never a silent pass: offsets that could not be checked are not checked offsets.
        print(
            f"{len(missing)} article(s) not found, so their evidence offsets were not checked: "
            f"{', '.join(list(missing)[:10])}{' ...' if len(missing) > 10 else ''}; "
            "give --articles-root DIR, or --no-text-check to check the schema only"
        )
    return 1 if bad or missing else 0


def _roots_of(path: str) -> list[str]:
    try:
        return default_roots(read_results(path))
    except Exception:  # a bad line: the line-by-line pass below says which and why
        return []


def line_problems(
    line: str | None, roots: list[str] | None = None, missing: dict[str, None] | None = None, *, text_check: bool = True
) -> list[str]:
    if line is None:
        return ["not valid UTF-8"]
    try:
        result = parse_result(line)
    except ValidationError as exc:
        return error_lines(exc)
    if not text_check:
        return []
    return offset_problems(result, roots, missing if missing is not None else {})


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
