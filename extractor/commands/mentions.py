"""`extractor mentions FILE...`: the money, dates and countries the text itself states."""

from __future__ import annotations

import argparse
import json
import sys

from extractor.mentions import find_mentions
from extractor.reader import Unreadable, expand_paths, iter_articles

NAME = "mentions"
HELP = "print the money, dates and countries found in each article (one JSON line per file)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="FILE", help=".txt files, folders of them, or -")


def run(args: argparse.Namespace) -> int:
    unreadable = 0
    for item in iter_articles(expand_paths(args.paths)):
        if isinstance(item, Unreadable):
            record = {"article_id": item.article_id, "error": {"kind": item.error.kind, "message": str(item.error)}}
            unreadable += 1
        else:
            record = find_mentions(item).to_record()
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if unreadable else 0
