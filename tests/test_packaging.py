"""What `pip install .` puts into site-packages: the project's own namespace and nothing else."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _configured() -> tuple[list[str], dict[str, str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return config["packages"], config.get("package-dir", {})


def _folder(package: str, package_dir: dict[str, str]) -> Path:
    for prefix in sorted(package_dir, key=len, reverse=True):
        if package == prefix or package.startswith(prefix + "."):
            rest = package[len(prefix) :].lstrip(".").replace(".", "/")
            return ROOT / package_dir[prefix] / rest
    return ROOT / package.replace(".", "/")


def test_every_package_folder_is_listed_for_installation() -> None:
    packages, package_dir = _configured()
    listed = {_folder(p, package_dir).resolve() for p in packages}
    on_disk = {
        init.parent.resolve()
        for top in ("extractor", "schemas", "prompts")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert sorted(map(str, on_disk - listed)) == []
    assert all(folder.is_dir() for folder in listed)


def test_no_generic_top_level_package_is_installed() -> None:
    packages, _ = _configured()
    assert {p.split(".")[0] for p in packages} == {"extractor"}
