"""`extractor cache stats|clear`: look at or empty the answer cache."""

from __future__ import annotations

import argparse

from extractor.cache import AnswerCache, default_cache_path

NAME = "cache"
HELP = "show or clear the cache of model answers"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["stats", "clear"])
    parser.add_argument("--cache", metavar="PATH", help=f"cache file (default: {default_cache_path()})")


def run(args: argparse.Namespace) -> int:
    cache = AnswerCache(args.cache or default_cache_path())
    try:
        if args.action == "clear":
            print(f"removed {cache.clear()} cached answers from {cache.path}")
            return 0
        stats = cache.stats()
        if stats.damaged:
            print(f"{stats.path}: damaged ({stats.damaged}); `extractor cache clear` starts a new one")
            return 0
        failures = f", {stats.failures} paid-for failures" if stats.failures else ""
        print(f"{stats.path}: {stats.answers} answers{failures}, {stats.bytes / 1e6:.1f} MB")
        for model, count in stats.models.items():
            print(f"  {model}: {count}")
        return 0
    finally:
        cache.close()
