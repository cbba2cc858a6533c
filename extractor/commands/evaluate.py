"""`extractor eval`: precision, recall and F1 of a result file against gold events."""

from __future__ import annotations

import argparse
import json

from extractor.analysis.evaluate import format_text
from extractor.api import evaluate

NAME = "eval"
HELP = "score a result file against gold event files"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", required=True, metavar="DIR", help="folder of <article_id>.json gold files")
    parser.add_argument("results", metavar="RESULTS.jsonl", help="result file written by 'extractor run'")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")


def run(args: argparse.Namespace) -> int:
    evaluation = evaluate(args.results, args.gold)
    if args.json:
        print(json.dumps(evaluation.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_text(evaluation))
    return 0
