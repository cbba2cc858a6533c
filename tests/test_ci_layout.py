"""`.ci/installed_layout.py`: static checkers see the package as it installs, and report the repository's paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PROBE = (
    "import extractor.schemas, extractor.prompting, os, sys; "
    # A checker's message names the file relative to where it runs: the tree.
    "print(os.path.relpath(extractor.schemas.__file__)); "
    "print(os.path.relpath(extractor.prompting.__file__)); "
    "print('extractor/schemas/events.py:1: error: x', file=sys.stderr); sys.exit(3)"
)


def test_checkers_run_over_the_installed_layout_and_report_repository_paths(tmp_path: Path) -> None:
    env = {**os.environ, "EXTRACTOR_LAYOUT_DIR": str(tmp_path / "layout")}
    process = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "installed_layout.py"), "--", sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # schemas/ is found as extractor.schemas inside the tree (not through the editable install's hook),
    # and every path is given back as the repository's own; the checker's exit status is kept.
    assert process.stdout.splitlines() == ["schemas/__init__.py", "extractor/prompting.py"]
    assert process.stderr == "schemas/events.py:1: error: x\n"
    assert process.returncode == 3
    assert (tmp_path / "layout" / "extractor" / "schemas" / "events.py").is_file()
