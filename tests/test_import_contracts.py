"""The import contracts in pyproject.toml name every module of the package they are about.

import-linter's forbidden contracts list modules; a module added later would
otherwise be silently outside them (e.g. free to be imported by `schemas`).
This test fails with the list to paste when a module is missing.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from tests.conftest import REPO


def top_level_modules() -> set[str]:
    """Every module and subpackage directly under `extractor`, as installed (schemas and prompts included)."""
    package = REPO / "extractor"
    names = {p.stem for p in package.glob("*.py") if p.stem not in {"__init__", "__main__"}}
    names |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    names |= {name.split(".")[1] for name in config["tool"]["setuptools"]["package-dir"]}
    return {f"extractor.{name}" for name in names}


def contract(name: str) -> dict[str, Any]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    [found] = [c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == name]
    return found


def modules(*names: str) -> set[str]:
    return {f"extractor.{name}" for name in names}


@pytest.mark.parametrize(
    ("name", "key", "all_but"),
    [
        ("schemas and text import nothing else of the package", "forbidden_modules", modules("schemas", "text")),
        (
            "mentions import nothing above them (only text, schemas and the Article)",
            "forbidden_modules",
            modules("mentions", "text", "schemas", "reader", "article", "errors"),
        ),
        ("the library never imports the command line layer", "source_modules", modules("cli", "commands")),
    ],
)
def test_contract_covers_every_module(name: str, key: str, all_but: set[str]) -> None:
    expected = top_level_modules() - all_but
    listed = set(contract(name)[key])
    assert listed == expected, (
        f"pyproject.toml, contract {name!r}: {key} misses {sorted(expected - listed)} "
        f"and names modules that do not exist: {sorted(listed - expected)}"
    )
