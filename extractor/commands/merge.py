"""`extractor merge`: canonical events across articles, one JSON line each."""

from __future__ import annotations

import argparse
import json
import sys

from extractor.analysis.merging import DATE_TOLERANCE_DAYS
from extractor.api import merge
from extractor.output import refuse_overlaps, writable_path, write_text_beside

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
    refuse_overlaps({"RESULTS": [args.results]}, {"-o": args.output})
    events = merge(args.results, date_tolerance=args.date_tolerance)
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    if args.output == "-":
        sys.stdout.write(lines)
    else:
        write_text_beside(writable_path(args.output), lines)
        sources = sum(len(e["sources"]) for e in events)
        print(f"{sources} events merged into {len(events)} canonical events -> {args.output}", file=sys.stderr)
    return 0
