"""`extractor diff`: what changed between two result files (exit 1 when anything did)."""

from __future__ import annotations

import argparse
import json

from extractor.analysis.diffing import DEFAULT_IGNORE, format_text
from extractor.api import diff as diff_results

NAME = "diff"
HELP = "compare two result files by article and event (exit 1 when they differ)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD.jsonl")
    parser.add_argument("new", metavar="NEW.jsonl")
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="FIELD",
        help="dotted field not to compare, e.g. summary_en, evidence.start, model (repeatable); "
        f"{', '.join(DEFAULT_IGNORE)} are always ignored unless --compare-all",
    )
    parser.add_argument(
        "--compare-all",
        action="store_true",
        help=f"also compare {', '.join(DEFAULT_IGNORE)}, which change on every run",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    diff = diff_results(args.old, args.new, ignore=args.ignore, compare_all=args.compare_all)
    if args.json:
        print(json.dumps(diff.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_text(diff))
    return 1 if diff.has_changes else 0
