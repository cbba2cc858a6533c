"""`extractor run PATH...`: extract events from articles into JSON Lines."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from extractor.backends import BackendOptions, Endpoint, backend_names, get_backend
from extractor.cache import answer_key, default_cache_path
from extractor.config import RunConfig
from extractor.engines import SkipCheck, engine_names, get_engine
from extractor.errors import UserError
from extractor.model_client import GenerationSettings
from extractor.output import ResumeIndex, compact, open_output, writable_path
from extractor.preflight import check_endpoint
from extractor.progress import Progress
from extractor.prompting import DEFAULT_PROMPT_VERSION, load_prompt
from extractor.reader import expand_paths
from extractor.results_io import write_result
from extractor.schemas import ArticleResult
from extractor.summary import RunStats, load_prices, summary_line

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
    model.add_argument("--mode", help="instructor mode override: tool_call, json_schema, json, md_json")
    model.add_argument("--max-retries", type=_count(0), default=2, help="re-asks after an invalid answer")
    model.add_argument("--max-tokens", type=_count(1), default=2048, help="answer length limit")
    model.add_argument("--temperature", type=float, default=0.0)
    model.add_argument(
        "--timeout", type=float, help="seconds per HTTP request (default: 300; 1800 for the embedded local model)"
    )
    model.add_argument("--rpm", type=_count(1), help="client-side limit: requests per minute")
    model.add_argument("--tpm", type=_count(1), help="client-side limit: tokens per minute")
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
        help="skip articles already ok in the -o file (same prompt and model); retry failed ones",
    )
    batch.add_argument("--no-cache", action="store_true", help="neither read nor write the answer cache")
    batch.add_argument("--cache", metavar="PATH", help=f"answer cache file (default: {default_cache_path()})")
    batch.add_argument("--summary", metavar="FILE", help="also write the run summary as JSON here")
    batch.add_argument("--prices", metavar="FILE", help="price table (JSON, USD per million tokens per model)")
    parser.add_argument("--prompt-version", default=DEFAULT_PROMPT_VERSION)
    parser.add_argument(
        "--keep-ungrounded", action="store_true", help="keep events whose quotes are not in the text, marked"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def run(args: argparse.Namespace) -> int:
    sources = expand_paths(args.paths)
    prompt = load_prompt(args.prompt_version)
    if args.resume and not args.output:
        raise UserError("--resume needs -o FILE: the result file to continue")
    for flag, path in (("-o", args.output), ("--summary", args.summary)):
        if path:
            writable_path(path, flag)
    prices = load_prices(args.prices)
    engine = get_engine(args.engine)
    backend = get_backend(args.backend or _default_backend(args.base_url))
    options = BackendOptions(base_url=args.base_url, model=args.model, mode=args.mode)
    stats = RunStats()
    with backend.endpoint(options) as endpoint:
        check_endpoint(endpoint)
        config = _run_config(args, endpoint, prompt.version)
        progress = Progress(len(sources), quiet=args.quiet)
        skip = _resume_check(args.output, config, prompt.sha256, stats, progress) if args.resume else None
        with open_output(args.output, append=args.resume) as out:

            def emit(result: ArticleResult) -> None:
                write_result(out, result)
                stats.add(result)
                progress.advance(stats)

            try:
                concurrency = args.concurrency or endpoint.concurrency
                engine.run(sources, config, emit, concurrency=concurrency, ordered=args.ordered, skip=skip)
            finally:
                progress.close()
    if args.resume:
        compact(Path(args.output), sources)
    summary = stats.summary(prices)
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        print(summary_line(summary), file=sys.stderr)
    return 0 if stats.failed == 0 else 1


def _run_config(args: argparse.Namespace, endpoint: Endpoint, prompt_version: str) -> RunConfig:
    """The user's flags, with the backend's defaults where the user said nothing."""
    return RunConfig(
        endpoint=endpoint,
        settings=GenerationSettings(
            max_tokens=args.max_tokens,
            temperature=args.temperature,
            max_reasks=args.max_retries,
            timeout=args.timeout or endpoint.timeout,
        ),
        prompt_version=prompt_version,
        keep_ungrounded=args.keep_ungrounded,
        cache_path=None if args.no_cache else str(args.cache or default_cache_path()),
        rpm=args.rpm,
        tpm=args.tpm,
    )


def _resume_check(output: str, config: RunConfig, prompt_sha256: str, stats: RunStats, progress: Progress) -> SkipCheck:
    index = ResumeIndex(Path(output))

    def already_done(source: str, sha256: str) -> bool:
        done = index.is_done(source, answer_key(sha256, prompt_sha256, config.endpoint, config.settings))
        if done:
            stats.skipped += 1
            progress.advance(stats)
        return done

    return already_done


def _default_backend(base_url: str | None) -> str:
    return "openai" if base_url or os.environ.get("OPENAI_BASE_URL") else "rules"


def _count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least `minimum`."""

    def parse(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return number

    return parse
