"""Shared fixtures of the analysis tests: the repo root as working directory, seed results, a CLI runner."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tests.analysis.analysis_helpers import HERE, REPO


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Result files name their articles relative to the repo root, as the CLI is run from there.
    monkeypatch.chdir(REPO)


@pytest.fixture
def seeds_results() -> Path:
    return HERE / "fixtures" / "seeds_results.jsonl"


@pytest.fixture
def gold_dir() -> Path:
    return HERE / "gold"


Runner = Callable[..., tuple[int, str]]


@pytest.fixture
def run_cmd(capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run a command module as the CLI would: parse argv with its parser, return (exit code, stdout)."""

    def run(module: ModuleType, *argv: str) -> tuple[int, str]:
        parser = argparse.ArgumentParser(prog=f"extractor {module.NAME}")
        module.configure(parser)
        capsys.readouterr()
        code = module.run(parser.parse_args([str(a) for a in argv]))
        return code, capsys.readouterr().out

    return run
