"""`extractor export`: one row per event as CSV or Parquet (chosen by the -o suffix)."""

from __future__ import annotations

import argparse
import sys

from extractor.analysis.export import output_format
from extractor.api import export
from extractor.output import refuse_overlaps, writable_path

NAME = "export"
HELP = "write one flat row per event to a .csv or .parquet file"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", metavar="RESULTS.jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="EVENTS.csv|EVENTS.parquet")


def run(args: argparse.Namespace) -> int:
    output_format(args.output)  # fail on a bad suffix before reading anything
    writable_path(args.output)
    refuse_overlaps({"RESULTS": [args.results]}, {"-o": args.output})
    count = export(args.results, args.output)
    print(f"{count} events -> {args.output}", file=sys.stderr)
    return 0
