"""`extractor report`: one self-contained HTML file to read a run's results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractor.analysis import results_by_article
from extractor.analysis.merging import merge_results
from extractor.analysis.report import render_report
from extractor.errors import UserError
from extractor.output import writable_path

NAME = "report"
HELP = "write a self-contained HTML report: summary, canonical events, highlighted articles"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", metavar="RESULTS.jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="REPORT.html")
    parser.add_argument("--title", help="heading of the report (default: the result file's name)")


def run(args: argparse.Namespace) -> int:
    output = writable_path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"-o {args.output}: the report is HTML; name the file .html")
    results = list(results_by_article(args.results).values())
    canonical = merge_results(results)
    title = args.title or f"Events in {Path(args.results).name}"
    output.write_text(render_report(results, canonical, title), encoding="utf-8")
    print(f"{len(results)} articles, {len(canonical)} canonical events -> {output}", file=sys.stderr)
    return 0
