"""`extractor export`: one row per event as CSV or Parquet (chosen by the -o suffix)."""

from __future__ import annotations

import argparse
import sys

from extractor.analysis.export import event_rows, output_format, write_table
from extractor.output import writable_path
from extractor.results_io import read_results

NAME = "export"
HELP = "write one flat row per event to a .csv or .parquet file"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", metavar="RESULTS.jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="EVENTS.csv|EVENTS.parquet")


def run(args: argparse.Namespace) -> int:
    output_format(args.output)  # fail on a bad suffix before reading anything
    writable_path(args.output)
    count = write_table(event_rows(read_results(args.results)), args.output)
    print(f"{count} events -> {args.output}", file=sys.stderr)
    return 0
