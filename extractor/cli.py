"""The `extractor` command: parse arguments, call the library, print. Nothing else."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from extractor.commands import cache, diff, evaluate, export, mentions, merge, report, schema, validate
from extractor.commands import run as run_command
from extractor.errors import UserError

COMMANDS: tuple[ModuleType, ...] = (
    run_command,
    validate,
    schema,
    mentions,
    evaluate,
    diff,
    merge,
    report,
    export,
    cache,
)

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command killed by it


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extractor", description="Extract grounded, validated events from news articles."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.configure(sub.add_parser(command.NAME, help=command.HELP, description=command.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # instructor logs every failed attempt at ERROR; the result lines already say
    # what failed, so its log would only clutter the terminal.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    parser = build_parser()
    args = parser.parse_args(argv)
    command = next(c for c in COMMANDS if args.command == c.NAME)
    try:
        return command.run(args)
    except UserError as error:
        print(f"extractor {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        message = "interrupted; the lines already written are complete: rerun with --resume to finish"
        print(f"extractor: {message}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly. Later writes to stdout (and the
        # interpreter's own flush at exit) go to /dev/null instead of raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"extractor {args.command}: standard output was closed; stopped", file=sys.stderr)
        return EXIT_BROKEN_PIPE
    except OSError as error:
        # A full disk, a vanished folder: the user's environment, said in one line.
        where = f" ({error.filename})" if error.filename else ""
        print(f"extractor {args.command}: error: {error.strerror or error}{where}", file=sys.stderr)
        return 1


def entry_point() -> None:
    sys.exit(main())
