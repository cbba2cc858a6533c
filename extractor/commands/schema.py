"""`extractor schema`: print the JSON Schema of a result line."""

from __future__ import annotations

import argparse
import sys

from extractor.schemas import result_json_schema_text

NAME = "schema"
HELP = "print the JSON Schema of one result line"


def configure(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(result_json_schema_text())
    return 0
