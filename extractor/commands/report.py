"""`extractor report`: one self-contained HTML file to read a run's results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractor.api import report
from extractor.errors import UserError
from extractor.output import refuse_overlaps, writable_path, write_text_beside

NAME = "report"
HELP = "write a self-contained HTML report: summary, canonical events, highlighted articles"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", metavar="RESULTS.jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="REPORT.html")
    parser.add_argument("--title", help="heading of the report (default: the result file's name)")
    parser.add_argument(
        "--articles-root",
        action="append",
        metavar="DIR",
        help="read article texts only from under DIR (repeatable; default: the folders of the results' sources)",
    )


def run(args: argparse.Namespace) -> int:
    output = writable_path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"-o {args.output}: the report is HTML; name the file .html")
    refuse_overlaps({"RESULTS": [args.results]}, {"-o": args.output})
    title = args.title or f"Events in {Path(args.results).name}"
    write_text_beside(output, report(args.results, title=title, articles_root=args.articles_root))
    print(f"report of {args.results} -> {output}", file=sys.stderr)
    return 0
