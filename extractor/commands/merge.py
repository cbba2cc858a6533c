"""`extractor merge`: canonical events across articles, one JSON line each."""

from __future__ import annotations

import argparse
import json
import sys

from extractor.analysis import results_by_article
from extractor.analysis.merging import DATE_TOLERANCE_DAYS, merge_results
from extractor.errors import UserError
from extractor.output import writable_path

NAME = "merge"
HELP = "merge the events of all articles into canonical events (JSON Lines)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", metavar="RESULTS.jsonl")
    parser.add_argument("-o", "--output", default="-", metavar="EVENTS.jsonl", help="output file; '-' for stdout")
    parser.add_argument(
        "--date-tolerance",
        type=int,
        default=DATE_TOLERANCE_DAYS,
        metavar="DAYS",
        help=f"largest date gap between merged events (default {DATE_TOLERANCE_DAYS})",
    )


def run(args: argparse.Namespace) -> int:
    if args.date_tolerance < 0:
        raise UserError("--date-tolerance must be 0 or more days")
    events = merge_results(results_by_article(args.results).values(), args.date_tolerance)
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    if args.output == "-":
        sys.stdout.write(lines)
    else:
        with writable_path(args.output).open("w", encoding="utf-8") as handle:
            handle.write(lines)
        sources = sum(len(e["sources"]) for e in events)
        print(f"{sources} events merged into {len(events)} canonical events -> {args.output}", file=sys.stderr)
    return 0
