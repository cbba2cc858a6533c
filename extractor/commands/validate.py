"""`extractor validate FILE.jsonl`: check a result file against the schemas and the articles."""

from __future__ import annotations

import argparse

from extractor.api import validate

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
    parser.add_argument("--no-text-check", action="store_true", help="check the schema only, not the evidence offsets")


def run(args: argparse.Namespace) -> int:
    result = validate(args.file, articles_root=args.articles_root, text_check=not args.no_text_check)
    for number, problems in result.problems.items():
        for problem in problems:
            print(f"{args.file}:{number}: {problem}")
    print(f"{result.lines} lines, {result.lines - result.invalid} valid, {result.invalid} invalid")
    if result.missing:
        shown = ", ".join(result.missing[:10]) + (" ..." if len(result.missing) > 10 else "")
        print(
            f"{len(result.missing)} article(s) not found, so their evidence offsets were not checked: {shown}; "
            "give --articles-root DIR, or --no-text-check to check the schema only"
        )
    return 0 if result.ok else 1
