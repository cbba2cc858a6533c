"""`extractor run PATH...`: extract events from articles into JSON Lines."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from extractor.backends import BackendOptions, backend_names, get_backend
from extractor.errors import UserError
from extractor.model_client import GenerationSettings, ModelClient
from extractor.pipeline import Extractor
from extractor.preflight import check_endpoint
from extractor.progress import Progress
from extractor.prompting import DEFAULT_PROMPT_VERSION, load_prompt
from extractor.reader import expand_paths, iter_articles
from extractor.results_io import write_result
from extractor.runner import BatchStats, run_batch

NAME = "run"
HELP = "extract events from articles (files, folders, or - for stdin) into JSON Lines"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt files, folders of them, or -")
    parser.add_argument("-o", "--output", help="write JSONL here (default: stdout)")
    model = parser.add_argument_group("model")
    model.add_argument(
        "--backend",
        choices=backend_names(),
        help="default: openai when --base-url or OPENAI_BASE_URL is set, else the embedded local model",
    )
    model.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    model.add_argument("--model", help="model name at the endpoint (local: path to a .gguf file)")
    model.add_argument("--mode", help="instructor mode override: tool_call, json_schema, json, md_json")
    model.add_argument("--max-retries", type=_non_negative, default=2, help="re-asks after an invalid answer")
    model.add_argument("--max-tokens", type=_positive, default=2048, help="answer length limit")
    model.add_argument("--temperature", type=float, default=0.0)
    model.add_argument("--timeout", type=float, default=300.0, help="seconds per HTTP request")
    parser.add_argument("--prompt-version", default=DEFAULT_PROMPT_VERSION)
    parser.add_argument(
        "--keep-ungrounded", action="store_true", help="keep events whose quotes are not in the text, marked"
    )
    parser.add_argument("--concurrency", type=_positive, default=4, help="articles in flight at once")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def run(args: argparse.Namespace) -> int:
    sources = expand_paths(args.paths)
    prompt = load_prompt(args.prompt_version)
    backend = get_backend(args.backend or _default_backend(args.base_url))
    options = BackendOptions(base_url=args.base_url, model=args.model, mode=args.mode)
    settings = GenerationSettings(
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        max_reasks=args.max_retries,
        timeout=args.timeout,
    )
    with backend.endpoint(options) as endpoint:
        check_endpoint(endpoint)
        with _output(args.output) as out:
            stats = asyncio.run(_extract_all(sources, endpoint, settings, prompt, args, out))
    if not args.quiet:
        print(_summary_line(stats, args.output), file=sys.stderr)
    return 0 if stats.failed == 0 else 1


async def _extract_all(sources, endpoint, settings, prompt, args, out: TextIO) -> BatchStats:  # noqa: ANN001
    client = ModelClient(endpoint, settings)
    extractor = Extractor(client, prompt, keep_ungrounded=args.keep_ungrounded)
    progress = Progress(len(sources), quiet=args.quiet)
    stats_seen = BatchStats()

    def emit(result) -> None:  # noqa: ANN001
        write_result(out, result)
        stats_seen.add(result)
        progress.update(stats_seen)

    try:
        return await run_batch(iter_articles(sources), extractor.extract, emit, concurrency=args.concurrency)
    finally:
        progress.close()
        await client.aclose()


def _default_backend(base_url: str | None) -> str:
    return "openai" if base_url or os.environ.get("OPENAI_BASE_URL") else "local"


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    target = Path(path)
    if not target.parent.is_dir():
        raise UserError(f"-o {path}: folder {target.parent} does not exist; create it first")
    with target.open("w", encoding="utf-8") as handle:
        yield handle


def _summary_line(stats: BatchStats, output: str | None) -> str:
    where = f" -> {output}" if output else ""
    usage = stats.usage
    return (
        f"{stats.articles} articles: {stats.ok} ok, {stats.failed} failed; {stats.events} events, "
        f"{stats.rejected} rejected; {usage.requests} requests, "
        f"{usage.prompt_tokens}+{usage.completion_tokens} tokens{where}"
    )


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number
