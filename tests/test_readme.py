"""The README's "Python API" examples run, as written, in a folder holding a copy of seeds/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO


def api_examples() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_has_python_api_examples() -> None:
    assert len(api_examples()) >= 3


def test_the_readme_python_api_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for code in api_examples():
        exec(compile(code, "README.md", "exec"), namespace)  # one namespace, as a reader runs them in order
    out = capsys.readouterr().out
    assert "strategic_dialogue" in out
    assert "input: the file is empty" in out
    assert "000_c22ab6cdf68cea9e ok" in out and "001_8da5f88bb0eafb19 ok" in out
    assert (tmp_path / "results.jsonl").is_file() and (tmp_path / "events.csv").is_file()
    assert str(namespace["html"]).startswith("<!DOCTYPE html>")
