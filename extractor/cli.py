"""The `extractor` command: parse arguments, call the library, print. Nothing else."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from extractor.errors import UserError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command killed by it


def load_commands() -> tuple[ModuleType, ...]:
    """The commands, imported only when the CLI runs: importing them loads the schemas and
    with them every installed event-type plugin, and a broken plugin must be one line
    from `main`, not a traceback from `import extractor.cli`."""
    from extractor.commands import cache, diff, evaluate, export, mentions, merge, report, schema, validate
    from extractor.commands import run as run_command

    return (run_command, validate, schema, mentions, evaluate, diff, merge, report, export, cache)


def _plugin_error(error: BaseException) -> bool:
    # The plugins module cannot be imported here to name its PluginError: importing it runs
    # `extractor.schemas`, which loads the plugins. When loading failed, it is already in
    # sys.modules (it finished; the schemas importing it did not).
    plugins = sys.modules.get("extractor.schemas.plugins")
    return plugins is not None and isinstance(error, plugins.PluginError)


def build_parser(commands: Sequence[ModuleType] | None = None) -> argparse.ArgumentParser:
    commands = commands if commands is not None else load_commands()
    parser = argparse.ArgumentParser(
        prog="extractor", description="Extract grounded, validated events from news articles."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in commands:
        command.configure(sub.add_parser(command.NAME, help=command.HELP, description=command.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # instructor logs every failed attempt at ERROR; the result lines already say
    # what failed, so its log would only clutter the terminal.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    try:
        commands = load_commands()
    except Exception as error:
        if not _plugin_error(error):
            raise
        print(f"extractor: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    command = next(c for c in commands if args.command == c.NAME)
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
