"""Run a checker over the package laid out as it installs: `python .ci/installed_layout.py -- mypy -p extractor`.

`schemas/` and `prompts/` sit at the top of the repository but install as
`extractor.schemas` and `extractor.prompts` (pyproject.toml's package-dir).
The editable install maps them with an import hook, which static tools (mypy,
import-linter's graph builder) do not run, so they would never see those two
packages. This script copies the listed packages into `build/layout/` in their
installed places, runs the command there with that tree first on the path, and
rewrites the tree's paths in its output back to the repository's files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Overridable so a test can lay the tree out elsewhere.
TREE = Path(os.environ.get("EXTRACTOR_LAYOUT_DIR") or REPO / "build" / "layout")
COPIED = ("*.py", "*.pyi", "py.typed")


def source_dirs() -> dict[str, Path]:
    """Installed package name -> its folder in the repository, as setuptools reads pyproject.toml."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapped = config.get("package-dir", {})
    return {name: REPO / mapped.get(name, name.replace(".", "/")) for name in config["packages"]}


def lay_out() -> dict[str, str]:
    """Copy every package's modules into TREE; returns tree-relative folder -> repository-relative folder."""
    packages = source_dirs()
    for top in {name.split(".")[0] for name in packages}:
        shutil.rmtree(TREE / top, ignore_errors=True)  # a module deleted in the repository must go too
    back = {}
    for name, source in packages.items():
        target = TREE / name.replace(".", "/")
        target.mkdir(parents=True, exist_ok=True)
        for pattern in COPIED:
            for path in source.glob(pattern):
                shutil.copy2(path, target / path.name)  # keeps mtimes, so mypy's cache stays valid
        back[f"{name.replace('.', '/')}/"] = f"{source.relative_to(REPO).as_posix()}/"
    return back


def main(command: list[str]) -> int:
    back = lay_out()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TREE), os.environ.get("PYTHONPATH")]))}
    process = subprocess.run(command, cwd=TREE, env=env, capture_output=True, text=True)
    # Longest first: extractor/schemas/ must become schemas/, not stay extractor/schemas/.
    prefixes = sorted(back.items(), key=lambda item: -len(item[0]))
    for stream, text in ((sys.stdout, process.stdout), (sys.stderr, process.stderr)):
        for line in text.splitlines(keepends=True):
            line = line.replace(f"{TREE}{os.sep}", "")
            for tree_dir, repo_dir in prefixes:
                if line.startswith(tree_dir):
                    line = repo_dir + line[len(tree_dir) :]
                    break
            stream.write(line)
    return process.returncode


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[1:] if args[:1] == ["--"] else args))
