"""Sub-commands of the `extractor` CLI, one module each.

A command module defines `NAME`, `HELP`, `configure(parser)` and
`run(args) -> int` (the exit code). The CLI lists them in `cli.load_commands`.
"""
